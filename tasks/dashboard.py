"""The office's dashboard (驾驶舱) of a zone: reads only, a fixed number of queries.

Everything that grows with the data is counted in the database (one GROUP BY unit,
one aggregate over the zone's assignments); lists are cut at ``limit`` rows with
their full count shown. ``stage_timeline`` is plain Python over the stages. The aggregates are
cached per zone and day until a write to the zone's units, tasks or assignments (see below).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from common import hooks
from common.cache import ALL, generation, invalidate, invalidate_now_and_on_commit
from zones.models import Stage, Unit, Zone

from .models import Assignment
from .selectors import PENDING, assignment_status_q

Status = Assignment.Status

UPCOMING_DAYS = 14
LIST_LIMIT = 20


# -------------------------------------------------------------------- timeline


@dataclass
class StageBar:
    stage: Stage
    left: str  # % of the timeline, as text for a style attribute ("12.50")
    width: str
    state: str  # "past", "current" or "future"


@dataclass
class Timeline:
    start: date | None
    end: date | None
    bars: list[StageBar]
    today: date
    today_left: str | None  # None when today is outside the timeline


def _pct(value: float) -> str:
    return f"{max(0.0, min(100.0, value)):.2f}"


def stage_timeline(*, stages: list[Stage], today: date, start: date | None = None, end: date | None = None) -> Timeline:
    """The stages as bars on one axis from the earliest start to the latest end (days inclusive).

    ``start``/``end`` (the zone's creation period) widen the axis when given.
    """
    starts = [s.start for s in stages] + ([start] if start else [])
    ends = [s.end for s in stages] + ([end] if end else [])
    if not starts or not ends:
        return Timeline(start=None, end=None, bars=[], today=today, today_left=None)
    first, last = min(starts), max(ends)
    span = (last - first).days + 1
    bars = []
    for stage in stages:
        state = "past" if stage.end < today else "future" if stage.start > today else "current"
        bars.append(
            StageBar(
                stage=stage,
                left=_pct((stage.start - first).days / span * 100),
                width=_pct(((stage.end - stage.start).days + 1) / span * 100),
                state=state,
            )
        )
    today_left = _pct(((today - first).days + 0.5) / span * 100) if first <= today <= last else None
    return Timeline(start=first, end=last, bars=bars, today=today, today_left=today_left)


# ------------------------------------------------------------------ by unit


@dataclass
class UnitProgress:
    unit: Unit
    total: int
    completed: int
    in_progress: int
    not_started: int
    overdue: int
    progress: int  # mean of the unit's assignments' progress, rounded


def unit_progress_list(*, zone: Zone, today: date) -> list[UnitProgress]:
    """Each unit with assignments: counts by displayed status and mean progress (1 query, GROUP BY unit)."""

    def count(status: str) -> Count:
        return Count("assignments", filter=assignment_status_q(status, today=today, prefix="assignments__"))

    units = (
        Unit.objects.filter(zone=zone)
        .annotate(
            a_total=Count("assignments"),
            a_completed=count(Status.COMPLETED),
            a_in_progress=count(Status.IN_PROGRESS),
            a_not_started=count(Status.NOT_STARTED),
            a_overdue=count(Status.OVERDUE),
            a_progress=Avg("assignments__progress"),
        )
        .filter(a_total__gt=0)
        .order_by("position", "pk")
    )
    return [
        UnitProgress(
            unit=u,
            total=u.a_total,
            completed=u.a_completed,
            in_progress=u.a_in_progress,
            not_started=u.a_not_started,
            overdue=u.a_overdue,
            progress=round(u.a_progress or 0),
        )
        for u in units
    ]


# ------------------------------------------------------------------- counts


@dataclass
class DashboardCounts:
    tasks: int
    assignments: int
    units: int  # units with at least one assignment
    completed: int
    pending: int  # completed, awaiting the office's confirmation
    in_progress: int
    not_started: int
    overdue: int
    upcoming: int  # open, due in the next UPCOMING_DAYS days

    @property
    def completion_percent(self) -> int:
        return round(self.completed * 100 / self.assignments) if self.assignments else 0


def _open_q(today: date) -> Q:
    """Not completed and not overdue (displayed status 未开始 or 进行中)."""
    return assignment_status_q(Status.NOT_STARTED, today=today) | assignment_status_q(Status.IN_PROGRESS, today=today)


def _upcoming_q(today: date) -> Q:
    return _open_q(today) & Q(due_date__gte=today, due_date__lte=today + timedelta(days=UPCOMING_DAYS))


def dashboard_counts(*, zone: Zone, today: date, units: list[UnitProgress]) -> DashboardCounts:
    """Zone totals: from the per-unit counts, plus one aggregate for tasks, pending and upcoming."""
    extra = Assignment.objects.filter(task__zone=zone).aggregate(
        tasks=Count("task", distinct=True),
        pending=Count("pk", filter=assignment_status_q(PENDING, today=today)),
        upcoming=Count("pk", filter=_upcoming_q(today)),
    )
    return DashboardCounts(
        tasks=extra["tasks"],
        assignments=sum(u.total for u in units),
        units=len(units),
        completed=sum(u.completed for u in units),
        pending=extra["pending"],
        in_progress=sum(u.in_progress for u in units),
        not_started=sum(u.not_started for u in units),
        overdue=sum(u.overdue for u in units),
        upcoming=extra["upcoming"],
    )


# --------------------------------------------------------------------- lists


def _assignments(zone: Zone) -> QuerySet[Assignment]:
    return Assignment.objects.filter(task__zone=zone).select_related("task", "unit")


def overdue_assignment_list(*, zone: Zone, today: date, limit: int = LIST_LIMIT) -> list[Assignment]:
    """The longest overdue first (1 query)."""
    rows = _assignments(zone).filter(assignment_status_q(Status.OVERDUE, today=today))
    rows = list(rows.order_by("due_date", "task__position", "task_id", "unit__position", "unit_id")[:limit])
    for a in rows:
        a.days_overdue = max((today - a.due_date).days, 0)
    return rows


def upcoming_assignment_list(*, zone: Zone, today: date, limit: int = LIST_LIMIT) -> list[Assignment]:
    """Open assignments due in the next UPCOMING_DAYS days, soonest first (1 query)."""
    rows = _assignments(zone).filter(_upcoming_q(today))
    rows = list(rows.order_by("due_date", "task__position", "task_id", "unit__position", "unit_id")[:limit])
    for a in rows:
        a.days_left = (a.due_date - today).days
    return rows


# ----------------------------------------------------------------- dashboard


@dataclass
class Dashboard:
    zone: Zone
    today: date
    timeline: Timeline
    units: list[UnitProgress]
    counts: DashboardCounts
    overdue: list[Assignment]
    upcoming: list[Assignment]
    snapshot: Any  # the latest live score (assessments.ScoreSnapshot), through a hook
    upcoming_days: int = UPCOMING_DAYS


def _aggregates(*, zone: Zone, today: date, limit: int) -> dict[str, Any]:
    """What every viewer of the zone's dashboard sees the same on ``today`` (4 queries)."""
    units = unit_progress_list(zone=zone, today=today)
    return {
        "units": units,
        "counts": dashboard_counts(zone=zone, today=today, units=units),
        "overdue": overdue_assignment_list(zone=zone, today=today, limit=limit),
        "upcoming": upcoming_assignment_list(zone=zone, today=today, limit=limit),
    }


# ------------------------------------------------------------------- cache
#
# The aggregates are cached per zone and day under a generation token; any write to the zone's
# units, tasks or assignments (tasks/apps.py connects dashboard_invalidate to their save and
# delete; bulk updates call it themselves) replaces the token, so the next read recomputes.
# The stages and the latest score are read every time (2 small queries).


def _generation_name(zone_id: int | None) -> str:
    return f"tasks-dashboard:{ALL if zone_id is None else zone_id}"


def dashboard_invalidate(*, zone_id: int | None) -> None:
    """Forget the cached dashboard aggregates of a zone (every day's); of every zone with None."""
    invalidate(_generation_name(zone_id))


def zone_generation(zone_id: int) -> str:
    """The zone's token and the all-zones token (common/cache.py: one round trip).
    Also keys the 督办通报's cached ranking (tasks/bulletin.py)."""
    return generation(_generation_name(zone_id), _generation_name(None))


def dashboard_for_zone(*, zone: Zone, today: date | None = None, limit: int = LIST_LIMIT) -> Dashboard:
    """Everything the dashboard shows: 6 queries, whatever the number of units, tasks and
    assignments; 2 when the aggregates come from the cache."""
    today = today or timezone.localdate()
    key = f"tasks:dashboard:{zone.pk}:{today.isoformat()}:{limit}:{zone_generation(zone.pk)}"
    data = cache.get(key)
    if data is None:
        data = _aggregates(zone=zone, today=today, limit=limit)
        cache.set(key, data)
    stages = list(Stage.objects.filter(zone=zone).order_by("position", "start", "pk"))
    return Dashboard(
        zone=zone,
        today=today,
        timeline=stage_timeline(stages=stages, today=today, start=zone.creation_start, end=zone.creation_end),
        snapshot=hooks.call("zone_latest_score", zone=zone),
        **data,
    )


def dashboard_changed(sender, instance, **kwargs) -> None:
    """Receiver of post_save / post_delete of Unit, Task, Assignment, AssignmentEvent and
    ProgressReport (connected in tasks/apps.py; the last two for the 督办通报).

    Invalidates now and again when the transaction commits: a page computed meanwhile from the
    data before the commit must not stay cached under the new token.
    """
    invalidate_now_and_on_commit(_generation_name(_zone_of(instance)))


def _zone_of(instance: Any) -> int | None:
    """The zone of a unit, task, assignment, event or report, without a query when the related
    rows are loaded (the services load them); None (every zone) when they are not."""
    if hasattr(instance, "zone_id"):
        return instance.zone_id
    if not isinstance(instance, Assignment):
        if not type(instance).assignment.is_cached(instance):
            return None
        instance = instance.assignment
    return instance.task.zone_id if Assignment.task.is_cached(instance) else None
