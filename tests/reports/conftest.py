"""Fixtures for the reports tests (personas come from tests/personas.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessments.models import AssessmentRound
from reports.kinds import REGISTRY, Content, Rendered, ReportKind
from tests.reports.report_helpers import evidence_with_file


@pytest.fixture
def accepted_evidence(zone_a, unit_x, liaison_x):
    """Two accepted pieces of evidence (items 1 and 12) and a draft one (never listed)."""
    first = evidence_with_file(zone_a, unit_x, "1", title="网上零售额统计", name="统计表.pdf", user=liaison_x)
    second = evidence_with_file(
        zone_a, unit_x, "12", title="信用监管制度", name="制度.pdf", content=b"%PDF-1.4 credit", versions=2
    )
    evidence_with_file(zone_a, unit_x, "12", title="草稿材料", status="draft")
    return [first, second]


@pytest.fixture
def self_round(zone_a):
    return AssessmentRound.objects.create(
        zone=zone_a, kind="self", status="in_review", system=zone_a.system, reference_year_1=2023, reference_year_2=2024
    )


class FakeKind(ReportKind):
    """A report kind for job tests: writes ``body`` in steps, calling ``during`` between them."""

    identifier = "scores"
    verbose_name = "得分表"
    description = "测试用"
    extension = "xlsx"
    content_type = "application/octet-stream"

    def __init__(self, body: bytes = b"x" * 1000, digest: str = "d" * 64, during=None, error: Exception | None = None):
        self.body, self.digest, self.during, self.error = body, digest, during, error
        self.renders = 0

    def content(self, *, zone, round) -> Content:
        return Content(data=None, digest=self.digest, source_label="测试来源", is_draft=True)

    def render(self, content: Content, path: Path, progress=lambda p, s: None) -> Rendered:
        self.renders += 1
        with open(path, "wb") as out:
            for step in range(4):
                out.write(self.body[step * len(self.body) // 4 : (step + 1) * len(self.body) // 4])
                out.flush()
                progress(20 * (step + 1), f"第 {step + 1}/4 步")
                if self.during is not None:
                    self.during(step, path)
                if self.error is not None and step == 1:
                    raise self.error
        return Rendered()


@pytest.fixture
def fake_kind(monkeypatch):
    """Replace the 得分表 kind by a FakeKind; returns a setter for its behaviour."""

    def install(**kwargs) -> FakeKind:
        kind = FakeKind(**kwargs)
        monkeypatch.setitem(REGISTRY, "scores", kind)
        return kind

    return install
