"""The beat job's sweep: a report whose queue message was lost, or whose worker died, is sent again
or failed with a Chinese reason, so that it never stays 排队中 or 生成中 for ever."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from reports import services
from reports.jobs import resend_stuck_report_jobs
from reports.models import Report
from reports.services import report_retry, reports_resend_stuck

pytestmark = pytest.mark.django_db
Status = Report.Status


def queued_since(zone, seconds: int) -> Report:
    """A queued report whose message never reached a worker (nothing renders it on its own)."""
    report = Report.objects.create(zone=zone, kind="scores")
    Report.objects.filter(pk=report.pk).update(requested_at=timezone.now() - timedelta(seconds=seconds))
    return report


def test_a_queued_report_whose_message_was_lost_is_sent_again(zone_a, fake_kind):
    kind = fake_kind()
    lost = queued_since(zone_a, settings.JOBS_STUCK_SECONDS + 5)
    result = reports_resend_stuck()
    assert (result.sent, result.failed) == (1, 0)
    lost.refresh_from_db()
    assert lost.status == Status.READY and kind.renders == 1  # the job ran (in-process, no broker)
    assert reports_resend_stuck().sent == 0  # finished: never sent again


def test_a_recent_queued_report_and_a_fresh_rendering_are_left_alone(zone_a, fake_kind):
    kind = fake_kind()
    queued_since(zone_a, 5)  # its message may still be on its way
    Report.objects.create(
        zone=zone_a, kind="self", status=Status.RENDERING, claim_token="alive", heartbeat_at=timezone.now(), attempts=1
    )
    assert reports_resend_stuck().sent == 0 and kind.renders == 0


def test_a_rendering_report_past_its_lease_is_taken_over(zone_a, fake_kind):
    kind = fake_kind()
    stale = timezone.now() - timedelta(seconds=services.lease_seconds() + 5)
    report = Report.objects.create(
        zone=zone_a, kind="scores", status=Status.RENDERING, claim_token="dead", heartbeat_at=stale, attempts=1
    )
    assert reports_resend_stuck().sent == 1
    report.refresh_from_db()
    assert report.status == Status.READY and report.attempts == 2 and kind.renders == 1


def test_one_interrupted_too_often_fails_in_chinese_and_retry_works(
    zone_a, office_a, fake_kind, django_capture_on_commit_callbacks
):
    kind = fake_kind()
    stale = timezone.now() - timedelta(seconds=services.lease_seconds() + 5)
    report = Report.objects.create(
        zone=zone_a,
        kind="scores",
        status=Status.RENDERING,
        claim_token="dead",
        heartbeat_at=stale,
        attempts=settings.JOBS_MAX_ATTEMPTS,
    )
    result = resend_stuck_report_jobs()  # the beat job itself
    assert result == {"sent": 0, "unsent": 0, "failed": 1}
    report.refresh_from_db()
    assert report.status == Status.FAILED and kind.renders == 0
    assert report.error.startswith(f"报告生成被中断 {settings.JOBS_MAX_ATTEMPTS} 次") and "重试" in report.error
    with django_capture_on_commit_callbacks(execute=True):
        report_retry(report=report, user=office_a)
    report.refresh_from_db()
    assert report.status == Status.READY and report.attempts == 1  # counted afresh after 重试


def test_the_sweep_is_on_the_beat_schedule():
    jobs = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert jobs["reports.jobs.resend_stuck_report_jobs"] == timedelta(seconds=settings.JOBS_SWEEP_SECONDS)
    # and the inspections app's sweep of 自查报告 PDF jobs
    assert jobs["inspections.jobs.resend_stuck_selfcheck_reports"] == timedelta(seconds=settings.JOBS_SWEEP_SECONDS)
