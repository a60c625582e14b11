"""The generated 自查报告 (PDF): the unit's answers, tasks, statuses, evidence list with sha256,
and a signature block for the unit's head. Rendered by a Celery job (``jobs.py``), never in a request;
a beat job sends again a job the broker lost or a dead worker left (``selfcheck_reports_resend_stuck``).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from common.jobs import Resent, job_send, jobs_resend

from .models import SelfCheck
from .selectors import ITEM, TASK, AttachmentLine, unit_rows
from .uploads import pdf_store

logger = logging.getLogger(__name__)

PdfStatus = SelfCheck.PdfStatus
PENDING = (PdfStatus.QUEUED, PdfStatus.RENDERING)


def _file_sha256(line: AttachmentLine) -> str:
    """The sha256 of a task's progress-report file, read now (ProgressReport keeps no hash)."""
    digest = hashlib.sha256()
    try:
        with line.report.attachment.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        logger.warning("progress report %s: attachment %s unreadable", line.report.pk, line.report.attachment.name)
        return ""
    return digest.hexdigest()


def selfcheck_report_context(*, selfcheck: SelfCheck) -> dict:
    campaign = selfcheck.campaign
    rows = unit_rows(campaign=campaign, unit=selfcheck.unit, selfcheck=selfcheck)
    items = [r for r in rows if r.kind == ITEM]
    tasks = [r for r in rows if r.kind == TASK]
    evidence = [(row, line) for row in items for line in row.evidence]
    attachments = [(row, line) for row in tasks for line in row.attachments]
    for _row, line in attachments:
        line.sha256 = _file_sha256(line)
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
        "tasks": tasks,
        "evidence": evidence,
        "attachments": attachments,
        "counts": counts,
        "generated_at": timezone.localtime(),
    }


def selfcheck_report_pdf(*, selfcheck: SelfCheck) -> bytes:
    from weasyprint import HTML

    html = render_to_string("inspections/selfcheck_report.html", selfcheck_report_context(selfcheck=selfcheck))
    return HTML(string=html).write_pdf()


def selfcheck_report_render(*, selfcheck_id: int) -> bool:
    """Claim the report (a conditional UPDATE: a job for a report already rendered, or being rendered
    by a live worker, does nothing), render, store. A report left "rendering" past
    ``JOBS_STUCK_SECONDS`` (its worker died) is claimed again by a redelivered or re-sent job;
    rendering twice only writes the same content twice."""
    now = timezone.now()
    lease_over = now - timedelta(seconds=settings.JOBS_STUCK_SECONDS)
    claimable = Q(pdf_status=PdfStatus.QUEUED) | Q(
        Q(pdf_started_at__lt=lease_over) | Q(pdf_started_at__isnull=True), pdf_status=PdfStatus.RENDERING
    )
    claimed = SelfCheck.objects.filter(claimable, pk=selfcheck_id).update(
        pdf_status=PdfStatus.RENDERING, pdf_started_at=now, pdf_attempts=F("pdf_attempts") + 1
    )
    if not claimed:
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


def _pdf_job_send(selfcheck_id: int) -> bool:
    """Hand the report's job to the broker; mark it sent if the broker took it."""
    from .jobs import render_selfcheck_report

    sent = job_send(render_selfcheck_report, selfcheck_id)
    if sent:
        SelfCheck.objects.filter(pk=selfcheck_id, pdf_status__in=PENDING).update(pdf_sent_at=timezone.now())
    return sent


def selfcheck_reports_resend_stuck(*, now: datetime | None = None) -> Resent:
    """The beat job's sweep, so that no 自查报告 stays "排队中" or "生成中" for ever (as
    assessments' ``score_snapshots_resend_stuck`` does for scores).

    Sends again: a report queued more than ``JOBS_STUCK_SECONDS`` ago whose job never started (its
    message was lost, e.g. Redis restarted without persistence, or the process died before sending)
    and one claimed that long ago and never finished (its worker died). One whose rendering was
    interrupted ``JOBS_MAX_ATTEMPTS`` times is marked 生成失败: the page then offers 生成 PDF again."""
    now = now or timezone.now()
    stuck_before = now - timedelta(seconds=settings.JOBS_STUCK_SECONDS)
    dead = Q(Q(pdf_started_at__lt=stuck_before) | Q(pdf_started_at__isnull=True), pdf_status=PdfStatus.RENDERING)
    failed = SelfCheck.objects.filter(dead, pdf_attempts__gte=settings.JOBS_MAX_ATTEMPTS).update(
        pdf_status=PdfStatus.FAILED
    )
    lost = Q(Q(pdf_sent_at__isnull=True) | Q(pdf_sent_at__lt=stuck_before), pdf_status=PdfStatus.QUEUED)
    resend = SelfCheck.objects.filter(lost | dead).values_list("pk", flat=True)
    return jobs_resend(resend, _pdf_job_send, failed=failed, what="self-check report jobs")
