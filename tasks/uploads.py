"""A progress report's attachment: the project's one upload pipeline (common/uploads.py)
with the kinds and limit of attachments — content by magic bytes, zip containers measured
before anything opens them (zip bombs), and the size limit applied while the body streams
(``upload_limit`` on the views that receive attachments)."""

from __future__ import annotations

from typing import IO

from django.conf import settings

from common.files import KINDS as FILE_KINDS
from common.uploads import UploadPolicy, upload_check

KINDS = ("pdf", "docx", "xlsx", "jpg", "png")


def attachment_max_bytes() -> int:
    return settings.TASK_ATTACHMENT_MAX_BYTES


def attachment_policy() -> UploadPolicy:
    limit = attachment_max_bytes()
    return UploadPolicy(kinds=KINDS, max_bytes=limit, max_unpacked_bytes=limit * 10)


ACCEPT_ATTR = ",".join(sorted(ext for kind in KINDS for ext in FILE_KINDS[kind].extensions))


def attachment_check(file: IO[bytes], *, name: str | None = None) -> str:
    """The verified kind ("pdf", "docx", "xlsx", "jpg", "png") of an upload, or ValidationError."""
    return upload_check(file, policy=attachment_policy(), name=name)
