"""Reads: what a report shows, gathered once and handed to a renderer as plain data.

``score_source`` answers "which score does this report show" — the zone's live
score (computed now, exactly what ``score_zone`` prints), a submitted round's
frozen snapshot, or an open round computed now — and names it. ``document_content``
adds everything the PDF needs: indicators, evidence, evaluators, differences, gaps,
rectification tasks, figures and benchmarks. ``digest`` fingerprints what was
read, so an unchanged report is served again instead of being rendered twice.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from assessments.models import AssessmentRound, ScoreSnapshot
from assessments.rectification import CATEGORY as RECTIFICATION_CATEGORY
from assessments.selectors import (
    round_differences,
    round_result_data,
    round_score,
    round_snapshot,
    round_years_read,
    rounds_of_zone,
    zone_score,
)
from common.files import human_size
from common.numbers import num
from evidence.models import DataValue, Evidence, EvidenceFile, EvidenceStatus, OperatorEntry, OutcomeEntry
from indicators.models import Benchmark, Indicator, Metric, ScoringItem
from indicators.scoring.params import metrics_used
from tasks.models import Task
from zones.models import Zone

Kind = AssessmentRound.Kind
# Evidence a report lists: everything a unit has submitted (drafts are the unit's unfinished work).
LISTED_EVIDENCE = (EvidenceStatus.ACCEPTED, EvidenceStatus.SUBMITTED, EvidenceStatus.RETURNED)


def _d(value: Any) -> Decimal:
    return Decimal(str(value))


def plain(value: Any) -> str:
    """2 → "2", 1.50 → "1.5", None → "—"."""
    if value is None:
        return "—"
    number = _d(value).normalize()
    return format(number, "f")


def local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return timezone.localtime(value).strftime(fmt) if value else ""


@dataclass
class ScoreSource:
    """The score a report shows, and how it names it."""

    label: str
    result: dict[str, Any]
    snapshot: ScoreSnapshot | None
    is_draft: bool  # the 草稿 watermark: everything but a submitted round
    system_id: int


def round_title(round: AssessmentRound) -> str:
    """ "自评（2026-12-02 发起）": the day the round was opened, in local time (Asia/Shanghai)."""
    return f"{round.get_kind_display()}（{local(round.opened_at, '%Y-%m-%d')} 发起）"


def round_choice_label(round: AssessmentRound) -> str:
    """The round in the pages' drop-downs: kind, local opening day and status."""
    return f"{round.get_kind_display()}（{local(round.opened_at, '%Y-%m-%d')} 发起，{round.get_status_display()}）"


def score_source(*, zone: Zone, round: AssessmentRound | None) -> ScoreSource:
    if round is None:
        result = zone_score(zone=zone).to_dict()
        label = f"实时得分（按 {timezone.localtime():%Y-%m-%d %H:%M} 的数据计算）"
        return ScoreSource(label, result, None, True, zone.system_id)
    if round.status == AssessmentRound.Status.SUBMITTED:
        snapshot = round_snapshot(round=round)
        if snapshot is not None:
            label = f"{round_title(round)} · 已于 {local(round.submitted_at)} 提交 · 评分快照 #{snapshot.pk}"
            return ScoreSource(label, snapshot.result, snapshot, False, round.system_id)
    result = round_score(round=round).to_dict()
    label = f"{round_title(round)} · {round.get_status_display()} · 按 {timezone.localtime():%Y-%m-%d %H:%M} 的评分计算"
    return ScoreSource(label, result, None, True, round.system_id)


def digest(data: Any) -> str:
    """sha256 of ``data`` as canonical JSON (dates, decimals and the like as text)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def result_digest_data(result: dict[str, Any]) -> dict[str, Any]:
    """A result without what changes on every computation (times)."""
    items = []
    for item in result.get("items", []):
        subs = [{k: v for k, v in sub.items() if k != "evaluators"} for sub in item.get("subs", [])]
        evaluators = [
            [(e.get("evaluator"), e.get("points"), e.get("comment")) for e in sub.get("evaluators") or []]
            for sub in item.get("subs", [])
        ]
        items.append({**item, "subs": subs, "evaluators": evaluators})
    return {"total": result.get("total"), "dimensions": result.get("dimensions"), "items": items}


# Issuing office ------------------------------------------------------------------------


def issuing_office(*, zone: Zone, round: AssessmentRound | None) -> str:
    """Who issues the report: the zone's creation office for a self-assessment, the assessing body otherwise."""
    if round is not None and round.kind == Kind.PROVINCIAL:
        return f"{zone.region.province.name}市场监督管理局（省级评估组）"
    if round is not None and round.kind == Kind.NATIONAL:
        return "国家市场监督管理总局（总局评估组）"
    return f"{zone.name}网络市场监管与服务示范区创建工作领导小组办公室"


# Indicators and evidence ------------------------------------------------------------------


def indicators_by_code(*, system_id: int) -> dict[str, Indicator]:
    return {i.code: i for i in Indicator.objects.filter(system_id=system_id, level=3).order_by("position")}


@dataclass(frozen=True)
class EvidenceRow:
    evidence_id: int
    indicator_code: str
    title: str
    unit: str
    effective_date: date | None
    uploaded_on: date | None  # the latest file's upload day (local): the date shown when there is no effective date
    status: str
    status_label: str
    file_id: int | None
    file_name: str
    size: int | None
    version: int | None
    sha256: str
    stored_name: str

    @property
    def size_label(self) -> str:
        return human_size(self.size) if self.size is not None else "—"

    @property
    def sha_prefix(self) -> str:
        return self.sha256[:16]

    @property
    def date_label(self) -> str:
        """The 日期 column: the evidence's effective date, else its file's upload day marked （上传）."""
        if self.effective_date is not None:
            return self.effective_date.isoformat()
        if self.uploaded_on is not None:
            return f"{self.uploaded_on.isoformat()}（上传）"
        return "—"


def evidence_rows(*, zone: Zone, statuses=LISTED_EVIDENCE) -> list[EvidenceRow]:
    """The zone's evidence (the given statuses) with its latest file, in item order (2 queries)."""
    evidence = list(
        Evidence.objects.filter(zone=zone, status__in=statuses)
        .select_related("indicator", "unit")
        .order_by("indicator__position", "unit__position", "pk")
    )
    latest: dict[int, EvidenceFile] = {}
    for file in EvidenceFile.objects.filter(evidence__in=[e.pk for e in evidence]).order_by("evidence_id", "version"):
        latest[file.evidence_id] = file
    labels = dict(EvidenceStatus.choices)
    rows = []
    for e in evidence:
        file = latest.get(e.pk)
        rows.append(
            EvidenceRow(
                evidence_id=e.pk,
                indicator_code=e.indicator.code,
                title=e.title,
                unit=e.unit.name,
                effective_date=e.effective_date,
                uploaded_on=timezone.localtime(file.uploaded_at).date() if file and file.uploaded_at else None,
                status=e.status,
                status_label=labels[e.status],
                file_id=file.pk if file else None,
                file_name=file.original_name if file else "",
                size=file.size if file else None,
                version=file.version if file else None,
                sha256=file.sha256 if file else "",
                stored_name=file.stored_name if file else "",
            )
        )
    return rows


# Rectification tasks ---------------------------------------------------------------------


@dataclass(frozen=True)
class TaskLine:
    title: str
    units: str
    due_date: date
    status: str


def rectification_tasks(*, zone: Zone) -> dict[str, list[TaskLine]]:
    """Item code → the zone's rectification (整改) tasks linked to it, one line per responsible unit (3 queries)."""
    tasks = (
        Task.objects.filter(zone=zone, category=RECTIFICATION_CATEGORY)
        .prefetch_related("indicators", "assignments__unit")
        .order_by("deadline", "pk")
    )
    out: dict[str, list[TaskLine]] = defaultdict(list)
    for task in tasks:
        assignments = list(task.assignments.all())
        lines = [TaskLine(task.title, a.unit.name, a.due_date, a.get_display_status_display()) for a in assignments]
        if not lines:
            lines = [TaskLine(task.title, "—", task.deadline, "未分工")]
        for indicator in task.indicators.all():
            out[indicator.code].extend(lines)
    return dict(out)


# Figures the score used -------------------------------------------------------------------


@dataclass(frozen=True)
class FigureRow:
    key: str
    name: str
    unit: str
    year: int
    value: str
    growth: str
    source: str
    items: str


@dataclass(frozen=True)
class BenchmarkRow:
    name: str
    unit: str
    scope: str
    year: int
    value: str
    source: str
    items: str


def _metric_items(system_id: int) -> dict[str, list[str]]:
    usage: dict[str, list[str]] = defaultdict(list)
    for code, rule_type, params in ScoringItem.objects.filter(indicator__system_id=system_id).values_list(
        "indicator__code", "rule_type", "params"
    ):
        for key in metrics_used(rule_type, params or {}):
            if code not in usage[key]:
                usage[key].append(code)
    return usage


def figures_used(*, zone: Zone, system, reference_years: tuple[int, int]) -> tuple[list[FigureRow], list[BenchmarkRow]]:
    """Every zone figure and benchmark the score reads (metric × year), with unit, source and items (4 queries)."""
    usage = _metric_items(system.pk)
    metrics = {m.key: m for m in Metric.objects.filter(key__in=list(usage))}
    figures = [
        FigureRow(
            key=dv.metric.key,
            name=dv.metric.name,
            unit=dv.metric.unit,
            year=dv.year,
            value=num(dv.value) if dv.value is not None else "—",
            growth=f"{num(dv.published_growth)}%" if dv.published_growth is not None else "",
            source=dv.source or "—",
            items="、".join(usage[dv.metric.key]),
        )
        for dv in DataValue.objects.filter(
            zone=zone, metric__key__in=list(usage), year__in=round_years_read(reference_years)
        )
        .select_related("metric")
        .order_by("metric__key", "year")
    ]
    scope = system.scope
    benchmarks = [
        BenchmarkRow(
            name=b.metric.name,
            unit=b.metric.unit,
            scope=scope.name if scope else "全国",
            year=b.year,
            value=num(b.value),
            source=b.source or "—",
            items="、".join(usage[b.metric.key]),
        )
        for b in Benchmark.objects.filter(region=scope, metric__key__in=list(metrics), year__in=reference_years)
        .select_related("metric")
        .order_by("metric__key", "year")
    ]
    return figures, benchmarks


# The rounds side by side -------------------------------------------------------------------


@dataclass
class RoundColumn:
    title: str
    total: Any
    points: dict[str, Any]  # dimension / second-level / item code → points


def _points_by_code(result: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for dim in result.get("dimensions", []):
        out[dim["code"]] = dim["points"]
        for sub in dim.get("children", []):
            out[sub["code"]] = sub["points"]
    for item in result.get("items", []):
        out[item["code"]] = item["points"]
    return out


def rounds_side_by_side(*, zone: Zone, current: AssessmentRound | None, result: dict[str, Any]) -> list[RoundColumn]:
    """The zone's submitted rounds (oldest first) and the report's own score as the last column."""
    columns = []
    for round in reversed(list(rounds_of_zone(zone=zone))):
        if current is not None and round.pk == current.pk:
            continue
        if round.status != AssessmentRound.Status.SUBMITTED:
            continue
        if current is not None and round.opened_at > current.opened_at:
            continue
        data = round_result_data(round=round) or {}
        columns.append(RoundColumn(round_title(round), data.get("total"), _points_by_code(data)))
    title = round_title(current) if current else "实时得分"
    columns.append(RoundColumn(f"{title}（本报告）", result.get("total"), _points_by_code(result)))
    return columns


# The document -------------------------------------------------------------------------------


@dataclass
class ItemBlock:
    """One third-level item as the report prints it."""

    code: str
    name: str
    anchor: str
    points: Any
    max: Any
    explanation: str
    missing: list[str]
    criteria: str
    methods: str
    data_sources: str
    responsible_units: str
    nature: str
    subs: list[dict[str, Any]]
    evidence: list[EvidenceRow]
    differences: list[dict[str, Any]]

    @property
    def lost(self) -> bool:
        return _d(self.points) < _d(self.max)


@dataclass
class DimensionBlock:
    code: str
    name: str
    anchor: str
    points: Any
    max: Any
    children: list[dict[str, Any]]
    items: list[ItemBlock] = field(default_factory=list)


@dataclass
class Gap:
    item_code: str
    item_name: str
    sub_code: str
    label: str
    lost: str
    points: Any
    max: Any
    explanation: str


@dataclass
class DocumentContent:
    kind: str
    zone: Zone
    round: AssessmentRound | None
    source: ScoreSource
    issuer: str
    generated_at: datetime
    dimensions: list[DimensionBlock]
    items: list[ItemBlock]
    rounds: list[RoundColumn]
    gaps: list[Gap]
    tasks: dict[str, list[TaskLine]]
    figures: list[FigureRow]
    benchmarks: list[BenchmarkRow]
    operators: list[Any]
    outcomes: list[Any]
    evidence_count: int
    reference_years: tuple[int, int]
    digest: str = ""

    @property
    def evaluation(self) -> bool:
        return self.kind == "evaluation"


def document_content(*, zone: Zone, round: AssessmentRound | None, kind: str) -> DocumentContent:
    """Everything the self-assessment or evaluation report prints (about 20 queries, whatever the data)."""
    source = score_source(zone=zone, round=round)
    result = source.result
    system = round.system if round is not None else zone.system
    years = round.reference_years if round is not None else zone.reference_years
    indicators = indicators_by_code(system_id=source.system_id)
    evidence = evidence_rows(zone=zone)
    by_item: dict[str, list[EvidenceRow]] = defaultdict(list)
    for row in evidence:
        by_item[row.indicator_code].append(row)
    item_of_sub = {sub["code"]: item["code"] for item in result.get("items", []) for sub in item.get("subs", [])}
    differences: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if round is not None:
        for d in round_differences(round=round, current=result):
            reason = d["reason"]
            differences[item_of_sub.get(d["code"], d["code"])].append(
                {**d, "reason_text": reason.text if reason else "", "reason_by": str(reason.by or "") if reason else ""}
            )

    items: dict[str, ItemBlock] = {}
    for number, item in enumerate(result.get("items", []), 1):
        ind = indicators.get(item["code"])
        items[item["code"]] = ItemBlock(
            code=item["code"],
            name=item["name"],
            anchor=f"item-{number}",
            points=item["points"],
            max=item["max"],
            explanation=item.get("explanation", ""),
            missing=list(item.get("missing") or []),
            criteria=ind.criteria if ind else "",
            methods=ind.methods if ind else "",
            data_sources=ind.data_sources if ind else "",
            responsible_units=ind.responsible_units if ind else "",
            nature=ind.get_nature_display() if ind else "",
            subs=item.get("subs", []),
            evidence=by_item.get(item["code"], []),
            differences=differences.get(item["code"], []),
        )
    dimensions = []
    for number, dim in enumerate(result.get("dimensions", []), 1):
        block = DimensionBlock(dim["code"], dim["name"], f"dim-{number}", dim["points"], dim["max"], dim["children"])
        for sub in dim["children"]:
            block.items += [items[child["code"]] for child in sub.get("children", []) if child["code"] in items]
        dimensions.append(block)

    gaps = [
        Gap(
            item_code=item.code,
            item_name=item.name,
            sub_code=sub["code"],
            label=sub.get("label", ""),
            lost=plain(_d(sub["max"]) - _d(sub["points"])),
            points=sub["points"],
            max=sub["max"],
            explanation=sub.get("explanation", ""),
        )
        for item in items.values()
        for sub in item.subs
        if _d(sub["points"]) < _d(sub["max"])
    ]
    figures, benchmarks = figures_used(zone=zone, system=system, reference_years=years)
    content = DocumentContent(
        kind=kind,
        zone=zone,
        round=round,
        source=source,
        issuer=issuing_office(zone=zone, round=round),
        generated_at=timezone.localtime(),
        dimensions=dimensions,
        items=list(items.values()),
        rounds=rounds_side_by_side(zone=zone, current=round, result=result),
        gaps=gaps,
        tasks=rectification_tasks(zone=zone),
        figures=figures,
        benchmarks=benchmarks,
        operators=list(OperatorEntry.objects.filter(zone=zone).order_by("year", "name")),
        outcomes=list(OutcomeEntry.objects.filter(zone=zone).order_by("issued_on", "title")),
        evidence_count=len(evidence),
        reference_years=tuple(years),
    )
    content.digest = digest(
        {
            "kind": kind,
            "draft": source.is_draft,
            "snapshot": source.snapshot.pk if source.snapshot else None,
            "result": result_digest_data(result),
            "evidence": [
                (r.evidence_id, r.status, r.title, r.unit, r.date_label, r.file_id, r.sha256) for r in evidence
            ],
            "differences": {k: [(d["code"], d["reason_text"]) for d in v] for k, v in differences.items()},
            "tasks": {k: [tuple(line.__dict__.values()) for line in v] for k, v in content.tasks.items()},
            "figures": [tuple(f.__dict__.values()) for f in figures],
            "benchmarks": [tuple(b.__dict__.values()) for b in benchmarks],
            "operators": [(o.name, o.credit_code, o.year, o.annual_sales) for o in content.operators],
            "outcomes": [(o.title, o.kind, o.issued_on) for o in content.outcomes],
            "rounds": [(c.title, c.total) for c in content.rounds],
            "zone": (zone.name, zone.tier, zone.status),
        }
    )
    return content
