"""What every report kind is (pretix's exporter shape): a small class found through one registry.

A kind says what it is called, which subjects it accepts (the live score, rounds of
some kinds), how to gather its content (``content``: plain data plus a digest of
what was read), and how to render that content into a file at a given path,
reporting progress as it goes. One Celery job (reports/jobs.py), one page and one
API serve every kind; a new kind is one class registered here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from assessments.models import AssessmentRound, ScoreSnapshot
from zones.models import Zone

# progress(percent 0–100, stage text in Chinese). May raise (the job lost its claim): stop then.
Progress = Callable[[int, str], None]


def no_progress(percent: int, stage: str) -> None:
    return None


@dataclass
class Content:
    """What a kind gathered for one subject."""

    data: Any
    digest: str  # sha256 of what was read: same digest → same file
    source_label: str  # what the report scored, in words
    is_draft: bool
    snapshot: ScoreSnapshot | None = None


@dataclass(frozen=True)
class Rendered:
    pages: int | None = None  # PDFs only


class ReportKind:
    identifier: ClassVar[str]  # a Report.Kind value
    verbose_name: ClassVar[str]
    description: ClassVar[str]
    extension: ClassVar[str]
    content_type: ClassVar[str]
    # Which rounds it accepts (AssessmentRound.Kind values), and whether the live score is allowed.
    round_kinds: ClassVar[frozenset[str]] = frozenset(AssessmentRound.Kind.values)
    allows_live: ClassVar[bool] = True
    # The layout's version: bump it in the same commit that changes what a kind's templates or
    # renderer make of the same data (templates/reports/pdf/, the sheet's columns, the ZIP's
    # folders). It is part of the reuse key, so a finished report made with an older layout is
    # rendered again instead of being served as "unchanged".
    layout_version: ClassVar[int] = 1

    def refusal(self, *, round: AssessmentRound | None) -> str | None:
        """Why this kind cannot be made for the subject, in Chinese; None when it can."""
        if round is None and not self.allows_live:
            return f"{self.verbose_name}须选择评估轮次。"
        if round is not None and round.kind not in self.round_kinds:
            kinds = "、".join(AssessmentRound.Kind(k).label for k in sorted(self.round_kinds))
            return f"{self.verbose_name}只能按{kinds}生成。"
        return None

    def content(self, *, zone: Zone, round: AssessmentRound | None) -> Content:
        raise NotImplementedError

    def render(self, content: Content, path: Path, progress: Progress = no_progress) -> Rendered:
        """Write the file to ``path`` (a temporary name: the caller renames it into place)."""
        raise NotImplementedError

    def reuse_key(self, content: Content) -> str:
        """What a finished report must match to be served again: kind, layout version and data digest."""
        text = f"{self.identifier}:{self.layout_version}:{content.digest}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def filename(self, *, zone: Zone, round: AssessmentRound | None, when) -> str:
        subject = round.get_kind_display() if round is not None else "实时得分"
        return f"{zone.name}-{self.verbose_name}-{subject}-{when:%Y%m%d}.{self.extension}"


REGISTRY: dict[str, ReportKind] = {}


def register(cls: type[ReportKind]) -> type[ReportKind]:
    REGISTRY[cls.identifier] = cls()
    return cls


def kind_get(identifier: str) -> ReportKind | None:
    return REGISTRY.get(identifier)


def kinds_in_order() -> list[ReportKind]:
    """Every kind, in Report.Kind's order (自评报告, 评估报告, 得分表, 佐证材料包)."""
    from ..models import Report

    order = {value: n for n, value in enumerate(Report.Kind.values)}
    return sorted(REGISTRY.values(), key=lambda kind: order.get(kind.identifier, len(order)))
