"""The pure scoring core: plain dataclasses in, plain dataclasses out, no ORM.

A selector gathers a zone's figures into ZoneFacts, ``score`` scores them, and a
service stores the result. The what-if view, the CLI and the Celery job all
reuse the same function.
"""

from .engine import rollup_errors, score
from .reach import ReachChange, ReachHint, apply_hint, points_within_reach
from .types import (
    IndicatorSpec,
    JudgementRecord,
    MetricSpec,
    OperatorRecord,
    OutcomeRecord,
    ScoreResult,
    ScoringItemSpec,
    SystemSpec,
    ZoneFacts,
)
from .whatif import ItemDiff, NodeDiff, ScoreDiff, facts_with_changes, score_diff

__all__ = [
    "IndicatorSpec",
    "ItemDiff",
    "JudgementRecord",
    "MetricSpec",
    "NodeDiff",
    "OperatorRecord",
    "OutcomeRecord",
    "ReachChange",
    "ReachHint",
    "ScoreDiff",
    "ScoreResult",
    "ScoringItemSpec",
    "SystemSpec",
    "ZoneFacts",
    "apply_hint",
    "facts_with_changes",
    "points_within_reach",
    "rollup_errors",
    "score",
    "score_diff",
]
