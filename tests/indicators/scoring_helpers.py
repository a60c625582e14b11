"""Shared by the scoring-engine tests: the national spec built from its JSON, and small ZoneFacts."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

from indicators.scoring.engine import score, score_item, score_sub
from indicators.scoring.facts_json import facts_from_json
from indicators.scoring.reach import apply_hint
from indicators.scoring.spec import system_spec_from_data
from indicators.scoring.types import (
    JudgementRecord,
    OperatorRecord,
    OutcomeRecord,
    ZoneFacts,
)

REPO = Path(__file__).resolve().parents[2]
NATIONAL = json.loads((REPO / "indicators" / "standards" / "national-2024.json").read_text(encoding="utf-8"))
SPEC = system_spec_from_data(NATIONAL)
METRICS = SPEC.metrics
ITEMS = {item.code: item for item in SPEC.items()}
SUBS = {sub.code: sub for item in SPEC.items() for sub in item.scoring_items}
YEARS = (2023, 2024)


# ---------------------------------------------------------------- helpers
def D(value) -> Decimal:
    return Decimal(str(value))


def series(data: dict[str, dict[int, object]]) -> dict[tuple[str, int], Decimal]:
    """{"metric": {2023: "1.5"}} → {("metric", 2023): Decimal("1.5")}."""
    return {(key, year): D(value) for key, by_year in data.items() for year, value in by_year.items()}


def facts(
    *,
    values=None,
    published=None,
    benchmarks=None,
    region="east",
    scope="全国",
    operators=(),
    outcomes=(),
    judgements=None,
) -> ZoneFacts:
    return ZoneFacts(
        region_category=region,
        reference_years=YEARS,
        values=series(values or {}),
        published_growth=series(published or {}),
        benchmarks=series(benchmarks or {}),
        benchmark_scope=scope,
        lists={"operators": tuple(operators), "outcomes": tuple(outcomes)},
        judgements=judgements or {},
    )


def item(code: str, zone: ZoneFacts):
    return score_item(ITEMS[code], zone, METRICS)


def sub(code: str, zone: ZoneFacts):
    return score_sub(SUBS[code], zone, METRICS)


def op(name: str, credit_code: str, year: int, sales) -> OperatorRecord:
    return OperatorRecord(name, credit_code, year, D(sales))


def judged(points=None, options=(), comment="") -> JudgementRecord:
    return JudgementRecord(None if points is None else D(points), tuple(options), comment)


def modified_spec(change) -> object:
    """The national spec after ``change(data)`` edits a deep copy of the JSON data."""
    data = copy.deepcopy(NATIONAL)
    change(data)
    return system_spec_from_data(data)


def node(data: dict, code: str) -> dict:
    """The indicator with ``code`` (any level) in a standard's data dict."""
    stack = list(data["indicators"])
    while stack:
        current = stack.pop()
        if current["code"] == code:
            return current
        stack.extend(current.get("children") or [])
    raise KeyError(code)


# Valid GB 32100-2015 codes (registration 9 / type 1 / 三明市 350400 / organisation code
# with its GB 11714 check character / final check character).
CODE_A, CODE_B, CODE_C, CODE_D = "91350400MA2Y0001XQ", "91350400MA2Y00028Q", "91350400MA2Y00036K", "91350400MA2Y00044E"


def outcome(title: str, kind: str) -> OutcomeRecord:
    return OutcomeRecord(title, kind, None)


# ---------------------------------------------------------------- demo zone, and the exact check of a reach hint
DEMO_INPUT = REPO / "indicators" / "examples" / "zone-input.json"


def demo_zone() -> ZoneFacts:
    """The demo zone's facts (indicators/examples/zone-input.json)."""
    return facts_from_json(json.loads(DEMO_INPUT.read_text(encoding="utf-8")))[1]


def sub_points(result, item_code: str, sub_code: str) -> Decimal:
    """A sub-criterion's points in a ScoreResult."""
    scored = next(i for i in result.items if i.code == item_code)
    return next(s.points for s in scored.subs if s.code == sub_code)


def hint_problems(zone: ZoneFacts, hint, system=SPEC) -> list[str]:
    """The exact check of a reach hint, re-scored with ``score()``; empty when the hint is exact.

    Applying the hint's changes must raise its sub-criterion by exactly ``gain``,
    and any one change made one step smaller must raise it by nothing.
    """
    if not hint.changes:
        return [f"{hint.sub_code}: no numeric target (missing data), nothing to check"]

    def points(**kwargs) -> Decimal:
        return sub_points(score(system, apply_hint(system, zone, hint, **kwargs)), hint.item_code, hint.sub_code)

    before = sub_points(score(system, zone), hint.item_code, hint.sub_code)
    problems = []
    if before != hint.current_points:
        problems.append(f"{hint.sub_code}: scores {before} now, hint says {hint.current_points}")
    earned = points() - before
    if earned != hint.gain:
        problems.append(f"{hint.sub_code}: the changes earn {earned}, hint says {hint.gain}")
    for index, change in enumerate(hint.changes):
        short = points(one_step_short=index)
        if short > before:
            smaller = change.target - change.step
            problems.append(f"{hint.sub_code}: {change.metric} at {smaller} still earns {short - before}")
    return problems
