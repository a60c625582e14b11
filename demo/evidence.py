"""Demo evidence for the 三明市 zone: a few pieces in every status, with real, readable PDFs, through evidence.services.

Idempotent: a zone that already has evidence gets nothing new.
"""

from __future__ import annotations

import logging

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from evidence.models import Evidence
from evidence.services import evidence_accept, evidence_create, evidence_return, evidence_submit
from indicators.models import Indicator
from zones.models import Membership, Zone

logger = logging.getLogger(__name__)

# (item, unit short name, title, final status, return reason)
DEMO_EVIDENCE = (
    ("1", "商务局", "2023—2024年网上零售额统计报表（演示数据）", "accepted", ""),
    ("2", "商务局", "社会消费品零售总额增速说明（演示数据）", "accepted", ""),
    ("3", "商务局", "网络交易经营者及市场主体数量统计（演示数据）", "submitted", ""),
    ("4", "商务局", "新增规模以上网络交易经营者名单（演示数据）", "returned", "缺少年度销售额佐证，请补充后重新上传。"),
    ("10", "商务局", "直播电商与农村电商特色发展情况（演示数据）", "draft", ""),
    ("11", "市场监管局", "国家网络交易监管平台应用情况说明（演示数据）", "accepted", ""),
    ("12", "市场监管局", "信用联合奖惩工作机制文件（演示数据）", "submitted", ""),
    ("13", "市场监管局", "网络执法办案会商与联合执法记录（演示数据）", "accepted", ""),
)
FALLBACK_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _pdf(title: str) -> bytes:
    """A one-page PDF naming the material (WeasyPrint with the CJK font the set-up installs)."""
    try:
        from weasyprint import HTML

        html = (
            "<html><head><style>@page{size:A4;margin:25mm}"
            "body{font-family:'WenQuanYi Zen Hei',sans-serif}h1{font-size:18pt}</style></head>"
            f"<body><h1>{title}</h1><p>本文件为示范区创建管理平台的演示数据，不代表任何真实情况。</p></body></html>"
        )
        return HTML(string=html).write_pdf()
    except Exception:  # noqa: BLE001 - the demo must load even where WeasyPrint's libraries are missing
        logger.warning("WeasyPrint unavailable: demo evidence uses a blank PDF")
        return FALLBACK_PDF


@transaction.atomic
def demo_evidence_load(*, zone: Zone) -> int:
    if Evidence.objects.filter(zone=zone).exists():
        return 0
    members = Membership.objects.filter(zone=zone).select_related("user", "unit")
    office = next(m.user for m in members if m.role == Membership.Role.OFFICE)
    liaisons = {m.unit.short_name: m.user for m in members if m.role == Membership.Role.LIAISON}
    units = {u.short_name: u for u in zone.units.all()}
    items = {i.code: i for i in Indicator.objects.filter(system=zone.system, level=3)}
    for code, unit_name, title, status, reason in DEMO_EVIDENCE:
        author = liaisons.get(unit_name, office)
        upload = SimpleUploadedFile(f"{title}.pdf", _pdf(title), content_type="application/pdf")
        evidence = evidence_create(
            zone=zone, indicator=items[code], unit=units[unit_name], user=author, file=upload, title=title
        )
        if status != "draft":
            evidence_submit(evidence=evidence, user=author)
        if status == "accepted":
            evidence_accept(evidence=evidence, user=office)
        elif status == "returned":
            evidence_return(evidence=evidence, user=office, reason=reason)
    return len(DEMO_EVIDENCE)
