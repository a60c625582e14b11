"""Celery jobs of the inspections app. Jobs take ids and call one service."""

from dataclasses import asdict

from celery import shared_task
from django.db import OperationalError

from .report import selfcheck_report_render, selfcheck_reports_resend_stuck


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
)
def render_selfcheck_report(selfcheck_id: int) -> bool:
    """Sent on commit by services.selfcheck_submit / selfcheck_pdf_request; idempotent (claims its row)."""
    return selfcheck_report_render(selfcheck_id=selfcheck_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def resend_stuck_selfcheck_reports() -> dict:
    """Beat (every JOBS_SWEEP_SECONDS): send again the 自查报告 jobs the broker lost or a dead worker left."""
    return asdict(selfcheck_reports_resend_stuck())
