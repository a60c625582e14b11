"""Stage templates (实施步骤) as data — not Django templates.

A template is written with the months of its source document; when a zone's
stages are created from it, every month is shifted by the distance between the
template's first month and the zone's creation start (see ``template_dates``).
001 (三明市) is the default: its five stages and their sub-steps.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class StageSpec:
    name: str
    start: str  # "YYYY-MM", first month of the stage (inclusive)
    end: str  # "YYYY-MM", last month of the stage (inclusive)
    steps: tuple[str, ...] = ()


@dataclass(frozen=True)
class StageTemplate:
    code: str
    name: str
    stages: tuple[StageSpec, ...]

    @property
    def base(self) -> str:
        return self.stages[0].start


SANMING_2024 = StageTemplate(
    code="sanming-2024",
    name="三明市创建工作方案（2024）五个实施阶段",
    stages=(
        StageSpec("启动部署", "2024-01", "2024-03"),
        StageSpec("组织实施", "2024-03", "2024-12", ("细化方案", "落实推进", "加强督导")),
        StageSpec("自评完善", "2025-01", "2025-06", ("自查自纠", "市级考评", "整改完善")),
        StageSpec("检查评估", "2025-06", "2025-12", ("省级评估", "推荐上报", "市场监管总局评估")),
        StageSpec("巩固提升", "2026-01", "2026-02"),
    ),
)

TEMPLATES: dict[str, StageTemplate] = {t.code: t for t in (SANMING_2024,)}
DEFAULT_TEMPLATE = SANMING_2024.code


def _month_index(year_month: str) -> int:
    year, month = (int(part) for part in year_month.split("-"))
    return year * 12 + month - 1


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def template_dates(template: StageTemplate, start: date) -> list[tuple[StageSpec, date, date]]:
    """Each stage with its dates when the template's first month begins on ``start``.

    A stage starts ``k`` months after ``start`` (k = its first month − the template's
    first month) and ends the day before the month after its last month: with
    ``start`` = 2024-01-01, 启动部署 runs 2024-01-01 – 2024-03-31 as in 001.
    """
    base = _month_index(template.base)
    result = []
    for spec in template.stages:
        first = add_months(start, _month_index(spec.start) - base)
        after_last = add_months(start, _month_index(spec.end) - base + 1)
        result.append((spec, first, date.fromordinal(after_last.toordinal() - 1)))
    return result
