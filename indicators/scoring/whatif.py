"""What-if: change a zone's facts without touching the originals, and compare two scores.

``facts_with_changes`` returns a new ZoneFacts (the input is never mutated);
scoring it with ``score`` is all a what-if needs, so a what-if result always
equals scoring the changed facts directly. ``score_diff`` says what moved:
the total, every dimension and second-level node, and the items whose points
changed, in the order of the indicator system.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from .types import ItemResult, JudgementRecord, NodeResult, ScoreResult, ZoneFacts

_NO_CHANGES: Mapping[Any, Any] = MappingProxyType({})


@dataclass(frozen=True)
class NodeDiff:
    """A dimension (level 1) or second-level node before and after."""

    code: str
    name: str
    level: int
    before: Decimal
    after: Decimal
    delta: Decimal


@dataclass(frozen=True)
class ItemDiff:
    """A third-level item whose points moved."""

    code: str
    name: str
    before: Decimal
    after: Decimal
    delta: Decimal


@dataclass(frozen=True)
class ScoreDiff:
    total_before: Decimal
    total_after: Decimal
    total_delta: Decimal
    dimensions: tuple[NodeDiff, ...]
    second_level: tuple[NodeDiff, ...]
    items: tuple[ItemDiff, ...]  # only the items that moved, in item order

    @property
    def moved(self) -> bool:
        return bool(self.items) or self.total_delta != 0


def _with(current: Mapping[Any, Any], changes: Mapping[Any, Any], convert=None) -> dict[Any, Any]:
    """``current`` with ``changes`` applied; a None value removes the key."""
    merged = dict(current)
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = convert(value) if convert else value
    return merged


def _decimal(value: Decimal | int | float | str) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def facts_with_changes(
    facts: ZoneFacts,
    *,
    values: Mapping[tuple[str, int], Decimal | None] = _NO_CHANGES,
    published_growth: Mapping[tuple[str, int], Decimal | None] = _NO_CHANGES,
    judgements: Mapping[str, JudgementRecord | None] = _NO_CHANGES,
    lists: Mapping[str, tuple[Any, ...]] | None = None,
) -> ZoneFacts:
    """A new ZoneFacts with the given figures, published growth rates, judgements and lists replaced.

    ``values`` and ``published_growth`` are keyed by (metric key, year) and
    ``judgements`` by sub-criterion code; a None value removes the entry.
    ``lists`` replaces whole named lists ("operators", "outcomes"); lists not
    named keep their entries. Benchmarks, region and years are never changed.
    """
    return dataclasses.replace(
        facts,
        values=_with(facts.values, values, _decimal),
        published_growth=_with(facts.published_growth, published_growth, _decimal),
        judgements=_with(facts.judgements, judgements),
        lists={**facts.lists, **{name: tuple(entries) for name, entries in (lists or {}).items()}},
    )


def _node_diffs(before: tuple[NodeResult, ...], after: tuple[NodeResult, ...]) -> list[NodeDiff]:
    if [n.code for n in before] != [n.code for n in after]:
        raise ValueError("两次评分的指标结构不一致，无法比较")
    return [NodeDiff(b.code, b.name, b.level, b.points, a.points, a.points - b.points) for b, a in zip(before, after)]


def _level2(nodes: tuple[NodeResult, ...]) -> tuple[NodeResult, ...]:
    return tuple(child for node in nodes for child in node.children if isinstance(child, NodeResult))


def score_diff(before: ScoreResult, after: ScoreResult) -> ScoreDiff:
    """What moved between two scores of the same indicator system."""
    if before.system_code != after.system_code:
        raise ValueError(f"指标体系不同（{before.system_code} / {after.system_code}），无法比较")
    dimensions = _node_diffs(before.dimensions, after.dimensions)
    second_level = _node_diffs(_level2(before.dimensions), _level2(after.dimensions))
    if [i.code for i in before.items] != [i.code for i in after.items]:
        raise ValueError("两次评分的三级指标不一致，无法比较")
    pairs: list[tuple[ItemResult, ItemResult]] = list(zip(before.items, after.items))
    items = tuple(
        ItemDiff(b.code, b.name, b.points, a.points, a.points - b.points) for b, a in pairs if a.points != b.points
    )
    return ScoreDiff(
        total_before=before.total,
        total_after=after.total,
        total_delta=after.total - before.total,
        dimensions=tuple(dimensions),
        second_level=tuple(second_level),
        items=items,
    )
