"""Read a zone described wholly in a JSON document (``score_zone --input``).

See the README ("评分输入文件") for the format and an example file.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .spec import SpecError
from .types import JudgementRecord, OperatorRecord, OutcomeRecord, ZoneFacts

CATEGORIES = {"east": "east", "central": "central", "west": "west", "东部": "east", "中部": "central", "西部": "west"}


def _num(value: Any, where: str, errors: list[str]) -> Decimal | None:
    try:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise InvalidOperation
        number = Decimal(str(value))
        if not number.is_finite():
            raise InvalidOperation
        return number
    except (InvalidOperation, ValueError):
        errors.append(f"{where}：“{value}”不是数字")
        return None


def _rows(raw: Any, where: str, errors: list[str]) -> list[Mapping[str, Any]]:
    if raw in (None, []):
        return []
    if not isinstance(raw, list):
        errors.append(f"{where} 应为列表")
        return []
    rows = []
    for i, row in enumerate(raw, 1):
        if isinstance(row, Mapping):
            rows.append(row)
        else:
            errors.append(f"{where} 第{i}条应为对象")
    return rows


def _series(raw: Any, name: str, errors: list[str]) -> dict[tuple[str, int], Decimal]:
    out: dict[tuple[str, int], Decimal] = {}
    if raw in (None, {}):
        return out
    if not isinstance(raw, Mapping):
        errors.append(f"{name} 应为 {{指标键： {{年度： 数值}}}}")
        return out
    for key, by_year in raw.items():
        if not isinstance(by_year, Mapping):
            errors.append(f"{name}.{key} 应为 {{年度： 数值}}")
            continue
        for year, value in by_year.items():
            if not str(year).isdigit():
                errors.append(f"{name}.{key}：年度“{year}”无效")
                continue
            number = _num(value, f"{name}.{key}.{year}", errors)
            if number is not None:
                out[(key, int(year))] = number
    return out


def facts_from_json(data: Mapping[str, Any]) -> tuple[str, ZoneFacts]:
    """(system code, facts); raises SpecError with Chinese messages on bad input."""
    errors: list[str] = []
    if not isinstance(data, Mapping):
        raise SpecError(["输入文件应为 JSON 对象"])
    system = data.get("system")
    if not isinstance(system, str) or not system:
        errors.append("缺少 system（指标体系编码）")
    category = CATEGORIES.get(str(data.get("region_category", "")))
    if category is None:
        errors.append("region_category 应为 东部/中部/西部（或 east/central/west）")
    years = data.get("reference_years")
    if not (
        isinstance(years, list) and len(years) == 2 and all(isinstance(y, int) for y in years) and years[0] < years[1]
    ):
        errors.append("reference_years 应为两个递增的年度，如 [2023, 2024]")
        years = [0, 1]
    values = _series(data.get("values"), "values", errors)
    published = _series(data.get("published_growth"), "published_growth", errors)
    benchmarks = _series(data.get("benchmarks"), "benchmarks", errors)

    lists = data.get("lists") or {}
    if not isinstance(lists, Mapping):
        errors.append('lists 应为 {"operators": [...], "outcomes": [...]}')
        lists = {}
    operators = []
    for i, row in enumerate(_rows(lists.get("operators"), "lists.operators", errors), 1):
        sales = _num(row.get("annual_sales"), f"lists.operators 第{i}条 annual_sales", errors)
        if not isinstance(row.get("year"), int):
            errors.append(f"lists.operators 第{i}条：year 应为年度整数")
        elif sales is not None:
            operators.append(
                OperatorRecord(str(row.get("name", "")), str(row.get("credit_code", "")), row["year"], sales)
            )
    outcomes = []
    for i, row in enumerate(_rows(lists.get("outcomes"), "lists.outcomes", errors), 1):
        issued = None
        if row.get("issued_on"):
            try:
                issued = date.fromisoformat(str(row["issued_on"]))
            except ValueError:
                errors.append(f"lists.outcomes 第{i}条：issued_on 应为 YYYY-MM-DD")
        outcomes.append(OutcomeRecord(str(row.get("title", "")), str(row.get("kind", "")), issued))

    judgements = {}
    raw_judgements = data.get("judgements") or {}
    if not isinstance(raw_judgements, Mapping):
        errors.append("judgements 应为 {评分项编号: {...}}")
        raw_judgements = {}
    for code, row in raw_judgements.items():
        if not isinstance(row, Mapping):
            errors.append(f"judgements.{code} 应为对象")
            continue
        points = _num(row["points"], f"judgements.{code}.points", errors) if row.get("points") is not None else None
        options = row.get("options") or []
        if not (isinstance(options, list) and all(isinstance(o, int) for o in options)):
            errors.append(f"judgements.{code}.options 应为情形序号列表")
            options = []
        judgements[str(code)] = JudgementRecord(points, tuple(options), str(row.get("comment", "")))
    if errors:
        raise SpecError(errors)
    facts = ZoneFacts(
        region_category=category,
        reference_years=(years[0], years[1]),
        values=values,
        published_growth=published,
        benchmarks=benchmarks,
        benchmark_scope=str(data.get("benchmark_scope") or "全国"),
        lists={"operators": tuple(operators), "outcomes": tuple(outcomes)},
        judgements=judgements,
    )
    return system, facts
