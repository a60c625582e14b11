"""Files of this app: finding photos and documents, signed scans, generated reports.

Uploads go through evidence's own pipeline (streamed to disk while hashed, checked by
content, size and type with common.files; a refused file leaves nothing behind), so a
photo of a finding passes exactly the checks a piece of evidence does. Generated PDFs
are written beside them under a server-generated name.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponseBase

from common.files import file_response
from evidence.services import ACCEPT_ATTR, ALLOWED_LABELS, _upload_receive
from zones.models import Zone

__all__ = ["ACCEPT_ATTR", "ALLOWED_LABELS", "Received", "file_download", "pdf_store", "upload_receive"]


@dataclass
class Received:
    """A checked upload waiting under a temporary name (``part``) until its rows commit."""

    part: Path
    stored_name: str
    original_name: str
    size: int
    sha256: str
    content_type: str

    @property
    def final(self) -> Path:
        return Path(settings.MEDIA_ROOT) / self.stored_name

    def discard(self) -> None:
        self.part.unlink(missing_ok=True)

    def finish(self) -> None:
        os.replace(self.part, self.final)


def upload_receive(*, zone: Zone, upload: UploadedFile) -> Received:
    """Copy, hash and check ``upload``; ValidationError in Chinese (and nothing left) if refused."""
    got = _upload_receive(zone=zone, upload=upload)
    return Received(got.part, got.stored_name, got.original_name, got.size, got.sha256, got.content_type)


def pdf_store(*, zone: Zone, content: bytes) -> tuple[str, str]:
    """Write a generated PDF under a fresh name; returns (stored name, sha256)."""
    directory = Path(settings.MEDIA_ROOT) / "inspections" / str(zone.pk)
    directory.mkdir(parents=True, exist_ok=True)
    stored = f"inspections/{zone.pk}/{uuid.uuid4().hex}.pdf"
    (Path(settings.MEDIA_ROOT) / stored).write_bytes(content)
    return stored, hashlib.sha256(content).hexdigest()


def file_download(*, stored_name: str, filename: str, content_type: str, inline: bool = False) -> HttpResponseBase:
    path = Path(settings.MEDIA_ROOT) / stored_name
    return file_response(
        path,
        url_path=stored_name,
        filename=filename,
        fallback="file" + Path(stored_name).suffix,
        content_type=content_type,
        inline=inline,
    )
