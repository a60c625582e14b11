"""Uploads: checked by content, size and container; hostile input changes nothing (no row, no file)."""

import gc
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence.models import Evidence, EvidenceEvent, EvidenceFile
from evidence.services import evidence_create, evidence_file_add
from tests.evidence.evidence_helpers import PDF_BYTES, PNG_BYTES, docx_bytes, files_under, pdf_file, post_upload

pytestmark = pytest.mark.django_db


def assert_nothing_stored(media_root: Path) -> None:
    assert not Evidence.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert files_under(media_root) == []


# --- the happy path -----------------------------------------------------------------------------


def test_a_liaison_uploads_a_pdf_for_an_indicator_of_their_unit(client, liaison_x, zone_a, item_12, responsible_x):
    client.force_login(liaison_x)
    item = item_12.scoring_items.get(code="12.2")
    response = post_upload(
        client, zone_a, item_12, pdf_file("联席会议纪要.pdf"), scoring_item=item.pk, effective_date="2024-03-01"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["ok"] and body["version"] == 1 and body["warning"] == ""
    evidence = Evidence.objects.get(pk=body["evidence_id"])
    assert (evidence.zone, evidence.indicator, evidence.unit) == (zone_a, item_12, responsible_x.unit)
    assert evidence.scoring_item == item and str(evidence.effective_date) == "2024-03-01"
    assert evidence.title == "联席会议纪要" and evidence.status == "draft"
    file = evidence.files.get()
    assert file.original_name == "联席会议纪要.pdf" and file.content_type == "application/pdf"
    assert file.size == len(PDF_BYTES) and file.uploaded_by == liaison_x
    import hashlib

    assert file.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert re.fullmatch(rf"evidence/{zone_a.pk}/[0-9a-f]{{32}}\.pdf", file.stored_name)
    assert (Path(django_settings.MEDIA_ROOT) / file.stored_name).read_bytes() == PDF_BYTES
    assert list(EvidenceEvent.objects.values_list("from_status", "to_status")) == [("", "draft")]


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("照片.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 40, "image/jpeg"),
        ("截图.png", PNG_BYTES, "image/png"),
        ("方案.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("旧文件.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "application/msword"),
    ],
)
def test_every_accepted_type_is_stored_with_its_verified_content_type(
    client, liaison_x, zone_a, item_12, responsible_x, name, content, content_type
):
    client.force_login(liaison_x)
    response = post_upload(client, zone_a, item_12, SimpleUploadedFile(name, content, "application/octet-stream"))
    assert response.status_code == 201, response.content
    assert EvidenceFile.objects.get().content_type == content_type


# --- hostile input ------------------------------------------------------------------------------


def test_html_renamed_pdf_is_refused(client, liaison_x, zone_a, item_12, responsible_x, media_root):
    client.force_login(liaison_x)
    html = SimpleUploadedFile("通知.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    response = post_upload(client, zone_a, item_12, html)
    assert response.status_code == 400
    assert response.json()["error"].startswith("文件内容与扩展名不符")
    assert_nothing_stored(media_root)


def test_a_png_named_pdf_is_refused_naming_what_it_is(client, liaison_x, zone_a, item_12, responsible_x, media_root):
    client.force_login(liaison_x)
    response = post_upload(client, zone_a, item_12, SimpleUploadedFile("扫描件.pdf", PNG_BYTES))
    assert response.status_code == 400
    assert "文件内容与扩展名不符" in response.json()["error"] and "PNG" in response.json()["error"]
    assert_nothing_stored(media_root)


def test_an_unsupported_extension_is_refused(client, liaison_x, zone_a, item_12, responsible_x, media_root):
    client.force_login(liaison_x)
    response = post_upload(client, zone_a, item_12, SimpleUploadedFile("run.exe", b"MZ\x90\x00"))
    assert response.status_code == 400 and "不支持的文件类型" in response.json()["error"]
    assert_nothing_stored(media_root)


def test_an_oversized_file_is_refused_and_never_fully_written(
    client, liaison_x, zone_a, item_12, responsible_x, media_root, settings, upload_temp_dir
):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    client.force_login(liaison_x)
    response = post_upload(client, zone_a, item_12, pdf_file("大文件.pdf", PDF_BYTES + b"0" * 5000))
    assert response.status_code == 413
    assert response.json()["error"] == "文件“大文件.pdf”超过 1 KB 的上传上限，已拒绝。"
    assert_nothing_stored(media_root)
    gc.collect()
    assert files_under(upload_temp_dir) == []  # the streamed temporary file is gone too


def test_the_service_refuses_an_oversized_file_too(zone_a, unit_x, item_12, liaison_x, settings, media_root):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    big = pdf_file("大.pdf", PDF_BYTES + b"0" * 100)
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 50
    with pytest.raises(ValidationError, match="超过"):
        evidence_create(zone=zone_a, indicator=item_12, unit=unit_x, user=liaison_x, file=big)
    assert_nothing_stored(media_root)


def test_a_zip_bomb_inside_a_docx_is_refused(client, liaison_x, zone_a, item_12, responsible_x, media_root, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024 * 1024  # unpacked limit: ten times that
    bomb = docx_bytes({"word/media/zeros.bin": b"\0" * 30_000_000})
    assert len(bomb) < 100_000
    client.force_login(liaison_x)
    response = post_upload(client, zone_a, item_12, SimpleUploadedFile("方案.docx", bomb))
    assert response.status_code == 400
    assert "解压后超过 10 MB" in response.json()["error"]
    assert_nothing_stored(media_root)


def test_an_empty_file_is_refused(client, liaison_x, zone_a, item_12, responsible_x, media_root):
    client.force_login(liaison_x)
    response = post_upload(client, zone_a, item_12, SimpleUploadedFile("空.pdf", b""))
    assert response.status_code == 400 and "空文件" in response.json()["error"]
    assert_nothing_stored(media_root)


def test_a_path_traversal_name_is_stored_under_a_server_name(
    zone_a, unit_x, item_12, liaison_x, responsible_x, media_root, tmp_path
):
    evidence = evidence_create(
        zone=zone_a, indicator=item_12, unit=unit_x, user=liaison_x, file=pdf_file("../../etc/passwd.pdf")
    )
    file = evidence.files.get()
    assert file.original_name == "passwd.pdf" and evidence.title == "passwd"
    assert re.fullmatch(rf"evidence/{zone_a.pk}/[0-9a-f]{{32}}\.pdf", file.stored_name)
    assert files_under(media_root) == [media_root / file.stored_name]
    assert not (tmp_path / "etc").exists()


def test_a_path_traversal_name_through_the_page(client, liaison_x, zone_a, item_12, responsible_x, media_root):
    client.force_login(liaison_x)
    response = post_upload(client, zone_a, item_12, pdf_file("..\\..\\报告\x00.pdf"))
    assert response.status_code == 201
    file = EvidenceFile.objects.get()
    assert "/" not in file.original_name and "\\" not in file.original_name and "\x00" not in file.original_name
    assert files_under(media_root) == [media_root / file.stored_name]


def test_a_liaison_of_another_unit_cannot_upload_to_this_indicator(
    client, liaison_y, zone_a, item_12, responsible_x, media_root
):
    client.force_login(liaison_y)
    response = post_upload(client, zone_a, item_12, pdf_file())
    assert response.status_code == 403
    assert response.json()["error"] == "您所在单位不是该指标的责任单位，不能为其上传佐证材料。"
    assert_nothing_stored(media_root)


@pytest.mark.parametrize("persona", ["evaluator_a", "office_a", "reviewer_fujian"])
def test_roles_other_than_liaisons_cannot_upload(client, request, persona, zone_a, item_12, responsible_x, media_root):
    client.force_login(request.getfixturevalue(persona))
    response = post_upload(client, zone_a, item_12, pdf_file())
    assert response.status_code == 403
    assert_nothing_stored(media_root)


@pytest.mark.parametrize("persona", ["office_b", "outsider"])
def test_users_who_cannot_see_the_zone_get_404(client, request, persona, zone_a, item_12, responsible_x, media_root):
    client.force_login(request.getfixturevalue(persona))
    assert post_upload(client, zone_a, item_12, pdf_file()).status_code == 404
    assert_nothing_stored(media_root)


def test_an_indicator_removed_from_the_unit_in_the_matrix_refuses_uploads(
    client, liaison_x, zone_a, item_12, responsible_x, media_root
):
    responsible_x.removed, responsible_x.is_lead, responsible_x.source = True, False, "manual"
    responsible_x.save()
    client.force_login(liaison_x)
    assert post_upload(client, zone_a, item_12, pdf_file()).status_code == 403
    assert_nothing_stored(media_root)


def test_the_upload_endpoint_checks_csrf(liaison_x, zone_a, item_12, responsible_x, media_root):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(liaison_x)
    response = post_upload(client, zone_a, item_12, pdf_file())
    assert response.status_code == 403
    assert_nothing_stored(media_root)


# --- failures halfway -----------------------------------------------------------------------------


def test_a_failure_while_writing_the_rows_leaves_no_row_and_no_file(
    zone_a, unit_x, item_12, liaison_x, media_root, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(EvidenceFile.objects, "create", broken)
    with pytest.raises(RuntimeError):
        evidence_create(zone=zone_a, indicator=item_12, unit=unit_x, user=liaison_x, file=pdf_file())
    assert_nothing_stored(media_root)
    assert not EvidenceEvent.objects.exists()


def test_a_failed_rename_undoes_the_rows(zone_a, unit_x, item_12, liaison_x, media_root, monkeypatch):
    import evidence.services as services

    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(services.os, "replace", broken)
    with pytest.raises(OSError):
        evidence_create(zone=zone_a, indicator=item_12, unit=unit_x, user=liaison_x, file=pdf_file())
    assert_nothing_stored(media_root)


def test_an_interrupted_request_leaves_nothing(client, liaison_x, zone_a, item_12, responsible_x, media_root):
    """The client goes away mid-body: the parser fails, the view stores nothing."""
    client.force_login(liaison_x)
    boundary = "BoUnDaRy"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="indicator"\r\n\r\n{item_12.pk}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode() + PDF_BYTES

    class Disconnecting:
        def __init__(self):
            self.sent = False

        def read(self, size=-1):
            if not self.sent:
                self.sent = True
                return head
            raise OSError("client disconnected")

        def readline(self, size=-1):
            return self.read(size)

    response = client.generic(
        "POST",
        reverse("evidence:upload-file", args=[zone_a.pk]),
        content_type=f"multipart/form-data; boundary={boundary}",
        **{"wsgi.input": Disconnecting(), "CONTENT_LENGTH": str(len(head) + 100_000)},
    )
    assert response.status_code == 400
    assert_nothing_stored(media_root)


# --- versions and duplicates ------------------------------------------------------------------------


def test_a_second_upload_makes_version_2_and_keeps_version_1(client, liaison_x, zone_a, evidence_x, media_root):
    client.force_login(liaison_x)
    url = reverse("evidence:upload-version", args=[zone_a.pk, evidence_x.pk])
    response = client.post(url, {"file": pdf_file("纪要（修改）.pdf", PDF_BYTES + b"% v2\n")})
    assert response.status_code == 201 and response.json()["version"] == 2
    v1, v2 = evidence_x.files.order_by("version")
    assert (v1.version, v2.version) == (1, 2) and v1.stored_name != v2.stored_name
    assert (media_root / v1.stored_name).read_bytes() == PDF_BYTES
    assert (media_root / v2.stored_name).read_bytes() == PDF_BYTES + b"% v2\n"
    assert v2.duplicate_of is None


def test_the_same_content_twice_on_one_indicator_is_flagged(client, liaison_x, zone_a, item_12, evidence_x, media_root):
    client.force_login(liaison_x)
    response = post_upload(client, zone_a, item_12, pdf_file("另一个名字.pdf"))
    assert response.status_code == 201
    assert "内容完全相同" in response.json()["warning"] and "会议纪要.pdf" in response.json()["warning"]
    flagged = EvidenceFile.objects.get(pk=response.json()["file_id"])
    assert flagged.duplicate_of == evidence_x.files.get()
    assert len(files_under(media_root)) == 2  # flagged, not silently merged
    page = client.get(reverse("evidence:detail", args=[zone_a.pk, flagged.evidence_id]))
    assert "内容完全相同" in page.content.decode()


def test_the_same_content_on_another_indicator_is_not_flagged(zone_a, unit_x, liaison_x, evidence_x, item_13):
    other = evidence_create(zone=zone_a, indicator=item_13, unit=unit_x, user=liaison_x, file=pdf_file())
    assert other.files.get().duplicate_of is None


def test_no_new_version_once_submitted(liaison_x, evidence_x, media_root):
    from evidence.services import evidence_submit

    evidence_submit(evidence=evidence_x, user=liaison_x)
    with pytest.raises(ValidationError, match="不能再上传新版本"):
        evidence_file_add(evidence=evidence_x, user=liaison_x, file=pdf_file("v2.pdf", PDF_BYTES + b"2"))
    assert evidence_x.files.count() == 1 and len(files_under(media_root)) == 1


def test_a_liaison_of_another_unit_cannot_add_a_version(client, liaison_y, zone_a, evidence_x):
    client.force_login(liaison_y)
    url = reverse("evidence:upload-version", args=[zone_a.pk, evidence_x.pk])
    assert client.post(url, {"file": pdf_file()}).status_code == 404  # not even visible to unit Y
    assert evidence_x.files.count() == 1


# --- settings ------------------------------------------------------------------------------------------


def test_uploads_stream_to_disk_only():
    # every upload first passes the size limit (common/uploads.py), then streams to a temporary file
    assert django_settings.FILE_UPLOAD_HANDLERS == [
        "common.files.UploadLimitHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    assert django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 1024 * 1024
    assert django_settings.EVIDENCE_MAX_UPLOAD_BYTES == 100 * 1024 * 1024
