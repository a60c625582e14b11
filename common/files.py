"""Uploaded files, checked by what they contain, and private files served safely.

- ``detect_type``: the kind of a file from its bytes (magic numbers, zip directory), never its name.
- ``check_zip_container``: refuse a zip (DOCX, XLSX, OFD) with too many entries or too large an
  unpacked size, reading only the central directory: nothing is ever inflated.
- ``carries_a_zip``: a PDF, image or .doc with an archive appended (a polyglot).
- ``display_name``: an uploaded file's name made safe to show (never used on disk).
- ``UploadLimitHandler``: stops writing an upload to disk once it passes the limit (every
  upload: it is the first of ``FILE_UPLOAD_HANDLERS``; common/uploads.py is the pipeline).
- ``file_response``: a download with an RFC 6266 name, or an X-Accel-Redirect / X-Sendfile header.
"""

from __future__ import annotations

import os
import re
import struct
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import quote

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase

from common.http import attachment_disposition

from .numbers import size_text


@dataclass(frozen=True)
class FileKind:
    label: str
    extensions: tuple[str, ...]
    content_type: str


KINDS: dict[str, FileKind] = {
    "pdf": FileKind("PDF", (".pdf",), "application/pdf"),
    "ofd": FileKind("OFD", (".ofd",), "application/ofd"),
    "doc": FileKind("Word(.doc)", (".doc",), "application/msword"),
    "docx": FileKind(
        "Word(.docx)", (".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "xlsx": FileKind("Excel(.xlsx)", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "jpg": FileKind("JPG", (".jpg", ".jpeg"), "image/jpeg"),
    "png": FileKind("PNG", (".png",), "image/png"),
}
ZIP_KINDS = frozenset({"docx", "xlsx", "ofd"})
# What detect_type answers for a zip it cannot classify (or will not list: too many entries).
ZIP = "zip"
MAX_ZIP_ENTRIES = 10_000

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PNG = b"\x89PNG\r\n\x1a\n"
_ZIP_LOCAL = b"PK\x03\x04"
_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_CENTRAL = b"PK\x01\x02"
_CENTRAL_HEADER = struct.Struct("<4s6H3L5H2L")  # 46 bytes
_MAX_EOCD_SEARCH = 22 + 0xFFFF  # the record plus the longest comment


class FileCheckError(ValueError):
    """A file refused by its content; ``str(error)`` is the Chinese message for the user."""


def megabytes(size: int) -> str:
    """``104857600`` → ``"100"``, ``1572864`` → ``"1.50"`` (for messages that say "MB")."""
    return f"{size / (1024 * 1024):.0f}" if size % (1024 * 1024) == 0 else f"{size / (1024 * 1024):.2f}"


def human_size(size: int) -> str:
    """``104857600`` → ``"100 MB"``, ``2048`` → ``"2 KB"``, ``599`` → ``"599 B"``: the one size
    style of the portal (common.numbers.size_text, also the templates' ``|size``)."""
    return size_text(size)


# --- zip central directory -------------------------------------------------------------------


@dataclass(frozen=True)
class _ZipDirectory:
    entries: int  # counted, at most max_entries + 1
    unpacked_bytes: int  # declared sizes of the entries counted
    names: frozenset[str]  # top-level names, directories with a trailing "/" (what classification needs)
    truncated: bool  # more than max_entries: not all listed


def _zip_directory(stream: IO[bytes], *, max_entries: int) -> _ZipDirectory:
    """Walk the central directory record by record (constant memory, nothing inflated).

    Stops after ``max_entries + 1`` records, so a directory of millions of entries
    costs no more than one of ten thousand. Raises ``FileCheckError`` for what is
    not a readable zip.
    """
    broken = FileCheckError("文件不是有效的压缩包格式，已拒绝。")
    stream.seek(0, os.SEEK_END)
    file_size = stream.tell()
    tail_size = min(file_size, _MAX_EOCD_SEARCH)
    stream.seek(file_size - tail_size)
    tail = stream.read(tail_size)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise broken
    eocd_pos = file_size - tail_size + at
    (_, _, _, _, total, cd_size, cd_offset, _) = struct.unpack("<4s4H2LH", tail[at : at + 22])
    if total == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
        # Zip64: the locator sits just before the end record and points at the zip64 end record.
        if eocd_pos < 20:
            raise broken
        stream.seek(eocd_pos - 20)
        locator = stream.read(20)
        if locator[:4] != _EOCD64_LOCATOR:
            raise broken
        (record_pos,) = struct.unpack("<Q", locator[8:16])
        stream.seek(record_pos)
        record = stream.read(56)
        if len(record) < 56 or record[:4] != _EOCD64:
            raise broken
        total, cd_size, cd_offset = struct.unpack("<3Q", record[32:56])
        concat = 0
    else:
        # Bytes prepended to the archive shift every offset (as zipfile allows).
        concat = max(eocd_pos - cd_size - cd_offset, 0)
    if cd_offset + concat + cd_size > file_size:
        raise broken

    stream.seek(cd_offset + concat)
    entries, unpacked, names = 0, 0, set()
    remaining = cd_size
    while remaining >= _CENTRAL_HEADER.size:
        header = stream.read(_CENTRAL_HEADER.size)
        fields = _CENTRAL_HEADER.unpack(header) if len(header) == _CENTRAL_HEADER.size else None
        if fields is None or fields[0] != _CENTRAL:
            raise broken
        usize, name_len, extra_len, comment_len = fields[9], fields[10], fields[11], fields[12]
        # Only short names are read: a long one cannot be a part the classification looks for.
        if name_len <= 256:
            name = stream.read(name_len)
        else:
            stream.seek(name_len, os.SEEK_CUR)
            name = b""
        extra = stream.read(extra_len)
        stream.seek(comment_len, os.SEEK_CUR)
        remaining -= _CENTRAL_HEADER.size + name_len + extra_len + comment_len
        if usize == 0xFFFFFFFF:
            usize = _zip64_size(extra)
        entries += 1
        unpacked += usize
        if entries > max_entries:
            return _ZipDirectory(entries, unpacked, frozenset(names), truncated=True)
        if name:
            text = name.decode("utf-8" if fields[3] & 0x800 else "cp437", errors="replace")
            top, slash, _ = text.partition("/")
            names.add(top + slash)
    return _ZipDirectory(entries, unpacked, frozenset(names), truncated=False)


def _zip64_size(extra: bytes) -> int:
    """The real uncompressed size from the zip64 extra field (id 1; the size comes first)."""
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack("<2H", extra[pos : pos + 4])
        if tag == 1 and size >= 8:
            return struct.unpack("<Q", extra[pos + 4 : pos + 12])[0]
        pos += 4 + size
    return 0xFFFFFFFF


def check_zip_container(
    source: str | os.PathLike | IO[bytes], *, max_unpacked_bytes: int, max_entries: int = MAX_ZIP_ENTRIES
) -> None:
    """Refuse a zip container before anything opens it: too many entries, or too large unpacked.

    The sizes are the ones the central directory declares; zipfile never
    inflates an entry beyond its declared size, and we never inflate at all.
    """
    with _opened(source) as stream:
        directory = _zip_directory(stream, max_entries=max_entries)
    if directory.truncated:
        raise FileCheckError(f"压缩包内的条目超过 {max_entries} 个，已拒绝。")
    if directory.unpacked_bytes > max_unpacked_bytes:
        raise FileCheckError(f"文件解压后超过 {human_size(max_unpacked_bytes)}（疑似压缩炸弹），已拒绝。")


# --- content detection -----------------------------------------------------------------------


@contextmanager
def _opened(source: str | os.PathLike | IO[bytes]):
    """A path is opened (and closed); a file object is read from its start and left open."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as stream:
            yield stream
    else:
        source.seek(0)
        try:
            yield source
        finally:
            source.seek(0)


def detect_type(path: str | os.PathLike | IO[bytes]) -> str:
    """The kind of the file at ``path`` (or of a file object) by its content: a key of
    ``KINDS``, ``ZIP``, or ``""``.

    Zips are classified by the names in their central directory: OFD (OFD.xml at
    the root), DOCX/XLSX ([Content_Types].xml plus word/ or xl/). Nothing is inflated.
    """
    with _opened(path) as stream:
        head = stream.read(8)
        if head.startswith(b"%PDF-"):
            return "pdf"
        if head == _OLE2:
            return "doc"
        if head.startswith(b"\xff\xd8\xff"):
            return "jpg"
        if head == _PNG:
            return "png"
        if not head.startswith(_ZIP_LOCAL):
            return ""
        try:
            directory = _zip_directory(stream, max_entries=MAX_ZIP_ENTRIES)
        except FileCheckError:
            return ""
    if directory.truncated:
        return ZIP
    names = directory.names
    if "OFD.xml" in names:
        return "ofd"
    if "[Content_Types].xml" in names:
        if "word/" in names:
            return "docx"
        if "xl/" in names:
            return "xlsx"
    return ZIP


def carries_a_zip(source: str | os.PathLike | IO[bytes]) -> bool:
    """Whether a file that is not a zip ends with a zip's end record: a polyglot, e.g. a PDF or
    JPEG that is also an archive (viewers show the first, unzip tools open the second)."""
    with _opened(source) as stream:
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(max(size - _MAX_EOCD_SEARCH, 0))
        return _EOCD in stream.read()


# --- names -----------------------------------------------------------------------------------


def display_name(name: str, *, max_length: int = 200) -> str:
    """An uploaded file's name made safe to show: no directories, control or bidi characters.

    Only ever displayed and offered as the download name; files on disk get
    server-generated names.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Categories C*: control, format (e.g. U+202E, which would show "exe.pdf" for "fdp.exe"), unassigned.
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = re.sub(r'[<>:"|?*]', "_", name)
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    if not name:
        return "未命名文件"
    if len(name) > max_length:
        stem, ext = os.path.splitext(name)
        ext = ext if len(ext) <= 10 else ""
        name = stem[: max_length - len(ext)] + ext
    return name


def extension(name: str) -> str:
    """The lower-case extension of a (displayed) name, with its dot: ``"报告.PDF"`` → ``".pdf"``."""
    return os.path.splitext(name)[1].lower()


# --- uploads ---------------------------------------------------------------------------------


class UploadLimitHandler(FileUploadHandler):
    """First of ``FILE_UPLOAD_HANDLERS``: stops a file once it passes the limit.

    The limit is the receiving view's (``common.uploads.upload_limit`` on a function view,
    ``upload_max_bytes`` on an API view class; a number or a function returning one), else
    ``UPLOAD_MAX_BYTES``. The view is known by the time anything reads the body (the CSRF
    middleware runs after URL resolution). A file past the limit is skipped (its temporary
    file closed and deleted), the rest of the body read and dropped, and its name recorded in
    ``refused`` and ``request.upload_refused``: the disk never holds more than the limit,
    whatever the client sends.
    """

    def __init__(self, request=None, *, limit: int | None = None):
        super().__init__(request)
        self.limit = limit
        self.refused: list[str] = []
        self._received = 0
        if request is not None and not hasattr(request, "upload_refused"):
            request.upload_refused = self.refused

    def _limit(self) -> int:
        if self.limit is not None:
            return self.limit
        match = getattr(self.request, "resolver_match", None)
        view = getattr(match, "func", None)
        declared = getattr(view, "upload_max_bytes", None)
        if declared is None:
            declared = getattr(getattr(view, "cls", None), "upload_max_bytes", None)
        if callable(declared):
            declared = declared()
        return declared if declared is not None else settings.UPLOAD_MAX_BYTES

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self._received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self._received += len(raw_data)
        if self._received > self._limit():
            self.refused.append(display_name(self.file_name or ""))
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def upload_limit_install(request, limit: int) -> UploadLimitHandler:
    """Set the limit for this request before anything reads the body (the handler of
    ``FILE_UPLOAD_HANDLERS`` if present, else a new one put first)."""
    for handler in request.upload_handlers:
        if isinstance(handler, UploadLimitHandler):
            handler.limit = limit
            return handler
    handler = UploadLimitHandler(request, limit=limit)
    request.upload_handlers.insert(0, handler)
    return handler


# --- downloads -------------------------------------------------------------------------------


def file_response(
    path: Path, *, url_path: str, filename: str, fallback: str, content_type: str, inline: bool = False
) -> HttpResponseBase:
    """A private file as a download (or ``inline``), named ``filename`` (RFC 6266).

    With ``SENDFILE_HEADER`` = ``X-Accel-Redirect`` (nginx; ``url_path`` under
    ``SENDFILE_URL_PREFIX``, an ``internal`` location) or ``X-Sendfile`` (Apache;
    the absolute path) the web server sends the bytes: the response has an empty
    body. Otherwise Django streams the file.
    """
    if not path.is_file():
        raise Http404("文件不存在。")
    disposition = attachment_disposition(filename, fallback=fallback)
    if inline:
        disposition = "inline" + disposition.removeprefix("attachment")
    header = getattr(settings, "SENDFILE_HEADER", "")
    if header == "X-Accel-Redirect":
        response: HttpResponseBase = HttpResponse(b"", content_type=content_type)
        prefix = getattr(settings, "SENDFILE_URL_PREFIX", "/protected-media/").rstrip("/")
        response[header] = f"{prefix}/{quote(url_path.lstrip('/'))}"
    elif header == "X-Sendfile":
        response = HttpResponse(b"", content_type=content_type)
        response[header] = str(path)
    else:
        response = FileResponse(open(path, "rb"), content_type=content_type)  # noqa: SIM115 (closed by Django)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    if inline:
        # A PDF shown in the browser is drawn by its PDF viewer, an embedded plugin that the
        # policy's object-src 'none' would refuse (django-csp reads this attribute).
        response._csp_replace = {"object-src": ["'self'"]}
    return response
