"""The send-back notice as a job row: waiting → sent → done, swept by the beat job, given up after a day."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification
from tasks.models import AssignmentEvent
from tasks.notices import assignment_notices_resend
from tasks.services import assignment_report_progress, assignment_send_back

pytestmark = pytest.mark.django_db
Notice = AssignmentEvent.Notice


@pytest.fixture
def sent_back(assignment_x, office_a, liaison_x, django_capture_on_commit_callbacks):
    assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=100, text="已完成")
    with django_capture_on_commit_callbacks(execute=False):  # the job is never sent
        assignment_send_back(assignment=assignment_x, user=office_a, reason="佐证材料不全")
    return assignment_x.events.get(kind=AssignmentEvent.Kind.SENT_BACK)


def test_a_send_back_starts_its_notice_waiting_and_the_job_finishes_it(
    assignment_x, office_a, liaison_x, django_capture_on_commit_callbacks
):
    assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=100, text="已完成")
    with django_capture_on_commit_callbacks(execute=True):
        assignment_send_back(assignment=assignment_x, user=office_a, reason="佐证材料不全")
    event = assignment_x.events.get(kind=AssignmentEvent.Kind.SENT_BACK)
    assert event.notice == Notice.DONE and event.notice_at is not None
    assert Notification.objects.filter(recipient=liaison_x).count() == 1


def test_other_events_need_no_notice(assignment_x):
    assert set(assignment_x.events.values_list("notice", flat=True)) == {Notice.NONE}


def test_the_sweep_sends_a_waiting_notice(sent_back, liaison_x):
    assert sent_back.notice == Notice.WAITING
    assert assignment_notices_resend().sent == 1
    sent_back.refresh_from_db()
    assert sent_back.notice == Notice.DONE
    assert Notification.objects.get().recipient == liaison_x


def test_a_notice_sent_but_not_done_is_sent_again_after_the_stuck_time(sent_back, settings):
    settings.JOBS_STUCK_SECONDS = 600
    AssignmentEvent.objects.filter(pk=sent_back.pk).update(notice=Notice.SENT, notice_at=timezone.now())
    assert assignment_notices_resend().sent == 0  # waiting its turn in the queue
    later = timezone.now() + timedelta(seconds=601)
    assert assignment_notices_resend(now=later).sent == 1
    sent_back.refresh_from_db()
    assert sent_back.notice == Notice.DONE


def test_a_notice_still_not_done_a_day_later_is_given_up(sent_back, settings):
    settings.JOBS_STUCK_SECONDS = 600
    AssignmentEvent.objects.filter(pk=sent_back.pk).update(notice=Notice.SENT, notice_at=timezone.now())
    result = assignment_notices_resend(now=timezone.now() + timedelta(days=1, minutes=11))
    assert (result.sent, result.failed) == (0, 1)
    sent_back.refresh_from_db()
    assert sent_back.notice == Notice.FAILED
    assert assignment_notices_resend(now=timezone.now() + timedelta(days=2)).sent == 0
