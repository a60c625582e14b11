"""Reads: a unit's rows (items from the matrix and tasks), campaign progress, lists.

Every page reads a fixed number of queries, however many units, items, tasks,
evidence files or findings there are (tests/inspections/test_queries.py holds it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from evidence.data.selectors import zone_data_needs, zone_data_values
from evidence.models import Evidence, EvidenceFile, EvidenceStatus
from indicators.models import Indicator
from tasks.models import Assignment, ProgressReport
from zones.models import IndicatorResponsibility, Membership, Unit, Zone

from .access import ALL, eligible_for_team
from .models import Campaign, Evaluation, EvaluationResult, Finding, SelfCheck, SelfCheckEntry, TeamMember

ITEM, TASK = "item", "task"


@dataclass
class EvidenceLine:
    evidence: Evidence
    file: EvidenceFile | None

    @property
    def sha256(self) -> str:
        return self.file.sha256 if self.file else ""


@dataclass
class AttachmentLine:
    """A file the unit attached to a progress report of one of its tasks (its evidence for the task).

    ``sha256`` is filled in only for the generated report (report.py reads the file then); the page
    links the file and does not read it."""

    report: ProgressReport
    sha256: str = ""


@dataclass
class FigureLine:
    label: str
    year: int
    value: str


@dataclass
class Row:
    """One item (from the responsibility matrix) or task (an assignment) of a unit."""

    kind: str  # ITEM or TASK
    is_lead: bool
    indicator: Indicator | None = None
    assignment: Assignment | None = None
    entry: SelfCheckEntry | None = None
    result: EvaluationResult | None = None
    evidence: list[EvidenceLine] = field(default_factory=list)
    figures: list[FigureLine] = field(default_factory=list)
    attachments: list[AttachmentLine] = field(default_factory=list)  # tasks: progress reports' files

    @property
    def key(self) -> str:
        """The form-field prefix: ``i<indicator id>`` or ``a<assignment id>``."""
        return f"i{self.indicator.pk}" if self.kind == ITEM else f"a{self.assignment.pk}"

    @property
    def label(self) -> str:
        if self.kind == ITEM:
            return f"{self.indicator.code} {self.indicator.name}"
        task = self.assignment.task
        return f"{task.number}.{task.title}" if task.number else task.title

    @property
    def answered(self) -> bool:
        return self.entry is not None and bool(self.entry.status)


def _figure_text(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    text = (
        format(value.normalize(), "f") if value == value.to_integral() else format(value.quantize(Decimal("0.01")), "f")
    )
    return f"{text}{unit}"


def _figures_by_indicator(zone: Zone, indicator_ids: set[int]) -> dict[int, list[FigureLine]]:
    """The zone's entered figures each item reads (3 queries)."""
    needs = zone_data_needs(zone=zone)
    values = zone_data_values(zone=zone)
    found: dict[int, list[FigureLine]] = {}
    for key, need in needs.metrics.items():
        for indicator_id in need.indicator_ids & indicator_ids:
            for year in need.years:
                row = values.get((key, year))
                if row is not None and row.value is not None:
                    found.setdefault(indicator_id, []).append(
                        FigureLine(need.metric.name, year, _figure_text(row.value, need.metric.unit))
                    )
    return found


def _evidence_by_indicator(zone: Zone, unit: Unit, indicator_ids: set[int]) -> dict[int, list[EvidenceLine]]:
    """The unit's submitted evidence on its items, each with its latest file (2 queries)."""
    rows = (
        Evidence.objects.filter(zone=zone, unit=unit, indicator_id__in=indicator_ids)
        .exclude(status=EvidenceStatus.DRAFT)
        .prefetch_related(Prefetch("files", queryset=EvidenceFile.objects.order_by("evidence_id", "-version")))
        .order_by("indicator_id", "created_at", "pk")
    )
    found: dict[int, list[EvidenceLine]] = {}
    for evidence in rows:
        files = list(evidence.files.all())
        found.setdefault(evidence.indicator_id, []).append(EvidenceLine(evidence, files[0] if files else None))
    return found


def _attachments_by_assignment(assignment_ids: set[int]) -> dict[int, list[AttachmentLine]]:
    """The files attached to the progress reports of these assignments, oldest first (1 query)."""
    rows = (
        ProgressReport.objects.filter(assignment_id__in=assignment_ids)
        .exclude(attachment="")
        .only("pk", "assignment_id", "attachment", "attachment_name", "attachment_size", "percent", "at")
        .order_by("assignment_id", "at", "pk")
    )
    found: dict[int, list[AttachmentLine]] = {}
    for report in rows:
        found.setdefault(report.assignment_id, []).append(AttachmentLine(report))
    return found


def unit_assignments(*, zone: Zone, unit: Unit) -> QuerySet[Assignment]:
    """The unit's assignments with their last progress report (1 query), lead first."""
    last = ProgressReport.objects.filter(assignment=OuterRef("pk")).order_by("-at", "-id")
    return (
        Assignment.objects.filter(task__zone=zone, unit=unit)
        .select_related("task")
        .annotate(last_text=Subquery(last.values("text")[:1]), last_at=Subquery(last.values("at")[:1]))
        .order_by("-is_lead", "task__position", "task_id")
    )


def unit_rows(*, campaign: Campaign, unit: Unit, selfcheck: SelfCheck | None = None, evaluation=None) -> list[Row]:
    """Every item ``unit`` answers for (the matrix, lead items first) and every task assigned to it,
    with the self-check answers, the evaluation results, the evidence and figures, and the files the
    unit attached to its tasks' progress reports (≤ 10 queries)."""
    zone = campaign.zone
    duties = list(
        IndicatorResponsibility.objects.filter(
            zone=zone, unit=unit, removed=False, indicator__system_id=campaign.system_id
        )
        .select_related("indicator")
        .order_by("-is_lead", "indicator__position", "indicator_id")
    )
    assignments = list(unit_assignments(zone=zone, unit=unit))
    entries = {}
    if selfcheck is not None:
        for entry in SelfCheckEntry.objects.filter(selfcheck=selfcheck):
            entries[("i", entry.indicator_id) if entry.indicator_id else ("a", entry.assignment_id)] = entry
    results = {}
    if evaluation is not None:
        for result in EvaluationResult.objects.filter(evaluation=evaluation):
            results[("i", result.indicator_id) if result.indicator_id else ("a", result.assignment_id)] = result
    indicator_ids = {d.indicator_id for d in duties}
    evidence = _evidence_by_indicator(zone, unit, indicator_ids) if indicator_ids else {}
    figures = _figures_by_indicator(zone, indicator_ids) if indicator_ids else {}
    attachments = _attachments_by_assignment({a.pk for a in assignments}) if assignments else {}
    rows = [
        Row(
            kind=ITEM,
            is_lead=d.is_lead,
            indicator=d.indicator,
            entry=entries.get(("i", d.indicator_id)),
            result=results.get(("i", d.indicator_id)),
            evidence=evidence.get(d.indicator_id, []),
            figures=figures.get(d.indicator_id, []),
        )
        for d in duties
    ]
    rows += [
        Row(
            kind=TASK,
            is_lead=a.is_lead,
            assignment=a,
            entry=entries.get(("a", a.pk)),
            result=results.get(("a", a.pk)),
            attachments=attachments.get(a.pk, []),
        )
        for a in assignments
    ]
    return rows


# Campaigns ---------------------------------------------------------------------------


def campaigns_of_zone(*, zone: Zone) -> QuerySet[Campaign]:
    return Campaign.objects.filter(zone=zone).select_related("zone", "system").order_by("-opened_at", "-pk")


def campaign_open_for_zone(*, zone: Zone) -> Campaign | None:
    return Campaign.objects.filter(zone=zone, status=Campaign.Status.OPEN).first()


@dataclass
class UnitLine:
    """A unit's line in the campaign overview: its self-check, evaluation and findings."""

    unit: Unit
    selfcheck: SelfCheck | None
    evaluation: Evaluation | None
    findings_open: int = 0
    findings_closed: int = 0
    findings_serious_open: int = 0


@dataclass
class Progress:
    total: int
    submitted: int
    late: int  # submitted after the due date, or not submitted once it has passed
    evaluated: int

    @property
    def percent(self) -> int:
        return round(self.submitted * 100 / self.total) if self.total else 0

    @property
    def unsubmitted(self) -> int:
        return self.total - self.submitted


def _finding_counts(campaign: Campaign) -> dict[int, dict[str, int]]:
    """unit id → {"open", "closed", "serious_open"} (1 query, GROUP BY unit)."""
    closed = Q(status=Finding.Status.CLOSED)
    rows = (
        Finding.objects.filter(campaign=campaign)
        .values("unit_id")
        .annotate(
            closed=Count("pk", filter=closed),
            open=Count("pk", filter=~closed),
            serious_open=Count("pk", filter=~closed & Q(severity="serious")),
        )
    )
    return {r["unit_id"]: r for r in rows}


def campaign_unit_lines(*, campaign: Campaign, scope: set[int] | None = ALL) -> list[UnitLine]:
    """Every unit of the zone (or of ``scope``) with its self-check, evaluation and finding counts (4 queries)."""
    units = Unit.objects.filter(zone=campaign.zone).order_by("position", "pk")
    if scope is not ALL:
        units = units.filter(pk__in=scope)
    selfchecks = {s.unit_id: s for s in SelfCheck.objects.filter(campaign=campaign)}
    evaluations = {e.unit_id: e for e in Evaluation.objects.filter(campaign=campaign).select_related("evaluator")}
    counts = _finding_counts(campaign)
    lines = []
    for unit in units:
        c = counts.get(unit.pk, {})
        selfcheck = selfchecks.get(unit.pk)
        if selfcheck is not None:
            selfcheck.campaign = campaign
        lines.append(
            UnitLine(
                unit=unit,
                selfcheck=selfcheck,
                evaluation=evaluations.get(unit.pk),
                findings_open=c.get("open", 0),
                findings_closed=c.get("closed", 0),
                findings_serious_open=c.get("serious_open", 0),
            )
        )
    return lines


def campaign_progress(*, campaign: Campaign, lines: list[UnitLine], today: date | None = None) -> Progress:
    today = today or timezone.localdate()
    submitted = [line for line in lines if line.selfcheck and line.selfcheck.status == SelfCheck.Status.SUBMITTED]
    late = [line for line in lines if line.selfcheck and line.selfcheck.is_late]
    evaluated = [line for line in lines if line.evaluation and line.evaluation.status == Evaluation.Status.DONE]
    return Progress(total=len(lines), submitted=len(submitted), late=len(late), evaluated=len(evaluated))


def team_of(*, campaign: Campaign) -> list[TeamMember]:
    return list(TeamMember.objects.filter(campaign=campaign).select_related("user").order_by("role", "pk"))


def team_candidates(*, campaign: Campaign, exclude: set[int]) -> list:
    """Who may join the 考评组 and is not in it yet, by the rule ``team_member_add`` applies
    (``access.eligible_for_team``): the zone's office staff, and evaluators with a role on the zone,
    whether granted for the zone or through an assignment in one of its rounds (a pool evaluator).

    Only office staff of the zone and evaluators are looked at (an evaluator's round roles cost a
    query each: the pool is small and the page is the office's)."""
    Role = Membership.Role
    people = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(memberships__zone=campaign.zone, memberships__role=Role.OFFICE) | Q(memberships__role=Role.EVALUATOR))
        .exclude(pk__in=exclude)
        .distinct()
        .order_by("username")
    )
    return [person for person in people if eligible_for_team(person, campaign.zone)]


# Findings ----------------------------------------------------------------------------


def findings_of(
    *,
    campaign: Campaign,
    scope: set[int] | None = ALL,
    unit_id: int | None = None,
    indicator_id: int | None = None,
    task_id: int | None = None,
    status: str = "",
    severity: str = "",
) -> QuerySet[Finding]:
    rows = Finding.objects.filter(campaign=campaign).select_related("unit", "indicator", "assignment__task")
    if scope is not ALL:
        rows = rows.filter(unit_id__in=scope)
    if unit_id:
        rows = rows.filter(unit_id=unit_id)
    if indicator_id:
        rows = rows.filter(indicator_id=indicator_id)
    if task_id:
        rows = rows.filter(assignment__task_id=task_id)
    if status:
        rows = rows.filter(status=status)
    if severity:
        rows = rows.filter(severity=severity)
    return rows.order_by("number")


def finding_state_table(*, campaign: Campaign, scope: set[int] | None = ALL, by: str = "unit") -> list[dict]:
    """Findings counted per unit, per item (``by="item"``) or per task (``by="task"``) and state:
    one GROUP BY query.

    Each row: {"id", "label", "cells": [count per state …], "total"}; items and tasks without
    findings are left out. A finding is linked to an item or to a task (one of a task's
    assignments), or to neither: the item and task tables together count every linked finding.
    """
    rows = Finding.objects.filter(campaign=campaign)
    if scope is not ALL:
        rows = rows.filter(unit_id__in=scope)
    if by == "unit":
        field_name, labels = "unit_id", ("unit__name", "unit__position")
    elif by == "task":
        rows = rows.filter(assignment__isnull=False)
        field_name = "assignment__task_id"
        labels = ("assignment__task__number", "assignment__task__title", "assignment__task__position")
    else:
        rows = rows.filter(indicator__isnull=False)
        field_name, labels = "indicator_id", ("indicator__code", "indicator__name", "indicator__position")
    counts = {s: Count("pk", filter=Q(status=s)) for s in Finding.Status.values}
    grouped = rows.values(field_name, *labels).annotate(total=Count("pk"), **counts).order_by(labels[-1], field_name)
    table = []
    for row in grouped:
        if by == "unit":
            label = row["unit__name"]
        elif by == "task":
            number, title = row["assignment__task__number"], row["assignment__task__title"]
            label = f"{number} {title}" if number else title
        else:
            label = f"{row['indicator__code']} {row['indicator__name']}"
        table.append({"id": row[field_name], "label": label, "total": row["total"], "cells": [row[s] for s in counts]})
    return table
