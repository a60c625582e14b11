"""The generated 自查报告 (PDF): the unit's answers, tasks, statuses, evidence list with sha256,
and a signature block for the unit's head. Rendered by a Celery job (``jobs.py``), never in a request.
"""

from __future__ import annotations

import logging

from django.template.loader import render_to_string
from django.utils import timezone

from .models import SelfCheck
from .selectors import ITEM, TASK, unit_rows
from .uploads import pdf_store

logger = logging.getLogger(__name__)

PdfStatus = SelfCheck.PdfStatus


def selfcheck_report_context(*, selfcheck: SelfCheck) -> dict:
    campaign = selfcheck.campaign
    rows = unit_rows(campaign=campaign, unit=selfcheck.unit, selfcheck=selfcheck)
    items = [r for r in rows if r.kind == ITEM]
    evidence = [(row, line) for row in items for line in row.evidence]
    counts = {}
    for row in rows:
        if row.entry and row.entry.status:
            label = row.entry.get_status_display()
            counts[label] = counts.get(label, 0) + 1
    return {
        "selfcheck": selfcheck,
        "campaign": campaign,
        "zone": campaign.zone,
        "unit": selfcheck.unit,
        "items": items,
        "tasks": [r for r in rows if r.kind == TASK],
        "evidence": evidence,
        "counts": counts,
        "generated_at": timezone.localtime(),
    }


def selfcheck_report_pdf(*, selfcheck: SelfCheck) -> bytes:
    from weasyprint import HTML

    html = render_to_string("inspections/selfcheck_report.html", selfcheck_report_context(selfcheck=selfcheck))
    return HTML(string=html).write_pdf()


def selfcheck_report_render(*, selfcheck_id: int) -> bool:
    """Claim the report (a conditional UPDATE: a job for a report already rendered does nothing),
    render, store. A report left "rendering" by a worker that died is claimed again by the
    redelivered job (acks_late); rendering twice only writes the same content twice."""
    claimable = [PdfStatus.QUEUED, PdfStatus.RENDERING]
    if not SelfCheck.objects.filter(pk=selfcheck_id, pdf_status__in=claimable).update(pdf_status=PdfStatus.RENDERING):
        return False
    selfcheck = SelfCheck.objects.select_related("campaign__zone", "campaign__system", "unit").get(pk=selfcheck_id)
    try:
        content = selfcheck_report_pdf(selfcheck=selfcheck)
        stored, digest = pdf_store(zone=selfcheck.campaign.zone, content=content)
    except Exception:
        logger.exception("self-check report %s failed to render", selfcheck_id)
        SelfCheck.objects.filter(pk=selfcheck_id, pdf_status=PdfStatus.RENDERING).update(pdf_status=PdfStatus.FAILED)
        return False
    SelfCheck.objects.filter(pk=selfcheck_id, pdf_status=PdfStatus.RENDERING).update(
        pdf_status=PdfStatus.READY, pdf_name=stored, pdf_sha256=digest, pdf_at=timezone.now()
    )
    return True
