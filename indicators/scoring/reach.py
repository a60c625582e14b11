"""Points within reach: the smallest change in a zone's own figures that earns the next point(s).

For every quantitative sub-criterion below full marks, ``points_within_reach``
says what the zone must change (its own figures, never a benchmark) to earn
more, sorted by points gained, then item order. Each hint stands alone against
the current facts: hints are alternatives, not meant to be added up.

Targets are the smallest value at the figure's precision that passes: whole
units for count metrics, 0.01 of the unit otherwise (0.01 percentage points for
a published growth rate), whole entries for lists; the bound rounded up for
">=" (达到), the first value above it for ">" (超过). The tests prove every hint
with ``apply_hint`` and ``score()``: its changes raise the sub-criterion by
exactly ``gain``, and any one change a step smaller earns nothing.

ratio_bands: the numerator for the next band up at the current denominator.
Growth: this year's total given last year's, or the rate itself when a
published rate is used; raising year Y's total lowers Y+1's growth, so a Y+1
that scores now is raised too when needed. Yearly rules: one hint per failing
year (a series comparison only raises the compared figure). threshold /
vs_benchmark: one hint changing every failing condition. List rules count an
empty list as none yet. Unreachable targets (a percent above 100%, a last year
or denominator that is not positive) give no hint; judged rules never do, nor do
sub-criteria whose data are disputed (存疑), which score 0 whatever the figures.

Missing data: a hint IS produced. It names the figures to fill in
(``missing``), has no changes, and its ``gain`` is the most the sub-criterion
could earn once they are in (an upper bound; ``exact`` is False). Its text
reads "补充填报 … 后最多可得 N 分" and it sorts with the others by that gain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from .engine import score, score_sub
from .figures import compute_figure, fmt, fmt_bound, metric_name, passes, plain
from .params import OPS, validate_params
from .rules import OUTCOME_LABELS, ZERO, _band_points, _money
from .types import (
    IndicatorSpec,
    MetricSpec,
    OperatorRecord,
    OutcomeRecord,
    ScoreResult,
    ScoringItemSpec,
    SystemSpec,
    ZoneFacts,
)
from .whatif import facts_with_changes

ONE = Decimal(1)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class ReachChange:
    """One figure to change: (metric, year) in ``values``, a published rate, or entries added to a list."""

    metric: str  # metric key; "operators" / "outcomes" for list entries
    metric_name: str
    year: int
    current: Decimal | None
    target: Decimal
    delta: Decimal
    unit: str
    step: Decimal  # the figure's precision: the target one step smaller no longer earns the gain
    source: str = "value"  # value | published_growth | list


@dataclass(frozen=True)
class ReachHint:
    """What one quantitative sub-criterion needs to earn ``gain`` more points, with a Chinese ``text``."""

    item_code: str
    item_name: str
    sub_code: str
    label: str
    rule_type: str
    year: int | None  # the reference year for yearly rules, else None
    current_points: Decimal
    points_after: Decimal
    gain: Decimal
    changes: tuple[ReachChange, ...]
    text: str
    missing: tuple[str, ...] = ()  # figures to fill in; then ``gain`` is the most that could be earned

    @property
    def exact(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class _Need:
    """The changes one failing comparison needs, and the Chinese phrase saying so."""

    changes: tuple[ReachChange, ...]
    phrase: str


@dataclass(frozen=True)
class _Sub:
    """A sub-criterion below full marks, and how its hints are built."""

    item: IndicatorSpec
    spec: ScoringItemSpec
    points: Decimal
    max: Decimal

    def hint(
        self,
        gain: Decimal,
        text: str,
        changes: Iterable[ReachChange] = (),
        year: int | None = None,
        missing: tuple[str, ...] = (),
    ) -> ReachHint:
        head = (self.item.code, self.item.name, self.spec.code, self.spec.label, self.spec.rule_type, year)
        return ReachHint(*head, self.points, self.points + gain, gain, tuple(changes), text, tuple(missing))

    def missing_hint(self, gain: Decimal, missing: tuple[str, ...], year: int | None = None) -> list[ReachHint]:
        missing = tuple(dict.fromkeys(missing))
        return [self.hint(gain, f"补充填报 {'、'.join(missing)} 后最多可得 {plain(gain)} 分", (), year, missing)]


Metrics = Mapping[str, MetricSpec]
Bound = tuple[Decimal | None, str, tuple[str, ...]]  # (bound, its Chinese text, missing figures)


def _step(metrics: Metrics, key: str) -> Decimal:
    spec = metrics.get(key)
    return ONE if spec is not None and spec.value_type == "count" else CENT


def _on_grid(exact: Decimal, op: str, step: Decimal) -> Decimal:
    """The smallest multiple of ``step`` that passes ``op exact`` (= for ">=", first above for ">")."""
    units = exact / step
    if op == ">=":
        return units.to_integral_value(rounding=ROUND_CEILING) * step
    return (units.to_integral_value(rounding=ROUND_FLOOR) + 1) * step


def _n(value: Decimal) -> str:
    """1412 → "1,412", 216.12 → "216.12", 2.50 → "2.5"."""
    return format(value.normalize(), ",f")


def _raise_text(change: ReachChange) -> str:
    if change.unit == "%":
        return f"再提高 {_n(change.delta)} 个百分点（至 {_n(change.target)}%）"
    unit = f" {change.unit}" if change.unit else ""
    return f"再增加 {_n(change.delta)}{unit}（至 {_n(change.target)}{unit}）"


def _value_change(metrics: Metrics, key: str, year: int, current: Decimal, exact: Decimal, op: str) -> ReachChange:
    """Raise metric ``key`` from ``current`` to the first value at its precision passing ``op exact``."""
    step = _step(metrics, key)
    target = _on_grid(exact, op, step)
    unit = metrics[key].unit if key in metrics else ""
    return ReachChange(key, metric_name(metrics, key), year, current, target, target - current, unit, step)


def _reach(
    fig: Mapping[str, Any], year: int, facts: ZoneFacts, metrics: Metrics, op: str, bound: Decimal, bound_text: str
) -> _Need | None:
    """The smallest change making a (present, failing) figure pass ``op bound``; None if out of reach."""
    figure = compute_figure(fig, year, facts, metrics)
    if figure.value is None:
        return None
    shown = f"{figure.label} {fmt(figure.value, figure.unit, (bound,))}"
    kind, key, lead = fig.get("kind"), fig.get("metric"), ""  # lead names a raw figure raised for a derived one
    if kind == "value":
        change = _value_change(metrics, key, year, figure.value, bound, op)
        if key in metrics and metrics[key].value_type == "percent" and change.target > HUNDRED:
            return None
    elif kind == "growth" and facts.published_growth.get((key, year)) is not None:
        target = _on_grid(bound, op, CENT)
        label = f"{figure.label}（官方公布）"
        change = ReachChange(
            key, label, year, figure.value, target, target - figure.value, "%", CENT, "published_growth"
        )
        shown += "（官方公布）"
    elif kind == "growth":
        last = Decimal(facts.values[(key, year - 1)])
        if last <= 0:
            return None
        current = Decimal(facts.values[(key, year)])
        change = _value_change(metrics, key, year, current, last * (1 + bound / HUNDRED), op)
        lead = change.metric_name
    elif kind == "ratio":
        denominator = Decimal(facts.values[(fig["denominator"], year)])
        if denominator <= 0:
            return None
        current = Decimal(facts.values[(fig["numerator"], year)])
        change = _value_change(metrics, fig["numerator"], year, current, bound * denominator / HUNDRED, op)
        lead = change.metric_name
    else:
        return None
    return _Need((change,), f"{shown}，{lead}{_raise_text(change)}{OPS[op][0]}{bound_text}")


def _with(facts: ZoneFacts, change: ReachChange) -> ZoneFacts:
    field = "published_growth" if change.source == "published_growth" else "values"
    return facts_with_changes(facts, **{field: {(change.metric, change.year): change.target}})


def _benchmark(key: str, year: int, facts: ZoneFacts, metrics: Metrics, unit: str) -> Bound:
    """(bound, bound text, missing) for a comparison with a benchmark."""
    bench = facts.benchmarks.get((key, year))
    if bench is None:
        return None, "", (f"{year}年 {facts.benchmark_scope}{metric_name(metrics, key)}",)
    return Decimal(bench), f"{facts.benchmark_scope} {fmt(Decimal(bench), unit)}", ()


# ---------------------------------------------------------------- yearly rules
def _year_bound(spec: ScoringItemSpec, year: int, facts: ZoneFacts, metrics: Metrics) -> Bound:
    """(bound, bound text, missing) of a yearly rule in ``year``."""
    params = spec.params
    if spec.rule_type == "yearly_vs_benchmark":
        unit = compute_figure(params["figure"], year, facts, metrics).unit
        return _benchmark(params["benchmark"], year, facts, metrics, unit)
    other = compute_figure(params["other"], year, facts, metrics)
    if other.value is None:
        return None, "", other.missing
    return other.value, f"{other.label} {fmt(other.value, other.unit)}", ()


def _keep_next_year(spec: ScoringItemSpec, need: _Need, year: int, facts: ZoneFacts, metrics: Metrics) -> _Need | None:
    """Raising year Y's total lowers Y+1's growth: add the Y+1 change that keeps a scoring Y+1 scoring."""
    fig, op, change = spec.params["figure"], spec.params["op"], need.changes[0]
    following = year + 1
    if fig.get("kind") != "growth" or change.source != "value" or following not in facts.reference_years:
        return need
    bound, bound_text, missing = _year_bound(spec, following, facts, metrics)
    now = compute_figure(fig, following, facts, metrics)
    if missing or now.value is None or not passes(now.value, op, bound):
        return need
    changed = _with(facts, change)
    after = compute_figure(fig, following, changed, metrics)
    if after.value is not None and passes(after.value, op, bound):
        return need
    keep = _reach(fig, following, changed, metrics, op, bound, bound_text)
    if keep is None:
        return None
    extra = keep.changes[0]
    phrase = f"{need.phrase}；同时{following}年 {extra.metric_name}{_raise_text(extra)}，以保持{following}年得分"
    return _Need(need.changes + (extra,), phrase)


def _yearly(sub: _Sub, facts: ZoneFacts, metrics: Metrics) -> list[ReachHint]:
    params = sub.spec.params
    gain = min(Decimal(str(params["points_per_year"])), sub.max - sub.points)
    if gain <= 0:
        return []
    hints: list[ReachHint] = []
    for year in sorted(facts.reference_years):
        figure = compute_figure(params["figure"], year, facts, metrics)
        bound, bound_text, bound_missing = _year_bound(sub.spec, year, facts, metrics)
        if figure.missing or bound_missing:
            hints += sub.missing_hint(gain, figure.missing + tuple(bound_missing), year)
            continue
        if passes(figure.value, params["op"], bound):
            continue
        need = _reach(params["figure"], year, facts, metrics, params["op"], bound, bound_text)
        need = need and _keep_next_year(sub.spec, need, year, facts, metrics)
        if need:
            hints.append(sub.hint(gain, f"{year}年 {need.phrase} 可得 {plain(gain)} 分", need.changes, year))
    return hints


# ---------------------------------------------------------------- latest-year rules
def _conditions(sub: _Sub, facts: ZoneFacts, metrics: Metrics) -> list[ReachHint]:
    year, gain = facts.latest_year, sub.max - sub.points
    missing: list[str] = []
    needs: list[_Need] = []
    for cond in sub.spec.params["conditions"]:
        figure = compute_figure(cond["figure"], year, facts, metrics)
        if sub.spec.rule_type == "threshold":
            bound, bound_missing = Decimal(str(cond["bound"])), ()
            bound_text = f" {fmt_bound(bound, figure.unit)}"
        else:
            bound, bound_text, bound_missing = _benchmark(cond["benchmark"], year, facts, metrics, figure.unit)
        if figure.missing or bound_missing:
            missing += list(figure.missing) + list(bound_missing)
        elif not passes(figure.value, cond["op"], bound):
            need = _reach(cond["figure"], year, facts, metrics, cond["op"], bound, bound_text)
            if need is None:
                return []
            needs.append(need)
    if missing:
        return sub.missing_hint(gain, tuple(missing))
    if not needs or gain <= 0:
        return []
    merged: dict[tuple[str, str, int], ReachChange] = {}
    for change in (c for need in needs for c in need.changes):
        key = (change.source, change.metric, change.year)
        if key not in merged or change.target > merged[key].target:
            merged[key] = change
    phrases = "；".join(need.phrase for need in needs)
    return [sub.hint(gain, f"{year}年 {phrases} 可得 {plain(gain)} 分", merged.values())]


def _missing_bands(sub: _Sub, bands: list[Mapping[str, Any]], missing: tuple[str, ...]) -> list[ReachHint]:
    best = min(max(Decimal(str(b["points"])) for b in bands), sub.max)
    return sub.missing_hint(best - sub.points, missing) if best > sub.points else []


def _ratio_bands(sub: _Sub, facts: ZoneFacts, metrics: Metrics) -> list[ReachHint]:
    year, fig, bands = facts.latest_year, sub.spec.params["figure"], sub.spec.params["bands"]
    figure = compute_figure(fig, year, facts, metrics)
    if figure.value is None:
        return _missing_bands(sub, bands, figure.missing)
    for low in sorted({Decimal(str(b["min"])) for b in bands}):
        if low <= figure.value:
            continue
        need = _reach(fig, year, facts, metrics, ">=", low, f" {fmt_bound(low)}")
        if need is None:
            return []
        after = compute_figure(fig, year, _with(facts, need.changes[0]), metrics)
        points = min(_band_points(after.value, bands)[0], sub.max) if after.value is not None else ZERO
        if points > sub.points:
            gain = points - sub.points
            return [sub.hint(gain, f"{year}年 {need.phrase} 可得 {plain(gain)} 分", need.changes)]
    return []


# ---------------------------------------------------------------- lists
def _qualifying_count(sub: _Sub, facts: ZoneFacts, metrics: Metrics) -> list[ReachHint]:
    params, category = sub.spec.params, facts.region_category
    bands = params["bands"]
    if category not in params["thresholds"]:
        return _missing_bands(sub, bands, ("东中西部划分",))
    threshold, op = Decimal(str(params["thresholds"][category])), params["op"]
    years = sorted(facts.reference_years)
    qualifying = {
        e.credit_code
        for e in facts.lists.get("operators", ())
        if e.year in years and passes(Decimal(e.annual_sales), op, threshold)
    }
    count = Decimal(len(qualifying))
    for target in sorted({Decimal(str(b["min"])).to_integral_value(rounding=ROUND_CEILING) for b in bands}):
        points = min(_band_points(target, bands)[0], sub.max)
        if target > count and points > sub.points:
            gain, more, verb = points - sub.points, target - count, OPS[op][0]
            name = f"年电子商务销售额{verb}{_money(threshold)}的网络交易经营者"
            change = ReachChange("operators", name, years[-1], count, target, more, "家", ONE, "list")
            text = (
                f"{years[0]}—{years[-1]}年符合条件的网络交易经营者 {_n(count)} 家，再新增 {_n(more)} 家"
                f"年电子商务销售额{verb} {_money(threshold)} 的网络交易经营者可得 {plain(gain)} 分"
            )
            return [sub.hint(gain, text, (change,))]
    return []


def _capped_count(sub: _Sub, facts: ZoneFacts, metrics: Metrics) -> list[ReachHint]:
    params = sub.spec.params
    kinds = list(dict.fromkeys(params["kinds"]))
    each, cap = Decimal(str(params["points_each"])), Decimal(str(params["cap"]))
    count = Decimal(sum(1 for e in facts.lists.get("outcomes", ()) if e.kind in kinds))
    gain = min(each * (count + 1), cap, sub.max) - sub.points
    if gain <= 0:
        return []
    labels = [OUTCOME_LABELS.get(k, k) for k in kinds]
    kinds_text = "、".join(labels[:-1]) + "或" + labels[-1] if len(labels) > 1 else labels[0]
    name = f"制度化、标准化成果（{kinds_text}）"
    change = ReachChange("outcomes", name, facts.latest_year, count, count + 1, ONE, "项", ONE, "list")
    text = f"已形成成果 {_n(count)} 项，再形成 1 项{kinds_text}可得 {plain(gain)} 分"
    return [sub.hint(gain, text, (change,))]


HINTS: dict[str, Callable[[_Sub, ZoneFacts, Metrics], list[ReachHint]]] = {
    "yearly_vs_benchmark": _yearly,
    "yearly_vs_series": _yearly,
    "ratio_bands": _ratio_bands,
    "qualifying_count": _qualifying_count,
    "capped_count": _capped_count,
    "threshold": _conditions,
    "vs_benchmark": _conditions,
}
QUANTITATIVE = frozenset(HINTS)


def points_within_reach(system: SystemSpec, facts: ZoneFacts, result: ScoreResult | None = None) -> list[ReachHint]:
    """Hints for every quantitative sub-criterion below full marks, most points first, then item order.

    ``result`` (the score of these facts) saves re-scoring when the caller already has it.
    """
    if result is None:
        result = score(system, facts)
    scored = {(i.code, s.code): s for i in result.items for s in i.subs}
    disputed = getattr(facts, "disputed", None) or {}  # 存疑 sub-criteria score 0 whatever the figures
    ranked: list[tuple[tuple[Any, ...], ReachHint]] = []
    for item_index, item in enumerate(system.items()):
        for sub_index, spec in enumerate(item.scoring_items):
            if spec.rule_type not in QUANTITATIVE or spec.code in disputed:
                continue
            current = scored.get((item.code, spec.code)) or score_sub(spec, facts, system.metrics)
            if current.points >= current.max or validate_params(spec.rule_type, spec.params):
                continue
            sub = _Sub(item, spec, current.points, current.max)
            for hint in HINTS[spec.rule_type](sub, facts, system.metrics):
                if hint.gain > 0:
                    ranked.append(((-hint.gain, item_index, sub_index, hint.year or 0), hint))
    return [hint for _key, hint in sorted(ranked, key=lambda pair: pair[0])]


# ---------------------------------------------------------------- applying a hint
def _sub_spec(system: SystemSpec, hint: ReachHint) -> ScoringItemSpec:
    for item in system.items():
        for spec in item.scoring_items:
            if item.code == hint.item_code and spec.code == hint.sub_code:
                return spec
    raise KeyError(f"{hint.item_code}/{hint.sub_code}")


def _new_entries(spec: ScoringItemSpec, facts: ZoneFacts, change: ReachChange, count: int) -> tuple[Any, ...]:
    if change.metric == "operators":
        threshold = Decimal(str(spec.params["thresholds"][facts.region_category]))
        sales = threshold if spec.params["op"] == ">=" else threshold + CENT
        return tuple(OperatorRecord(f"新增经营者{i}", f"REACH{i:04d}", change.year, sales) for i in range(count))
    return tuple(OutcomeRecord(f"新增成果{i}", spec.params["kinds"][0]) for i in range(count))


def apply_hint(
    system: SystemSpec, facts: ZoneFacts, hint: ReachHint, *, one_step_short: int | None = None
) -> ZoneFacts:
    """The facts with the hint's changes made; change number ``one_step_short`` is made one step smaller."""
    values: dict[tuple[str, int], Decimal] = {}
    published: dict[tuple[str, int], Decimal] = {}
    lists: dict[str, tuple[Any, ...]] = {}
    for index, change in enumerate(hint.changes):
        target = change.target - change.step if index == one_step_short else change.target
        if change.source == "published_growth":
            published[(change.metric, change.year)] = target
        elif change.source == "list":
            added = _new_entries(_sub_spec(system, hint), facts, change, int(target - (change.current or ZERO)))
            lists[change.metric] = tuple(facts.lists.get(change.metric, ())) + added
        else:
            values[(change.metric, change.year)] = target
    return facts_with_changes(facts, values=values, published_growth=published, lists=lists)
