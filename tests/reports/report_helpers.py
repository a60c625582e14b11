"""Helpers shared by the reports tests: evidence with real files, PDFs read back with poppler."""

from __future__ import annotations

import hashlib
import re
import subprocess
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from evidence.models import Evidence, EvidenceFile, EvidenceStatus
from indicators.models import Indicator


def evidence_with_file(
    zone,
    unit,
    code: str,
    *,
    title: str = "材料",
    name: str = "材料.pdf",
    content: bytes = b"%PDF-1.4 evidence\n",
    status: str = EvidenceStatus.ACCEPTED,
    versions: int = 1,
    user=None,
) -> tuple[Evidence, EvidenceFile]:
    """A piece of evidence for item ``code`` with ``versions`` files on disk under MEDIA_ROOT; returns the latest."""
    indicator = Indicator.objects.get(system=zone.system, code=code, level=3)
    reviewed = status in (EvidenceStatus.ACCEPTED, EvidenceStatus.RETURNED)
    evidence = Evidence.objects.create(
        zone=zone,
        indicator=indicator,
        unit=unit,
        title=title,
        status=status,
        effective_date=date(2024, 6, 1),
        created_by=user,
        reviewed_at=timezone.now() if reviewed else None,
        return_reason="请补充" if status == EvidenceStatus.RETURNED else "",
    )
    file = None
    for version in range(1, versions + 1):
        data = content if version == versions else content + f"(v{version})".encode()
        stored = f"evidence/test/{evidence.pk}-v{version}.bin"
        path = Path(settings.MEDIA_ROOT) / stored
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        file = EvidenceFile.objects.create(
            evidence=evidence,
            version=version,
            stored_name=stored,
            original_name=name,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            content_type="application/pdf",
            uploaded_by=user,
        )
    return evidence, file


def pdf_pages(path: Path) -> list[str]:
    """The text of each page (pdftotext -raw), in order."""
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    pages = out.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pdf_outline(path: Path) -> list[str]:
    """The document outline (bookmarks), flattened, as poppler's pdftohtml -xml lists it."""
    out = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", "-q", str(path)], capture_output=True, check=True)
    return re.findall(r'<item page="\d+">([^<]*)</item>', out.stdout.decode("utf-8"))


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(path)], capture_output=True, check=True)
    info = {}
    for line in out.stdout.decode("utf-8").splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def watermarked(page: str) -> bool:
    """The diagonal 草稿: pdftotext reads the rotated characters one per line."""
    return re.search(r"草\s*稿", page) is not None
