"""The parameters each rule type takes, and their validation.

Rules are data: a new indicator-system version needs no release, only rows whose
``params`` follow these shapes. A *figure* is one of::

    {"kind": "value",  "metric": KEY}                       the metric's value
    {"kind": "growth", "metric": KEY}                       同比增速 (%), published rate wins
    {"kind": "ratio",  "numerator": KEY, "denominator": KEY}  numerator / denominator (%)

Operators follow the official wording: ``">"`` for 超过/大于/高于 (strict),
``">="`` for 达到/不低于/以上 (inclusive).

=====================  ===========================================================
rule type              params
=====================  ===========================================================
yearly_vs_benchmark    {"figure": FIG, "benchmark": KEY, "op": ">", "points_per_year": 1}
yearly_vs_series       {"figure": FIG, "other": FIG, "op": ">", "points_per_year": 1}
ratio_bands            {"figure": FIG, "bands": [{"min": 8, "max": 15, "points": 1},
                        {"min": 15, "points": 2}]}  (bounds inclusive, higher band wins)
qualifying_count       {"list": "operators", "op": ">=", "unit": "万元",
                        "thresholds": {"east": 20000, "central": 10000, "west": 5000},
                        "bands": [{"min": 1, "points": 1}, {"min": 2, "points": 2}]}
capped_count           {"list": "outcomes", "kinds": ["law", ...], "points_each": 1, "cap": 2}
threshold              {"conditions": [{"figure": FIG, "op": ">", "bound": 95}, ...]}  all must pass
vs_benchmark           {"conditions": [{"figure": FIG, "op": ">", "benchmark": KEY}, ...]}  all must pass
checklist              {}   judged: 0 … points
any_one                {"options": ["情形一", "情形二", ...]}  judged: any option met → full points
expert                 {}   judged: 0 … points
=====================  ===========================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

OPS = {">": ("超过", "未超过"), ">=": ("达到", "未达到")}
LISTS = {"operators", "outcomes"}
REGION_CATEGORIES = ("east", "central", "west")
OUTCOME_KINDS = {"law", "rule", "normative", "standard"}


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return False
    try:
        return Decimal(str(value)).is_finite()
    except (InvalidOperation, ValueError):
        return False


def _figure_errors(figure: Any, where: str) -> list[str]:
    if not isinstance(figure, Mapping):
        return [f"{where} 应为对象"]
    kind = figure.get("kind")
    if kind in ("value", "growth"):
        return [] if isinstance(figure.get("metric"), str) and figure["metric"] else [f"{where} 缺少 metric"]
    if kind == "ratio":
        return [
            f"{where} 缺少 {part}"
            for part in ("numerator", "denominator")
            if not (isinstance(figure.get(part), str) and figure[part])
        ]
    return [f"{where} 的 kind 应为 value、growth 或 ratio"]


def _op_errors(op: Any, where: str) -> list[str]:
    return (
        []
        if isinstance(op, str) and op in OPS
        else [f'{where} 的 op 应为 ">"（超过/大于/高于）或 ">="（达到/不低于/以上）']
    )


def _bands_errors(bands: Any, where: str) -> list[str]:
    if not isinstance(bands, list) or not bands:
        return [f"{where} 缺少区间 bands"]
    errors = []
    for i, band in enumerate(bands, 1):
        if not isinstance(band, Mapping) or not _is_number(band.get("min")) or not _is_number(band.get("points")):
            errors.append(f"{where} 第{i}个区间需要数值 min 和 points")
        elif "max" in band and not _is_number(band["max"]):
            errors.append(f"{where} 第{i}个区间的 max 应为数值")
    return errors


def _conditions_errors(params: Mapping[str, Any], bound_key: str) -> list[str]:
    conditions = params.get("conditions")
    if not isinstance(conditions, list) or not conditions:
        return ["缺少条件 conditions"]
    errors = []
    for i, cond in enumerate(conditions, 1):
        where = f"第{i}个条件"
        if not isinstance(cond, Mapping):
            errors.append(f"{where} 应为对象")
            continue
        errors += _figure_errors(cond.get("figure"), f"{where} 的 figure")
        errors += _op_errors(cond.get("op"), where)
        if bound_key == "bound" and not _is_number(cond.get("bound")):
            errors.append(f"{where} 缺少数值 bound")
        if bound_key == "benchmark" and not (isinstance(cond.get("benchmark"), str) and cond["benchmark"]):
            errors.append(f"{where} 缺少 benchmark")
    return errors


def validate_params(rule_type: str, params: Any) -> list[str]:
    """Chinese error messages for ``params`` of ``rule_type``; empty when valid."""
    if not isinstance(params, Mapping):
        return ["规则参数应为 JSON 对象"]
    if rule_type == "yearly_vs_benchmark":
        errors = _figure_errors(params.get("figure"), "figure") + _op_errors(params.get("op"), "规则")
        if not (isinstance(params.get("benchmark"), str) and params["benchmark"]):
            errors.append("缺少 benchmark")
        if not _is_number(params.get("points_per_year")):
            errors.append("缺少数值 points_per_year")
        return errors
    if rule_type == "yearly_vs_series":
        errors = _figure_errors(params.get("figure"), "figure") + _figure_errors(params.get("other"), "other")
        errors += _op_errors(params.get("op"), "规则")
        if not _is_number(params.get("points_per_year")):
            errors.append("缺少数值 points_per_year")
        return errors
    if rule_type == "ratio_bands":
        return _figure_errors(params.get("figure"), "figure") + _bands_errors(params.get("bands"), "规则")
    if rule_type == "qualifying_count":
        errors = [] if params.get("list") == "operators" else ["list 应为 operators"]
        errors += _op_errors(params.get("op"), "规则") + _bands_errors(params.get("bands"), "规则")
        if params.get("unit") not in (None, "万元"):
            errors.append("unit 应为 万元")
        thresholds = params.get("thresholds")
        if not isinstance(thresholds, Mapping) or any(not _is_number(thresholds.get(c)) for c in REGION_CATEGORIES):
            errors.append("thresholds 需要 east、central、west 三个数值")
        return errors
    if rule_type == "capped_count":
        errors = [] if params.get("list") == "outcomes" else ["list 应为 outcomes"]
        kinds = params.get("kinds")
        if (
            not isinstance(kinds, list)
            or not kinds
            or not all(isinstance(k, str) for k in kinds)
            or not set(kinds) <= OUTCOME_KINDS
        ):
            errors.append("kinds 应为 law、rule、normative、standard 中的若干项")
        for key in ("points_each", "cap"):
            if not _is_number(params.get(key)):
                errors.append(f"缺少数值 {key}")
        return errors
    if rule_type == "threshold":
        return _conditions_errors(params, "bound")
    if rule_type == "vs_benchmark":
        return _conditions_errors(params, "benchmark")
    if rule_type == "any_one":
        options = params.get("options")
        if not isinstance(options, list) or not options or not all(isinstance(o, str) and o for o in options):
            return ["options 应为非空的情形列表"]
        return []
    if rule_type in ("checklist", "expert"):
        return []
    return [f"未知的评分规则类型：{rule_type}"]


def metrics_used(rule_type: str, params: Mapping[str, Any]) -> set[str]:
    """Metric keys (zone figures and benchmarks) a rule reads."""
    keys: set[str] = set()

    def figure(fig: Any) -> None:
        if isinstance(fig, Mapping):
            for part in ("metric", "numerator", "denominator"):
                if isinstance(fig.get(part), str):
                    keys.add(fig[part])

    figure(params.get("figure"))
    figure(params.get("other"))
    if isinstance(params.get("benchmark"), str):
        keys.add(params["benchmark"])
    for cond in params.get("conditions") or []:
        if isinstance(cond, Mapping):
            figure(cond.get("figure"))
            if isinstance(cond.get("benchmark"), str):
                keys.add(cond["benchmark"])
    return keys
