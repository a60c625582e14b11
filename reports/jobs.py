"""Celery jobs of the reports app: one job renders every kind (the kind lives on the row)."""

from dataclasses import asdict

from celery import shared_task
from django.db import OperationalError

from .services import report_render, reports_resend_stuck


@shared_task(
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
)
def render_report(self, report_id: int) -> bool:
    """Render report ``report_id``. A message redelivered while another worker's claim is
    fresh comes back after the lease; one for a finished report does nothing."""
    outcome = report_render(report_id=report_id)
    if outcome.wait and not self.request.is_eager:
        raise self.retry(countdown=outcome.wait, max_retries=None)
    return outcome.done


@shared_task(acks_late=True, reject_on_worker_lost=True)
def resend_stuck_report_jobs() -> dict:
    """Beat (every JOBS_SWEEP_SECONDS): send again the report jobs whose message was lost or whose
    worker died; fail the ones interrupted too often (services.reports_resend_stuck)."""
    return asdict(reports_resend_stuck())
