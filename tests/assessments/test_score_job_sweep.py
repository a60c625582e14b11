"""The score job's claim and the beat job's sweep: nothing stays queued or running for ever.

Jobs run in-process here (no broker), so "sent again" means "computed now"; the clock is the
``now`` the sweep is given, and a claim's age is set on the row.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from assessments.models import ScoreSnapshot
from assessments.services import score_snapshot_compute, score_snapshots_resend_stuck

pytestmark = pytest.mark.django_db
Status = ScoreSnapshot.Status


@pytest.fixture(autouse=True)
def timing(settings):
    settings.JOBS_STUCK_SECONDS = 600
    settings.JOBS_MAX_ATTEMPTS = 3


def snapshot_of(zone, **fields) -> ScoreSnapshot:
    return ScoreSnapshot.objects.create(zone=zone, system=zone.system, **fields)


def ago(seconds: float):
    return timezone.now() - timedelta(seconds=seconds)


def test_a_fresh_running_job_is_not_taken_by_a_second_message(zone_a):
    snapshot = snapshot_of(zone_a, status=Status.RUNNING, started_at=ago(5), attempts=1)
    assert score_snapshot_compute(snapshot_id=snapshot.pk) is False
    snapshot.refresh_from_db()
    assert snapshot.status == Status.RUNNING and snapshot.attempts == 1


def test_a_job_whose_worker_died_is_taken_over_once_its_claim_is_old(zone_a):
    snapshot = snapshot_of(zone_a, status=Status.RUNNING, started_at=ago(601), attempts=1)
    assert score_snapshot_compute(snapshot_id=snapshot.pk) is True
    assert score_snapshot_compute(snapshot_id=snapshot.pk) is False  # done: the duplicate does nothing
    snapshot.refresh_from_db()
    assert snapshot.status == Status.DONE and snapshot.attempts == 2


def test_a_database_hiccup_gives_the_claim_back_for_the_retry(zone_a):
    snapshot = snapshot_of(zone_a)
    with mock.patch("assessments.selectors.zone_facts", side_effect=OperationalError("连接中断")):
        with pytest.raises(OperationalError):
            score_snapshot_compute(snapshot_id=snapshot.pk)
    snapshot.refresh_from_db()
    assert snapshot.status == Status.QUEUED  # the job's autoretry can claim it again
    assert score_snapshot_compute(snapshot_id=snapshot.pk) is True


def test_the_sweep_sends_what_the_broker_refused_and_what_it_lost(zone_a, zone_b):
    never_sent = snapshot_of(zone_a)  # sent_at empty: the broker was down
    lost = snapshot_of(zone_b, sent_at=ago(601))  # sent, never picked up (Redis restarted, say)

    result = score_snapshots_resend_stuck()

    assert (result.sent, result.unsent, result.failed) == (2, 0, 0)
    assert set(ScoreSnapshot.objects.values_list("status", flat=True)) == {Status.DONE}
    del never_sent, lost


def test_the_sweep_leaves_a_job_that_is_merely_waiting_its_turn(zone_a):
    snapshot_of(zone_a, sent_at=ago(30))
    snapshot_of(zone_a, status=Status.RUNNING, started_at=ago(30), attempts=1)
    assert score_snapshots_resend_stuck().sent == 0
    assert not ScoreSnapshot.objects.filter(status=Status.DONE).exists()


def test_the_sweep_sends_a_dead_workers_job_again(zone_a):
    snapshot = snapshot_of(zone_a, status=Status.RUNNING, sent_at=ago(700), started_at=ago(601), attempts=1)
    assert score_snapshots_resend_stuck().sent == 1
    snapshot.refresh_from_db()
    assert snapshot.status == Status.DONE and snapshot.attempts == 2


def test_a_job_interrupted_three_times_fails_with_a_chinese_reason_the_page_shows(
    client, office_a, zone_a, django_capture_on_commit_callbacks
):
    snapshot = snapshot_of(zone_a, status=Status.RUNNING, started_at=ago(601), attempts=3)

    result = score_snapshots_resend_stuck()

    assert (result.sent, result.failed) == (0, 1)
    snapshot.refresh_from_db()
    assert snapshot.status == Status.FAILED
    assert snapshot.reason == "评分计算被中断 3 次（计算进程退出），未能完成，请重新计算。"
    client.force_login(office_a)
    page = client.get(reverse("assessments:scores", args=[zone_a.pk])).content.decode()
    assert "最近一次计算失败：评分计算被中断 3 次" in page
    # A new request starts afresh.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:scores-recompute", args=[zone_a.pk]))
    assert ScoreSnapshot.objects.filter(zone=zone_a, status=Status.DONE).count() == 1


def test_an_error_shows_a_chinese_reason_and_keeps_the_detail_for_the_admin(client, office_a, zone_a):
    snapshot = snapshot_of(zone_a)
    with mock.patch("assessments.selectors.zone_facts", side_effect=RuntimeError("disk full")):
        with pytest.raises(RuntimeError):
            score_snapshot_compute(snapshot_id=snapshot.pk)
    snapshot.refresh_from_db()
    assert (
        snapshot.reason == "评分计算出错，请稍后重试或联系系统管理员。" and "RuntimeError: disk full" in snapshot.error
    )
    client.force_login(office_a)
    page = client.get(reverse("assessments:scores", args=[zone_a.pk])).content.decode()
    assert "评分计算出错" in page and "disk full" not in page
