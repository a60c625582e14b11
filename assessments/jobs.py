"""Celery jobs of the assessments app. Jobs take ids and call one service."""

from celery import shared_task
from django.db import OperationalError

from .services import score_snapshot_compute


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
)
def compute_zone_score(snapshot_id: int) -> bool:
    return score_snapshot_compute(snapshot_id=snapshot_id)
