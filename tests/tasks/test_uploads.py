"""Progress-report attachments go through the project's one upload pipeline (common/uploads.py):
content by magic bytes, zip containers measured before anything opens them, and the size limit
applied while the body streams — the same checks as evidence uploads."""

import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from tasks.models import ProgressReport
from tasks.uploads import attachment_check


def ooxml(part: str) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    buffer.seek(0)
    return buffer


def xlsx() -> io.BytesIO:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    buffer.seek(0)
    return buffer


def zip_bomb(part: str = "word/document.xml", unpacked: int = 300 * 1024 * 1024) -> bytes:
    """A DOCX whose one part inflates to ``unpacked`` bytes of zeros (a few hundred KB packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(part, "w", force_zip64=True) as entry:
            block = b"\0" * (1024 * 1024)
            for _ in range(unpacked // len(block)):
                entry.write(block)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("纪要.pdf", io.BytesIO(b"%PDF-1.7\n..."), "pdf"),
        ("照片.JPG", io.BytesIO(b"\xff\xd8\xff\xe0\x00\x10JFIF"), "jpg"),
        ("照片.jpeg", io.BytesIO(b"\xff\xd8\xff\xe1...."), "jpg"),
        ("截图.png", io.BytesIO(b"\x89PNG\r\n\x1a\n...."), "png"),
        ("方案.docx", ooxml("word/document.xml"), "docx"),
        ("台账.xlsx", xlsx(), "xlsx"),
    ],
)
def test_accepted_kinds(name, content, kind, settings):
    assert attachment_check(content, name=name) == kind


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("病毒.pdf", io.BytesIO(b"MZ\x90\x00"), "“病毒.pdf”不是有效的 PDF 文件"),
        ("网页.png", io.BytesIO(b"<html><script>"), "不是有效的 PNG 文件"),
        ("压缩包.docx", ooxml("hello.txt"), "不是有效的 Word(.docx) 文件"),
        ("旧格式.doc", io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "不支持的文件类型（.doc）"),
        ("脚本.exe", io.BytesIO(b"MZ"), "只接受 PDF、DOCX、XLSX、JPG、PNG 文件"),
        ("改名.pdf", io.BytesIO(b"\x89PNG\r\n\x1a\n...."), "内容是 PNG 文件，扩展名却是 .pdf"),
        ("台账.docx", xlsx(), "内容是 Excel(.xlsx) 文件，扩展名却是 .docx"),
        ("空.pdf", io.BytesIO(b""), "是空文件"),
    ],
)
def test_refused(name, content, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        attachment_check(content, name=name)


def test_the_size_limit_is_a_setting(settings):
    settings.TASK_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="超过 1 KB 的上传上限"):
        attachment_check(io.BytesIO(b"%PDF-" + b"x" * 1024), name="大文件.pdf")
    assert attachment_check(io.BytesIO(b"%PDF-" + b"x" * 1019), name="刚好.pdf") == "pdf"


def test_a_zip_bomb_is_refused_as_evidence_uploads_refuse_it(bomb):
    # 300 MB unpacked > ten times the 20 MB limit; only the central directory is read
    with pytest.raises(ValidationError, match="疑似压缩炸弹"):
        attachment_check(io.BytesIO(bomb), name="方案.docx")


@pytest.mark.django_db
def test_a_zip_bomb_report_changes_nothing(client, liaison_x, assignment_x, bomb, media_root):
    client.force_login(liaison_x)
    url = reverse("tasks:assignment-report", args=[assignment_x.pk])
    upload = SimpleUploadedFile("方案.docx", bomb)
    response = client.post(url, {"percent": 30, "text": "附方案", "attachment": upload}, follow=True)
    assert "疑似压缩炸弹" in response.content.decode()
    assert not ProgressReport.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]


@pytest.mark.django_db
@pytest.mark.parametrize("via", ["page", "api"])
def test_an_attachment_past_the_limit_is_stopped_while_streaming(client, liaison_x, assignment_x, settings, via):
    """The handler stops writing the file at the limit: the view never sees it, and says why."""
    settings.TASK_ATTACHMENT_MAX_BYTES = 64 * 1024
    client.force_login(liaison_x)
    big = SimpleUploadedFile("大文件.pdf", b"%PDF-" + b"x" * (200 * 1024))
    data = {"percent": 30, "text": "附材料", "attachment": big}
    if via == "page":
        response = client.post(reverse("tasks:assignment-report", args=[assignment_x.pk]), data, follow=True)
        text = response.content.decode()
    else:
        response = client.post(reverse("api-assignment-progress", args=[assignment_x.pk]), data)
        assert response.status_code == 413
        text = response.json()["message"]
    assert "文件“大文件.pdf”超过 64 KB 的上传上限，已拒绝。" in text
    assert not ProgressReport.objects.exists()


def test_the_handler_reads_the_receiving_views_limit(rf, settings):
    """No view: UPLOAD_MAX_BYTES; a view with ``upload_limit``: its own, read per request."""
    from django.urls import resolve

    from common.files import UploadLimitHandler

    settings.UPLOAD_MAX_BYTES = 5
    request = rf.post("/")
    handler = UploadLimitHandler(request)
    assert handler._limit() == 5
    request.resolver_match = resolve(reverse("tasks:assignment-report", args=[1]))
    settings.TASK_ATTACHMENT_MAX_BYTES = 7
    assert handler._limit() == 7


@pytest.mark.django_db
def test_the_report_offers_the_camera_and_checks_a_photo(client, liaison_x, assignment_x, media_root):
    """我的任务 cards and the report page offer 拍照上传 (accept image/*, capture): a photo is the
    report's attachment; a "photo" that is not an image is refused with the same message."""
    client.force_login(liaison_x)
    url = reverse("tasks:assignment-report", args=[assignment_x.pk])
    for page in (client.get(url), client.get(reverse("tasks:mine"))):
        html = page.content.decode()
        assert re.search(r'name="photo"[^>]*accept="image/\*" capture="environment"', html), html[:200]
    fake = SimpleUploadedFile("相机.png", b"<html><script>")
    text = client.post(url, {"percent": 30, "text": "现场照片", "photo": fake}, follow=True).content.decode()
    assert "不是有效的 PNG 文件" in text and not ProgressReport.objects.exists()
    photo = SimpleUploadedFile("相机.png", b"\x89PNG\r\n\x1a\n....")
    client.post(url, {"percent": 30, "text": "现场照片", "photo": photo}, follow=True)
    report = ProgressReport.objects.get()
    assert report.attachment and report.attachment_type == "png"
    both = {"percent": 40, "text": "两个", "photo": SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n...."),
            "attachment": SimpleUploadedFile("b.png", b"\x89PNG\r\n\x1a\n....")}  # fmt: skip
    assert "只能提交一个" in client.post(url, both, follow=True).content.decode()
    assert ProgressReport.objects.count() == 1
