"""Supervision (督办) writes: mark overdue assignments, remind the units' liaisons, announce send-backs.

Run every morning by Celery beat (tasks.jobs.supervise_assignments, 07:30
Asia/Shanghai); the notifications digest (08:00) then e-mails each person once.
Everything here is idempotent: running it twice on the same day creates nothing
new (assignments already 逾期 are not marked again; reminders carry a dedupe key,
see tasks/supervision.py for the rules).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from common import hooks
from notifications.models import Notification
from notifications.services import notification_create
from zones.models import Membership

from .dashboard import dashboard_invalidate
from .models import Assignment, AssignmentEvent, Task
from .supervision import BEFORE_DAYS, Reminder, reminder_for

logger = logging.getLogger(__name__)

Status = Assignment.Status
Kind = AssignmentEvent.Kind
Notice = AssignmentEvent.Notice

BATCH = 500  # ids per IN (…) list: well under SQLite's bound on query parameters
TITLE_MAX = 60  # characters of the task title quoted in a message title


@dataclass(frozen=True)
class SupervisionResult:
    today: date
    marked_overdue: int
    notifications: int


def _batches(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _short(title: str) -> str:
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"


def _my_tasks_url(assignment_id: int) -> str:
    return f"{reverse('tasks:mine')}?card={assignment_id}"  # the page holding that card (我的任务 is paged)


def liaisons_by_unit(*, unit_ids: Iterable[int]) -> dict[int, list]:
    """The active liaisons of each unit (Membership role liaison with that unit), one query per batch."""
    found: dict[int, list] = defaultdict(list)
    for batch in _batches(sorted(set(unit_ids))):
        memberships = (
            Membership.objects.filter(role=Membership.Role.LIAISON, unit_id__in=batch, user__is_active=True)
            .select_related("user")
            .order_by("unit_id", "user_id")
        )
        for membership in memberships:
            if membership.user not in found[membership.unit_id]:
                found[membership.unit_id].append(membership.user)
    return found


# --------------------------------------------------------------------- overdue


@transaction.atomic
def assignments_mark_overdue(*, today: date) -> int:
    """Assignments past their due date and not completed become 逾期, each with an "overdue" event.

    Only 未开始/进行中 rows are touched, so a second run the same day changes nothing.
    Returns how many were marked.
    """
    rows = list(
        Assignment.objects.select_for_update()
        .filter(status__in=[Status.NOT_STARTED, Status.IN_PROGRESS], due_date__lt=today)
        .order_by("pk")
        .values_list("pk", "status", "progress", "due_date")
    )
    now = timezone.now()
    marked = 0
    for batch in _batches(rows):
        marked += Assignment.objects.filter(pk__in=[pk for pk, *_ in batch]).update(
            status=Status.OVERDUE, updated_at=now
        )
        AssignmentEvent.objects.bulk_create(
            AssignmentEvent(
                assignment_id=pk,
                kind=Kind.OVERDUE,
                from_status=status,
                to_status=Status.OVERDUE,
                percent=progress,
                reason=f"超过完成时限 {due:%Y-%m-%d} 未完成（系统督办）",
                by=None,
                at=now,
            )
            for pk, status, progress, due in batch
        )
    if marked:  # update() sends no signal: the 驾驶舱's cached aggregates are forgotten here
        marked_now = Task.objects.filter(assignments__status=Status.OVERDUE, assignments__updated_at=now)
        zone_ids = set(marked_now.values_list("zone_id", flat=True))
        transaction.on_commit(lambda: [dashboard_invalidate(zone_id=zone_id) for zone_id in zone_ids])
    return marked


# ------------------------------------------------------------------- reminders


def _reminder_message(assignment: Assignment, reminder: Reminder) -> tuple[str, str, str]:
    """(kind, title, body) of a reminder to the unit's liaisons."""
    task = assignment.task
    where = f"{task.zone.name} · {assignment.unit.name}"
    facts = f"完成时限 {assignment.due_date:%Y-%m-%d}，当前进度 {assignment.progress}%。"
    if reminder.is_overdue:
        return (
            Notification.Kind.OVERDUE,
            f"任务“{_short(task.title)}”已逾期 {reminder.days} 天",
            f"{where}:{facts}请尽快完成并填报进展；确需调整时限的，请与办公室联系。",
        )
    return (
        Notification.Kind.REMINDER,
        f"任务“{_short(task.title)}”还有 {reminder.days} 天到期",
        f"{where}:{facts}请按时完成并填报进展。",
    )


def assignment_reminders_send(*, today: date) -> int:
    """Create the reminders in force on ``today`` for every open assignment; returns how many were new."""
    candidates = (
        Assignment.objects.exclude(status=Status.COMPLETED)
        .filter(due_date__lte=today + timedelta(days=BEFORE_DAYS[0]))
        .exclude(due_date=today)
        .select_related("task__zone", "unit")
        .order_by("due_date", "pk")
    )
    due: list[tuple[Assignment, Reminder]] = []
    for assignment in candidates:
        reminder = reminder_for(assignment_id=assignment.pk, due_date=assignment.due_date, today=today)
        if reminder is not None:
            due.append((assignment, reminder))
    if not due:
        return 0
    liaisons = liaisons_by_unit(unit_ids=[a.unit_id for a, _ in due])
    # What was sent already (the usual case on a second run): skip it without a query per message.
    sent: set[tuple[int, str]] = set()
    for batch in _batches([r.key for _, r in due]):
        sent.update(Notification.objects.filter(dedupe_key__in=batch).values_list("recipient_id", "dedupe_key"))
    created = 0
    for assignment, reminder in due:
        kind, title, body = _reminder_message(assignment, reminder)
        for user in liaisons.get(assignment.unit_id, ()):
            if (user.pk, reminder.key) in sent:
                continue
            notification = notification_create(
                recipient=user,
                title=title,
                body=body,
                url=_my_tasks_url(assignment.pk),
                kind=kind,
                dedupe_key=reminder.key,
                zone=assignment.task.zone,
            )
            created += notification is not None
    return created


def supervision_run(*, today: date | None = None) -> SupervisionResult:
    """The morning job: mark what became overdue, then remind the liaisons (both idempotent)."""
    today = today or timezone.localdate()
    marked = assignments_mark_overdue(today=today)
    created = assignment_reminders_send(today=today)
    # Apps above add their own reminders on the same schedule (inspections: overdue findings, self-checks).
    created += hooks.call("supervision_extra_reminders", today=today, default=0) or 0
    logger.info("supervision %s: %s assignments marked overdue, %s reminders", today, marked, created)
    return SupervisionResult(today=today, marked_overdue=marked, notifications=created)


# ------------------------------------------------------------------- send-back


def assignment_sent_back_notify(*, event_id: int) -> int:
    """Tell the unit's liaisons that the office sent their assignment back (once per event)."""
    event = (
        AssignmentEvent.objects.select_related("assignment__task__zone", "assignment__unit")
        .filter(pk=event_id, kind__in=[Kind.SENT_BACK, Kind.REOPENED])
        .first()
    )
    if event is None:
        return 0
    assignment = event.assignment
    task = assignment.task
    verb = "重新打开" if event.kind == Kind.REOPENED else "退回"
    title = f"任务“{_short(task.title)}”被办公室{verb}"
    body = f"{task.zone.name} · {assignment.unit.name}:{verb}原因：{event.reason}。请按要求完善后重新填报进展。"
    created = 0
    for user in liaisons_by_unit(unit_ids=[assignment.unit_id]).get(assignment.unit_id, ()):
        notification = notification_create(
            recipient=user,
            title=title,
            body=body,
            url=_my_tasks_url(assignment.pk),
            kind=Notification.Kind.SENT_BACK,
            dedupe_key=f"assignment:{assignment.pk}:event:{event.pk}",
            zone=task.zone,
        )
        created += notification is not None
    AssignmentEvent.objects.filter(pk=event.pk, notice__in=[Notice.WAITING, Notice.SENT]).update(
        notice=Notice.DONE, notice_at=timezone.now()
    )
    return created
