"""佐证材料包: a ZIP with one folder per item, the accepted evidence files, and 清单.xlsx.

- one folder per third-level item ("01 网上零售额同比增速/"), empty when the item has
  no accepted evidence, so a reviewer sees what is missing;
- in it the latest version of every accepted piece of evidence, under its original
  name made safe: no directories, no "..", no absolute paths, no control or
  reserved characters, unique within the folder; every name flagged UTF-8;
- 清单.xlsx at the root: item, title, unit, file (path in the ZIP), size, sha256,
  status, and whether the bytes packed match the registered sha256.

Files are copied 1 MB at a time into a temporary ZIP on disk (hashing on the way),
so memory does not grow with the size of the evidence.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook

from common.xlsx import BORDER, WRAP, column_widths, header_row, put
from evidence.models import EvidenceFile, EvidenceStatus
from indicators.models import Indicator

from ..content import EvidenceRow, digest, evidence_rows, local
from .base import Content, Progress, Rendered, ReportKind, no_progress, register

MANIFEST = "清单.xlsx"
MANIFEST_HEADERS = ("指标", "材料名称", "责任单位", "文件", "大小（字节）", "SHA-256", "状态", "校验")
CHUNK = 1024 * 1024
# Already compressed (PDF streams, JPEG, PNG, the zip-based office formats): stored as they are.
STORED_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".ofd", ".zip"}
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')
MAX_NAME = 120


def safe_name(name: str, *, fallback: str = "文件") -> str:
    """A single path component that stays inside its folder on every system."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]  # no directories, whatever the separator
    name = _UNSAFE.sub("_", name).strip().strip(".").strip()
    if not name or set(name) <= {".", " ", "_"}:
        name = fallback
    if len(name) > MAX_NAME:
        suffix = PurePath(name).suffix[:16]
        name = name[: MAX_NAME - len(suffix)] + suffix
    return name


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    stem, suffix = PurePath(name).stem, PurePath(name).suffix
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem} ({n}){suffix}"
    taken.add(candidate.lower())
    return candidate


def item_folder(code: str, name: str) -> str:
    label = f"{int(code):02d}" if code.isdigit() else code
    return safe_name(f"{label} {name}", fallback=label)


@dataclass
class BundleData:
    zone_name: str
    folders: list[tuple[str, str]]  # (item code, folder name), in item order
    rows: list[EvidenceRow]
    generated_at: datetime


@register
class EvidenceBundle(ReportKind):
    identifier = "bundle"
    verbose_name = "佐证材料包"
    description = "每个三级指标一个文件夹，收录已采纳佐证材料的最新版本，附清单.xlsx（含 SHA-256）（ZIP）。"
    extension = "zip"
    content_type = "application/zip"

    def filename(self, *, zone, round, when) -> str:
        return f"{zone.name}-佐证材料包-{when:%Y%m%d}.zip"

    def content(self, *, zone, round) -> Content:
        system_id = round.system_id if round is not None else zone.system_id
        folders = [
            (code, item_folder(code, name))
            for code, name in Indicator.objects.filter(system_id=system_id, level=3)
            .order_by("position")
            .values_list("code", "name")
        ]
        rows = [r for r in evidence_rows(zone=zone, statuses=(EvidenceStatus.ACCEPTED,)) if r.file_id]
        data = BundleData(zone.name, folders, rows, timezone.localtime())
        return Content(
            data=data,
            digest=digest(
                {
                    "kind": self.identifier,
                    "folders": folders,
                    "files": [(r.evidence_id, r.file_id, r.sha256, r.title, r.unit, r.status) for r in rows],
                }
            ),
            source_label=f"已采纳的佐证材料 {len(rows)} 份（截至 {local(data.generated_at)}）",
            is_draft=False,
        )

    def render(self, content: Content, path: Path, progress: Progress = no_progress) -> Rendered:
        data: BundleData = content.data
        root = Path(settings.MEDIA_ROOT).resolve()
        folder_of = dict(data.folders)
        taken: dict[str, set[str]] = {}
        total = sum(r.size or 0 for r in data.rows) or 1
        done = 0
        manifest: list[list[Any]] = []
        uploaded = dict(
            EvidenceFile.objects.filter(pk__in=[r.file_id for r in data.rows]).values_list("pk", "uploaded_at")
        )
        with zipfile.ZipFile(path, "w", allowZip64=True) as archive:
            for _, folder in data.folders:
                _directory(archive, folder + "/")
            for number, row in enumerate(data.rows, 1):
                progress(2 + int(95 * done / total), f"打包第 {number}/{len(data.rows)} 个文件")
                folder = folder_of.get(row.indicator_code) or item_folder(row.indicator_code, "其他")
                if row.indicator_code not in folder_of:
                    folder_of[row.indicator_code] = folder
                    _directory(archive, folder + "/")
                name = _unique(safe_name(row.file_name), taken.setdefault(folder, set()))
                arcname = f"{folder}/{name}"
                source = (root / row.stored_name).resolve()
                if not source.is_relative_to(root) or not source.is_file():
                    manifest.append(_line(row, "", "文件缺失，未打包"))
                    continue
                actual = _copy(archive, source, arcname, row, uploaded.get(row.file_id))
                check = "一致" if actual == row.sha256 else f"不一致（打包文件 SHA-256 {actual}）"
                manifest.append(_line(row, arcname, check))
                done += row.size or 0
            progress(98, "写入清单")
            info = _info(MANIFEST, timezone.localtime(data.generated_at), zipfile.ZIP_DEFLATED)
            archive.writestr(info, _manifest_bytes(data, manifest))
        return Rendered()


def _info(name: str, when: datetime | None, compress_type: int, size: int = 0) -> zipfile.ZipInfo:
    # zipfile flags every non-ASCII name UTF-8 (0x800); every name here starts with the item's Chinese folder.
    stamp = timezone.localtime(when) if when else timezone.localtime()
    info = zipfile.ZipInfo(name, date_time=(max(stamp.year, 1980), *stamp.timetuple()[1:6]))
    info.compress_type = compress_type
    info.file_size = size
    info.external_attr = (0o40755 << 16) | 0x10 if name.endswith("/") else 0o644 << 16
    return info


def _directory(archive: zipfile.ZipFile, name: str) -> None:
    archive.writestr(_info(name, None, zipfile.ZIP_STORED), b"")


def _copy(archive: zipfile.ZipFile, source: Path, arcname: str, row: EvidenceRow, when) -> str:
    """Copy ``source`` into the archive in 1 MB chunks; returns the sha256 of what was packed."""
    suffix = source.suffix.lower() or PurePath(row.file_name).suffix.lower()
    method = zipfile.ZIP_STORED if suffix in STORED_SUFFIXES else zipfile.ZIP_DEFLATED
    size = source.stat().st_size
    info = _info(arcname, when, method, size)
    sha = hashlib.sha256()
    with open(source, "rb") as reader, archive.open(info, "w", force_zip64=size > 2**31) as writer:
        while chunk := reader.read(CHUNK):
            sha.update(chunk)
            writer.write(chunk)
    return sha.hexdigest()


def _line(row: EvidenceRow, arcname: str, check: str) -> list[Any]:
    return [row.indicator_code, row.title, row.unit, arcname, row.size, row.sha256, row.status_label, check]


def _manifest_bytes(data: BundleData, lines: list[list[Any]]) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = "清单"
    header_row(ws, 1, MANIFEST_HEADERS)
    for r, values in enumerate(lines, 2):
        for c, value in enumerate(values, 1):
            cell = put(ws, r, c, value)
            cell.border = BORDER
            cell.alignment = WRAP
    put(
        ws,
        len(lines) + 3,
        1,
        f"{data.zone_name} 佐证材料包，生成于 {local(data.generated_at)}，共 {len(lines)} 个文件。",
    )
    column_widths(ws, (8, 36, 22, 48, 12, 66, 8, 16))
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
