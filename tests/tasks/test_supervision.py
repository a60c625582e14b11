"""Supervision: overdue marking, reminders to the units' liaisons, send-back notices, digest, schedule."""

from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notifications_send_digests
from tasks.jobs import supervise_assignments
from tasks.models import Assignment, AssignmentEvent
from tasks.services import assignment_change_due_date, assignment_report_progress, assignment_send_back, task_create
from tasks.supervision_services import assignment_sent_back_notify, assignments_mark_overdue, supervision_run
from tests.factories import MembershipFactory, UserFactory
from tests.tasks.conftest import DEADLINE
from zones.models import Membership

pytestmark = pytest.mark.django_db

Status = Assignment.Status
D = DEADLINE


def day(offset: int):
    return D + timedelta(days=offset)


def keys(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("dedupe_key", flat=True))


@pytest.fixture
def task_x(zone_a, unit_x, office_a):
    """A task of zone A for unit X only, due D."""
    return task_create(zone=zone_a, title="建设网络市场监管平台", deadline=D, unit_ids=[unit_x.pk], user=office_a)


@pytest.fixture
def only_x(task_x, unit_x):
    return task_x.assignments.get(unit=unit_x)


# --------------------------------------------------------------------- overdue


def test_overdue_assignments_are_marked_once_with_an_event(task_xy, assignment_x, assignment_y, liaison_x):
    assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=30, text="推进中")
    assert assignments_mark_overdue(today=D) == 0  # due today: not overdue yet
    assert assignments_mark_overdue(today=day(1)) == 2
    assert assignments_mark_overdue(today=day(1)) == 0  # idempotent
    assert assignments_mark_overdue(today=day(5)) == 0
    for assignment, before in ((assignment_x, Status.IN_PROGRESS), (assignment_y, Status.NOT_STARTED)):
        assignment.refresh_from_db()
        assert assignment.status == Status.OVERDUE
        event = assignment.events.get(kind=AssignmentEvent.Kind.OVERDUE)
        assert (event.from_status, event.to_status, event.by) == (before, Status.OVERDUE, None)
        assert "2030-12-31" in event.reason


def test_completed_assignments_are_not_marked_and_get_nothing(only_x, liaison_x):
    assignment_report_progress(assignment=only_x, user=liaison_x, percent=100, text="已完成")
    for offset in range(-8, 8):
        supervision_run(today=day(offset))
    only_x.refresh_from_db()
    assert only_x.status == Status.COMPLETED
    assert not only_x.events.filter(kind=AssignmentEvent.Kind.OVERDUE).exists()
    assert not Notification.objects.exists()


# ------------------------------------------------------------------- reminders


def test_a_daily_job_reminds_the_liaison_on_the_reminder_days_only(only_x, liaison_x):
    new_on = []
    for offset in range(-10, 11):
        if supervision_run(today=day(offset)).notifications:
            new_on.append(offset)
    assert new_on == [-7, -3, -1, 1, 4, 7, 10]
    assert keys(liaison_x) == sorted(
        f"assignment:{only_x.pk}:2030-12-31:{slot}"
        for slot in ("due-7", "due-3", "due-1", "overdue-0", "overdue-1", "overdue-2", "overdue-3")
    )
    three = Notification.objects.get(dedupe_key__endswith=":due-3")
    assert three.kind == Notification.Kind.REMINDER
    assert three.title == "任务“建设网络市场监管平台”还有 3 天到期"
    assert "甲市商务局" in three.body and "2030-12-31" in three.body and "0%" in three.body
    assert three.url == f"{reverse('tasks:mine')}?card={only_x.pk}"
    late = Notification.objects.get(dedupe_key__endswith=":overdue-1")
    assert (late.kind, late.title) == (Notification.Kind.OVERDUE, "任务“建设网络市场监管平台”已逾期 4 天")


def test_a_missed_day_is_caught_up_within_its_window_only(only_x, liaison_x):
    supervision_run(today=day(-2))  # the job was down on D−3: the 3-day reminder goes out a day late
    reminder = Notification.objects.get()
    assert reminder.dedupe_key.endswith(":due-3") and "还有 2 天" in reminder.title
    Notification.objects.all().delete()
    supervision_run(today=day(-1))  # down on D−3 and D−2 (pretend): only the 1-day one
    assert [k.rsplit(":", 1)[1] for k in keys(liaison_x)] == ["due-1"]
    assert supervision_run(today=D).notifications == 0  # nothing on the due date


def test_running_twice_on_the_same_day_creates_nothing_new_and_one_digest_per_person(
    only_x, task_xy, liaison_x, liaison_y
):
    liaison_x.email, liaison_y.email = "x@example.gov.cn", "y@example.gov.cn"
    liaison_x.save()
    liaison_y.save()
    first = supervise_assignments(day(1).isoformat())
    assert first == {"today": "2031-01-01", "marked_overdue": 3, "notifications": 3}
    assert supervise_assignments(day(1).isoformat()) == {"today": "2031-01-01", "marked_overdue": 0, "notifications": 0}
    assert Notification.objects.filter(recipient=liaison_x).count() == 2  # two assignments of unit X
    assert Notification.objects.filter(recipient=liaison_y).count() == 1
    assert notifications_send_digests() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["x@example.gov.cn", "y@example.gov.cn"]
    x_mail = next(m for m in mail.outbox if m.to == ["x@example.gov.cn"])
    assert "2 条" in x_mail.subject and "已逾期 1 天" in x_mail.body
    supervise_assignments(day(1).isoformat())
    assert notifications_send_digests() == 0 and len(mail.outbox) == 2


def test_liaisons_of_other_units_and_zones_get_nothing(only_x, liaison_x, liaison_y, task_b, unit_b, zone_b):
    liaison_b = MembershipFactory(
        user=UserFactory(username="liaison_b"), role=Membership.Role.LIAISON, zone=zone_b, unit=unit_b
    ).user
    supervision_run(today=day(1))
    assert Notification.objects.filter(recipient=liaison_x).count() == 1
    assert not Notification.objects.filter(recipient=liaison_y).exists()
    assert Notification.objects.filter(recipient=liaison_b).count() == 1  # zone B's own task, also due D
    assert Notification.objects.get(recipient=liaison_b).url.endswith(f"?card={task_b.assignments.get().pk}")


def test_every_liaison_of_the_unit_is_reminded_but_not_inactive_ones(only_x, unit_x, liaison_x):
    second = MembershipFactory(
        user=UserFactory(username="liaison_x2"), role=Membership.Role.LIAISON, zone=unit_x.zone, unit=unit_x
    ).user
    gone = MembershipFactory(
        user=UserFactory(username="liaison_x3", is_active=False),
        role=Membership.Role.LIAISON,
        zone=unit_x.zone,
        unit=unit_x,
    ).user
    assert supervision_run(today=day(-7)).notifications == 2
    assert keys(liaison_x) == keys(second) and not keys(gone)


def test_a_moved_due_date_gets_its_own_reminders(only_x, office_a, liaison_x):
    supervision_run(today=day(-3))
    assignment_change_due_date(assignment=only_x, due_date=day(30), reason="任务调整", user=office_a)
    assert supervision_run(today=day(27)).notifications == 1
    assert keys(liaison_x)[-1].endswith(f"{day(30):%Y-%m-%d}:due-3")


def test_reminders_appear_under_the_bell(client, only_x, liaison_x):
    supervision_run(today=day(1))
    client.force_login(liaison_x)
    page = client.get(reverse("home")).content.decode()
    assert 'id="nav-unread">1<' in page
    listing = client.get(reverse("notifications:list")).content.decode()
    assert "已逾期 1 天" in listing and f"?card={only_x.pk}" in listing


# ------------------------------------------------------------------- send-back


def test_send_back_notifies_the_units_liaisons_once(
    only_x, office_a, liaison_x, liaison_y, django_capture_on_commit_callbacks
):
    assignment_report_progress(assignment=only_x, user=liaison_x, percent=100, text="已完成")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assignment_send_back(assignment=only_x, user=office_a, reason="佐证材料不全")
    # one notice job (the others replace the cache tokens once the change is committed: common.cache)
    assert len([c for c in callbacks if "invalidate" not in c.__qualname__]) == 1
    notice = Notification.objects.get()
    assert (notice.recipient, notice.kind) == (liaison_x, Notification.Kind.SENT_BACK)
    assert notice.title == "任务“建设网络市场监管平台”被办公室退回" and "佐证材料不全" in notice.body
    event = only_x.events.get(kind=AssignmentEvent.Kind.SENT_BACK)
    assert notice.dedupe_key == f"assignment:{only_x.pk}:event:{event.pk}"
    assert assignment_sent_back_notify(event_id=event.pk) == 0  # a redelivered job adds nothing
    assert Notification.objects.count() == 1

    # Sent back again later: a new event, a new notice.
    assignment_report_progress(assignment=only_x, user=liaison_x, percent=100, text="已补充")
    with django_capture_on_commit_callbacks(execute=True):
        assignment_send_back(assignment=only_x, user=office_a, reason="仍缺少执法记录")
    assert Notification.objects.filter(recipient=liaison_x).count() == 2
    assert not Notification.objects.filter(recipient=liaison_y).exists()


def test_a_refused_send_back_sends_nothing(only_x, office_a, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValidationError):
        assignment_send_back(assignment=only_x, user=office_a, reason="")
    assert callbacks == [] and not Notification.objects.exists()


def test_the_notify_job_ignores_other_events(only_x):
    created = only_x.events.get(kind=AssignmentEvent.Kind.CREATED)
    assert assignment_sent_back_notify(event_id=created.pk) == 0
    assert assignment_sent_back_notify(event_id=10**9) == 0


# -------------------------------------------------------------------- schedule


def test_beat_runs_supervision_at_0730_then_the_digest_at_0800():
    from config.celery import app

    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
    jobs = {entry["task"]: entry["schedule"] for entry in schedule.values()}
    assert jobs["tasks.jobs.supervise_assignments"] == crontab(hour=7, minute=30)
    assert jobs["notifications.jobs.send_notification_digests"] == crontab(hour=8, minute=0)
    assert set(jobs) <= set(app.tasks)


def test_the_job_defaults_to_the_local_date(only_x, liaison_x):
    from django.utils import timezone

    result = supervise_assignments()
    assert result["today"] == timezone.localdate().isoformat()
