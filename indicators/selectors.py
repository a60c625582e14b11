"""Reads: indicator systems as data, zone facts for the engine, latest scores."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from evidence.models import DataValue, OperatorEntry, OutcomeEntry

from .models import Benchmark, Indicator, IndicatorSystem, Judgement, Metric, ScoreSnapshot, ScoringItem
from .scoring import JudgementRecord, OperatorRecord, OutcomeRecord, SystemSpec, ZoneFacts
from .scoring.params import metrics_used
from .scoring.spec import system_spec_from_data

NATURE_LABELS = dict(Indicator.Nature.choices)


def _number(value: Decimal) -> int | float:
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def indicator_system_to_data(*, system: IndicatorSystem) -> dict[str, Any]:
    """The system as the data dict of indicators/standards/FORMAT.md (3 queries)."""
    indicators = list(system.indicators.order_by("position"))
    items_by_indicator: dict[int, list[ScoringItem]] = defaultdict(list)
    for item in ScoringItem.objects.filter(indicator__system=system).order_by("position", "id"):
        items_by_indicator[item.indicator_id].append(item)
    children: dict[int | None, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        children[indicator.parent_id].append(indicator)

    used: set[str] = set()

    def node(ind: Indicator) -> dict[str, Any]:
        out: dict[str, Any] = {"code": ind.code, "name": ind.name, "points": _number(ind.max_points)}
        if ind.level < 3:
            out["children"] = [node(child) for child in children[ind.id]]
            return out
        out.update(
            nature=NATURE_LABELS.get(ind.nature, ""),
            criteria=ind.criteria,
            methods=ind.methods,
            data_sources=ind.data_sources,
            responsible_units=ind.responsible_units,
            scoring_items=[],
        )
        for item in items_by_indicator[ind.id]:
            used.update(metrics_used(item.rule_type, item.params))
            out["scoring_items"].append(
                {
                    "code": item.code,
                    "label": item.label,
                    "points": _number(item.points),
                    "rule_type": item.rule_type,
                    "params": item.params,
                }
            )
        return out

    tree = [node(ind) for ind in children[None]]
    metrics = [
        {
            "key": m.key,
            "name": m.name,
            "unit": m.unit,
            "period": m.period,
            "kind": m.kind,
            "value_type": m.value_type,
            "supports_growth": m.supports_growth,
            "description": m.description,
        }
        for m in Metric.objects.filter(key__in=used).order_by("key")
    ]
    return {
        "code": system.code,
        "name": system.name,
        "version": system.version,
        "issuer": system.issuer,
        "scope": system.scope.name if system.scope_id else None,
        "metrics": metrics,
        "indicators": tree,
    }


# Published systems never change, so their spec is built once per process.
_SPEC_CACHE: dict[int, SystemSpec] = {}


def system_spec_for(*, system: IndicatorSystem) -> SystemSpec:
    if system.is_published and system.pk in _SPEC_CACHE:
        return _SPEC_CACHE[system.pk]
    spec = system_spec_from_data(indicator_system_to_data(system=system))
    if system.is_published:
        _SPEC_CACHE[system.pk] = spec
    return spec


def zone_facts(*, zone) -> ZoneFacts:
    """Everything the engine needs about ``zone`` (5 queries)."""
    years = zone.reference_years
    wanted_years = {years[0] - 1, years[0], years[1] - 1, years[1]}
    values: dict[tuple[str, int], Decimal] = {}
    published: dict[tuple[str, int], Decimal] = {}
    for key, year, value, growth in DataValue.objects.filter(zone=zone, year__in=wanted_years).values_list(
        "metric__key", "year", "value", "published_growth"
    ):
        if value is not None:
            values[(key, year)] = value
        if growth is not None:
            published[(key, year)] = growth

    scope = zone.system.scope
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
        for code, points, options, comment in Judgement.objects.filter(zone=zone).values_list(
            "scoring_item__code", "points", "options", "comment"
        )
    }
    return ZoneFacts(
        region_category=zone.region_category,
        reference_years=years,
        values=values,
        published_growth=published,
        benchmarks=benchmarks,
        benchmark_scope="全省" if scope is not None else "全国",
        lists={"operators": operators, "outcomes": outcomes},
        judgements=judgements,
    )


def score_snapshot_latest(*, zone) -> ScoreSnapshot | None:
    return ScoreSnapshot.objects.filter(zone=zone).order_by("-requested_at", "-id").first()


def score_snapshot_latest_done(*, zone) -> ScoreSnapshot | None:
    return (
        ScoreSnapshot.objects.filter(zone=zone, status=ScoreSnapshot.Status.DONE)
        .order_by("-requested_at", "-id")
        .first()
    )


def metric_usage(*, system: IndicatorSystem | None = None) -> list[tuple[Metric, list[str]]]:
    """Every metric with the item codes that use it (in the given or all systems)."""
    items = ScoringItem.objects.select_related("indicator")
    if system is not None:
        items = items.filter(indicator__system=system)
    usage: dict[str, set[str]] = defaultdict(set)
    for item in items:
        for key in metrics_used(item.rule_type, item.params):
            usage[key].add(item.indicator.code)

    def order(code: str) -> tuple[int, str]:
        return (int(code), code) if code.isdigit() else (10**6, code)

    return [(m, sorted(usage.get(m.key, ()), key=order)) for m in Metric.objects.order_by("key")]


def zone_score(*, zone):
    """Score ``zone`` now from its data, without storing anything."""
    from .scoring import score

    return score(system_spec_for(system=zone.system), zone_facts(zone=zone))


def indicator_system_tree(*, system: IndicatorSystem) -> list[Indicator]:
    """Level-1 indicators with ``.nodes`` (children) and level-3 ``.items`` (scoring items) attached: 2 queries."""
    indicators = list(system.indicators.order_by("position"))
    items_by_indicator: dict[int, list[ScoringItem]] = defaultdict(list)
    for item in ScoringItem.objects.filter(indicator__system=system).order_by("position", "id"):
        items_by_indicator[item.indicator_id].append(item)
    by_parent: dict[int | None, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        indicator.nodes = by_parent[indicator.id]
        indicator.items = items_by_indicator[indicator.id]
        by_parent[indicator.parent_id].append(indicator)
    return by_parent[None]


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
