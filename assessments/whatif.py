"""What-if (模拟测算) and points within reach for a zone's live score: reads only, nothing is stored.

``whatif_run`` builds the zone's facts with ``zone_facts``, lists the inputs a
person may change (the figures the quantitative items read, the two entry lists
as "N more or fewer entries that count", the judged scores), applies the valid changes
with the engine's ``facts_with_changes``, scores both with ``score`` and returns
``score_diff`` plus the points within reach of the changed facts. Every input is
keyed by one name, used by the page's form and the API alike:

    value:<metric>:<year>     a figure (DataValue.value)
    growth:<metric>:<year>    an officially published growth rate (%)
    judgement:<code>          a judged sub-criterion's points
    list:operators            规模以上网络交易经营者: N > 0 adds N qualifying ones,
                              N < 0 takes N of those counted now away (not below none)
    list:outcomes             制度化、标准化成果: the same

A blank input (or one equal to the current value) changes nothing. A bad one
gets a Chinese message under its name and is left out; the others still count.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.urls import reverse

from evidence.data.services import GROWTH_LIMIT, VALUE_LIMIT, parse_number
from indicators.scoring import (
    JudgementRecord,
    OperatorRecord,
    OutcomeRecord,
    ReachHint,
    ScoreDiff,
    ScoreResult,
    SystemSpec,
    ZoneFacts,
    facts_with_changes,
    points_within_reach,
    score,
    score_diff,
)
from indicators.scoring.figures import metric_name, passes
from indicators.scoring.rules import JUDGED_RULES, OUTCOME_LABELS
from indicators.scoring.types import ScoringItemSpec
from indicators.selectors import system_spec_for

from .selectors import zone_facts

LIST_LIMIT = 1000  # entries one may add to a list in a what-if
TWO_PLACES = Decimal("0.01")


# ----------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class FigureInput:
    """A figure the quantitative items read: (metric, year), or its published growth rate."""

    name: str
    source: str  # value | growth
    metric: str
    metric_name: str
    year: int
    unit: str
    value_type: str  # amount | count | percent
    current: Decimal | None
    items: tuple[str, ...]  # the item codes that read it

    @property
    def label(self) -> str:
        if self.source == "growth":
            return f"{self.year}年 {self.metric_name}同比增速（官方公布）"
        return f"{self.year}年 {self.metric_name}"

    @property
    def shown_unit(self) -> str:
        return "%" if self.source == "growth" else self.unit


@dataclass(frozen=True)
class ListInput:
    """A list's change: how many more entries that count (positive) or fewer (negative, down to none)."""

    name: str
    list_name: str  # operators | outcomes
    label: str
    unit: str
    current: int  # the entries counted now
    items: tuple[str, ...]


@dataclass(frozen=True)
class JudgedInput:
    name: str
    code: str
    label: str
    item_code: str
    item_name: str
    max: Decimal
    current: Decimal | None  # None: not judged yet (待评审)


@dataclass
class WhatIfInputs:
    figures: list[FigureInput]
    lists: list[ListInput]
    judged: list[JudgedInput]

    def by_name(self) -> dict[str, FigureInput | ListInput | JudgedInput]:
        return {i.name: i for i in [*self.figures, *self.lists, *self.judged]}


def _figure_keys(fig: Mapping[str, Any], year: int) -> list[tuple[str, str, int]]:
    """(source, metric, year) of the zone's own figures a figure spec reads in ``year``."""
    kind = fig.get("kind") if isinstance(fig, Mapping) else None
    if kind == "value":
        return [("value", fig["metric"], year)]
    if kind == "growth":
        key = fig["metric"]
        return [("value", key, year - 1), ("value", key, year), ("growth", key, year)]
    if kind == "ratio":
        return [("value", fig["numerator"], year), ("value", fig["denominator"], year)]
    return []


def _sub_figures(spec: ScoringItemSpec, facts: ZoneFacts) -> list[tuple[str, str, int]]:
    params = spec.params
    if spec.rule_type in ("yearly_vs_benchmark", "yearly_vs_series"):
        keys = []
        for year in sorted(facts.reference_years):
            keys += _figure_keys(params.get("figure", {}), year)
            if spec.rule_type == "yearly_vs_series":
                keys += _figure_keys(params.get("other", {}), year)
        return keys
    if spec.rule_type == "ratio_bands":
        return _figure_keys(params.get("figure", {}), facts.latest_year)
    if spec.rule_type in ("threshold", "vs_benchmark"):
        return [
            k for cond in params.get("conditions", []) for k in _figure_keys(cond.get("figure", {}), facts.latest_year)
        ]
    return []


def _subs(system: SystemSpec):
    for item in system.items():
        for spec in item.scoring_items:
            yield item, spec


def _money(wan: Decimal) -> str:
    """万元 as the official text writes it: 20000 → "2亿元", 5000 → "5000万元"."""
    if wan >= 10000 and wan % 10000 == 0:
        return f"{_plain(wan / 10000)}亿元"
    return f"{_plain(wan)}万元"


def _qualifying(spec: ScoringItemSpec, facts: ZoneFacts) -> int | None:
    """Qualifying operators counted now (as the rule counts them); None when the zone's category has no threshold."""
    params = spec.params
    if facts.region_category not in params.get("thresholds", {}):
        return None
    threshold = Decimal(str(params["thresholds"][facts.region_category]))
    years = set(facts.reference_years)
    return len(
        {
            e.credit_code
            for e in facts.lists.get("operators", ())
            if e.year in years and passes(Decimal(e.annual_sales), params["op"], threshold)
        }
    )


def whatif_inputs(system: SystemSpec, facts: ZoneFacts, result: ScoreResult) -> WhatIfInputs:
    """What a what-if may change, with the current values (pure: no queries)."""
    users: dict[tuple[str, str, int], list[str]] = {}
    lists: dict[str, ListInput] = {}
    judged: list[JudgedInput] = []
    points = {s.code: s.points for item in result.items for s in item.subs}
    for item, spec in _subs(system):
        if spec.rule_type in JUDGED_RULES:
            record = facts.judgements.get(spec.code)
            current = points.get(spec.code) if record is not None else None
            judged.append(
                JudgedInput(f"judgement:{spec.code}", spec.code, spec.label, item.code, item.name, spec.points, current)
            )
        elif spec.rule_type == "qualifying_count" and "operators" not in lists:
            count = _qualifying(spec, facts)
            if count is not None:
                threshold = Decimal(str(spec.params["thresholds"][facts.region_category]))
                verb = "超过" if spec.params["op"] == ">" else "达到"
                label = f"年电子商务销售额{verb}{_money(threshold)}的网络交易经营者"
                lists["operators"] = ListInput("list:operators", "operators", label, "家", count, (item.code,))
        elif spec.rule_type == "capped_count" and "outcomes" not in lists:
            kinds = [OUTCOME_LABELS.get(k, k) for k in spec.params.get("kinds", [])]
            count = sum(1 for e in facts.lists.get("outcomes", ()) if e.kind in spec.params.get("kinds", []))
            label = f"制度化、标准化成果（{'、'.join(kinds)}）"
            lists["outcomes"] = ListInput("list:outcomes", "outcomes", label, "项", count, (item.code,))
        else:
            for key in _sub_figures(spec, facts):
                users.setdefault(key, [])
                if item.code not in users[key]:
                    users[key].append(item.code)
    # In the order of the items that read them: a metric's years together, the published rate after the figure.
    first: dict[str, int] = {}
    for index, ((_source, key, _year), _items) in enumerate(users.items()):
        first.setdefault(key, index)
    figures = []
    for (source, key, year), items in sorted(
        users.items(), key=lambda kv: (first[kv[0][1]], kv[0][2], kv[0][0] != "value")
    ):
        metric = system.metrics.get(key)
        current = (facts.published_growth if source == "growth" else facts.values).get((key, year))
        figures.append(
            FigureInput(
                name=f"{source}:{key}:{year}",
                source=source,
                metric=key,
                metric_name=metric_name(system.metrics, key),
                year=year,
                unit=metric.unit if metric else "",
                value_type=metric.value_type if metric else "amount",
                current=None if current is None else Decimal(current),
                items=tuple(items),
            )
        )
    return WhatIfInputs(figures, [lists[k] for k in ("operators", "outcomes") if k in lists], judged)


# ---------------------------------------------------------------------- changes


@dataclass
class WhatIfChanges:
    values: dict[tuple[str, int], Decimal] = field(default_factory=dict)
    published_growth: dict[tuple[str, int], Decimal] = field(default_factory=dict)
    judgements: dict[str, JudgementRecord] = field(default_factory=dict)
    add: dict[str, int] = field(default_factory=dict)  # list name → entries to add (negative: to take away)
    changed: dict[str, str] = field(default_factory=dict)  # input name → the value taken (for the page)

    def __len__(self) -> int:
        return len(self.values) + len(self.published_growth) + len(self.judgements) + len(self.add)


def _number(raw: Any) -> Decimal | None:
    """A Decimal, None for blank; ValueError for anything that is not a finite number."""
    if isinstance(raw, str) and raw.strip() in {"—", "-"}:
        return None
    return parse_number(raw)


def _check_figure(field_: FigureInput, number: Decimal) -> str | None:
    label = field_.label
    if field_.source == "growth":
        return f"{label}过大" if abs(number) >= GROWTH_LIMIT else None
    if number < 0:
        return f"{label}不能为负数"
    if field_.value_type == "percent" and number > 100:
        return f"{label}为比率，不能超过100%"
    if field_.value_type == "count" and number != number.to_integral_value():
        return f"{label}应为整数"
    if number >= VALUE_LIMIT:
        return f"{label}过大"
    return None


def _check_judged(field_: JudgedInput, number: Decimal) -> str | None:
    where = f"评分项 {field_.code}"
    if number < 0 or number > field_.max:
        return f"{where} 的得分应在 0 到 {_plain(field_.max)} 分之间"
    if number != number.quantize(TWO_PLACES):
        return f"{where} 的得分最多保留两位小数"
    return None


def _check_list(field_: ListInput, number: Decimal) -> str | None:
    if number != number.to_integral_value():
        return f"{field_.label}的增减数量应为整数"
    if number > LIST_LIMIT:
        return f"{field_.label}一次最多模拟新增 {LIST_LIMIT} {field_.unit}"
    if -number > field_.current:
        return f"{field_.label}现计入 {field_.current} {field_.unit}，最多减少 {field_.current} {field_.unit}"
    return None


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _unknown(name: str) -> str:
    kind, _, rest = str(name).partition(":")
    if kind in ("value", "growth") and rest.count(":") == 1:
        metric, year = rest.split(":")
        return f"{year}年 {metric} 不是本创建对象评分所用的数据项"
    if kind == "judgement":
        return f"评分项 {rest} 不是需评审评分的评分项"
    if kind == "list":
        return f"名单“{rest}”不能模拟新增"
    return f"“{name}”不是可模拟的数据项"


def whatif_changes(
    inputs: WhatIfInputs, data: Mapping[str, Any], *, strict: bool = False
) -> tuple[WhatIfChanges, dict[str, str]]:
    """The valid changes in ``data`` (input name → raw value) and a Chinese message per bad input.

    ``strict``: a name that is not one of the inputs is an error (the API); otherwise it is ignored
    (a form also posts its CSRF token).
    """
    fields = inputs.by_name()
    changes, errors = WhatIfChanges(), {}
    for name in data:
        if name not in fields:
            if strict:
                errors[name] = _unknown(name)
            continue
        field_ = fields[name]
        raw = data[name]
        try:
            number = _number(raw)
        except ValueError:
            errors[name] = f"{getattr(field_, 'label', name)}：“{raw}”不是有效的数字"
            continue
        if number is None:
            continue
        if isinstance(field_, FigureInput):
            error = _check_figure(field_, number)
        elif isinstance(field_, JudgedInput):
            error = _check_judged(field_, number)
        else:
            error = _check_list(field_, number)
        if error:
            errors[name] = error
            continue
        if isinstance(field_, FigureInput):
            if field_.current is not None and number == field_.current:
                continue
            target = changes.published_growth if field_.source == "growth" else changes.values
            target[(field_.metric, field_.year)] = number
        elif isinstance(field_, JudgedInput):
            if field_.current is not None and number == field_.current:
                continue
            changes.judgements[field_.code] = JudgementRecord(number, (), "模拟测算")
        else:
            if number == 0:
                continue
            changes.add[field_.list_name] = int(number)
        changes.changed[name] = _plain(number)
    return changes, errors


def _added_entries(system: SystemSpec, facts: ZoneFacts, list_name: str, count: int) -> tuple[Any, ...]:
    """``count`` made-up entries that each count for the list's rule."""
    for _item, spec in _subs(system):
        if list_name == "operators" and spec.rule_type == "qualifying_count":
            threshold = Decimal(str(spec.params["thresholds"][facts.region_category]))
            sales = threshold if spec.params["op"] == ">=" else threshold + TWO_PLACES
            year = facts.latest_year
            return tuple(OperatorRecord(f"模拟经营者{i}", f"WHATIF{i:06d}", year, sales) for i in range(1, count + 1))
        if list_name == "outcomes" and spec.rule_type == "capped_count":
            kind = spec.params["kinds"][0]
            return tuple(OutcomeRecord(f"模拟成果{i}", kind) for i in range(1, count + 1))
    return ()


def _without_entries(system: SystemSpec, facts: ZoneFacts, list_name: str, count: int) -> tuple[Any, ...]:
    """The list without ``count`` of the entries that count now (the last ones): every entry of
    ``count`` qualifying operators (one operator may be listed for both years), or ``count``
    outcomes of the kinds the rule counts."""
    entries = tuple(facts.lists.get(list_name, ()))
    for _item, spec in _subs(system):
        if list_name == "operators" and spec.rule_type == "qualifying_count":
            params = spec.params
            threshold = Decimal(str(params["thresholds"][facts.region_category]))
            years = set(facts.reference_years)
            counted = list(
                dict.fromkeys(
                    e.credit_code
                    for e in entries
                    if e.year in years and passes(Decimal(e.annual_sales), params["op"], threshold)
                )
            )
            gone = set(counted[len(counted) - count :]) if count else set()
            return tuple(e for e in entries if e.credit_code not in gone)
        if list_name == "outcomes" and spec.rule_type == "capped_count":
            kinds = set(spec.params.get("kinds", []))
            counted = [n for n, e in enumerate(entries) if e.kind in kinds]
            gone = set(counted[len(counted) - count :]) if count else set()
            return tuple(e for n, e in enumerate(entries) if n not in gone)
    return entries


def apply_changes(system: SystemSpec, facts: ZoneFacts, changes: WhatIfChanges) -> ZoneFacts:
    """The facts with the changes made (the input is not touched)."""
    lists = {
        name: tuple(facts.lists.get(name, ())) + _added_entries(system, facts, name, count)
        if count > 0
        else _without_entries(system, facts, name, -count)
        for name, count in changes.add.items()
    }
    return facts_with_changes(
        facts,
        values=changes.values,
        published_growth=changes.published_growth,
        judgements=changes.judgements,
        lists=lists,
    )


# ----------------------------------------------------------------------- result


@dataclass(frozen=True)
class DimensionBar:
    code: str
    name: str
    before: Decimal
    after: Decimal
    delta: Decimal
    max: Decimal

    @property
    def ratio_before(self) -> int:
        return round(100 * self.before / self.max) if self.max else 0

    @property
    def ratio_after(self) -> int:
        return round(100 * self.after / self.max) if self.max else 0


@dataclass
class WhatIf:
    inputs: WhatIfInputs
    changes: WhatIfChanges
    errors: dict[str, str]
    before: ScoreResult
    after: ScoreResult
    diff: ScoreDiff
    reach: ReachPanel  # the hints of the changed facts
    data: Mapping[str, Any]  # what was posted, to show it back

    @property
    def dimensions(self) -> list[DimensionBar]:
        maxima = {d.code: d.max for d in self.after.dimensions}
        return [DimensionBar(d.code, d.name, d.before, d.after, d.delta, maxima[d.code]) for d in self.diff.dimensions]

    @property
    def error_list(self) -> list[str]:
        return list(self.errors.values())

    def _rows(self, fields) -> list[InputRow]:
        return [InputRow(f, str(self.data.get(f.name, "") or ""), self.errors.get(f.name, "")) for f in fields]

    @property
    def figure_rows(self) -> list[InputRow]:
        return self._rows(self.inputs.figures)

    @property
    def list_rows(self) -> list[InputRow]:
        return self._rows(self.inputs.lists)

    @property
    def judged_rows(self) -> list[InputRow]:
        return self._rows(self.inputs.judged)


@dataclass(frozen=True)
class InputRow:
    """An input as the form shows it: what was posted (to show it back) and its message."""

    field: FigureInput | ListInput | JudgedInput
    posted: str
    error: str


def whatif_run(*, zone, data: Mapping[str, Any] | None = None, strict: bool = False) -> WhatIf:
    """Score the zone now and with the changes in ``data``; nothing is stored (5 queries + the spec)."""
    system = system_spec_for(system=zone.system)
    facts = zone_facts(zone=zone)
    before = score(system, facts)
    inputs = whatif_inputs(system, facts, before)
    data = data or {}
    changes, errors = whatif_changes(inputs, data, strict=strict)
    changed = apply_changes(system, facts, changes)
    after = score(system, changed) if len(changes) else before
    reach = ReachPanel.of(zone, points_within_reach(system, changed, after))
    return WhatIf(inputs, changes, errors, before, after, score_diff(before, after), reach, data)


def whatif_data_from_api(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The API's body (lists of changes) as input name → value."""
    data: dict[str, Any] = {}
    for row in payload.get("values", ()):
        data[f"value:{row['metric']}:{row['year']}"] = row["value"]
    for row in payload.get("published_growth", ()):
        data[f"growth:{row['metric']}:{row['year']}"] = row["value"]
    for row in payload.get("judgements", ()):
        data[f"judgement:{row['code']}"] = row["points"]
    for name, count in (payload.get("add") or {}).items():
        data[f"list:{name}"] = count
    return data


# -------------------------------------------------------------- points in reach


class ReachPanel:
    """Points within reach of a zone's current figures, for the live score page.

    The score page keeps its fixed query budget: the panel loads its hints from
    the what-if URL (htmx, on load) unless they are asked for here (``hints``).
    """

    def __init__(self, zone, *, facts: ZoneFacts | None = None, result: ScoreResult | None = None) -> None:
        self.zone = zone
        self._facts = facts
        self._result = result

    @classmethod
    def of(cls, zone, hints: list[ReachHint]) -> ReachPanel:
        """A panel with hints already computed."""
        panel = cls(zone)
        panel.__dict__["hints"] = hints
        return panel

    @property
    def url(self) -> str:
        return reverse("assessments:whatif", args=[self.zone.pk]) + "?part=reach"

    @property
    def loaded(self) -> bool:
        return "hints" in self.__dict__

    @cached_property
    def hints(self) -> list[ReachHint]:
        system = system_spec_for(system=self.zone.system)
        facts = self._facts if self._facts is not None else zone_facts(zone=self.zone)
        return points_within_reach(system, facts, self._result)

    def load(self) -> ReachPanel:
        _ = self.hints
        return self

    def __iter__(self) -> Iterator[ReachHint]:
        return iter(self.hints)

    def __len__(self) -> int:
        return len(self.hints)


def reach_for_zone(*, zone, load: bool = False) -> ReachPanel:
    """The live score page's 可提分项 panel; ``load`` computes the hints now (5 queries + scoring)."""
    panel = ReachPanel(zone)
    return panel.load() if load else panel
