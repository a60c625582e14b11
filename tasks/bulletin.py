"""督办通报 (supervision bulletin): overdue assignments by unit and the units' on-time ranking, for a date.

``bulletin_for_zone`` reads (5 queries, whatever the data size); the page shows the overdue
rows a page at a time (``rows=False``, then ``bulletin_groups`` for the page's rows), the Excel
export all of them; ``bulletin_to_workbook`` turns the result into the export (pure conversion,
no ORM).

Definitions, as of the end of day T (the chosen date, local time):

- an assignment's status on T is the ``to_status`` of its last event up to T (every
  change leaves an event row); assignments created after T are left out;
- it was *completed* on T when that status is 已完成; its completion date is the day of
  its last 提交完成 event up to T (the unit's 100% report; the office's confirmation is
  a separate step and does not move it);
- it is *overdue* on T when its due date is before T and it was not completed
  (the due date is the current one: a due date changed later counts as it is now);
- 应完成 (settled) = completed on time + completed late + overdue, i.e. every assignment
  whose due date has passed, plus those due on T that are already done; an open
  assignment due on T still has the day and is not counted yet;
- 按时完成率 = completed on or before the due date / 应完成; units are ranked by it
  (highest first), ties by fewer overdue, and equal pairs share a rank; a unit with
  nothing settled yet has no rate and comes last;
- progress and 最近进展 are those of the unit's last report up to T.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from fractions import Fraction

from django.core.cache import cache
from django.db.models import Case, F, When
from django.utils import timezone
from openpyxl import Workbook

from common.xlsx import body_row, column_widths, header_row, put, title_row
from zones.models import Unit, Zone

from .dashboard import zone_generation
from .models import Assignment, AssignmentEvent, ProgressReport

Status = Assignment.Status
Kind = AssignmentEvent.Kind


@dataclass(frozen=True)
class OverdueRef:
    """An overdue assignment as the ranking query read it (no model instance)."""

    pk: int
    unit_id: int
    due_date: date


@dataclass
class OverdueRow:
    assignment: Assignment  # with .task loaded
    days_overdue: int
    progress: int
    last_report: ProgressReport | None


@dataclass
class UnitGroup:
    unit: Unit
    rows: list[OverdueRow] = field(default_factory=list)
    total: int = 0  # the unit's overdue assignments in all (a page may show only some of them)


@dataclass
class UnitRank:
    unit: Unit
    on_time: int = 0
    late: int = 0  # completed after the due date
    overdue: int = 0  # past the due date, not completed
    rank: int | None = None

    @property
    def settled(self) -> int:
        """应完成: on time + late + overdue."""
        return self.on_time + self.late + self.overdue

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.on_time, self.settled) if self.settled else None

    @property
    def rate_percent(self) -> float | None:
        """The rate in % with one decimal, for display (the ranking uses the exact fraction)."""
        return None if self.rate is None else round(float(self.rate * 100), 1)


@dataclass
class Bulletin:
    zone: Zone
    on: date
    groups: list[UnitGroup]  # every overdue row, by unit; empty when asked for ``rows=False``
    ranking: list[UnitRank]
    overdue: list[OverdueRef] = field(default_factory=list)  # by unit, then due date: what ``groups`` holds

    @property
    def overdue_count(self) -> int:
        return len(self.overdue)


def _end_of(day: date) -> datetime:
    """The first instant after ``day`` in the current (Asia/Shanghai) time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _rank(ranks: list[UnitRank]) -> list[UnitRank]:
    """Highest rate first, then fewer overdue; equal (rate, overdue) share a rank; no rate last, unranked."""
    rated = sorted(
        (r for r in ranks if r.rate is not None),
        key=lambda r: (-r.rate, r.overdue, r.unit.position, r.unit.pk),
    )
    previous = None
    for index, entry in enumerate(rated, start=1):
        key = (entry.rate, entry.overdue)
        entry.rank = previous.rank if previous is not None and key == (previous.rate, previous.overdue) else index
        previous = entry
    unrated = [r for r in ranks if r.rate is None]
    return rated + sorted(unrated, key=lambda r: (r.unit.position, r.unit.pk))


def bulletin_for_zone(*, zone: Zone, on: date, rows: bool = True) -> Bulletin:
    """The bulletin of ``zone`` as of the end of ``on`` (5 queries; 3 with ``rows=False``).

    The ranking is counted over plain values (no model instance per assignment: at province
    scale that was most of the time); ``rows=False`` leaves ``groups`` empty, for the page,
    which loads only a page of ``overdue`` through ``bulletin_groups``; the Excel export has
    every row.
    """
    key = f"tasks:bulletin:{zone.pk}:{on.isoformat()}:{zone_generation(zone.pk)}"
    cached = cache.get(key)
    if cached is None:
        cached = _ranking(zone=zone, on=on)
        cache.set(key, cached)
    ranking, overdue = cached
    bulletin = Bulletin(zone=zone, on=on, groups=[], ranking=ranking, overdue=overdue)
    if rows:
        bulletin.groups = bulletin_groups(bulletin=bulletin, overdue=bulletin.overdue)
    return bulletin


def _ranking(*, zone: Zone, on: date) -> tuple[list[UnitRank], list[OverdueRef]]:
    """The ranking and the overdue assignments, by unit (3 queries). Cached per zone and date under
    the zone's generation token (tasks/dashboard.py), which every write to the zone's units, tasks,
    assignments, their events and reports replaces, so this runs again after every write: it reads
    each of the zone's events once, in order, and folds them here (a correlated subquery per
    assignment cost twice as much at province scale)."""
    end = _end_of(on)
    status_then: dict[int, str] = {}  # the to_status of each assignment's last event up to T
    completed_at: dict[int, datetime] = {}  # and the time of its last 提交完成 event up to T
    events = (
        AssignmentEvent.objects.filter(assignment__task__zone=zone, at__lt=end)
        .annotate(submitted_at=Case(When(kind=Kind.SUBMITTED, then=F("at")), default=None))
        .order_by("assignment_id", "at", "id")
        .values_list("assignment_id", "to_status", "submitted_at")
    )
    for assignment_id, to_status, submitted_at in events:
        status_then[assignment_id] = to_status
        if submitted_at is not None:
            completed_at[assignment_id] = submitted_at
    values = (
        Assignment.objects.filter(task__zone=zone)
        .order_by("due_date", "task__position", "task_id", "pk")
        .values_list("pk", "unit_id", "due_date")
    )
    units = list(Unit.objects.filter(zone=zone).order_by("position", "pk"))
    ranks = {unit.pk: UnitRank(unit=unit) for unit in units}
    by_unit: dict[int, list[OverdueRef]] = {unit.pk: [] for unit in units}
    for pk, unit_id, due_date in values:
        status = status_then.get(pk)
        if status is None:  # created after T
            continue
        rank = ranks[unit_id]
        if status == Status.COMPLETED:
            done = completed_at.get(pk)
            done_on = timezone.localdate(done) if done else on
            if done_on <= due_date:
                rank.on_time += 1
            else:
                rank.late += 1
        elif due_date < on:
            rank.overdue += 1
            by_unit[unit_id].append(OverdueRef(pk, unit_id, due_date))
    return _rank(list(ranks.values())), [ref for refs in by_unit.values() for ref in refs]


def _last_reports(*, assignment_ids: list[int], end: datetime) -> dict[int, ProgressReport]:
    """Each assignment's last progress report before ``end`` (1 query: their reports in order)."""
    last: dict[int, ProgressReport] = {}
    reports = ProgressReport.objects.filter(assignment_id__in=assignment_ids, at__lt=end).order_by(
        "assignment_id", "at", "id"
    )
    for report in reports:
        last[report.assignment_id] = report
    return last


def bulletin_groups(*, bulletin: Bulletin, overdue: list[OverdueRef]) -> list[UnitGroup]:
    """Rows of ``bulletin.overdue`` (all, or a page of them) grouped by unit, each assignment with
    its task and its last progress report up to the bulletin's date (2 queries)."""
    ids = [ref.pk for ref in overdue]
    assignments = Assignment.objects.select_related("task").in_bulk(ids)
    reports = _last_reports(assignment_ids=ids, end=_end_of(bulletin.on)) if ids else {}
    ranks = {rank.unit.pk: rank for rank in bulletin.ranking}
    groups: dict[int, UnitGroup] = {}
    for ref in overdue:
        rank = ranks[ref.unit_id]
        assignment = assignments[ref.pk]
        assignment.unit = rank.unit
        report = reports.get(ref.pk)
        group = groups.setdefault(ref.unit_id, UnitGroup(unit=rank.unit, total=rank.overdue))
        group.rows.append(
            OverdueRow(
                assignment=assignment,
                days_overdue=(bulletin.on - ref.due_date).days,
                progress=report.percent if report else 0,
                last_report=report,
            )
        )
    return list(groups.values())


# ------------------------------------------------------------------------ Excel

OVERDUE_SHEET = "逾期任务"
RANKING_SHEET = "按时完成率排名"
OVERDUE_HEADERS = ("责任单位", "序号", "任务", "完成时限", "逾期天数", "进度（%）", "最近进展", "填报时间")
RANKING_HEADERS = ("排名", "责任单位", "应完成", "按时完成", "逾期完成", "逾期未完成", "按时完成率（%）")


def _local(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def bulletin_to_workbook(bulletin: Bulletin) -> Workbook:
    """Two sheets: the overdue assignments grouped by unit (unit cells merged), and the ranking.

    Every text cell goes through ``common.xlsx.put``: nothing a user typed can become a formula.
    """
    heading = f"{bulletin.zone.name}督办通报（截至 {bulletin.on:%Y-%m-%d}）"
    workbook = Workbook()
    ws = workbook.active
    ws.title = OVERDUE_SHEET
    title_row(ws, heading, len(OVERDUE_HEADERS))
    header_row(ws, 2, OVERDUE_HEADERS)
    row = 3
    for group in bulletin.groups:
        first = row
        for line in group.rows:
            a, report = line.assignment, line.last_report
            values = [
                group.unit.name,
                a.task.number,
                a.task.title,
                a.due_date,
                line.days_overdue,
                line.progress,
                report.text if report else "",
                _local(report.at) if report else "",
            ]
            body_row(ws, row, values, wrap={1, 3, 7})
            row += 1
        if row - 1 > first:
            ws.merge_cells(start_row=first, start_column=1, end_row=row - 1, end_column=1)
    if not bulletin.groups:
        put(ws, row, 1, "无逾期任务。")
    column_widths(ws, (24, 6, 32, 12, 9, 9, 44, 16))
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"

    ranking = workbook.create_sheet(RANKING_SHEET)
    title_row(ranking, heading, len(RANKING_HEADERS))
    header_row(ranking, 2, RANKING_HEADERS)
    for row, entry in enumerate(bulletin.ranking, start=3):
        values = [
            entry.rank if entry.rank is not None else "—",
            entry.unit.name,
            entry.settled,
            entry.on_time,
            entry.late,
            entry.overdue,
            entry.rate_percent if entry.rate_percent is not None else "—",
        ]
        body_row(ranking, row, values, wrap={2})
    column_widths(ranking, (6, 30, 8, 10, 10, 11, 14))
    ranking.freeze_panes = "A3"
    return workbook
