"""Celery jobs of the assessments app. Jobs take ids and call one service."""

from dataclasses import asdict

from celery import shared_task
from django.db import OperationalError

from .services import score_snapshot_compute, score_snapshots_resend_stuck


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
)
def compute_zone_score(snapshot_id: int) -> bool:
    return score_snapshot_compute(snapshot_id=snapshot_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def resend_stuck_score_jobs() -> dict:
    """Beat (every JOBS_SWEEP_SECONDS): send again the score jobs the broker refused or lost."""
    return asdict(score_snapshots_resend_stuck())
