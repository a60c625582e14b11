"""Shared by the scoring-engine tests: the national spec built from its JSON, and small ZoneFacts."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

from indicators.scoring.engine import score_item, score_sub
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
