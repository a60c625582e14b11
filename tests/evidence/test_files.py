"""common/files.py: types by content, zip containers checked without inflating, safe display names."""

import io
import struct
import zipfile

import pytest

from common.files import FileCheckError, check_zip_container, detect_type, display_name
from tests.evidence.evidence_helpers import PDF_BYTES, PNG_BYTES, docx_bytes


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
OFD = _zip({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<Document/>"})
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF_BYTES, "pdf"),
        (OFD, "ofd"),
        (DOC, "doc"),
        (docx_bytes(), "docx"),
        (XLSX, "xlsx"),
        (JPG, "jpg"),
        (PNG_BYTES, "png"),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", ""),
        (b"", ""),
        (_zip({"readme.txt": b"hi"}), "zip"),
        (b"PK\x03\x04 not really a zip", ""),
    ],
)
def test_the_type_comes_from_the_content(tmp_path, content, kind):
    path = tmp_path / "whatever.pdf"
    path.write_bytes(content)
    assert detect_type(path) == kind


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path):
    path = tmp_path / "bomb.docx"
    path.write_bytes(docx_bytes({"word/media/zeros.bin": b"\0" * 5_000_000}))
    assert path.stat().st_size < 50_000  # small compressed, large unpacked
    with pytest.raises(FileCheckError, match="解压后超过 1 MB"):
        check_zip_container(path, max_unpacked_bytes=1024 * 1024)
    check_zip_container(path, max_unpacked_bytes=10 * 1024 * 1024)  # within a larger limit


def test_a_declared_size_is_believed_even_when_the_data_is_tiny(tmp_path):
    """A header claiming ~4 GB is refused without inflating anything."""
    data = bytearray(docx_bytes())
    at = data.find(b"PK\x01\x02")  # the first central directory record
    struct.pack_into("<L", data, at + 24, 0xFFFFFFF0)
    path = tmp_path / "liar.docx"
    path.write_bytes(bytes(data))
    with pytest.raises(FileCheckError, match="疑似压缩炸弹"):
        check_zip_container(path, max_unpacked_bytes=1024**3)


def test_too_many_entries_are_refused_before_listing_them_all(tmp_path):
    path = tmp_path / "many.docx"
    path.write_bytes(docx_bytes({f"word/part{i}.xml": b"" for i in range(60)}))
    with pytest.raises(FileCheckError, match="条目超过 50 个"):
        check_zip_container(path, max_unpacked_bytes=1024**3, max_entries=50)


def test_entries_written_with_zip64_extras_are_read(tmp_path):
    path = tmp_path / "zip64.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            entry.write(b"<w:document/>")
    assert detect_type(path) == "docx"
    check_zip_container(path, max_unpacked_bytes=1024)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
        ("报告\x00.pdf", "报告.pdf"),
        ("\u202efdp.exe", "fdp.exe"),  # right-to-left override would show "exe.pdf"
        ('a<b>:"c"|?*.pdf', "a_b___c____.pdf"),
        ("...", "未命名文件"),
        ("", "未命名文件"),
        ("  年度  总结 .docx ", "年度 总结 .docx"),
    ],
)
def test_display_names_are_sanitised(raw, shown):
    assert display_name(raw) == shown


def test_long_display_names_keep_their_extension():
    name = display_name("长" * 300 + ".pdf")
    assert len(name) == 200 and name.endswith(".pdf")
