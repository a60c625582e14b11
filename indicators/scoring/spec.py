"""Build a SystemSpec from the data dict of indicators/standards/FORMAT.md."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .types import IndicatorSpec, MetricSpec, ScoringItemSpec, SystemSpec


class SpecError(ValueError):
    def __init__(self, messages: list[str]):
        super().__init__("；".join(messages))
        self.messages = messages


def _decimal(value: Any, where: str, errors: list[str]) -> Decimal:
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.append(f"{where}：分值“{value}”不是数字")
        return Decimal(0)


def system_spec_from_data(data: Mapping[str, Any]) -> SystemSpec:
    errors: list[str] = []

    def node(raw: Mapping[str, Any], level: int) -> IndicatorSpec:
        code = str(raw.get("code") or "").strip()
        name = str(raw.get("name") or "").strip()
        where = f"{['', '一级', '二级', '三级'][level]}指标“{code or name or '?'}”"
        if not code:
            errors.append(f"{where}缺少编号")
        if not name:
            errors.append(f"{where}缺少名称")
        points = _decimal(raw.get("points"), where, errors)
        if level < 3:
            children = tuple(node(child, level + 1) for child in raw.get("children") or [])
            return IndicatorSpec(code, name, level, points, children=children)
        items = []
        for sub in raw.get("scoring_items") or []:
            sub_where = f"评分项“{sub.get('code')}”"
            items.append(
                ScoringItemSpec(
                    code=str(sub.get("code") or "").strip(),
                    label=str(sub.get("label") or "").strip(),
                    points=_decimal(sub.get("points"), sub_where, errors),
                    rule_type=str(sub.get("rule_type") or ""),
                    params=sub.get("params") or {},
                )
            )
        return IndicatorSpec(code, name, level, points, scoring_items=tuple(items))

    dimensions = tuple(node(raw, 1) for raw in data.get("indicators") or [])
    metrics = {
        m["key"]: MetricSpec(m["key"], m.get("name", m["key"]), m.get("unit", ""), m.get("value_type", "amount"))
        for m in data.get("metrics") or []
        if isinstance(m, Mapping) and m.get("key")
    }
    if errors:
        raise SpecError(errors)
    return SystemSpec(str(data.get("code") or ""), str(data.get("name") or ""), dimensions, metrics)
