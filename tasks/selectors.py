"""Reads for tasks and assignments: access-checked lookups, lists, detail, ledger.

Access is decided in zones.access; the lookups here only combine its answers
with the task's units (a liaison sees the tasks of their own units only). What a page of the
task list or of 我的任务 prints is worked out in tasks/rows.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Avg, Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from indicators.models import Indicator
from zones.access import ZoneAction, unit_ids_for, zone_can, zone_get_for_user, zones_where
from zones.models import Unit, Zone

from .models import Assignment, AssignmentEvent, ProgressReport, Task

Status = Assignment.Status

# Filter values of the task list (the four statuses, plus 待确认 for the office's inbox).
PENDING = "pending"
STATUS_FILTERS: tuple[tuple[str, str], ...] = (
    (Status.NOT_STARTED, "未开始"),
    (Status.IN_PROGRESS, "进行中"),
    (PENDING, "已完成待确认"),
    (Status.COMPLETED, "已完成"),
    (Status.OVERDUE, "逾期"),
)

# Orders of the task list (``sort`` in the URL); the first is the default (plan order).
# The labels are translated where shown ({% translate label %}); gettext_noop marks them for makemessages.
TASK_SORTS: tuple[tuple[str, str], ...] = (
    ("", gettext_noop("按序号")),
    ("deadline", gettext_noop("按完成时限")),
    ("progress", gettext_noop("按平均进度（低→高）")),
)
_TASK_ORDER = {
    "": ("position", "id"),
    "deadline": ("deadline", "position", "id"),
    "progress": ("avg_progress", "position", "id"),
}

NOT_FOUND = "任务不存在或无权访问。"


def assignment_status_q(status: str, *, today: date | None = None, prefix: str = "") -> Q:
    """Assignments whose *displayed* status is ``status`` (overdue is also computed from the due date)."""
    today = today or timezone.localdate()
    p = prefix
    late = Q(**{f"{p}status": Status.OVERDUE}) | (
        Q(**{f"{p}due_date__lt": today}) & ~Q(**{f"{p}status": Status.COMPLETED})
    )
    if status == Status.OVERDUE:
        return late
    if status == PENDING:
        return Q(**{f"{p}status": Status.COMPLETED, f"{p}confirmed_at__isnull": True})
    return Q(**{f"{p}status": status}) & ~late


# ---------------------------------------------------------------- access lookups


def _visible_or_404(user, zone: Zone, unit_ids: set[int]) -> None:
    """Liaisons (who may not see every task) only reach tasks of their own units."""
    if zone_can(user, zone, ZoneAction.VIEW_ALL_TASKS):
        return
    if not unit_ids & unit_ids_for(user, zone):
        raise Http404(NOT_FOUND)


def task_get_for_user(*, user, task_id: int, action: ZoneAction = ZoneAction.VIEW_TASKS) -> Task:
    """The task if ``user`` may see it (404 otherwise) and do ``action`` on its zone (403 otherwise)."""
    task = Task.objects.filter(pk=task_id).first()
    if task is None:
        raise Http404(NOT_FOUND)
    zone = zone_get_for_user(user, task.zone_id, ZoneAction.VIEW_TASKS)
    task.zone = zone
    _visible_or_404(user, zone, set(task.assignments.values_list("unit_id", flat=True)))
    if action != ZoneAction.VIEW_TASKS:
        zone_get_for_user(user, zone.pk, action)
    return task


def assignment_get_for_user(*, user, assignment_id: int) -> Assignment:
    """The assignment if ``user`` may see its task; what they may do with it the services decide."""
    assignment = Assignment.objects.select_related("task", "unit").filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404(NOT_FOUND)
    zone = zone_get_for_user(user, assignment.task.zone_id, ZoneAction.VIEW_TASKS)
    assignment.task.zone = assignment.unit.zone = zone
    _visible_or_404(user, zone, set(assignment.task.assignments.values_list("unit_id", flat=True)))
    return assignment


def report_get_for_user(*, user, report_id: int) -> ProgressReport:
    report = ProgressReport.objects.select_related("assignment").filter(pk=report_id).first()
    if report is None:
        raise Http404(NOT_FOUND)
    report.assignment = assignment_get_for_user(user=user, assignment_id=report.assignment_id)
    return report


def liaison_units_for(*, user) -> list[Unit]:
    """Every unit, in any zone, for which ``user`` is a liaison (for 我的任务)."""
    unit_ids: set[int] = set()
    for zone in zones_where(user, ZoneAction.REPORT_PROGRESS).select_related("region__parent__parent"):
        unit_ids |= unit_ids_for(user, zone)
    if not unit_ids:
        return []
    return list(Unit.objects.filter(pk__in=unit_ids).select_related("zone").order_by("zone__name", "name"))


def office_zones_for(*, user) -> list[Zone]:
    """The zones whose every task ``user`` sees (the office, provincial reviewers), by name."""
    return list(zones_where(user, ZoneAction.VIEW_ALL_TASKS).order_by("name"))


def office_zone_summaries(*, user) -> list[Zone]:
    """``office_zones_for`` with a few counts for the 驾驶舱 chooser (one query): ``n_tasks``,
    ``n_assignments``, ``n_completed`` and ``n_overdue`` (assignments), the lifecycle status."""
    assignments = "tasks__assignments"
    status = f"{assignments}__status"
    return list(
        zones_where(user, ZoneAction.VIEW_ALL_TASKS)
        .annotate(
            n_tasks=Count("tasks", distinct=True),
            n_assignments=Count(assignments, distinct=True),
            n_completed=Count(assignments, filter=Q(**{status: Assignment.Status.COMPLETED}), distinct=True),
            n_overdue=Count(assignments, filter=Q(**{status: Assignment.Status.OVERDUE}), distinct=True),
        )
        .order_by("name")
    )


# ------------------------------------------------------------------------ lists


def task_filter_choices(*, zone: Zone) -> dict:
    """The task list's filter choices: the zone's units and stages, in their order."""
    return {
        "units": list(zone.units.order_by("position", "pk")),
        "stages": list(zone.stages.order_by("position", "start")),
    }


def task_indicator_list(*, task: Task) -> list[Indicator]:
    return list(task.indicators.order_by("position"))


ASSIGNMENT_ORDER = ("-is_lead", "unit__position", "unit_id")


def _assignments_prefetch() -> Prefetch:
    return Prefetch("assignments", queryset=Assignment.objects.select_related("unit").order_by(*ASSIGNMENT_ORDER))


def task_list_for_zone(
    *,
    zone: Zone,
    unit_id: int | None = None,
    status: str | None = None,
    overdue: bool = False,
    stage_id: int | None = None,
    search: str = "",
    only_unit_ids: set[int] | None = None,
    sort: str = "",
    lean: bool = False,
) -> QuerySet[Task]:
    """The zone's tasks in plan order (or ``sort``, one of TASK_SORTS), each with its assignments
    (units) and indicators prefetched; page it before it is evaluated (the prefetches then load
    the page's rows only).

    ``unit_id`` / ``status`` / ``overdue`` keep the tasks that have an assignment
    matching all of them; ``only_unit_ids`` (for liaisons) the tasks of those units. ``lean``
    (the task list page) leaves the assignments to ``tasks.rows.task_rows``, which reads plain values.
    """
    tasks = Task.objects.filter(zone=zone)
    if only_unit_ids is not None:
        tasks = tasks.filter(Exists(Assignment.objects.filter(task=OuterRef("pk"), unit_id__in=only_unit_ids)))
    if unit_id or status or overdue:
        match = Q(task=OuterRef("pk"))
        if unit_id:
            match &= Q(unit_id=unit_id)
        if status:
            match &= assignment_status_q(status)
        if overdue:
            match &= assignment_status_q(Status.OVERDUE)
        tasks = tasks.filter(Exists(Assignment.objects.filter(match)))
    if stage_id:
        tasks = tasks.filter(stage_id=stage_id)
    if search:
        tasks = tasks.filter(Q(title__icontains=search) | Q(description__icontains=search))
    if sort == "progress":
        tasks = tasks.annotate(avg_progress=Avg("assignments__progress"))
    return (
        tasks.select_related("stage")
        .prefetch_related(
            *([] if lean else [_assignments_prefetch()]),
            Prefetch("indicators", queryset=Indicator.objects.only("code", "position").order_by("position")),
        )
        .order_by(*_TASK_ORDER.get(sort, _TASK_ORDER[""]))
    )


def _open_first_order() -> tuple:
    """Due soon first; completed ones last (the order of 我的任务)."""
    done_last = Case(When(status=Status.COMPLETED, then=Value(1)), default=Value(0), output_field=IntegerField())
    return (done_last, "due_date", "task__position", "task_id", "pk")


def assignment_list_for_units(
    *, unit_ids: list[int], assignment_id: int | None = None, status: str | None = None, search: str = ""
) -> QuerySet[Assignment]:
    """The units' assignments (我的任务), due soon first; ``status`` is one of STATUS_FILTERS, ``search``
    looks in the task's title and description. Page it, then ``assignment_cards`` the page."""
    queryset = Assignment.objects.filter(unit_id__in=unit_ids)
    if assignment_id is not None:
        queryset = queryset.filter(pk=assignment_id)
    if status:
        queryset = queryset.filter(assignment_status_q(status))
    if search:
        queryset = queryset.filter(Q(task__title__icontains=search) | Q(task__description__icontains=search))
    return (
        queryset.select_related("task", "unit__zone")
        .prefetch_related(
            Prefetch("task__indicators", queryset=Indicator.objects.order_by("position")),
            Prefetch("reports", queryset=ProgressReport.objects.select_related("by"), to_attr="report_list"),
        )
        .order_by(*_open_first_order())
    )


def assignment_page_number(*, assignments: QuerySet[Assignment], assignment_id: int, per_page: int) -> int:
    """The page of ``assignments`` (as ordered) that holds ``assignment_id``; 1 when it is not there
    (one query over the ids only)."""
    ids = list(assignments.values_list("pk", flat=True))
    return ids.index(assignment_id) // per_page + 1 if assignment_id in ids else 1


@dataclass
class UnitIndicators:
    unit: Unit
    indicators: list[Indicator] = field(default_factory=list)
    lead_codes: set[str] = field(default_factory=set)
    from_matrix: bool = False


def _code_key(indicator: Indicator) -> tuple[int, str]:
    return (int(indicator.code), "") if indicator.code.isdigit() else (10**6, indicator.code)


def indicators_for_units(*, units: list[Unit]) -> list[UnitIndicators]:
    """Each unit's indicators with their criteria text.

    From the responsibility matrix (zones.IndicatorResponsibility) when the zone
    has one; otherwise the indicators linked to the unit's tasks.
    """
    from zones import models as zone_models

    matrix = getattr(zone_models, "IndicatorResponsibility", None)
    by_unit = {unit.pk: UnitIndicators(unit=unit) for unit in units}
    if matrix is not None and units:
        rows = (
            matrix.objects.filter(unit__in=units, removed=False)
            .select_related("indicator")
            .order_by("indicator__position")
        )
        for row in rows:
            entry = by_unit[row.unit_id]
            entry.from_matrix = True
            entry.indicators.append(row.indicator)
            if getattr(row, "is_lead", False):
                entry.lead_codes.add(row.indicator.code)
    fallback = [pk for pk, entry in by_unit.items() if not entry.from_matrix]
    if fallback:  # the indicators of the unit's tasks (all of them, not only the page shown)
        pairs = set(
            Task.indicators.through.objects.filter(task__assignments__unit_id__in=fallback).values_list(
                "task__assignments__unit_id", "indicator_id"
            )
        )
        indicators = Indicator.objects.in_bulk({indicator_id for _unit, indicator_id in pairs})
        for unit_id, indicator_id in sorted(pairs):
            by_unit[unit_id].indicators.append(indicators[indicator_id])
    for entry in by_unit.values():
        entry.indicators.sort(key=_code_key)
    return list(by_unit.values())


# ----------------------------------------------------------------------- detail


def task_assignments_with_history(*, task: Task) -> list[Assignment]:
    """The task's assignments, each with its reports (newest first) and events (oldest first)."""
    return list(
        Assignment.objects.filter(task=task)
        .select_related("unit", "confirmed_by")
        .prefetch_related(
            Prefetch("reports", queryset=ProgressReport.objects.select_related("by"), to_attr="report_list"),
            Prefetch(
                "events",
                queryset=AssignmentEvent.objects.select_related("by").order_by("at", "id"),
                to_attr="event_list",
            ),
        )
        .order_by("-is_lead", "unit__position", "unit_id")
    )


def assignment_list_for_task(*, task: Task) -> QuerySet[Assignment]:
    """The task's assignments with their reports (newest first), lead units first (page it; for the API)."""
    return (
        Assignment.objects.filter(task=task)
        .select_related("unit", "confirmed_by")
        .prefetch_related(
            Prefetch("reports", queryset=ProgressReport.objects.select_related("by"), to_attr="report_list")
        )
        .order_by("-is_lead", "unit__position", "unit_id")
    )


def task_events(*, assignments: list[Assignment]) -> list[AssignmentEvent]:
    """The whole history of a task, newest first (from the prefetched events).

    The 分派任务 events of units assigned together (same person, same second) are
    shown as one entry; its ``units`` lists them.
    """
    events: list[AssignmentEvent] = []
    created: dict[tuple, AssignmentEvent] = {}
    for a in assignments:
        reports = {r.pk: r for r in a.report_list}
        for event in a.event_list:
            event.assignment = a  # fill the caches from what is loaded: no query per event
            event.report = reports.get(event.report_id)
            event.units = [a.unit]
            if event.kind == AssignmentEvent.Kind.CREATED:
                key = (event.by_id, event.at.replace(microsecond=0))
                if key in created:
                    created[key].units.append(a.unit)
                    continue
                created[key] = event
            events.append(event)
    return sorted(events, key=lambda e: (e.at, e.pk), reverse=True)


# ----------------------------------------------------------------------- ledger


@dataclass
class LedgerRow:
    """One assignment of the 任务台账."""

    assignment: Assignment
    last_report: ProgressReport | None


@dataclass
class LedgerTask:
    task: Task
    lead_units: list[Unit]
    rows: list[LedgerRow]


def task_ledger(*, zone: Zone) -> list[LedgerTask]:
    """Every task of the zone with one row per assignment and its latest report (4 queries)."""
    tasks = Task.objects.filter(zone=zone).prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("unit", "confirmed_by")
            .prefetch_related(Prefetch("reports", queryset=ProgressReport.objects.all(), to_attr="report_list"))
            .order_by("-is_lead", "unit__position", "unit_id"),
        ),
        Prefetch("indicators", queryset=Indicator.objects.order_by("position")),
    )
    ledger = []
    for task in tasks.order_by("position", "id"):
        assignments = list(task.assignments.all())
        ledger.append(
            LedgerTask(
                task=task,
                lead_units=[a.unit for a in assignments if a.is_lead],
                rows=[LedgerRow(a, a.report_list[0] if a.report_list else None) for a in assignments],
            )
        )
    return ledger


# ---------------------------------------------------------------- progress history


def assignment_reports(*, assignment: Assignment) -> QuerySet[ProgressReport]:
    """An assignment's progress reports, newest first (page it)."""
    return ProgressReport.objects.filter(assignment=assignment).select_related("by").order_by("-at", "-id")


def report_rows(*, reports: Iterable[ProgressReport]) -> list[ProgressReport]:
    """A page of ``assignment_reports`` with ``attachment_url`` worked out (empty without one)."""
    rows = list(reports)
    for report in rows:
        report.attachment_url = reverse("tasks:report-attachment", args=[report.pk]) if report.attachment else ""
    return rows
