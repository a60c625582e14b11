"""Downloads only through the permission-checked views, with the Chinese name; sendfile headers when configured."""

import logging
from urllib.parse import quote

import pytest
from django.urls import reverse

from evidence.services import evidence_create, evidence_file_add
from tests.evidence.evidence_helpers import PDF_BYTES, PNG_BYTES, docx_bytes, pdf_file

pytestmark = pytest.mark.django_db


def download_url(zone, file, inline=False):
    return reverse("evidence:file-inline" if inline else "evidence:file-download", args=[zone.pk, file.pk])


@pytest.fixture
def file_x(evidence_x):
    return evidence_x.files.get()


@pytest.mark.parametrize("persona", ["liaison_x", "office_a", "evaluator_a", "reviewer_fujian"])
def test_who_may_see_the_evidence_downloads_it_with_its_chinese_name(client, request, persona, zone_a, file_x, caplog):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    with caplog.at_level(logging.INFO, "evidence.downloads"):
        response = client.get(download_url(zone_a, file_x))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('会议纪要.pdf')}" in disposition
    assert f'filename="evidence-{file_x.evidence_id}-v1.pdf"' in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    logged = [r.getMessage() for r in caplog.records if r.name == "evidence.downloads"]
    assert len(logged) == 1 and f"user={user.pk}" in logged[0] and f"file={file_x.pk}" in logged[0]


@pytest.mark.parametrize("persona", ["office_b", "reviewer_zhejiang", "outsider", "liaison_y"])
def test_others_get_404(client, request, persona, zone_a, file_x):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(download_url(zone_a, file_x)).status_code == 404
    assert client.get(download_url(zone_a, file_x, inline=True)).status_code == 404


def test_a_file_of_another_zone_is_404_even_through_ones_own_zone(client, office_b, zone_b, file_x):
    client.force_login(office_b)
    assert client.get(reverse("evidence:file-download", args=[zone_b.pk, file_x.pk])).status_code == 404


def test_anonymous_users_are_sent_to_login(client, zone_a, file_x):
    response = client.get(download_url(zone_a, file_x))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_inline_preview_of_a_pdf(client, office_a, zone_a, file_x):
    client.force_login(office_a)
    response = client.get(download_url(zone_a, file_x, inline=True))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # the detail page frames it


def test_inline_preview_of_an_image(client, office_a, liaison_x, zone_a, unit_x, item_12, responsible_x):
    from django.core.files.uploadedfile import SimpleUploadedFile

    evidence = evidence_create(
        zone=zone_a, indicator=item_12, unit=unit_x, user=liaison_x, file=SimpleUploadedFile("现场.png", PNG_BYTES)
    )
    client.force_login(office_a)
    response = client.get(download_url(zone_a, evidence.files.get(), inline=True))
    assert response["Content-Type"] == "image/png" and response["Content-Disposition"].startswith("inline;")


def test_other_types_are_never_served_inline(client, office_a, liaison_x, zone_a, unit_x, item_12, responsible_x):
    from django.core.files.uploadedfile import SimpleUploadedFile

    evidence = evidence_create(
        zone=zone_a, indicator=item_12, unit=unit_x, user=liaison_x, file=SimpleUploadedFile("方案.docx", docx_bytes())
    )
    client.force_login(office_a)
    response = client.get(download_url(zone_a, evidence.files.get(), inline=True))
    assert response["Content-Disposition"].startswith("attachment;")


def test_x_accel_redirect_when_configured(client, office_a, zone_a, file_x, settings):
    settings.SENDFILE_HEADER = "X-Accel-Redirect"
    settings.SENDFILE_URL_PREFIX = "/protected-media/"
    client.force_login(office_a)
    response = client.get(download_url(zone_a, file_x))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{file_x.stored_name}"
    assert response.content == b""
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"


def test_x_sendfile_when_configured(client, office_a, zone_a, file_x, settings, media_root):
    settings.SENDFILE_HEADER = "X-Sendfile"
    client.force_login(office_a)
    response = client.get(download_url(zone_a, file_x))
    assert response["X-Sendfile"] == str((media_root / file_x.stored_name).resolve())
    assert response.content == b""


def test_every_version_stays_downloadable(client, liaison_x, zone_a, evidence_x):
    v2 = evidence_file_add(evidence=evidence_x, user=liaison_x, file=pdf_file("第二版.pdf", PDF_BYTES + b"v2"))
    client.force_login(liaison_x)
    v1 = evidence_x.files.get(version=1)
    assert b"".join(client.get(download_url(zone_a, v1)).streaming_content) == PDF_BYTES
    assert b"".join(client.get(download_url(zone_a, v2)).streaming_content) == PDF_BYTES + b"v2"


def test_a_missing_file_on_disk_is_404_not_500(client, office_a, zone_a, file_x, media_root):
    (media_root / file_x.stored_name).unlink()
    client.force_login(office_a)
    assert client.get(download_url(zone_a, file_x)).status_code == 404
