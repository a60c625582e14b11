"""Plain data in and out of the scoring engine (no ORM anywhere in this package)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class MetricSpec:
    key: str
    name: str
    unit: str
    value_type: str = "amount"  # amount | count | percent


@dataclass(frozen=True)
class ScoringItemSpec:
    code: str
    label: str
    points: Decimal
    rule_type: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    level: int
    max_points: Decimal
    children: tuple[IndicatorSpec, ...] = ()
    scoring_items: tuple[ScoringItemSpec, ...] = ()


@dataclass(frozen=True)
class SystemSpec:
    code: str
    name: str
    dimensions: tuple[IndicatorSpec, ...]
    metrics: Mapping[str, MetricSpec]

    def items(self) -> list[IndicatorSpec]:
        """The third-level items in order."""
        return [item for dim in self.dimensions for sub in dim.children for item in sub.children]


@dataclass(frozen=True)
class OperatorRecord:
    name: str
    credit_code: str
    year: int
    annual_sales: Decimal  # 万元


@dataclass(frozen=True)
class OutcomeRecord:
    title: str
    kind: str  # law | rule | normative | standard
    issued_on: date | None = None


@dataclass(frozen=True)
class JudgementRecord:
    points: Decimal | None = None
    options: tuple[int, ...] = ()
    comment: str = ""


@dataclass(frozen=True)
class ZoneFacts:
    """Everything the engine knows about one zone."""

    region_category: str  # east | central | west
    reference_years: tuple[int, int]
    values: Mapping[tuple[str, int], Decimal] = field(default_factory=dict)
    published_growth: Mapping[tuple[str, int], Decimal] = field(default_factory=dict)
    benchmarks: Mapping[tuple[str, int], Decimal] = field(default_factory=dict)
    benchmark_scope: str = "全国"
    lists: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    judgements: Mapping[str, JudgementRecord] = field(default_factory=dict)
    # 存疑: scoring-item code → the evaluator's reason. A disputed quantitative
    # sub-criterion scores 0 in the round until the doubt is withdrawn or resolved.
    disputed: Mapping[str, str] = field(default_factory=dict)

    @property
    def latest_year(self) -> int:
        return max(self.reference_years)


@dataclass(frozen=True)
class SubResult:
    code: str
    label: str
    rule_type: str
    points: Decimal
    max: Decimal
    explanation: str
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemResult:
    code: str
    name: str
    points: Decimal
    max: Decimal
    explanation: str
    missing: tuple[str, ...]
    subs: tuple[SubResult, ...]


@dataclass(frozen=True)
class NodeResult:
    code: str
    name: str
    level: int
    points: Decimal
    max: Decimal
    children: tuple[NodeResult | ItemResult, ...]


@dataclass(frozen=True)
class ScoreResult:
    system_code: str
    total: Decimal
    max: Decimal
    dimensions: tuple[NodeResult, ...]
    items: tuple[ItemResult, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system_code,
            "total": number(self.total),
            "max": number(self.max),
            "dimensions": [_node_dict(node) for node in self.dimensions],
            "items": [_item_dict(item) for item in self.items],
        }


def number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: 2 not 2.00, 1.5 not "1.50"."""
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def _item_dict(item: ItemResult) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "points": number(item.points),
        "max": number(item.max),
        "explanation": item.explanation,
        "missing": list(item.missing),
        "subs": [
            {
                "code": sub.code,
                "label": sub.label,
                "rule_type": sub.rule_type,
                "points": number(sub.points),
                "max": number(sub.max),
                "explanation": sub.explanation,
                "missing": list(sub.missing),
            }
            for sub in item.subs
        ],
    }


def _node_dict(node: NodeResult) -> dict[str, Any]:
    children = [
        _node_dict(child)
        if isinstance(child, NodeResult)
        else {"code": child.code, "name": child.name, "points": number(child.points), "max": number(child.max)}
        for child in node.children
    ]
    return {
        "code": node.code,
        "name": node.name,
        "level": node.level,
        "points": number(node.points),
        "max": number(node.max),
        "children": children,
    }
