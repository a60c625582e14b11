"""Reads for statistics entry: what a zone must report, who may report what, derived figures.

What a zone must report follows from its indicator system: every figure a scoring
rule reads (``indicators.scoring.params``) names input metrics; those metrics are
needed for the zone's two reference years, and a metric whose growth a rule reads
also for the year before each. A unit reports the metrics of the items it is
responsible for (``zones.IndicatorResponsibility``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from indicators.models import Metric, ScoringItem
from indicators.scoring.figures import compute_figure
from indicators.scoring.types import MetricSpec, ZoneFacts
from zones.access import ZoneAction, unit_can, zone_can
from zones.models import IndicatorResponsibility, Unit, Zone

from ..models import DataChange, DataValue, Evidence, OperatorEntry, OutcomeEntry

LISTS = ("operators", "outcomes")
LIST_RULES = {"qualifying_count": "operators", "capped_count": "outcomes"}
YEARLY_RULES = frozenset({"yearly_vs_benchmark", "yearly_vs_series"})
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class MetricUse:
    code: str  # scoring item code, e.g. "1" or "11.1"
    text: str  # "第1项:网上零售额同比增速=(当年/上年-1)×100%"


@dataclass
class MetricNeed:
    metric: Metric
    years: tuple[int, ...]  # years to report
    growth_years: tuple[int, ...] = ()  # years for which an official growth rate may be entered
    uses: list[MetricUse] = field(default_factory=list)
    indicator_ids: set[int] = field(default_factory=set)

    @property
    def key(self) -> str:
        return self.metric.key

    @property
    def is_rate(self) -> bool:
        return self.metric.value_type == Metric.ValueType.PERCENT


@dataclass(frozen=True)
class DerivedFigure:
    """A figure computed from raw values (growth or ratio), shown beside the inputs."""

    key: str  # "growth:online_retail_sales", "ratio:online_operators/market_entities"
    spec: Mapping[str, Any]
    label: str
    formula: str
    metrics: tuple[str, ...]


@dataclass
class ZoneDataNeeds:
    zone: Zone
    years: tuple[int, int]
    metrics: dict[str, MetricNeed]  # in the order the system first uses them
    derived: list[DerivedFigure]
    specs: dict[str, MetricSpec]  # every metric, for the engine's figure functions
    list_indicators: dict[str, set[int]]  # "operators"/"outcomes" → indicator ids of the items reading them
    item_figures: dict[int, list[tuple[Mapping[str, Any], int]]]  # scoring item id → (figure, year) it reads
    item_lists: dict[int, str]  # scoring item id → list it counts
    scoring_items: list[ScoringItem]  # the system's, in order, with their indicator

    def all_years(self) -> list[int]:
        return sorted({year for need in self.metrics.values() for year in need.years})


def _figures(params: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], str]]:
    """(figure, condition label) for every figure a rule's parameters name."""
    found = []
    for name in ("figure", "other"):
        if isinstance(params.get(name), Mapping):
            found.append((params[name], ""))
    for cond in params.get("conditions") or []:
        if isinstance(cond, Mapping) and isinstance(cond.get("figure"), Mapping):
            found.append((cond["figure"], str(cond.get("label") or "")))
    return found


def _figure_keys(fig: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(fig[p] for p in ("metric", "numerator", "denominator") if isinstance(fig.get(p), str))


def _name(metrics: Mapping[str, Metric], key: str) -> str:
    return metrics[key].name if key in metrics else key


def figure_label(fig: Mapping[str, Any], metrics: Mapping[str, Metric]) -> str:
    kind = fig.get("kind")
    if kind == "growth":
        return f"{_name(metrics, fig['metric'])}同比增速"
    if kind == "ratio":
        return fig.get("label") or f"{_name(metrics, fig['numerator'])}/{_name(metrics, fig['denominator'])}"
    return _name(metrics, fig.get("metric", ""))


def figure_formula(fig: Mapping[str, Any], metrics: Mapping[str, Metric]) -> str:
    """ "网上零售额同比增速=(当年/上年-1)×100%", the way figures.py computes it."""
    label = figure_label(fig, metrics)
    if fig.get("kind") == "growth":
        return f"{label}=（当年/上年-1）×100%"
    if fig.get("kind") == "ratio":
        return f"{label}={_name(metrics, fig['numerator'])}/{_name(metrics, fig['denominator'])}×100%"
    return label


def _use_text(code: str, fig: Mapping[str, Any], cond_label: str, metrics: Mapping[str, Metric]) -> str:
    if fig.get("kind") == "value":
        return f"第{code}项：{cond_label or figure_label(fig, metrics)}"
    text = f"第{code}项：{figure_formula(fig, metrics)}"
    return f"{text}（{cond_label}）" if cond_label else text


def zone_data_needs(*, zone: Zone) -> ZoneDataNeeds:
    """What ``zone`` must report under its indicator system (2 queries)."""
    y1, y2 = zone.reference_years
    items = list(
        ScoringItem.objects.filter(indicator__system_id=zone.system_id)
        .select_related("indicator")
        .order_by("indicator__position", "position", "id")
    )
    metrics = {m.key: m for m in Metric.objects.all()}
    order: dict[str, int] = {}
    uses: dict[str, list[MetricUse]] = {}
    indicator_ids: dict[str, set[int]] = {}
    growth: set[str] = set()
    derived: dict[str, DerivedFigure] = {}
    list_indicators: dict[str, set[int]] = {name: set() for name in LISTS}
    item_figures: dict[int, list[tuple[Mapping[str, Any], int]]] = {}
    item_lists: dict[int, str] = {}
    for item in items:
        if item.rule_type in LIST_RULES:
            list_indicators[LIST_RULES[item.rule_type]].add(item.indicator_id)
            item_lists[item.id] = LIST_RULES[item.rule_type]
        years = (y1, y2) if item.rule_type in YEARLY_RULES else (y2,)
        figs = _figures(item.params or {})
        item_figures[item.id] = [(fig, year) for fig, _ in figs for year in years]
        for fig, cond_label in figs:
            keys = [k for k in _figure_keys(fig) if k in metrics and metrics[k].kind == Metric.Kind.INPUT]
            if fig.get("kind") == "growth":
                growth.update(keys)
            if fig.get("kind") in ("growth", "ratio"):
                dkey = f"{fig['kind']}:{'/'.join(_figure_keys(fig))}"
                derived.setdefault(
                    dkey,
                    DerivedFigure(
                        dkey, fig, figure_label(fig, metrics), figure_formula(fig, metrics), _figure_keys(fig)
                    ),
                )
            text = _use_text(item.code, fig, cond_label, metrics)
            for key in keys:
                order.setdefault(key, len(order))
                if all(u.text != text for u in uses.setdefault(key, [])):
                    uses[key].append(MetricUse(item.code, text))
                indicator_ids.setdefault(key, set()).add(item.indicator_id)
    needs: dict[str, MetricNeed] = {}
    for key in sorted(order, key=order.get):
        metric = metrics[key]
        years = tuple(sorted({y1 - 1, y1, y2 - 1, y2})) if key in growth else (y1, y2)
        needs[key] = MetricNeed(
            metric=metric,
            years=years,
            growth_years=(y1, y2) if key in growth and metric.supports_growth else (),
            uses=uses[key],
            indicator_ids=indicator_ids[key],
        )
    specs = {k: MetricSpec(m.key, m.name, m.unit, m.value_type) for k, m in metrics.items()}
    return ZoneDataNeeds(
        zone=zone,
        years=(y1, y2),
        metrics=needs,
        derived=list(derived.values()),
        specs=specs,
        list_indicators=list_indicators,
        item_figures=item_figures,
        item_lists=item_lists,
        scoring_items=items,
    )


# Who may report what ---------------------------------------------------------


@dataclass
class DataScope:
    """What ``user`` may submit on a zone: every figure and list (office) or their units' share."""

    is_office: bool
    units: list[Unit]  # the units the user submits for (every unit for the office)
    metric_keys: set[str]
    lists: set[str]

    @property
    def empty(self) -> bool:
        return not (self.metric_keys or self.lists)


def responsibilities_of(*, zone: Zone, unit_ids: Iterable[int] | None = None) -> dict[int, set[int]]:
    """unit id → ids of the level-3 indicators it answers for (1 query)."""
    rows = IndicatorResponsibility.objects.filter(zone=zone, removed=False)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    result: dict[int, set[int]] = {}
    for unit_id, indicator_id in rows.values_list("unit_id", "indicator_id"):
        result.setdefault(unit_id, set()).add(indicator_id)
    return result


def keys_for_indicators(needs: ZoneDataNeeds, indicator_ids: set[int]) -> tuple[set[str], set[str]]:
    """(metric keys, lists) that the given items read."""
    keys = {key for key, need in needs.metrics.items() if need.indicator_ids & indicator_ids}
    lists = {name for name, ids in needs.list_indicators.items() if ids & indicator_ids}
    return keys, lists


def data_scope_for(*, user, zone: Zone, needs: ZoneDataNeeds) -> DataScope:
    """The office may submit everything; a liaison what their units answer for (≤ 2 queries)."""
    if zone_can(user, zone, ZoneAction.EDIT_DATA):
        units = list(zone.units.order_by("pk"))
        return DataScope(True, units, set(needs.metrics), set(LISTS))
    if not zone_can(user, zone, ZoneAction.SUBMIT_DATA):
        return DataScope(False, [], set(), set())
    units = [u for u in zone.units.order_by("pk") if unit_can(user, u, ZoneAction.SUBMIT_DATA)]
    indicator_ids = set().union(*responsibilities_of(zone=zone, unit_ids=[u.pk for u in units]).values())
    keys, lists = keys_for_indicators(needs, indicator_ids)
    return DataScope(False, units, keys, lists)


def unit_data_keys(*, zone: Zone, unit: Unit, needs: ZoneDataNeeds) -> tuple[set[str], set[str]]:
    """The metric keys and lists ``unit`` reports (1 query)."""
    indicator_ids = responsibilities_of(zone=zone, unit_ids=[unit.pk]).get(unit.pk, set())
    return keys_for_indicators(needs, indicator_ids)


# Values and derived figures -------------------------------------------------


def zone_data_values(*, zone: Zone) -> dict[tuple[str, int], DataValue]:
    """(metric key, year) → the zone's figure with its evidence link (1 query)."""
    rows = DataValue.objects.filter(zone=zone).select_related(
        "metric", "evidence_link__evidence__indicator", "updated_by"
    )
    return {(row.metric.key, row.year): row for row in rows}


def facts_from_values(needs: ZoneDataNeeds, values: Mapping[tuple[str, int], DataValue]) -> ZoneFacts:
    return ZoneFacts(
        region_category=needs.zone.region_category,
        reference_years=needs.years,
        values={k: v.value for k, v in values.items() if v.value is not None},
        published_growth={k: v.published_growth for k, v in values.items() if v.published_growth is not None},
    )


@dataclass(frozen=True)
class DerivedCell:
    year: int
    text: str  # "12.30%" or "—"
    note: str  # which way it was computed, or what is missing


def percent_text(value: Decimal | None) -> str:
    """Two decimals, as the score explanations show a rate."""
    return "—" if value is None else f"{value.quantize(TWO_PLACES)}%"


def derived_rows(
    needs: ZoneDataNeeds, values: Mapping[tuple[str, int], DataValue], keys: set[str] | None = None
) -> list[tuple[DerivedFigure, list[DerivedCell]]]:
    """The derived figures that read any of ``keys`` (all when None), computed by the engine's own code."""
    facts = facts_from_values(needs, values)
    rows = []
    for fig in needs.derived:
        if keys is not None and not set(fig.metrics) & keys:
            continue
        cells = []
        for year in needs.years:
            result = compute_figure(fig.spec, year, facts, needs.specs)
            note = result.note if result.ok else "缺少" + "、".join(result.missing)
            cells.append(DerivedCell(year, percent_text(result.value), note))
        rows.append((fig, cells))
    return rows


def evidence_choices(*, zone: Zone, indicator_ids: set[int], unit_ids: set[int] | None) -> list[Evidence]:
    """Evidence of ``zone`` on the given items (of the given units when not None) that may back a figure (1 query)."""
    rows = Evidence.objects.filter(zone=zone, indicator_id__in=indicator_ids).select_related("indicator")
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    return list(rows.order_by("indicator__position", "-created_at", "-id"))


@dataclass
class EvidenceOffer:
    """What the figure pages offer to link: every allowed piece by id, and each item's newest few to list."""

    items: dict[int, int]  # evidence pk → its item (indicator) id: all that may be linked
    newest: list[Evidence]  # each item's newest ``per_item``, in the page's order (item, newest first)

    def ids_of(self, indicator_ids: set[int]) -> set[str]:
        return {str(pk) for pk, item in self.items.items() if item in indicator_ids}


def evidence_offer(*, zone: Zone, indicator_ids: set[int], unit_ids: set[int] | None, per_item: int) -> EvidenceOffer:
    """``evidence_choices`` as ids, with only each item's newest ``per_item`` loaded (2 queries)."""
    rows = Evidence.objects.filter(zone=zone, indicator_id__in=indicator_ids)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    items = dict(rows.values_list("pk", "indicator_id"))
    rank = Window(RowNumber(), partition_by=F("indicator_id"), order_by=(F("created_at").desc(), F("id").desc()))
    newest = (
        rows.annotate(rank=rank)
        .filter(rank__lte=per_item)
        .select_related("indicator")
        .order_by("indicator__position", "-created_at", "-id")
    )
    return EvidenceOffer(items=items, newest=list(newest))


def evidence_search(
    *, zone: Zone, indicator_ids: set[int], unit_ids: set[int] | None, query: str, limit: int
) -> tuple[list[Evidence], int]:
    """The first ``limit`` of ``evidence_choices`` whose title (or item code) holds ``query``, and how many
    match (2 queries at most)."""
    rows = Evidence.objects.filter(zone=zone, indicator_id__in=indicator_ids)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    if query:
        rows = rows.filter(Q(title__icontains=query) | Q(indicator__code=query))
    found = list(rows.select_related("indicator").order_by("indicator__position", "-created_at", "-id")[:limit])
    return found, (len(found) if len(found) < limit else rows.count())


def operator_list(*, zone: Zone) -> QuerySet[OperatorEntry]:
    return OperatorEntry.objects.filter(zone=zone).order_by("year", "name", "pk")


def outcome_list(*, zone: Zone) -> QuerySet[OutcomeEntry]:
    return OutcomeEntry.objects.filter(zone=zone).select_related("evidence_link__evidence").order_by("issued_on", "pk")


def entry_list_of(*, zone: Zone, list_name: str) -> QuerySet:
    """A list input's entries in the order the page and the template show them (``LISTS``' names)."""
    return operator_list(zone=zone) if list_name == "operators" else outcome_list(zone=zone)


# Progress --------------------------------------------------------------------


@dataclass
class UnitFill:
    unit: Unit
    metrics: int  # how many metrics the unit reports
    wanted: int  # figures (metric × year) it reports
    filled: int  # of which stored


@dataclass
class DataFill:
    units: list[UnitFill]
    wanted: int  # figures in the user's share
    filled: int


def data_fill_for(*, zone: Zone, needs: ZoneDataNeeds, scope: DataScope) -> DataFill:
    """How many of the figures in ``scope`` are in, for each of its units and in all (2 queries)."""
    values = zone_data_values(zone=zone)
    responsibilities = responsibilities_of(zone=zone, unit_ids=[u.pk for u in scope.units])

    def filled(wanted: list[tuple[str, int]]) -> int:
        return sum(1 for key in wanted if key in values)

    units = []
    for unit in scope.units:
        keys = {k for k, n in needs.metrics.items() if n.indicator_ids & responsibilities.get(unit.pk, set())}
        wanted = [(k, y) for k in keys for y in needs.metrics[k].years]
        units.append(UnitFill(unit, len(keys), len(wanted), filled(wanted)))
    wanted = [(k, y) for k in scope.metric_keys for y in needs.metrics[k].years]
    return DataFill(units, len(wanted), filled(wanted))


# What the API lists ----------------------------------------------------------


def data_values_visible(*, user, zone: Zone, wanted: set[tuple[str, int]] | None = None) -> list[DataValue]:
    """The figures ``user`` may read on ``zone`` (a liaison: their units' metrics only, as on the
    data pages), by metric key and year; only the ``wanted`` (key, year) pairs when given."""
    values = zone_data_values(zone=zone)
    if not zone_can(user, zone, ZoneAction.VIEW_ALL_EVIDENCE):
        scope = data_scope_for(user=user, zone=zone, needs=zone_data_needs(zone=zone))
        values = {key: value for key, value in values.items() if key[0] in scope.metric_keys}
    return [value for key, value in sorted(values.items()) if wanted is None or key in wanted]


# History ---------------------------------------------------------------------


def data_change_list(
    *,
    zone: Zone,
    metric_keys: set[str] | None = None,
    lists: set[str] | None = None,
    metric: str | None = None,
    year: int | None = None,
) -> QuerySet[DataChange]:
    """A zone's history, newest first; restricted to the given metrics and lists when not None,
    and to one metric (key) or one year when given."""
    rows = DataChange.objects.filter(zone=zone).select_related("metric", "changed_by")
    if metric_keys is not None or lists is not None:
        targets = {"operators": DataChange.Target.OPERATOR, "outcomes": DataChange.Target.OUTCOME}
        query = Q(target=DataChange.Target.VALUE, metric__key__in=metric_keys or ())
        query |= Q(target__in=[targets[name] for name in lists or ()])
        rows = rows.filter(query)
    if metric:
        rows = rows.filter(metric__key=metric)
    if year is not None:
        rows = rows.filter(year=year)
    return rows.order_by("-changed_at", "-id")
