"""Reads for the report pages: a zone's reports and opinions, the reviewer's zone list, comparisons, downloads.

Every page runs a fixed number of queries however many zones, reports or
downloads there are (tests/reports/test_pages.py counts them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from assessments.access import RoundAction, round_can
from assessments.models import AssessmentRound, ScoreSnapshot
from evidence.models import Evidence, EvidenceStatus
from indicators.models import Indicator
from zones.models import Stage, Zone

from .charts import MAX_SERIES, Series, radar_svg
from .content import plain
from .kinds import kinds_in_order
from .models import DownloadRecord, Report, ReviewOpinion

Status = AssessmentRound.Status


# A zone's report page -----------------------------------------------------------------------


def rounds_for_user(*, zone: Zone, user) -> list[AssessmentRound]:
    rounds = AssessmentRound.objects.filter(zone=zone).select_related("zone__region__parent__parent")
    return [r for r in rounds.order_by("-opened_at", "-pk") if round_can(user, r, RoundAction.VIEW)]


def report_list(*, zone: Zone, limit: int = 30) -> list[Report]:
    return list(
        Report.objects.filter(zone=zone)
        .select_related("round", "requested_by")
        .order_by("-requested_at", "-pk")[:limit]
    )


def opinion_list(*, zone: Zone) -> list[ReviewOpinion]:
    return list(
        ReviewOpinion.objects.filter(zone=zone)
        .select_related("round")
        .prefetch_related(Prefetch("replies"))
        .order_by("-at", "-pk")
    )


def download_list(*, zone: Zone | None = None, report: Report | None = None) -> QuerySet[DownloadRecord]:
    records = DownloadRecord.objects.select_related("zone", "report", "evidence_file", "user")
    if zone is not None:
        records = records.filter(zone=zone)
    if report is not None:
        records = records.filter(report=report)
    return records.order_by("-at", "-pk")


def report_kinds() -> list[Any]:
    return kinds_in_order()


# The reviewer's home page -------------------------------------------------------------------


@dataclass
class ZoneRow:
    zone: Zone
    stage: str
    latest_round: AssessmentRound | None
    latest_total: Decimal | None  # the latest submitted round's frozen total
    latest_submitted: AssessmentRound | None
    self_total: Decimal | None  # the latest submitted 自评
    live_total: Decimal | None
    evidence_items: int
    item_count: int

    @property
    def completeness(self) -> int:
        return round(100 * self.evidence_items / self.item_count) if self.item_count else 0


SORT_KEYS = {
    "name": lambda r: r.zone.name,
    "tier": lambda r: r.zone.tier,
    "status": lambda r: r.zone.status,
    "stage": lambda r: r.stage,
    "round": lambda r: r.latest_total if r.latest_total is not None else Decimal(-1),
    "self": lambda r: r.self_total if r.self_total is not None else Decimal(-1),
    "live": lambda r: r.live_total if r.live_total is not None else Decimal(-1),
    "evidence": lambda r: r.completeness,
}


def _live_total_subquery():
    return Subquery(
        ScoreSnapshot.objects.filter(zone=OuterRef("pk"), round__isnull=True, status=ScoreSnapshot.Status.DONE)
        .order_by("-requested_at", "-id")
        .values("total")[:1]
    )


def zone_rows(*, zones: QuerySet[Zone], sort: str = "name") -> list[ZoneRow]:
    """One row per zone: tier, lifecycle, stage, latest round and total, 自评 total, live total,
    evidence completeness (items with accepted evidence / items). 6 queries for any number of zones."""
    zones = list(zones.annotate(live_total=_live_total_subquery()).order_by("name"))
    ids = [z.pk for z in zones]
    today = timezone.localdate()
    stages: dict[int, list[Stage]] = defaultdict(list)
    for stage in Stage.objects.filter(zone_id__in=ids).order_by("start", "position"):
        stages[stage.zone_id].append(stage)
    rounds: dict[int, list[AssessmentRound]] = defaultdict(list)
    for r in AssessmentRound.objects.filter(zone_id__in=ids).order_by("-opened_at", "-pk"):
        rounds[r.zone_id].append(r)
    frozen: dict[int, Decimal] = {}
    for round_id, total in (
        ScoreSnapshot.objects.filter(round__zone_id__in=ids, status=ScoreSnapshot.Status.DONE)
        .order_by("requested_at", "id")
        .values_list("round_id", "total")
    ):
        frozen[round_id] = total  # the latest submission of each round wins
    covered = dict(
        Evidence.objects.filter(zone_id__in=ids, status=EvidenceStatus.ACCEPTED)
        .values("zone_id")
        .annotate(n=Count("indicator", distinct=True))
        .values_list("zone_id", "n")
    )
    item_counts = dict(
        Indicator.objects.filter(system_id__in={z.system_id for z in zones}, level=3)
        .values("system_id")
        .annotate(n=Count("id"))
        .values_list("system_id", "n")
    )
    rows = []
    for zone in zones:
        zone_rounds = rounds.get(zone.pk, [])
        submitted = [r for r in zone_rounds if r.status == Status.SUBMITTED]
        self_rounds = [r for r in submitted if r.kind == AssessmentRound.Kind.SELF]
        rows.append(
            ZoneRow(
                zone=zone,
                stage=_stage_on(stages.get(zone.pk, []), today),
                latest_round=zone_rounds[0] if zone_rounds else None,
                latest_total=frozen.get(submitted[0].pk) if submitted else None,
                latest_submitted=submitted[0] if submitted else None,
                self_total=frozen.get(self_rounds[0].pk) if self_rounds else None,
                live_total=zone.live_total,
                evidence_items=covered.get(zone.pk, 0),
                item_count=item_counts.get(zone.system_id, 0),
            )
        )
    key = sort.lstrip("-")
    if key in SORT_KEYS:
        rows.sort(key=SORT_KEYS[key], reverse=sort.startswith("-"))
    return rows


def _stage_on(stages: list[Stage], today) -> str:
    current = [s for s in stages if s.start <= today <= s.end]
    if current:
        return current[-1].name
    started = [s for s in stages if s.start <= today]
    if started:
        return f"{started[-1].name}（已结束）"
    return f"{stages[0].name}（未开始）" if stages else "—"


# Comparing zones ----------------------------------------------------------------------------


@dataclass
class ZoneScore:
    zone: Zone
    label: str  # which score: "省级评估（已提交）" / "实时得分"
    result: dict[str, Any] | None


def zone_scores_of_record(*, zones: list[Zone]) -> list[ZoneScore]:
    """Each zone's score to compare: its latest submitted round, else its latest live score (3 queries)."""
    ids = [z.pk for z in zones]
    latest_round: dict[int, ScoreSnapshot] = {}
    for snap in (
        ScoreSnapshot.objects.filter(round__zone_id__in=ids, status=ScoreSnapshot.Status.DONE)
        .select_related("round")
        .order_by("round__opened_at", "requested_at", "id")
    ):
        latest_round[snap.zone_id] = snap
    live_ids = (
        Zone.objects.filter(pk__in=ids)
        .annotate(
            snap=Subquery(
                ScoreSnapshot.objects.filter(zone=OuterRef("pk"), round__isnull=True, status=ScoreSnapshot.Status.DONE)
                .order_by("-requested_at", "-id")
                .values("id")[:1]
            )
        )
        .values_list("pk", "snap")
    )
    live = {s.zone_id: s for s in ScoreSnapshot.objects.filter(pk__in=[s for _, s in live_ids if s])}
    out = []
    for zone in zones:
        snap = latest_round.get(zone.pk)
        if snap is not None:
            out.append(ZoneScore(zone, f"{snap.round.get_kind_display()}（已提交）", snap.result))
        elif zone.pk in live:
            out.append(ZoneScore(zone, "实时得分", live[zone.pk].result))
        else:
            out.append(ZoneScore(zone, "尚未评分", None))
    return out


@dataclass
class Comparison:
    scores: list[ZoneScore]
    dimensions: list[tuple[str, str, Any]]  # (code, name, max)
    rows: list[dict[str, Any]]  # per zone: totals and dimension points by code
    radar: str
    radar_zones: list[Zone]


def comparison(*, zones: list[Zone], selected: list[int]) -> Comparison:
    scores = zone_scores_of_record(zones=zones)
    dimensions: list[tuple[str, str, Any]] = []
    for s in scores:
        if s.result:
            dimensions = [(d["code"], d["name"], d["max"]) for d in s.result.get("dimensions", [])]
            break
    rows = []
    for s in scores:
        points = {d["code"]: d["points"] for d in (s.result or {}).get("dimensions", [])}
        rows.append(
            {
                "zone": s.zone,
                "label": s.label,
                "total": (s.result or {}).get("total"),
                "max": (s.result or {}).get("max"),
                "points": [points.get(code) for code, _, _ in dimensions],
            }
        )
    chosen = [r for r in rows if r["zone"].pk in selected and r["total"] is not None] or [
        r for r in rows if r["total"] is not None
    ]
    chosen = chosen[:MAX_SERIES]
    radar = radar_svg(
        axes=[name for _, name, _ in dimensions],
        maxima=[m for _, _, m in dimensions],
        series=[Series(f"{r['zone'].name}（{plain(r['total'])}分）", r["points"]) for r in chosen],
        size=340,
        title="各创建对象一级指标得分率对比",
    )
    return Comparison(scores, dimensions, rows, radar if dimensions else "", [r["zone"] for r in chosen])
