"""Report attachments are checked by content (magic bytes), extension and size."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from tasks.uploads import MAX_ATTACHMENT_BYTES, attachment_check


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
def test_accepted_kinds(name, content, kind):
    assert attachment_check(content, name=name) == kind


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("病毒.pdf", io.BytesIO(b"MZ\x90\x00"), "只接受 PDF、DOCX、XLSX、JPG、PNG 文件"),
        ("网页.png", io.BytesIO(b"<html><script>"), "只接受 PDF、DOCX、XLSX、JPG、PNG 文件"),
        ("压缩包.docx", ooxml("hello.txt"), "只接受 PDF、DOCX、XLSX、JPG、PNG 文件"),
        ("旧格式.doc", io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "只接受 PDF、DOCX、XLSX、JPG、PNG 文件"),
        ("改名.pdf", io.BytesIO(b"\x89PNG\r\n\x1a\n...."), "扩展名与内容不符"),
        ("台账.docx", xlsx(), "扩展名与内容不符"),
        ("空.pdf", io.BytesIO(b""), "附件是空文件"),
    ],
)
def test_refused(name, content, message):
    with pytest.raises(ValidationError, match=message):
        attachment_check(content, name=name)


def test_more_than_20_mb_is_refused_before_reading():
    with pytest.raises(ValidationError, match="超过 20 MB"):
        attachment_check(io.BytesIO(b"%PDF-"), name="大文件.pdf", size=MAX_ATTACHMENT_BYTES + 1)
    assert attachment_check(io.BytesIO(b"%PDF-"), name="刚好.pdf", size=MAX_ATTACHMENT_BYTES) == "pdf"
