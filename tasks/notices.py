"""Who is told about a task's assignments, and what (through notifications.notify, after commit).

- a new assignment, a changed due date → the unit's liaisons (those who report on it);
- a unit reports 100% (已完成, waiting for confirmation) → the zone's office (who confirm or send back).

Send-backs are announced by a Celery job (``send_back_notice_send``), which the beat job's sweep
sends again when the broker refused it (``assignment_notices_resend``: a broker outage must not
lose them); a replayed history's waiting confirmations are announced by
``assignments_waiting_notify``. Each recipient is checked with the permission functions the pages
use (zones.access and ``assignment_get_for_user``), so a notice never names a task its reader
could not open.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from common.jobs import Resent, job_send, jobs_resend
from notifications.models import Notification
from notifications.services import notifications_resolve, notify, notify_on_commit
from zones.access import ZoneAction, unit_can, zone_can
from zones.models import Membership

from .models import Assignment, AssignmentEvent
from .selectors import assignment_get_for_user

Kind = AssignmentEvent.Kind
Notice = AssignmentEvent.Notice

TITLE_MAX = 60


def _short(title: str) -> str:
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"


def _opens(user, assignment_id: int) -> bool:
    try:
        assignment_get_for_user(user=user, assignment_id=assignment_id)
    except (Http404, PermissionDenied):
        return False
    return True


def _liaisons(unit_id: int) -> list:
    memberships = Membership.objects.filter(role=Membership.Role.LIAISON, unit_id=unit_id).select_related("user")
    return [m.user for m in memberships.order_by("user_id")]


def _office(zone_id: int) -> list:
    memberships = Membership.objects.filter(role=Membership.Role.OFFICE, zone_id=zone_id).select_related("user")
    return [m.user for m in memberships.order_by("user_id")]


def _report_url(assignment_id: int) -> str:
    return reverse("tasks:assignment-report", args=[assignment_id])


def _liaison_may_see(assignment: Assignment):
    return lambda user: unit_can(user, assignment.unit, ZoneAction.REPORT_PROGRESS) and _opens(user, assignment.pk)


def assignments_assigned_notify(*, assignment_ids: Iterable[int], actor_id: int | None = None) -> int:
    """New assignments → their units' liaisons: one notice per assignment, or one per unit
    naming how many when a unit got several at once (an imported task list)."""
    assignments = list(
        Assignment.objects.filter(pk__in=list(assignment_ids))
        .select_related("task__zone", "unit__zone")
        .order_by("unit_id", "task__position", "pk")
    )
    by_unit: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in assignments:
        by_unit[assignment.unit_id].append(assignment)
    created = 0
    for unit_id, items in by_unit.items():
        recipients = _liaisons(unit_id)
        first = items[0]
        zone, unit = first.task.zone, first.unit
        if len(items) == 1:
            due = f"，完成时限 {first.due_date:%Y-%m-%d}" if first.due_date else ""
            role = "牵头" if first.is_lead else "配合"
            created += notify(
                recipients=recipients,
                kind=Notification.Kind.ASSIGNED,
                title=f"新任务：{_short(first.task.title)}（{role}）",
                body=f"{unit.name}{role}承担此任务{due}。请在“我的任务”中填报进展。",
                url=_report_url(first.pk),
                dedupe_key=f"assignment:{first.pk}:assigned",
                zone=zone,
                may_see=_liaison_may_see(first),
                actor=actor_id,
            )
            continue
        titles = "、".join(_short(a.task.title) for a in items[:3])
        more = f"等 {len(items)} 项" if len(items) > 3 else ""
        created += notify(
            recipients=recipients,
            kind=Notification.Kind.ASSIGNED,
            title=f"新任务：{unit.name}承担 {len(items)} 项任务",
            body=f"{titles}{more}。请在“我的任务”中查看。",
            url=reverse("tasks:mine"),
            dedupe_key=f"assignment:{first.pk}:assigned-batch:{len(items)}",
            zone=zone,
            # the liaison opens 我的任务, which lists only their own units' assignments
            may_see=lambda user, unit=unit: unit_can(user, unit, ZoneAction.REPORT_PROGRESS),
            actor=actor_id,
        )
    return created


def assignment_due_changed_notify(*, event_id: int) -> int:
    """A changed due date → the unit's liaisons (once per change)."""
    event = (
        AssignmentEvent.objects.select_related("assignment__task__zone", "assignment__unit__zone")
        .filter(pk=event_id, kind=AssignmentEvent.Kind.DUE_CHANGED)
        .first()
    )
    if event is None or event.due_date is None:
        return 0
    assignment = event.assignment
    reason = f"原因：{event.reason}。" if event.reason else ""
    return notify(
        recipients=_liaisons(assignment.unit_id),
        kind=Notification.Kind.DUE_CHANGED,
        title=f"任务“{_short(assignment.task.title)}”的完成时限调整为 {event.due_date:%Y-%m-%d}",
        body=f"{assignment.unit.name}:{reason}",
        url=_report_url(assignment.pk),
        dedupe_key=f"assignment:{assignment.pk}:event:{event.pk}",
        zone=assignment.task.zone,
        may_see=_liaison_may_see(assignment),
        actor=event.by,
    )


def assignment_completed_notify(*, report_id: int) -> int:
    """A unit reported 100% (已完成, waiting for confirmation) → the zone's office, who confirm it or send it back."""
    event = (
        AssignmentEvent.objects.select_related("assignment__task__zone", "assignment__unit", "report")
        .filter(report_id=report_id, kind=AssignmentEvent.Kind.SUBMITTED)
        .first()
    )
    if event is None:
        return 0
    assignment = event.assignment
    task, zone = assignment.task, assignment.task.zone
    return notify(
        recipients=_office(zone.pk),
        kind=Notification.Kind.PROGRESS_COMPLETED,
        title=f"{assignment.unit.name}报告任务“{_short(task.title)}”已完成，待确认",
        body=(event.report.text[:200] if event.report_id else ""),
        url=f"{reverse('tasks:task-detail', args=[task.pk])}#assignment-{assignment.pk}",
        dedupe_key=f"assignment:{assignment.pk}:event:{event.pk}",
        zone=zone,
        may_see=lambda user: zone_can(user, zone, ZoneAction.MANAGE_TASKS) and _opens(user, assignment.pk),
        actor=event.by,
    )


def assignment_completed_resolve(*, assignment: Assignment) -> int:
    """Confirmed or sent back: the office's "待确认" notices of the assignment no longer wait."""
    return notifications_resolve(
        recipient_ids=[u.pk for u in _office(assignment.task.zone_id)],
        kind=Notification.Kind.PROGRESS_COMPLETED,
        key_prefix=f"assignment:{assignment.pk}:",
    )


# ------------------------------------------------------------ send-back notices


def send_back_notice_send(event_id: int) -> bool:
    """Hand a send-back's notice to the broker (a Celery job); True when it took it (the event is
    then marked sent), False when the broker could not be reached (it stays waiting)."""
    from .jobs import notify_assignment_sent_back

    sent = job_send(notify_assignment_sent_back, event_id)
    if sent:
        AssignmentEvent.objects.filter(pk=event_id, notice__in=[Notice.WAITING, Notice.SENT]).update(
            notice=Notice.SENT, notice_at=timezone.now()
        )
    return sent


def assignment_notice_waiting(*, assignment: Assignment) -> bool:
    """Whether a send-back notice of the assignment waits for the broker (the page says so)."""
    return assignment.events.filter(notice=Notice.WAITING).exists()


NOTICE_GIVE_UP = timedelta(days=1)


def assignment_notices_resend(*, now: datetime | None = None) -> Resent:
    """The beat job's sweep for send-back notices: a notice the broker refused is sent at once; one
    sent ``JOBS_STUCK_SECONDS`` ago and not done (its message was lost, its worker died) again;
    one still not done a day after the send-back is given up (``未能发送``)."""
    now = now or timezone.now()
    stuck = Q(notice=Notice.SENT, notice_at__lt=now - timedelta(seconds=settings.JOBS_STUCK_SECONDS))
    failed = AssignmentEvent.objects.filter(stuck, at__lt=now - NOTICE_GIVE_UP).update(
        notice=Notice.FAILED, notice_at=now
    )
    resend = AssignmentEvent.objects.filter(Q(notice=Notice.WAITING) | stuck).values_list("pk", flat=True)
    return jobs_resend(resend, send_back_notice_send, failed=failed, what="send-back notices")


# ------------------------------------------------------------ replayed history


def assignments_waiting_notify(*, assignments: Iterable[Assignment]) -> int:
    """What a replayed history leaves waiting is announced as the live action announces it: each
    assignment at 100% and not confirmed tells the office (进展待确认), through the same notice
    as ``progress_report`` (``assignment_history_record`` itself sends nothing: the past is not
    news). Sent after commit; returns how many assignments wait."""
    waiting = 0
    for assignment in assignments:
        if not assignment.is_pending_confirmation:
            continue
        event = assignment.events.filter(kind=Kind.SUBMITTED, report__isnull=False).order_by("-at", "-pk").first()
        if event is None:
            continue
        notify_on_commit(assignment_completed_notify, report_id=event.report_id)
        waiting += 1
    return waiting
