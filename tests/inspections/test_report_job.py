"""The 自查报告 PDF job's claim and the beat job's sweep: no report stays 排队中 or 生成中 for ever.

Jobs run in-process here (no broker), so "sent again" means "rendered now" (the rendering itself is
replaced by a small PDF); the clock is the ``now`` the sweep is given, and a claim's age is set on the row.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from inspections import report, services
from inspections.models import SelfCheck

from .conftest import PDF, answer_all

pytestmark = pytest.mark.django_db
Pdf = SelfCheck.PdfStatus


@pytest.fixture(autouse=True)
def timing(settings, monkeypatch):
    settings.JOBS_STUCK_SECONDS = 600
    settings.JOBS_MAX_ATTEMPTS = 3
    monkeypatch.setattr(report, "selfcheck_report_pdf", lambda **kw: PDF)


def ago(seconds: float):
    return timezone.now() - timedelta(seconds=seconds)


@pytest.fixture
def submitted(selfcheck_x, liaison_x):
    """Submitted, its PDF job queued (the job itself, sent on commit, never runs here)."""
    answer_all(selfcheck_x, liaison_x)
    services.selfcheck_submit(selfcheck=selfcheck_x, user=liaison_x)
    selfcheck_x.refresh_from_db()
    assert selfcheck_x.pdf_status == Pdf.QUEUED and selfcheck_x.pdf_sent_at is not None
    return selfcheck_x


def state(selfcheck, **fields):
    SelfCheck.objects.filter(pk=selfcheck.pk).update(**fields)


def test_the_sweep_sends_again_a_job_whose_message_was_lost(submitted):
    assert report.selfcheck_reports_resend_stuck().sent == 0  # queued a moment ago: waiting its turn
    state(submitted, pdf_sent_at=ago(601))

    result = report.selfcheck_reports_resend_stuck()

    assert (result.sent, result.unsent, result.failed) == (1, 0, 0)
    submitted.refresh_from_db()
    assert submitted.pdf_status == Pdf.READY and len(submitted.pdf_sha256) == 64 and submitted.pdf_attempts == 1


def test_a_fresh_claim_is_left_to_its_worker_a_dead_ones_is_taken_over(submitted):
    state(submitted, pdf_status=Pdf.RENDERING, pdf_started_at=ago(30), pdf_attempts=1)
    assert report.selfcheck_report_render(selfcheck_id=submitted.pk) is False  # a duplicate message
    assert report.selfcheck_reports_resend_stuck().sent == 0

    state(submitted, pdf_started_at=ago(601))
    assert report.selfcheck_reports_resend_stuck().sent == 1
    submitted.refresh_from_db()
    assert submitted.pdf_status == Pdf.READY and submitted.pdf_attempts == 2


def test_a_rendering_interrupted_three_times_fails_and_the_button_comes_back(client, submitted, liaison_x):
    from django.urls import reverse

    state(submitted, pdf_status=Pdf.RENDERING, pdf_started_at=ago(601), pdf_attempts=3)

    result = report.selfcheck_reports_resend_stuck()

    assert (result.sent, result.failed) == (0, 1)
    submitted.refresh_from_db()
    assert submitted.pdf_status == Pdf.FAILED
    client.force_login(liaison_x)
    page = client.get(reverse("inspections:selfcheck", args=[submitted.pk])).content.decode()
    assert "PDF 生成失败" in page and "生成 PDF" in page
    services.selfcheck_pdf_request(selfcheck=submitted)  # asked again: a fresh start
    submitted.refresh_from_db()
    assert submitted.pdf_status == Pdf.QUEUED and submitted.pdf_attempts == 0


def test_the_beat_job_runs_the_sweep(submitted):
    from inspections.jobs import resend_stuck_selfcheck_reports

    state(submitted, pdf_sent_at=ago(601))
    assert resend_stuck_selfcheck_reports() == {"sent": 1, "unsent": 0, "failed": 0}
