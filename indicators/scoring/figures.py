"""Derived figures (growth, ratios) computed from a zone's raw data.

Growth = (this year / last year − 1) × 100%. An officially published growth
rate (可比口径) wins over the ratio of raw totals; the figure says which was used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .types import MetricSpec, ZoneFacts

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Figure:
    value: Decimal | None
    label: str  # e.g. "网上零售额同比增速"
    note: str = ""  # e.g. "按官方公布可比口径" / "按总量计算"
    missing: tuple[str, ...] = ()
    unit: str = "%"

    @property
    def ok(self) -> bool:
        return self.value is not None


def metric_name(metrics: Mapping[str, MetricSpec], key: str) -> str:
    spec = metrics.get(key)
    return spec.name if spec else key


def plain(value: Decimal | int | float | str) -> str:
    """A number without trailing zeros: 2.00 → "2", 0.50 → "0.5"."""
    return format(Decimal(str(value)).normalize(), "f")


def fmt(value: Decimal, unit: str = "%", against: tuple[Any, ...] = ()) -> str:
    """Rates with two decimals ("12.30%"), other figures as entered ("52学时").

    ``against`` are the figures the value is compared with: where two decimals
    would make the value look equal to one of them (14.995 → "15.00"), more
    decimals are shown so the explanation never contradicts the verdict.
    """
    if unit != "%":
        return f"{plain(value)}{unit}"
    others = [Decimal(str(a)) for a in against if a is not None]
    for places in ("0.01", "0.0001", "0.000001"):
        shown = value.quantize(Decimal(places))
        if not any(shown == other != value for other in others):
            return f"{shown}%"
    return f"{plain(value)}%"


def fmt_bound(value: Any, unit: str = "%") -> str:
    """A rule's bound as the official text writes it: 95 → "95%", 50 → "50学时"."""
    return f"{plain(value)}{unit}"


def compute_figure(spec: Mapping[str, Any], year: int, facts: ZoneFacts, metrics: Mapping[str, MetricSpec]) -> Figure:
    kind = spec.get("kind")
    if kind == "value":
        key = spec["metric"]
        name = metric_name(metrics, key)
        value = facts.values.get((key, year))
        unit = metrics[key].unit if key in metrics else ""
        if value is None:
            return Figure(None, name, missing=(f"{year}年 {name}",), unit=unit)
        return Figure(Decimal(value), name, unit=unit)
    if kind == "growth":
        key = spec["metric"]
        name = metric_name(metrics, key)
        label = f"{name}同比增速"
        published = facts.published_growth.get((key, year))
        if published is not None:
            return Figure(Decimal(published), label, note="采用官方公布的可比口径增速")
        current, previous = facts.values.get((key, year)), facts.values.get((key, year - 1))
        missing = tuple(f"{y}年 {name}" for y, v in ((year - 1, previous), (year, current)) if v is None)
        if missing:
            return Figure(None, label, missing=missing)
        if Decimal(previous) == 0:
            return Figure(None, label, missing=(f"{year - 1}年 {name}（为0，无法计算增速）",))
        growth = (Decimal(current) / Decimal(previous) - 1) * HUNDRED
        return Figure(growth, label, note="按当年与上年总量计算")
    if kind == "ratio":
        num_key, den_key = spec["numerator"], spec["denominator"]
        num_name, den_name = metric_name(metrics, num_key), metric_name(metrics, den_key)
        label = spec.get("label") or f"{num_name}/{den_name}"
        numerator, denominator = facts.values.get((num_key, year)), facts.values.get((den_key, year))
        missing = tuple(f"{year}年 {n}" for n, v in ((num_name, numerator), (den_name, denominator)) if v is None)
        if missing:
            return Figure(None, label, missing=missing)
        if Decimal(denominator) == 0:
            return Figure(None, label, missing=(f"{year}年 {den_name}（为0，无法计算比值）",))
        return Figure(Decimal(numerator) / Decimal(denominator) * HUNDRED, label)
    return Figure(None, str(kind), missing=(f"未知的数值类型 {kind}",))


def passes(value: Decimal, op: str, bound: Decimal) -> bool:
    """超过/大于/高于 are strict (>); 达到/不低于/以上 include the bound (>=)."""
    if op == ">":
        return value > bound
    if op == ">=":
        return value >= bound
    raise ValueError(op)
