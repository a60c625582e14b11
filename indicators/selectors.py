"""Reads: indicator systems as data, specs for the engine, trees for pages."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.cache import cache

from .models import Indicator, IndicatorSystem, Metric, ScoringItem
from .scoring import SystemSpec
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


# A published system never changes (ensure_system_editable refuses; a revision is a new
# system), so what is built from it is cached under a key holding its publication time: no
# write can make such an entry stale, and a draft is never cached. Shared by every user.
PUBLISHED_CACHE_SECONDS = 24 * 3600


def _published_key(system: IndicatorSystem, what: str) -> str | None:
    if not system.is_published or system.published_at is None:
        return None
    return f"indicators:{what}:{system.pk}:{system.published_at.timestamp()}"


def _cached_if_published(system: IndicatorSystem, what: str, build):
    key = _published_key(system, what)
    if key is None:
        return build()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, PUBLISHED_CACHE_SECONDS)
    return value


def indicator_system_tree(*, system: IndicatorSystem) -> list[Indicator]:
    """Level-1 indicators with ``.nodes`` (children) and level-3 ``.items`` (scoring items) attached:
    2 queries, none when the system is published and its tree is cached."""
    return _cached_if_published(system, "tree", lambda: _system_tree(system))


def indicator_level3_list(*, system: IndicatorSystem) -> list[Indicator]:
    """The level-3 items in order, each with ``.parent.parent`` (its dimension) loaded: the rows
    and group headers of the responsibility and completeness grids (1 query; none when cached)."""

    def build() -> list[Indicator]:
        rows = Indicator.objects.filter(system=system, level=3).select_related("parent__parent")
        return list(rows.order_by("position", "pk"))

    return _cached_if_published(system, "level3", build)


def _system_tree(system: IndicatorSystem) -> list[Indicator]:
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
