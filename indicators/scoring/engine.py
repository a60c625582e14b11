"""Score a zone: sub-criteria → item (capped) → level 2 → level 1 → total."""

from __future__ import annotations

from decimal import Decimal

from .figures import plain
from .params import validate_params
from .rules import JUDGED_RULES, RULES, ZERO
from .types import IndicatorSpec, ItemResult, NodeResult, ScoreResult, SubResult, SystemSpec, ZoneFacts


def score_sub(item, facts: ZoneFacts, metrics) -> SubResult:
    rule = RULES.get(item.rule_type)
    reason = facts.disputed.get(item.code)
    if reason is not None and item.rule_type not in JUDGED_RULES:
        text = f"评审专家对该项数据存疑（{reason}），存疑期间本轮计0分。"
        return SubResult(item.code, item.label, item.rule_type, ZERO, item.points, text, ("数据存疑",))
    if rule is None or validate_params(item.rule_type, item.params):
        return SubResult(
            item.code, item.label, item.rule_type, ZERO, item.points, "评分规则配置有误，得0分。", ("评分规则",)
        )
    return rule(item, facts, metrics)


def score_item(indicator: IndicatorSpec, facts: ZoneFacts, metrics) -> ItemResult:
    subs = tuple(score_sub(sub, facts, metrics) for sub in indicator.scoring_items)
    raw = sum((s.points for s in subs), ZERO)
    points = min(raw, indicator.max_points)
    if len(subs) == 1:
        explanation = subs[0].explanation
    else:
        explanation = " ".join(f"（{s.code}）{s.explanation}" for s in subs)
    if raw > indicator.max_points:
        explanation += f" 合计超过分值，按{plain(indicator.max_points)}分计。"
    missing = tuple(dict.fromkeys(m for s in subs for m in s.missing))
    return ItemResult(indicator.code, indicator.name, points, indicator.max_points, explanation, missing, subs)


def _roll_up(node: IndicatorSpec, facts: ZoneFacts, metrics, items: list[ItemResult]) -> NodeResult:
    children: list[NodeResult | ItemResult] = []
    for child in node.children:
        if child.level == 3:
            result = score_item(child, facts, metrics)
            items.append(result)
            children.append(result)
        else:
            children.append(_roll_up(child, facts, metrics, items))
    points = min(sum((c.points for c in children), ZERO), node.max_points)
    return NodeResult(node.code, node.name, node.level, points, node.max_points, tuple(children))


def score(system: SystemSpec, facts: ZoneFacts) -> ScoreResult:
    items: list[ItemResult] = []
    dimensions = tuple(_roll_up(dim, facts, system.metrics, items) for dim in system.dimensions)
    total = sum((d.points for d in dimensions), ZERO)
    maximum = sum((d.max for d in dimensions), ZERO)
    return ScoreResult(system.code, total, maximum, dimensions, tuple(items))


def rollup_errors(system: SystemSpec, expected_total: Decimal = Decimal(100)) -> list[str]:
    """Chinese messages for every level whose points don't add up; empty when all do."""
    errors: list[str] = []
    level_names = {1: "一级指标", 2: "二级指标", 3: "三级指标"}

    def check(node: IndicatorSpec) -> None:
        if node.level == 3:
            subs = sum((s.points for s in node.scoring_items), ZERO)
            if not node.scoring_items:
                errors.append(f"三级指标“{node.code} {node.name}”没有评分项")
            elif subs != node.max_points:
                errors.append(
                    f"三级指标“{node.code} {node.name}”：评分项合计 {plain(subs)} 分，应为 {plain(node.max_points)} 分"
                )
            return
        if not node.children:
            errors.append(f"{level_names[node.level]}“{node.name}”没有下级指标")
            return
        total = sum((c.max_points for c in node.children), ZERO)
        if total != node.max_points:
            child = level_names[node.level + 1]
            errors.append(
                f"{level_names[node.level]}“{node.name}”：{child}合计 {plain(total)} 分，"
                f"应为 {plain(node.max_points)} 分"
            )
        for c in node.children:
            check(c)

    for dim in system.dimensions:
        check(dim)
    total = sum((d.max_points for d in system.dimensions), ZERO)
    if total != expected_total:
        errors.append(f"一级指标合计 {plain(total)} 分，应为 {plain(expected_total)} 分")
    return errors
