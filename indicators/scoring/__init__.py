"""The pure scoring core: plain dataclasses in, plain dataclasses out, no ORM.

A selector gathers a zone's figures into ZoneFacts, ``score`` scores them, and a
service stores the result. The what-if view, the CLI and the Celery job all
reuse the same function.
"""

from .engine import rollup_errors, score
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

__all__ = [
    "IndicatorSpec",
    "JudgementRecord",
    "MetricSpec",
    "OperatorRecord",
    "OutcomeRecord",
    "ScoreResult",
    "ScoringItemSpec",
    "SystemSpec",
    "ZoneFacts",
    "rollup_errors",
    "score",
]
