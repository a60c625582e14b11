"""Reads: a zone's facts for the engine, live scores, rounds and their results."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from evidence.models import DataValue, Evidence, OperatorEntry, OutcomeEntry
from indicators.models import Benchmark, Indicator, Metric, ScoringItem
from indicators.scoring import JudgementRecord, OperatorRecord, OutcomeRecord, ScoreResult, ZoneFacts, score
from indicators.scoring.aggregate import aggregate
from indicators.scoring.params import metrics_used
from indicators.scoring.types import number
from indicators.selectors import system_spec_for

from .models import AssessmentRound, Doubt, EvaluatorAssignment, Judgement, ScoreSnapshot

Status = AssessmentRound.Status


def round_years_read(reference_years: tuple[int, int]) -> set[int]:
    """The years a score reads: each reference year and the year before it (growth)."""
    return {y for year in reference_years for y in (year - 1, year)}


def zone_facts(*, zone, reference_years: tuple[int, int] | None = None, system=None) -> ZoneFacts:
    """Everything the engine needs about ``zone`` (5 queries), with the office's live judgements."""
    years = reference_years or zone.reference_years
    system = system or zone.system
    values: dict[tuple[str, int], Decimal] = {}
    published: dict[tuple[str, int], Decimal] = {}
    for key, year, value, growth in DataValue.objects.filter(zone=zone, year__in=round_years_read(years)).values_list(
        "metric__key", "year", "value", "published_growth"
    ):
        if value is not None:
            values[(key, year)] = value
        if growth is not None:
            published[(key, year)] = growth

    scope = system.scope
    benchmarks = {
        (key, year): value
        for key, year, value in Benchmark.objects.filter(region=scope, year__in=years).values_list(
            "metric__key", "year", "value"
        )
    }
    operators = tuple(
        OperatorRecord(name, code, year, sales)
        for name, code, year, sales in OperatorEntry.objects.filter(zone=zone).values_list(
            "name", "credit_code", "year", "annual_sales"
        )
    )
    outcomes = tuple(
        OutcomeRecord(title, kind, issued)
        for title, kind, issued in OutcomeEntry.objects.filter(zone=zone).values_list("title", "kind", "issued_on")
    )
    judgements = {
        code: JudgementRecord(points, tuple(options or ()), comment)
        for code, points, options, comment in Judgement.objects.filter(zone=zone, round__isnull=True).values_list(
            "scoring_item__code", "points", "options", "comment"
        )
    }
    return ZoneFacts(
        region_category=zone.region_category,
        reference_years=tuple(years),
        values=values,
        published_growth=published,
        benchmarks=benchmarks,
        benchmark_scope="全省" if scope is not None else "全国",
        lists={"operators": operators, "outcomes": outcomes},
        judgements=judgements,
    )


def zone_score(*, zone) -> ScoreResult:
    """Score ``zone`` now from its data and live judgements, without storing anything."""
    return score(system_spec_for(system=zone.system), zone_facts(zone=zone))


# Live snapshots ---------------------------------------------------------------------


def score_snapshot_latest(*, zone) -> ScoreSnapshot | None:
    return ScoreSnapshot.objects.filter(zone=zone, round__isnull=True).order_by("-requested_at", "-id").first()


def score_snapshot_latest_done(*, zone) -> ScoreSnapshot | None:
    return (
        ScoreSnapshot.objects.filter(zone=zone, round__isnull=True, status=ScoreSnapshot.Status.DONE)
        .order_by("-requested_at", "-id")
        .first()
    )


def score_tree(*, result: dict[str, Any]) -> list[dict[str, Any]]:
    """A stored result's dimensions with each item node replaced by the full item (explanation, subs)."""
    items = {item["code"]: item for item in result.get("items", [])}

    def node(raw: dict[str, Any]) -> dict[str, Any]:
        if "children" not in raw:
            item = dict(items.get(raw["code"], raw))
            item["ratio"] = _ratio(item)
            return item
        return {**raw, "ratio": _ratio(raw), "children": [node(child) for child in raw["children"]]}

    return [node(dim) for dim in result.get("dimensions", [])]


def _ratio(node: dict[str, Any]) -> int:
    """Points as a whole percentage of the maximum, for bars and colours."""
    return round(100 * node["points"] / node["max"]) if node.get("max") else 0


# Rounds -----------------------------------------------------------------------------


def rounds_open(*, zones):
    """The rounds not yet submitted (at most one a zone) of ``zones``: a queryset, by zone name."""
    return (
        AssessmentRound.objects.filter(zone__in=zones)
        .exclude(status=Status.SUBMITTED)
        .order_by("zone__name", "-opened_at", "-pk")
    )


def round_open_for_zone(*, zone) -> AssessmentRound | None:
    return rounds_open(zones=[zone]).first()


def round_latest(*, zone) -> AssessmentRound | None:
    return AssessmentRound.objects.filter(zone=zone).order_by("-opened_at", "-pk").first()


def rounds_of_zone(*, zone):
    return AssessmentRound.objects.filter(zone=zone).select_related("opened_by").order_by("-opened_at", "-pk")


def round_previous(*, round: AssessmentRound) -> AssessmentRound | None:
    """The zone's last submitted round opened before this one (the side-by-side column)."""
    return (
        AssessmentRound.objects.filter(zone_id=round.zone_id, status=Status.SUBMITTED, opened_at__lte=round.opened_at)
        .exclude(pk=round.pk)
        .order_by("-opened_at", "-pk")
        .first()
    )


def round_snapshot(*, round: AssessmentRound) -> ScoreSnapshot | None:
    """The frozen result of a submitted round (the latest submission)."""
    return round.snapshots.filter(status=ScoreSnapshot.Status.DONE).order_by("-requested_at", "-id").first()


def round_result_data(*, round: AssessmentRound | None) -> dict[str, Any] | None:
    """A round's result as a dict: frozen when submitted, computed now otherwise."""
    if round is None:
        return None
    if round.status == Status.SUBMITTED:
        snapshot = round_snapshot(round=round)
        if snapshot is not None:
            return snapshot.result
    return round_score(round=round).to_dict()


@dataclass
class RoundScore:
    """A round's result now: the engine's result plus, per judged sub-criterion, each evaluator's score."""

    result: ScoreResult
    evaluators: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # sub code → [{evaluator, …}]
    aggregates: dict[str, Decimal | None] = field(default_factory=dict)
    doubts: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return self.result.total

    def to_dict(self) -> dict[str, Any]:
        data = self.result.to_dict()
        for item in data["items"]:
            for sub in item["subs"]:
                code = sub["code"]
                # Every sub-criterion carries both keys (the computed ones too): [] and null when nobody scored.
                sub["evaluators"] = self.evaluators.get(code, [])
                agg = self.aggregates.get(code)
                sub["aggregate"] = None if agg is None else number(agg)
                if code in self.doubts:
                    sub["disputed"] = self.doubts[code]
        return data


def _display_name(user) -> str:
    return "—" if user is None else str(user)


def round_judgements(*, round: AssessmentRound):
    return (
        Judgement.objects.filter(round=round)
        .select_related("scoring_item", "judged_by")
        .order_by("scoring_item__position", "judged_by_id")
    )


def round_score(*, round: AssessmentRound) -> RoundScore:
    """Score a round now: the zone's data (pinned system and years), doubts, and every
    evaluator's judgements aggregated per sub-criterion (4 + 5 queries)."""
    zone = round.zone
    facts = zone_facts(zone=zone, reference_years=round.reference_years, system=round.system)
    by_sub: dict[str, list[Judgement]] = defaultdict(list)
    for judgement in round_judgements(round=round):
        by_sub[judgement.scoring_item.code].append(judgement)
    evaluators: dict[str, list[dict[str, Any]]] = {}
    aggregates: dict[str, Decimal | None] = {}
    records: dict[str, JudgementRecord] = {}
    for code, rows in by_sub.items():
        scored = [r for r in rows if r.points is not None]
        evaluators[code] = [
            {
                "evaluator": _display_name(r.judged_by),
                "evaluator_id": r.judged_by_id,
                "points": None if r.points is None else number(r.points),
                "comment": r.comment,
                "judged_at": r.judged_at.isoformat() if r.judged_at else None,
            }
            for r in rows
        ]
        agg = aggregate([r.points for r in scored], round.aggregation)
        aggregates[code] = agg
        if agg is not None:
            comments = "；".join(r.comment.rstrip("。；;") for r in scored if r.comment)
            if len(scored) == 1:
                records[code] = JudgementRecord(agg, tuple(scored[0].options or ()), comments)
            else:
                label = dict(AssessmentRound.Aggregation.choices)[round.aggregation]
                records[code] = JudgementRecord(agg, (), f"{len(scored)}位专家评分取{label}。{comments}".rstrip("。"))
    doubts = dict(
        Doubt.objects.filter(round=round, status=Doubt.Status.OPEN).values_list("scoring_item__code", "reason")
    )
    facts = replace(facts, judgements=records, disputed=doubts)
    result = score(system_spec_for(system=round.system), facts)
    return RoundScore(result=result, evaluators=evaluators, aggregates=aggregates, doubts=doubts)


def sub_points(result: dict[str, Any] | None) -> dict[str, Decimal]:
    """Sub-criterion code → points of a result dict."""
    if not result:
        return {}
    return {sub["code"]: Decimal(str(sub["points"])) for item in result["items"] for sub in item["subs"]}


_UNREAD: Any = object()


def round_differences(
    *, round: AssessmentRound, current: dict[str, Any] | None = None, previous_result: Any = _UNREAD
) -> list[dict[str, Any]]:
    """Sub-criteria whose points differ from the previous round's, with the written reason if any.

    ``current`` / ``previous_result``: the two results when the caller has read them already
    (``previous_result=None``: there is no previous round)."""
    if previous_result is _UNREAD:
        previous = round_previous(round=round)
        previous_result = round_result_data(round=previous) if previous else None
    if previous_result is None:
        return []
    before = sub_points(previous_result)
    now = sub_points(current if current is not None else round_result_data(round=round))
    reasons = {r.scoring_item.code: r for r in round.difference_reasons.select_related("scoring_item", "by")}
    out = []
    for code, points in now.items():
        if code in before and before[code] != points:
            out.append(
                {
                    "code": code,
                    "points": number(points),
                    "previous": number(before[code]),
                    "delta": number(points - before[code]),
                    "reason": reasons.get(code),
                }
            )
    return out


def assignments_of_round(*, round: AssessmentRound):
    return (
        EvaluatorAssignment.objects.filter(round=round)
        .select_related("evaluator", "indicator")
        .order_by("indicator__position", "evaluator_id")
    )


def assigned_indicator_ids(*, round: AssessmentRound, user) -> set[int]:
    """The third-level items ``user`` is assigned to (and has not recused) in ``round``."""
    return set(
        EvaluatorAssignment.objects.filter(round=round, evaluator=user, recused_at__isnull=True).values_list(
            "indicator_id", flat=True
        )
    )


def rounds_for_evaluator(*, user):
    """Rounds in which ``user`` holds an assignment, newest first."""
    ids = EvaluatorAssignment.objects.filter(evaluator=user).values("round_id")
    return AssessmentRound.objects.filter(pk__in=ids).select_related("zone").order_by("-opened_at")


def zone_extra_roles(*, user) -> dict[int, set[str]]:
    """Zones where ``user`` is an assigned evaluator in some round (the ``zone_extra_roles`` hook)."""
    if not user.is_authenticated:
        return {}
    zone_ids = EvaluatorAssignment.objects.filter(evaluator=user).values_list("round__zone_id", flat=True).distinct()
    return {zone_id: {"evaluator"} for zone_id in zone_ids}


def item_indicators(*, system) -> list[Indicator]:
    return list(Indicator.objects.filter(system=system, level=3).order_by("position"))


def judged_items_of(*, indicator) -> list[ScoringItem]:
    return list(indicator.scoring_items.order_by("position", "id"))


# Page data --------------------------------------------------------------------------


def scoring_item_of_round(*, round: AssessmentRound, code: str) -> ScoringItem:
    from django.http import Http404

    item = ScoringItem.objects.filter(indicator__system=round.system, code=code).select_related("indicator").first()
    if item is None:
        raise Http404("评分项不存在。")
    return item


def indicators_of_round(*, round: AssessmentRound, ids: list[str]) -> list[Indicator]:
    wanted = [int(i) for i in ids if str(i).isascii() and str(i).isdigit()]
    return list(Indicator.objects.filter(system=round.system, pk__in=wanted).order_by("position"))


def evaluator_candidates(*, round: AssessmentRound):
    """Accounts that may be assigned: the province's evaluator pool (省级评估), or every
    evaluator (总局评估). Conflicts of interest are refused when assigning, with the reason."""
    from django.contrib.auth import get_user_model

    from zones.models import Membership

    pool = Membership.objects.filter(role=Membership.Role.EVALUATOR)
    if round.kind == AssessmentRound.Kind.PROVINCIAL:
        pool = pool.filter(province=round.zone.region.province)
    return get_user_model().objects.filter(pk__in=pool.values("user_id"), is_active=True).order_by("username")


def evaluator_candidate(*, round: AssessmentRound, user_id: str | None):
    if not (user_id and str(user_id).isascii() and str(user_id).isdigit()):
        return None
    return evaluator_candidates(round=round).filter(pk=int(user_id)).first()


def assignment_of_round(*, round: AssessmentRound, assignment_id: int, evaluator=None) -> EvaluatorAssignment:
    from django.shortcuts import get_object_or_404

    query = EvaluatorAssignment.objects.filter(round=round).select_related("round__zone", "indicator", "evaluator")
    if evaluator is not None:
        query = query.filter(evaluator=evaluator)
    return get_object_or_404(query, pk=assignment_id)


def doubt_of_round(*, round: AssessmentRound, doubt_id: int) -> Doubt:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Doubt.objects.filter(round=round).select_related("round__zone", "scoring_item"), pk=doubt_id
    )


def back_to_review(*, round: AssessmentRound, item: ScoringItem) -> str:
    from django.urls import reverse

    return reverse("assessments:review-item", args=[round.pk, item.indicator_id])


def assignment_page(*, round: AssessmentRound) -> dict[str, Any]:
    from indicators.selectors import indicator_system_tree

    assignments = list(assignments_of_round(round=round))
    by_item: dict[int, list[EvaluatorAssignment]] = defaultdict(list)
    for a in assignments:
        by_item[a.indicator_id].append(a)
    tree = indicator_system_tree(system=round.system)
    for dim in tree:
        for sub in dim.nodes:
            for item in sub.nodes:
                item.assigned = by_item.get(item.pk, [])
    return {
        "round": round,
        "zone": round.zone,
        "tree": tree,
        "candidates": list(evaluator_candidates(round=round)),
        "unassigned": [i for d in tree for s in d.nodes for i in s.nodes if not any(a.is_active for a in i.assigned)],
    }


def round_page(*, round: AssessmentRound, user) -> dict[str, Any]:
    """The round's page: result now (or frozen), side by side with the previous round,
    differences with their reasons, doubts, events, and what ``user`` may do.

    Blind review (``access.score_visibility``): an evaluator gets only their items, a judged
    sub-criterion's scores only once they scored it, and no totals while anything is hidden."""
    from .access import RoundAction, explain_scope, round_can, score_visibility

    data = round_result_data(round=round)
    previous = round_previous(round=round)
    before = round_result_data(round=previous) if previous else None
    before_items = {i["code"]: i for i in before["items"]} if before else {}
    before_subs = sub_points(before)
    before_dims = {}
    if before:
        for dim in before["dimensions"]:
            before_dims[dim["code"]] = dim["points"]
            for child in dim["children"]:
                before_dims[child["code"]] = child["points"]
    see = score_visibility(user, round)
    sub_shown = {
        sub["code"]: see.sub_visible(item["code"], sub["code"], sub.get("rule_type", ""))
        for item in data["items"]
        for sub in item["subs"]
    }
    item_of = {sub["code"]: item["code"] for item in data["items"] for sub in item["subs"]}
    explains = explain_scope(user, round)
    differences = [
        {**d, "explainable": explains is None or item_of.get(d["code"]) in explains}
        for d in round_differences(round=round, current=data, previous_result=before)
        if sub_shown.get(d["code"])
    ]
    diff_codes = {d["code"]: d for d in differences}
    items = []
    for item in data["items"]:
        if not see.item_visible(item["code"]):
            continue  # blind review: an evaluator's page lists only the items assigned to them
        subs, item_hidden = [], False
        for sub in item["subs"]:
            hidden = not sub_shown[sub["code"]]
            shown = dict(sub)
            evaluators = sub.get("evaluators")
            if hidden:
                # Blind review: the aggregate and its explanation quote the others' scores and comments.
                item_hidden = True
                evaluators = []
                shown.update(points=None, aggregate=None, explanation=BLIND_NOTE)
            subs.append(
                {
                    **shown,
                    "evaluators": evaluators,
                    "hidden": hidden,
                    "previous": None if sub["code"] not in before_subs else number(before_subs[sub["code"]]),
                    "difference": diff_codes.get(sub["code"]),
                }
            )
        # The item's own explanation quotes its sub-criteria's, the hidden ones included.
        shown_item = {**item, "points": None, "explanation": BLIND_NOTE} if item_hidden else item
        items.append({**shown_item, "subs": subs, "previous": before_items.get(item["code"], {}).get("points")})
    totals = see.totals_visible(data["items"])
    dims = []

    def with_previous(node: dict[str, Any]) -> dict[str, Any]:
        previous = before_dims.get(node["code"])
        delta = None if previous is None else number(Decimal(str(node["points"])) - Decimal(str(previous)))
        return {**node, "previous": previous, "delta": delta}

    if totals:
        for dim in data["dimensions"]:
            dims.append({**with_previous(dim), "children": [with_previous(c) for c in dim["children"]]})
    my_assignments = list(
        EvaluatorAssignment.objects.filter(round=round, evaluator=user)
        .select_related("indicator")
        .order_by("indicator__position")
    )
    return {
        "round": round,
        "zone": round.zone,
        "blind_hidden": not totals,
        "total": data["total"] if totals else None,
        "max": data["max"],
        "dimensions": dims,
        "items": items,
        "previous": previous,
        "previous_total": before["total"] if before else None,
        "previous_max": before["max"] if before else None,
        "differences": differences,
        "missing_reasons": [d for d in differences if d["reason"] is None],
        "doubts": round_doubts(round=round, user=user, visibility=see),
        "events": list(round.events.select_related("by")),
        "my_assignments": my_assignments,
        "conclusions": [c for c in AssessmentRound.Conclusion.choices if c[0] in _conclusions_for(round.kind)],
        "can": {
            "manage": round_can(user, round, RoundAction.MANAGE),
            "score": round_can(user, round, RoundAction.SCORE),
            "return": round_can(user, round, RoundAction.RETURN),
            "resolve": round_can(user, round, RoundAction.RESOLVE_DOUBT),
            "explain": round_can(user, round, RoundAction.EXPLAIN),
            "plan": round_can(user, round, RoundAction.PLAN_RECTIFICATION),
        },
    }


def round_doubts(*, round: AssessmentRound, user, visibility=None) -> list[Doubt]:
    """The round's 存疑 that ``user`` may see (``access.score_visibility``): on the items they see;
    under blind review another evaluator's without their name (``raiser_hidden``)."""
    from .access import score_visibility

    see = visibility or score_visibility(user, round)
    doubts = []
    for doubt in round.doubts.select_related("scoring_item__indicator", "raised_by", "closed_by"):
        if not see.doubt_visible(doubt.scoring_item.indicator.code):
            continue
        doubt.raiser_hidden = not see.raiser_visible(doubt.raised_by_id, user.pk)
        doubts.append(doubt)
    return doubts


BLIND_NOTE = "背靠背评审：您评分后可见其他专家的评分与汇总。"


def _conclusions_for(kind: str) -> set[str]:
    K, C = AssessmentRound.Kind, AssessmentRound.Conclusion
    return {K.SELF: set(), K.PROVINCIAL: {C.PASSED, C.FAILED}, K.NATIONAL: {C.NAMED, C.RECTIFY}}[kind]


# The live score page ----------------------------------------------------------------


def score_page_details(*, zone, snapshot: ScoreSnapshot | None) -> dict[str, dict[str, Any]]:
    """What the score page shows beside each sub-criterion (by scoring-item code): who judged it
    and when, the figures it reads (name, unit, value per reference year, and whether a figure
    changed after ``snapshot`` was computed), its indicator (for the evidence link), and whether
    a quantitative sub-criterion with figures has no accepted evidence (the figure stands, the
    page flags it "佐证材料未采纳"). Five queries whatever the size of the system."""
    items = list(ScoringItem.objects.filter(indicator__system=zone.system).select_related("indicator"))
    judged = {
        code: (name or login, at)
        for code, name, login, at in Judgement.objects.filter(zone=zone, round__isnull=True).values_list(
            "scoring_item__code", "judged_by__full_name", "judged_by__username", "judged_at"
        )
    }
    accepted_items, accepted_indicators = set(), set()
    for item_id, indicator_id in Evidence.objects.filter(zone=zone, status=Evidence.Status.ACCEPTED).values_list(
        "scoring_item_id", "indicator_id"
    ):
        if item_id is None:
            accepted_indicators.add(indicator_id)
        else:
            accepted_items.add(item_id)
    keys_of = {item.code: sorted(metrics_used(item.rule_type, item.params)) for item in items}
    wanted = {key for keys in keys_of.values() for key in keys}
    metrics = {m.key: m for m in Metric.objects.filter(key__in=wanted)}
    years = tuple(zone.reference_years)
    values: dict[str, dict[int, Any]] = defaultdict(dict)
    changed: set[str] = set()
    since = snapshot.computed_at if snapshot is not None else None
    for key, year, value, updated in DataValue.objects.filter(
        zone=zone, metric__key__in=wanted, year__in=years
    ).values_list("metric__key", "year", "value", "updated_at"):
        values[key][year] = value
        if since is not None and updated and updated > since:
            changed.add(key)
    details = {}
    for item in items:
        figures = [
            {
                "key": key,
                "name": metrics[key].name,
                "unit": metrics[key].unit,
                "values": [(year, values[key].get(year)) for year in years],
                "changed": key in changed,
            }
            for key in keys_of[item.code]
            if key in metrics and metrics[key].kind == Metric.Kind.INPUT
        ]
        by, at = judged.get(item.code, (None, None))
        has_figure = any(value is not None for figure in figures for _year, value in figure["values"])
        details[item.code] = {
            "label": item.label,
            "indicator_id": item.indicator_id,
            "judged": item.is_judged,
            "judged_by": by,
            "judged_at": at,
            "figures": figures,
            "changed": any(figure["changed"] for figure in figures),
            "evidence_missing": not item.is_judged
            and has_figure
            and item.pk not in accepted_items
            and item.indicator_id not in accepted_indicators,
        }
    return details


def score_tree_with_details(*, result: dict[str, Any], details: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """score_tree with each sub-criterion carrying its ``detail`` (score_page_details)."""
    tree = score_tree(result=result)
    for dim in tree:
        for sub in dim["children"]:
            for item in sub["children"]:
                item["subs"] = [{**s, "detail": details.get(s["code"], {})} for s in item.get("subs", [])]
                item["detail"] = details.get(item["code"], {})
    return tree
