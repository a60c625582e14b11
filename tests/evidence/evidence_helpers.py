"""Helpers for the evidence tests: small valid and hostile files, and the upload request."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def pdf_file(name: str = "会议纪要.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_bytes(entries: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in (entries or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def post_upload(client, zone, indicator, file, **fields):
    """POST one file to the upload endpoint, as static/js/evidence-upload.js does."""
    data = {"indicator": indicator.pk, "file": file, **fields}
    return client.post(reverse("evidence:upload-file", args=[zone.pk]), data, HTTP_X_REQUESTED_WITH="XMLHttpRequest")


def files_under(root) -> list:
    """Every file (not directory) below ``root``."""
    return sorted(p for p in root.rglob("*") if p.is_file())
