"""Scores, grades and the ranking of units: plain Python over plain data, no ORM.

- A unit's score is its 得分率 (0–100): on the results scale 完成 counts 1, 基本完成 0.5 and
  未完成 0 of each row; on the points scale the evaluator's points over the rows' full marks.
- Grades from the office's thresholds, each bound inclusive ("不低于"): score ≥ 优秀线 → 优秀,
  ≥ 良好线 → 良好, ≥ 合格线 → 合格, otherwise 不合格.
- The ranking: better grade first, then higher score; units with the same grade and score
  share a rank (1, 1, 3); units not yet evaluated come last, unranked, in the units' order.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

DONE, MOSTLY, NOT_DONE = "done", "mostly", "not_done"
RESULT_SHARE = {DONE: Decimal(1), MOSTLY: Decimal("0.5"), NOT_DONE: Decimal(0)}
EXCELLENT, GOOD, PASS, FAIL = "excellent", "good", "pass", "fail"
GRADE_ORDER = {EXCELLENT: 0, GOOD: 1, PASS: 2, FAIL: 3}
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Thresholds:
    excellent: Decimal
    good: Decimal
    passing: Decimal


@dataclass(frozen=True)
class Score:
    points: Decimal
    max_points: Decimal
    percent: Decimal  # 0–100, two decimals


def score_of(*, scale: str, row_points: Decimal, rows: list[tuple[str, Decimal | None]]) -> Score:
    """The score of (result, points) rows; points are read only on the points scale."""
    full = Decimal(row_points)
    max_points = full * len(rows)
    if scale == "points":
        points = sum((Decimal(p or 0) for _, p in rows), Decimal(0))
    else:
        points = sum((RESULT_SHARE[r] * full for r, _ in rows), Decimal(0))
    percent = (points / max_points * HUNDRED).quantize(CENT, ROUND_HALF_UP) if max_points else HUNDRED
    return Score(points=points, max_points=max_points, percent=percent)


def grade_for(score: Decimal, thresholds: Thresholds) -> str:
    if score >= thresholds.excellent:
        return EXCELLENT
    if score >= thresholds.good:
        return GOOD
    if score >= thresholds.passing:
        return PASS
    return FAIL


@dataclass
class RankEntry:
    unit_id: int
    position: int  # the unit's own order, for ties and the unranked
    score: Decimal | None  # None: not evaluated yet
    grade: str = ""
    rank: int | None = None


def rank_units(entries: list[RankEntry], thresholds: Thresholds) -> list[RankEntry]:
    """Grades the scored entries and ranks them (ties share a rank); the unscored come last."""
    scored = [e for e in entries if e.score is not None]
    for entry in scored:
        entry.grade = grade_for(entry.score, thresholds)
    scored.sort(key=lambda e: (GRADE_ORDER[e.grade], -e.score, e.position, e.unit_id))
    previous = None
    for index, entry in enumerate(scored, start=1):
        same = previous is not None and (previous.grade, previous.score) == (entry.grade, entry.score)
        entry.rank = previous.rank if same else index
        previous = entry
    rest = sorted((e for e in entries if e.score is None), key=lambda e: (e.position, e.unit_id))
    for entry in rest:
        entry.grade, entry.rank = "", None
    return scored + rest
