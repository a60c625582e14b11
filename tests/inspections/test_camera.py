"""拍照上传: the finding's answer, the finding form and the self-check's signed scan offer the phone's
camera as a field of their own (accept="image/*" capture="environment", as on the evidence upload);
a photo posted through it goes through the same server-side checks as a chosen file."""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from inspections import findings as fs
from inspections.models import Finding, FindingFile

from .conftest import upload

pytestmark = pytest.mark.django_db


def jpeg(name: str = "IMG_20250601_101530.jpg"):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 120, 30)).save(buffer, format="JPEG")
    return upload(name, buffer.getvalue(), content_type="image/jpeg")


def camera_field(html: str, name: str) -> str:
    """The <input> named ``name``: it must be a camera field."""
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, f"no field {name}"
    field = match.group(0)
    assert 'type="file"' in field and 'accept="image/*"' in field and 'capture="environment"' in field
    return field


def errors(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


@pytest.fixture
def finding(evaluation_x, evaluator_a):
    return fs.finding_create(
        evaluation=evaluation_x,
        user=evaluator_a,
        title="档案室消防通道堆放杂物",
        severity="general",
        deadline=timezone.localdate() + timedelta(days=7),
    )


def test_the_answer_form_offers_the_camera_and_takes_a_photo(client, finding, liaison_x):
    client.force_login(liaison_x)
    url = reverse("inspections:finding", args=[finding.pk])
    html = client.get(url).content.decode()
    form = html[html.index('id="answer-form"') : html.index("</form>", html.index('id="answer-form"'))]
    camera_field(form, "photos")
    assert 'name="files"' in form  # the documents field stays
    response = client.post(
        reverse("inspections:finding-answer", args=[finding.pk]),
        {"text": "杂物已清理，通道畅通", "action": "submit", "photos": jpeg()},
    )
    assert errors(response) == [] and response.status_code == 302
    finding.refresh_from_db()
    photo = finding.files.get(purpose=FindingFile.Purpose.RECTIFICATION)
    assert finding.status == Finding.Status.RECHECK
    assert (photo.original_name, photo.content_type) == ("IMG_20250601_101530.jpg", "image/jpeg")


def test_a_bad_photo_through_the_camera_is_refused_and_changes_nothing(client, finding, liaison_x):
    client.force_login(liaison_x)
    response = client.post(
        reverse("inspections:finding-answer", args=[finding.pk]),
        {"text": "已整改", "action": "submit", "photos": upload("照片.png", b"GIF89a not really")},
    )
    assert any("内容与扩展名不符" in e for e in errors(response))
    finding.refresh_from_db()
    assert finding.status == Finding.Status.PENDING and not finding.files.exists()


def test_the_finding_form_offers_the_camera_and_takes_a_photo(client, evaluation_x, evaluator_a):
    client.force_login(evaluator_a)
    html = client.get(reverse("inspections:evaluation", args=[evaluation_x.pk])).content.decode()
    form = html[html.index('id="finding-form"') : html.index("</form>", html.index('id="finding-form"'))]
    camera_field(form, "photos")
    client.post(
        reverse("inspections:finding-create", args=[evaluation_x.pk]),
        {
            "title": "台账缺页",
            "severity": "general",
            "deadline": (timezone.localdate() + timedelta(days=5)).isoformat(),
            "photos": upload(),
        },
    )
    assert Finding.objects.get().files.get().purpose == FindingFile.Purpose.FINDING


def test_the_signed_scan_can_be_photographed(client, selfcheck_x, liaison_x):
    client.force_login(liaison_x)
    page = reverse("inspections:selfcheck", args=[selfcheck_x.pk])
    html = client.get(page).content.decode()
    form = html[html.index('id="scan-form"') : html.index("</form>", html.index('id="scan-form"'))]
    camera_field(form, "photo")
    scan = reverse("inspections:selfcheck-scan", args=[selfcheck_x.pk])
    response = client.post(scan, {"photo": upload("签字页.png", b"GIF89a not really")})
    assert any("内容与扩展名不符" in e for e in errors(response))
    selfcheck_x.refresh_from_db()
    assert not selfcheck_x.scan_name
    client.get(page)  # the message shown
    response = client.post(scan, {"photo": upload("签字页.png"), "file": upload("另一份.png")})
    assert errors(response) == ["签字扫描件只能提交一个：请只选择文件或只拍照。"]
    client.get(page)
    response = client.post(scan, {"photo": upload("签字页.png")})
    assert errors(response) == []
    selfcheck_x.refresh_from_db()
    assert (selfcheck_x.scan_original, selfcheck_x.scan_content_type) == ("签字页.png", "image/png")
