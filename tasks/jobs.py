"""Celery jobs of the tasks app (``jobs.py``, not ``tasks.py``: the app itself is called ``tasks``).

Jobs take ids (or an ISO date), fetch inside, and call one service.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from celery import shared_task
from django.db import OperationalError

from .notices import assignment_notices_resend
from .supervision_services import assignment_sent_back_notify, supervision_run

RETRIED = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


@shared_task(**RETRIED, acks_late=True, reject_on_worker_lost=True)
def supervise_assignments(today: str | date | None = None) -> dict:
    """The morning supervision (CELERY_BEAT_SCHEDULE, 07:30 Asia/Shanghai); idempotent for a given day.

    ``today`` ("YYYY-MM-DD") is for re-running a past day by hand; by default the local date.
    """
    if isinstance(today, str):
        today = date.fromisoformat(today)
    result = supervision_run(today=today)
    return {
        "today": result.today.isoformat(),
        "marked_overdue": result.marked_overdue,
        "notifications": result.notifications,
    }


@shared_task(**RETRIED, acks_late=True, reject_on_worker_lost=True)
def notify_assignment_sent_back(event_id: int) -> int:
    """Sent on commit by tasks.services.assignment_send_back; deduplicated per event."""
    return assignment_sent_back_notify(event_id=event_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def resend_unsent_notices() -> dict:
    """Beat (every JOBS_SWEEP_SECONDS): send again the send-back notices the broker refused or lost."""
    return asdict(assignment_notices_resend())
