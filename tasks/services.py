"""Writes for tasks and assignments. Every change of an assignment leaves an event row."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.files import display_name
from indicators.models import Indicator
from notifications.services import notify_on_commit
from zones.access import ZoneAction, unit_can, zone_can
from zones.models import Stage, Unit, Zone

from .models import Assignment, AssignmentEvent, ProgressReport, Task
from .notices import (
    assignment_completed_notify,
    assignment_completed_resolve,
    assignment_due_changed_notify,
    assignments_assigned_notify,
    send_back_notice_send,
)
from .uploads import attachment_check

Status = Assignment.Status
Kind = AssignmentEvent.Kind
Notice = AssignmentEvent.Notice

CONFIRMED_IS_LOCKED = "该任务分工已确认完成，不能再填报进展；如需修改，请联系办公室退回。"


# ------------------------------------------------------------------ validation


def _ids(values: Iterable) -> list[int]:
    out: list[int] = []
    for value in values or ():
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            raise ValidationError(_("编号“%(value)s”无效。") % {"value": value}) from None
    return list(dict.fromkeys(out))


def _units_of_zone(*, zone: Zone, unit_ids: list[int], lead_unit_ids: list[int]) -> list[Unit]:
    errors: list[str] = []
    wanted = list(dict.fromkeys(lead_unit_ids + unit_ids))
    if not wanted:
        raise ValidationError(_("请至少选择一个责任单位。"))
    # Another zone's unit is as unknown as none at all: its name is never shown.
    found = {u.pk: u for u in Unit.objects.filter(pk__in=wanted, zone=zone)}
    for pk in wanted:
        if pk not in found:
            errors.append(_("责任单位（编号 %(pk)s）不存在。") % {"pk": pk})
    if errors:
        raise ValidationError(errors)
    return [found[pk] for pk in wanted]


def _indicators_of_zone(*, zone: Zone, indicator_ids: list[int]) -> list[Indicator]:
    if not indicator_ids:
        return []
    found = {i.pk: i for i in Indicator.objects.filter(pk__in=indicator_ids)}
    errors: list[str] = []
    for pk in indicator_ids:
        indicator = found.get(pk)
        if indicator is None:
            errors.append(_("关联指标（编号 %(pk)s）不存在。") % {"pk": pk})
        elif indicator.system_id != zone.system_id or indicator.level != 3:
            errors.append(
                _("指标“%(code)s %(name)s”不是本创建对象所用指标体系的三级指标。")
                % {"code": indicator.code, "name": indicator.name}
            )
    if errors:
        raise ValidationError(errors)
    return [found[pk] for pk in indicator_ids]


def _check_fields(*, title: str, deadline: date | None, priority: str) -> list[str]:
    errors = []
    if not (title or "").strip():
        errors.append(_("任务名称不能为空。"))
    elif len(title.strip()) > Task._meta.get_field("title").max_length:
        errors.append(_("任务名称不能超过 200 个字。"))
    if not isinstance(deadline, date):
        errors.append(_("请填写完成时限。"))
    if priority not in Task.Priority.values:
        errors.append(_("优先级应为 高、中 或 低。"))
    return errors


def _stage_of(*, zone: Zone, stage: Stage | None, deadline: date | None) -> Stage | None:
    """The given stage (which must be the zone's), else the zone's stage whose dates hold the deadline."""
    if stage is not None:
        if stage.zone_id != zone.pk:
            raise ValidationError(_("实施阶段不属于本创建对象。"))
        return stage
    if not isinstance(deadline, date):
        return None
    return zone.stages.filter(start__lte=deadline, end__gte=deadline).order_by("position", "start").first()


def _event(assignment: Assignment, kind: str, *, user, from_status: str = "", **fields) -> AssignmentEvent:
    return AssignmentEvent.objects.create(
        assignment=assignment,
        kind=kind,
        from_status=from_status,
        to_status=assignment.status,
        by=user,
        **fields,
    )


def _assign(task: Task, unit: Unit, *, is_lead: bool, user) -> Assignment:
    assignment = Assignment.objects.create(task=task, unit=unit, is_lead=is_lead, due_date=task.deadline)
    _event(assignment, Kind.CREATED, user=user, percent=0, due_date=assignment.due_date)
    return assignment


# ----------------------------------------------------------------------- tasks


class _TaskInputs(NamedTuple):
    stage: Stage | None
    units: list[Unit]
    lead_ids: list[int]
    indicators: list[Indicator]
    errors: list[str]


def _task_inputs(
    *, zone: Zone, title: str, deadline, priority: str, stage, unit_ids, lead_unit_ids, indicator_ids
) -> _TaskInputs:
    """Check a task's fields, units and indicators together, collecting every message."""
    errors = _check_fields(title=title, deadline=deadline, priority=priority)
    try:
        stage = _stage_of(zone=zone, stage=stage, deadline=deadline)
    except ValidationError as exc:
        errors += exc.messages
    lead_ids, other_ids, ind_ids = _ids(lead_unit_ids), _ids(unit_ids), _ids(indicator_ids)
    units: list[Unit] = []
    indicators: list[Indicator] = []
    for check in (
        lambda: units.extend(_units_of_zone(zone=zone, unit_ids=other_ids, lead_unit_ids=lead_ids)),
        lambda: indicators.extend(_indicators_of_zone(zone=zone, indicator_ids=ind_ids)),
    ):
        try:
            check()
        except ValidationError as exc:
            errors += exc.messages
    return _TaskInputs(stage, units, lead_ids, indicators, errors)


@transaction.atomic
def task_create(
    *,
    zone: Zone,
    title: str,
    deadline: date | None,
    unit_ids: Iterable[int],
    lead_unit_ids: Iterable[int] = (),
    indicator_ids: Iterable[int] = (),
    description: str = "",
    category: str = "",
    priority: str = Task.Priority.MEDIUM,
    number: str = "",
    stage: Stage | None = None,
    user=None,
    notify: bool = True,
) -> Task:
    """A task with one assignment per responsible unit (lead units included).

    Without ``stage`` the task goes to the zone's stage whose dates hold its deadline.
    The units' liaisons are told once it commits (``notify=False``: the caller tells them).
    """
    stage, units, lead_ids, indicators, errors = _task_inputs(
        zone=zone,
        title=title,
        deadline=deadline,
        priority=priority,
        stage=stage,
        unit_ids=unit_ids,
        lead_unit_ids=lead_unit_ids,
        indicator_ids=indicator_ids,
    )
    if errors:
        raise ValidationError(errors)

    last = Task.objects.filter(zone=zone).order_by("-position").values_list("position", flat=True).first()
    task = Task.objects.create(
        zone=zone,
        number=(number or "").strip(),
        title=title.strip(),
        description=(description or "").strip(),
        category=(category or "").strip(),
        deadline=deadline,
        stage=stage,
        priority=priority,
        position=(last or 0) + 1,
        created_by=user,
    )
    task.indicators.set(indicators)
    created = [_assign(task, unit, is_lead=unit.pk in lead_ids, user=user).pk for unit in units]
    if notify:
        notify_on_commit(assignments_assigned_notify, assignment_ids=created, actor_id=getattr(user, "pk", None))
    return task


@transaction.atomic
def task_update(
    *,
    task: Task,
    title: str,
    deadline: date | None,
    unit_ids: Iterable[int],
    lead_unit_ids: Iterable[int] = (),
    indicator_ids: Iterable[int] = (),
    description: str = "",
    category: str = "",
    priority: str = Task.Priority.MEDIUM,
    number: str | None = None,
    stage: Stage | None = None,
    user=None,
) -> Task:
    """Edit a task. Units added get an assignment; a unit that has reported cannot be removed.

    A new deadline moves the due date of every assignment that still had the old
    one (a unit given its own due date keeps it), each with a due_changed event.
    """
    zone = task.zone
    stage, units, lead_ids, indicators, errors = _task_inputs(
        zone=zone,
        title=title,
        deadline=deadline,
        priority=priority,
        stage=stage,
        unit_ids=unit_ids,
        lead_unit_ids=lead_unit_ids,
        indicator_ids=indicator_ids,
    )
    current = {a.unit_id: a for a in task.assignments.select_for_update(of=("self",)).select_related("unit")}
    wanted = {u.pk for u in units}
    removed = [a for unit_id, a in current.items() if unit_id not in wanted]
    reported = set(
        ProgressReport.objects.filter(assignment__in=removed).values_list("assignment_id", flat=True).distinct()
    )
    for assignment in removed:
        if assignment.pk in reported or assignment.progress or assignment.status != Status.NOT_STARTED:
            errors.append(_("单位“%(name)s”已填报进展，不能移出该任务。") % {"name": assignment.unit.name})
    if errors:
        raise ValidationError(errors)

    old_deadline = task.deadline
    task.title = title.strip()
    task.description = (description or "").strip()
    task.category = (category or "").strip()
    task.priority = priority
    task.deadline = deadline
    task.stage = stage
    if number is not None:
        task.number = number.strip()
    task.save()
    task.indicators.set(indicators)
    for assignment in removed:
        assignment.delete()
    added = []
    for unit in units:
        assignment = current.get(unit.pk)
        if assignment is None:
            added.append(_assign(task, unit, is_lead=unit.pk in lead_ids, user=user).pk)
            continue
        if assignment.is_lead != (unit.pk in lead_ids):
            assignment.is_lead = unit.pk in lead_ids
            assignment.save(update_fields=["is_lead", "updated_at"])
        if deadline != old_deadline and assignment.due_date == old_deadline:
            _due_change(assignment, due_date=deadline, reason="任务完成时限调整", user=user)
    if added:
        notify_on_commit(assignments_assigned_notify, assignment_ids=added, actor_id=getattr(user, "pk", None))
    return task


# ----------------------------------------------------------------- assignments


def _locked(assignment: Assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("task__zone", "unit__zone")
        .get(pk=assignment.pk)
    )


def _due_change(assignment: Assignment, *, due_date: date, reason: str, user) -> None:
    before = assignment.status
    assignment.due_date = due_date
    # A stored 逾期 no longer holds when the new due date is still ahead.
    if before == Status.OVERDUE and due_date >= timezone.localdate():
        assignment.status = Status.IN_PROGRESS if assignment.progress else Status.NOT_STARTED
    assignment.save(update_fields=["due_date", "status", "updated_at"])
    event = _event(assignment, Kind.DUE_CHANGED, user=user, from_status=before, due_date=due_date, reason=reason)
    notify_on_commit(assignment_due_changed_notify, event_id=event.pk)


@transaction.atomic
def assignment_change_due_date(*, assignment: Assignment, due_date: date, reason: str, user) -> Assignment:
    """The office gives one unit its own due date (reason required)."""
    assignment = _locked(assignment)
    if not zone_can(user, assignment.task.zone, ZoneAction.MANAGE_TASKS):
        raise PermissionDenied(_("没有权限执行此操作。"))
    if not isinstance(due_date, date):
        raise ValidationError(_("请填写完成时限。"))
    if not (reason or "").strip():
        raise ValidationError(_("调整完成时限须说明原因。"))
    _due_change(assignment, due_date=due_date, reason=reason.strip(), user=user)
    return assignment


def _progress_apply(
    assignment: Assignment,
    *,
    percent: int,
    text: str,
    reason: str,
    user,
    attachment: UploadedFile | None = None,
    attachment_kind: str = "",
    at=None,
) -> ProgressReport:
    """Record a report and move the assignment (no permission check: callers do it)."""
    before = assignment.status
    if percent == 100:
        assignment.status = Status.COMPLETED
    elif before == Status.OVERDUE and assignment.due_date < timezone.localdate():
        assignment.status = Status.OVERDUE
    else:
        assignment.status = Status.IN_PROGRESS
    assignment.progress = percent
    assignment.save(update_fields=["status", "progress", "updated_at"])
    report = ProgressReport(assignment=assignment, text=text, percent=percent, reason=reason, by=user)
    if at is not None:
        report.at = at
    if attachment is not None:
        report.attachment_name = display_name(attachment.name)
        report.attachment_size = attachment.size
        report.attachment_type = attachment_kind
        report.attachment.save(attachment.name, attachment, save=False)
    report.save()
    _event(
        assignment,
        Kind.SUBMITTED if percent == 100 else Kind.PROGRESS,
        user=user,
        from_status=before,
        percent=percent,
        reason=reason,
        report=report,
        at=report.at,
    )
    return report


@transaction.atomic
def assignment_report_progress(
    *,
    assignment: Assignment,
    user,
    percent,
    text: str,
    reason: str = "",
    attachment: UploadedFile | None = None,
) -> ProgressReport:
    """A liaison reports on their unit's assignment. 100% means 已完成, pending the office's confirmation."""
    assignment = _locked(assignment)
    if not unit_can(user, assignment.unit, ZoneAction.REPORT_PROGRESS):
        raise PermissionDenied(_("只能填报本单位的任务进展。"))
    errors: list[str] = []
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        percent = -1
    if not 0 <= percent <= 100:
        errors.append(_("进度应为 0 到 100 之间的整数。"))
    text, reason = (text or "").strip(), (reason or "").strip()
    if not text:
        errors.append(_("请填写进展情况。"))
    if assignment.is_confirmed:
        errors.append(CONFIRMED_IS_LOCKED)
    elif 0 <= percent < assignment.progress and not reason:
        errors.append(_("进度低于上次填报的 %(progress)s%%，请说明原因。") % {"progress": assignment.progress})
    kind = ""
    if attachment is not None:
        try:
            kind = attachment_check(attachment)
        except ValidationError as exc:
            errors += exc.messages
    if errors:
        raise ValidationError(errors)
    report = _progress_apply(
        assignment, percent=percent, text=text, reason=reason, user=user, attachment=attachment, attachment_kind=kind
    )
    if percent == 100:  # 已完成, waiting for the office's confirmation (a past record replayed is not news)
        notify_on_commit(assignment_completed_notify, report_id=report.pk)
    return report


def _confirm_apply(assignment: Assignment, *, user, at=None) -> None:
    assignment.confirmed_by = user
    assignment.confirmed_at = at or timezone.now()
    assignment.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
    _event(
        assignment,
        Kind.CONFIRMED,
        user=user,
        from_status=Status.COMPLETED,
        percent=assignment.progress,
        at=assignment.confirmed_at,
    )


def _send_back_apply(assignment: Assignment, *, user, reason: str, at=None, notice: str = "") -> AssignmentEvent:
    kind = Kind.REOPENED if assignment.is_confirmed else Kind.SENT_BACK
    assignment.status = Status.IN_PROGRESS
    # The progress is kept: the unit reports again (100% re-submits) once it has fixed what was asked.
    assignment.confirmed_by = None
    assignment.confirmed_at = None
    assignment.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
    return _event(
        assignment,
        kind,
        user=user,
        from_status=Status.COMPLETED,
        percent=assignment.progress,
        reason=reason,
        at=at or timezone.now(),
        notice=notice,
        notice_at=timezone.now() if notice else None,
    )


@transaction.atomic
def assignment_confirm(*, assignment: Assignment, user) -> Assignment:
    """The office confirms a unit's completed assignment."""
    assignment = _locked(assignment)
    if not zone_can(user, assignment.task.zone, ZoneAction.MANAGE_TASKS):
        raise PermissionDenied(_("没有权限执行此操作。"))
    if not assignment.is_pending_confirmation:
        raise ValidationError(_("只有已完成且待确认的任务分工可以确认。"))
    _confirm_apply(assignment, user=user)
    assignment_completed_resolve(assignment=assignment)  # the office's 待确认 notices are done
    return assignment


@transaction.atomic
def assignment_send_back(*, assignment: Assignment, user, reason: str) -> Assignment:
    """The office sends a completed assignment back (进行中, progress kept); a confirmed one is reopened."""
    assignment = _locked(assignment)
    if not zone_can(user, assignment.task.zone, ZoneAction.MANAGE_TASKS):
        raise PermissionDenied(_("没有权限执行此操作。"))
    reason = (reason or "").strip()
    errors = []
    if not reason:
        errors.append(_("退回须填写原因。"))
    if assignment.status != Status.COMPLETED:
        errors.append(_("只有已完成的任务分工可以退回。"))
    if errors:
        raise ValidationError(errors)
    event = _send_back_apply(assignment, user=user, reason=reason, notice=Notice.WAITING)
    assignment_completed_resolve(assignment=assignment)  # the office's 待确认 notices are done
    # The unit's liaisons are told once the send-back is committed (one message per event). A
    # broker that cannot be reached leaves the notice waiting (assignment_notice_waiting) and the
    # send-back stands; the beat job sends it once the broker is back (assignment_notices_resend).
    transaction.on_commit(lambda: send_back_notice_send(event.pk))
    return assignment


# ------------------------------------------- past records (ledgers kept before the portal, the demo)


class PastStep(NamedTuple):
    """One step of an assignment's past, at ``at``: ``"progress"`` (``percent``, ``text``, ``reason``;
    ``user`` the liaison, or None when the record does not say who), ``"send_back"`` (``reason``)
    or ``"confirm"`` (``user`` the office)."""

    kind: str
    at: datetime
    user: object | None = None
    percent: int = 0
    text: str = ""
    reason: str = ""


@transaction.atomic
def assignment_history_record(
    *, assignment: Assignment, steps: Iterable[PastStep] = (), created_at: datetime | None = None
) -> Assignment:
    """Write an assignment's past as it happened, with its dates (``created_at``: when it was assigned).

    For records kept before the portal, and the demo: no permission check (the caller is a
    management command, not a person). Each step changes the assignment as the live service
    does; a step that could not have happened (a send-back or confirmation of an unfinished
    assignment, a percent outside 0–100, no text) is refused with ValidationError."""
    assignment = _locked(assignment)
    if created_at is not None:
        assignment.events.filter(kind=Kind.CREATED).update(at=created_at)
    for step in steps:
        if step.kind == "progress":
            if not 0 <= step.percent <= 100:
                raise ValidationError(_("进度应为 0 到 100 之间的整数。"))
            if not step.text.strip():
                raise ValidationError(_("请填写进展情况。"))
            _progress_apply(
                assignment, percent=step.percent, text=step.text, reason=step.reason, user=step.user, at=step.at
            )
        elif step.kind == "send_back":
            if assignment.status != Status.COMPLETED:
                raise ValidationError(_("只有已完成的任务分工可以退回。"))
            _send_back_apply(assignment, user=step.user, reason=step.reason, at=step.at)
        elif step.kind == "confirm":
            if not assignment.is_pending_confirmation:
                raise ValidationError(_("只有已完成且待确认的任务分工可以确认。"))
            _confirm_apply(assignment, user=step.user, at=step.at)
        else:
            raise ValueError(f"unknown step {step.kind!r}")
    return assignment
