"""Several evaluators' scores of one sub-criterion → the round's score (pure)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
MEAN = "mean"
MEDIAN = "median"


def aggregate(points: Sequence[Decimal], how: str = MEAN) -> Decimal | None:
    """The mean or the median of ``points`` to two decimals (half up); None when nobody scored."""
    values = [Decimal(p) for p in points if p is not None]
    if not values:
        return None
    if how == MEDIAN:
        value = Decimal(statistics.median(values))
    elif how == MEAN:
        value = sum(values, Decimal(0)) / len(values)
    else:
        raise ValueError(f"unknown aggregation {how!r}")
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
