"""One upload pipeline for every file the portal accepts.

Every upload passes the same three checks, whatever page or API it comes through:

1. **Size while streaming.** ``common.files.UploadLimitHandler`` is the first of
   ``FILE_UPLOAD_HANDLERS``: it stops writing a file to disk once it passes the limit of the
   view that receives it (``@upload_limit(...)`` on a function view, ``upload_max_bytes`` on
   an API view) or ``UPLOAD_MAX_BYTES``; the refused names are in ``request.upload_refused``.
2. **Content.** ``upload_check`` finds the kind by the bytes (``common.files.detect_type``),
   never the name, and refuses what the policy does not accept, or whose extension lies.
3. **Zip containers** (DOCX, XLSX, OFD, any zip): refused before anything opens them when the
   central directory declares too many entries or too large an unpacked size (zip bomb); any
   other kind that ends with a zip (a PDF or JPEG that is also an archive) is refused too.

``upload_receive`` runs 2–3 on a copy written in chunks beside its final place (hashing as it
goes), for callers that store files themselves (evidence, inspections); ``upload_check`` runs
them on an upload Django has already spooled (progress-report attachments).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from .files import (
    KINDS,
    ZIP,
    ZIP_KINDS,
    FileCheckError,
    carries_a_zip,
    check_zip_container,
    detect_type,
    display_name,
    extension,
)
from .files import human_size as _human_size

CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class UploadPolicy:
    """What one kind of upload may be: the kinds (keys of ``common.files.KINDS``), the size
    limit, and the unpacked size a zip container may declare."""

    kinds: tuple[str, ...]
    max_bytes: int
    max_unpacked_bytes: int

    @property
    def extensions(self) -> frozenset[str]:
        return frozenset(ext for kind in self.kinds for ext in KINDS[kind].extensions)

    @property
    def labels(self) -> str:
        """``"PDF、DOCX、XLSX"`` — for messages."""
        return "、".join(KINDS[kind].extensions[0].lstrip(".").upper() for kind in self.kinds)

    @property
    def accept_attr(self) -> str:
        """The ``accept`` attribute of a file input."""
        return ",".join(sorted(self.extensions))


def too_large_message(name: str, limit: int) -> str:
    return _("文件“%(name)s”超过 %(limit)s 的上传上限，已拒绝。") % {"name": name, "limit": _human_size(limit)}


def _check_name(name: str, policy: UploadPolicy) -> str:
    ext = extension(name)
    if ext not in policy.extensions:
        raise ValidationError(
            _("不支持的文件类型（%(ext)s）：“%(name)s”。只接受 %(labels)s 文件。")
            % {"ext": ext or _("无扩展名"), "name": name, "labels": policy.labels}
        )
    return ext


def _check_content(source: str | os.PathLike | IO[bytes], *, name: str, ext: str, policy: UploadPolicy) -> str:
    """The verified kind, agreeing with the extension; zip containers are measured first."""
    kind = detect_type(source)
    if kind in ZIP_KINDS or kind == ZIP:
        try:
            check_zip_container(source, max_unpacked_bytes=policy.max_unpacked_bytes)
        except FileCheckError as error:
            raise ValidationError(_("文件“%(name)s”：%(error)s") % {"name": name, "error": error}) from None
    elif kind and carries_a_zip(source):
        raise ValidationError(
            _("文件“%(name)s”是 %(label)s 文件，末尾却附带一个压缩包（伪装的多格式文件），已拒绝。")
            % {"name": name, "label": KINDS[kind].label}
        )
    if kind not in policy.kinds:
        expected = next(KINDS[k].label for k in policy.kinds if ext in KINDS[k].extensions)
        raise ValidationError(
            _("文件内容与扩展名不符：“%(name)s”不是有效的 %(expected)s 文件，已拒绝。")
            % {"name": name, "expected": expected}
        )
    if ext not in KINDS[kind].extensions:
        raise ValidationError(
            _("文件内容与扩展名不符：“%(name)s”的内容是 %(label)s 文件，扩展名却是 %(ext)s，已拒绝。")
            % {"name": name, "label": KINDS[kind].label, "ext": ext}
        )
    return kind


def upload_check(upload: UploadedFile | IO[bytes], *, policy: UploadPolicy, name: str | None = None) -> str:
    """The verified kind of an upload Django has spooled (or any file object), or ValidationError.

    Reads only the head and, for a zip, its central directory: nothing is inflated.
    """
    name = display_name(name if name is not None else getattr(upload, "name", "") or "")
    ext = _check_name(name, policy)
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
    if size > policy.max_bytes:
        raise ValidationError(too_large_message(name, policy.max_bytes))
    if size == 0:
        raise ValidationError(_("文件“%(name)s”是空文件。") % {"name": name})
    path = upload.temporary_file_path() if hasattr(upload, "temporary_file_path") else None
    source = path or getattr(upload, "file", upload)
    try:
        return _check_content(source, name=name, ext=ext, policy=policy)
    finally:
        if path is None:
            source.seek(0)


@dataclass
class Received:
    """A checked upload written beside its final place, not yet under its final name."""

    part: Path  # the temporary name, beside the final one
    stored_name: str  # relative to MEDIA_ROOT
    original_name: str
    size: int
    sha256: str
    content_type: str
    kind: str = ""

    @property
    def final(self) -> Path:
        return Path(settings.MEDIA_ROOT) / self.stored_name

    def discard(self) -> None:
        self.part.unlink(missing_ok=True)


def upload_receive(upload: UploadedFile, *, policy: UploadPolicy, folder: str) -> Received:
    """Copy, hash and check an upload into ``MEDIA_ROOT/<folder>/<uuid>.part``.

    Refused (ValidationError): nothing is left on disk. Accepted: the caller renames
    ``part`` to ``final`` once its rows are committed (or calls ``discard``).
    """
    name = display_name(upload.name or "")
    ext = _check_name(name, policy)
    if upload.size is not None and upload.size > policy.max_bytes:
        raise ValidationError(too_large_message(name, policy.max_bytes))
    directory = Path(settings.MEDIA_ROOT) / folder
    directory.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex
    part = directory / f"{token}.part"
    digest, size = hashlib.sha256(), 0
    try:
        with open(part, "xb") as out:
            for chunk in upload.chunks(CHUNK_BYTES):
                size += len(chunk)
                if size > policy.max_bytes:
                    raise ValidationError(too_large_message(name, policy.max_bytes))
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationError(_("文件“%(name)s”是空文件。") % {"name": name})
        kind = _check_content(part, name=name, ext=ext, policy=policy)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return Received(
        part=part,
        stored_name=f"{folder}/{token}{KINDS[kind].extensions[0]}",
        original_name=name,
        size=size,
        sha256=digest.hexdigest(),
        content_type=KINDS[kind].content_type,
        kind=kind,
    )


def upload_limit(limit: int | Callable[[], int]):
    """Declare a function view's upload limit (bytes, or a function returning them, read per
    request): ``UploadLimitHandler`` applies it while the body streams, even when the CSRF
    middleware is the first to read it."""

    def decorate(view):
        view.upload_max_bytes = limit
        return view

    return decorate
