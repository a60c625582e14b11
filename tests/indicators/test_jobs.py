"""The score job: idempotent claim, failure recorded, and a real worker on Redis."""

from unittest import mock

import pytest

from assessments.jobs import compute_zone_score
from assessments.models import ScoreSnapshot
from assessments.services import score_snapshot_compute
from config.celery import app as celery_app
from tests.services import celery_worker, require_services, wait_for


@pytest.mark.django_db
def test_a_snapshot_is_computed_once(zone_a):
    snapshot = ScoreSnapshot.objects.create(zone=zone_a, system=zone_a.system)
    assert score_snapshot_compute(snapshot_id=snapshot.pk) is True
    assert score_snapshot_compute(snapshot_id=snapshot.pk) is False  # a redelivered message does nothing
    snapshot.refresh_from_db()
    assert snapshot.status == ScoreSnapshot.Status.DONE and snapshot.computed_at


@pytest.mark.django_db
def test_a_failure_is_recorded_on_the_snapshot(zone_a):
    snapshot = ScoreSnapshot.objects.create(zone=zone_a, system=zone_a.system)
    with mock.patch("assessments.selectors.zone_facts", side_effect=RuntimeError("磁盘故障")):
        with pytest.raises(RuntimeError):
            score_snapshot_compute(snapshot_id=snapshot.pk)
    snapshot.refresh_from_db()
    assert snapshot.status == ScoreSnapshot.Status.FAILED and "磁盘故障" in snapshot.error


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_computes_the_score_through_redis(zone_a):
    broker = require_services()
    snapshot = ScoreSnapshot.objects.create(zone=zone_a, system=zone_a.system)
    celery_app.conf.update(broker_url=broker, task_always_eager=False)
    try:
        with celery_worker(broker) as queue:
            compute_zone_score.apply_async(args=[snapshot.pk], queue=queue)

            def done():
                snapshot.refresh_from_db()
                return snapshot.status == ScoreSnapshot.Status.DONE

            assert wait_for(done, timeout=90), f"worker did not finish: status={snapshot.status}"
    finally:
        celery_app.conf.update(task_always_eager=True)
    assert snapshot.result["max"] == 100 and len(snapshot.result["items"]) == 41
