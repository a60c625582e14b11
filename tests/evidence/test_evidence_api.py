"""The evidence API: same checks as the pages, one JSON error shape, in the OpenAPI schema."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from evidence.models import Evidence, EvidenceFile
from evidence.services import evidence_submit
from tests.evidence.evidence_helpers import PDF_BYTES, files_under, pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def upload(api, zone, indicator, file, **fields):
    return api.post(
        reverse("api-evidence-upload", args=[zone.pk]),
        {"indicator": indicator.pk, "file": file, **fields},
        format="multipart",
    )


def test_a_liaison_uploads_lists_and_submits(api, liaison_x, zone_a, item_12, responsible_x):
    api.force_authenticate(liaison_x)
    response = upload(api, zone_a, item_12, pdf_file(), title="联席会议纪要")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["evidence"]["status"] == "draft" and body["evidence"]["indicator_code"] == "12"
    assert body["file"]["version"] == 1 and body["file"]["content_type"] == "application/pdf"
    assert body["warning"] == ""
    evidence_id = body["evidence"]["id"]

    listing = api.get(reverse("api-evidence-list", args=[zone_a.pk])).json()
    assert listing["count"] == 1 and listing["next"] is None
    assert [row["id"] for row in listing["results"]] == [evidence_id] and listing["results"][0]["latest_version"] == 1

    version = api.post(
        reverse("api-evidence-version", args=[zone_a.pk, evidence_id]),
        {"file": pdf_file("v2.pdf", PDF_BYTES + b"2")},
        format="multipart",
    )
    assert version.status_code == 201 and version.json()["file"]["version"] == 2

    submitted = api.post(reverse("api-evidence-submit", args=[zone_a.pk, evidence_id]))
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"


def test_hostile_uploads_get_the_json_error_shape(api, liaison_x, zone_a, item_12, responsible_x, media_root):
    api.force_authenticate(liaison_x)
    response = upload(api, zone_a, item_12, SimpleUploadedFile("通知.pdf", b"<html></html>"))
    assert response.status_code == 400
    assert "文件内容与扩展名不符" in str(response.json())
    assert not Evidence.objects.exists() and files_under(media_root) == []


def test_an_oversized_upload_is_413(api, liaison_x, zone_a, item_12, responsible_x, media_root, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 100
    api.force_authenticate(liaison_x)
    response = upload(api, zone_a, item_12, pdf_file("大.pdf", PDF_BYTES * 10))
    assert response.status_code == 413 and "上传上限" in response.json()["message"]
    assert files_under(media_root) == []


def test_another_units_liaison_gets_403_and_an_evaluator_too(
    api, liaison_y, evaluator_a, zone_a, item_12, responsible_x
):
    for user in (liaison_y, evaluator_a):
        api.force_authenticate(user)
        response = upload(api, zone_a, item_12, pdf_file())
        assert response.status_code == 403
    assert not Evidence.objects.exists()


def test_another_zone_gets_404(api, office_b, liaison_x, zone_a, evidence_x):
    api.force_authenticate(office_b)
    assert api.get(reverse("api-evidence-list", args=[zone_a.pk])).status_code == 404
    file = evidence_x.files.get()
    assert api.get(reverse("api-evidence-file-download", args=[zone_a.pk, file.pk])).status_code == 404


def test_the_office_reviews(api, office_a, liaison_x, zone_a, evidence_x):
    evidence_submit(evidence=evidence_x, user=liaison_x)
    api.force_authenticate(office_a)
    url = reverse("api-evidence-review", args=[zone_a.pk, evidence_x.pk])
    refused = api.post(url, {"decision": "return", "reason": ""}, format="json")
    assert refused.status_code == 400 and "必须填写退回原因" in str(refused.json())
    returned = api.post(url, {"decision": "return", "reason": "缺少附件"}, format="json")
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert returned.json()["return_reason"] == "缺少附件"


def test_a_liaison_cannot_review(api, liaison_x, zone_a, evidence_x):
    evidence_submit(evidence=evidence_x, user=liaison_x)
    response = api.post(
        reverse("api-evidence-review", args=[zone_a.pk, evidence_x.pk]), {"decision": "accept"}, format="json"
    )
    assert response.status_code == 403


def test_download_through_the_api(api, evaluator_a, zone_a, evidence_x):
    api.force_authenticate(evaluator_a)
    file = evidence_x.files.get()
    response = api.get(reverse("api-evidence-file-download", args=[zone_a.pk, file.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert "filename*=UTF-8''" in response["Content-Disposition"]


def test_the_operations_are_in_the_schema(client, office_a):
    client.force_login(office_a)
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    paths = schema["paths"]
    assert "/api/evidence/{zone_id}/" in paths
    assert "multipart/form-data" in paths["/api/evidence/{zone_id}/upload/"]["post"]["requestBody"]["content"]
    assert "post" in paths["/api/evidence/{zone_id}/{evidence_id}/review/"]
    assert "/api/evidence/{zone_id}/files/{file_id}/download/" in paths
    assert EvidenceFile.objects.count() == 0
