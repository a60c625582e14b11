"""Results per unit and the ranking (考评结果), and its 考评结果通报 workbook.

``campaign_ranking`` reads (4 queries, whatever the number of units); the order and ties
are ``grading.rank_units``'s. ``ranking_to_workbook`` is a pure conversion laid out like the
督办通报 (tasks/bulletin.py): a merged title row, one header row, then the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from openpyxl import Workbook

from common.xlsx import body_row, column_widths, header_row, put, title_row
from zones.models import Unit

from .access import ALL
from .evaluation import thresholds_of
from .grading import RankEntry, rank_units
from .models import Campaign, Evaluation, Finding, Grade
from .selectors import UnitLine, campaign_unit_lines


@dataclass
class RankRow:
    line: UnitLine
    entry: RankEntry

    @property
    def unit(self) -> Unit:
        return self.line.unit

    @property
    def evaluation(self) -> Evaluation | None:
        return self.line.evaluation

    @property
    def grade_label(self) -> str:
        return Grade(self.entry.grade).label if self.entry.grade else ""


def campaign_ranking(*, campaign: Campaign, scope: set[int] | None = ALL) -> list[RankRow]:
    """Every unit ranked by grade and score, with finding counts; then only the units in ``scope``.

    The ranking is always the whole campaign's: a viewer who sees some units sees each at its true
    rank (the office's), not at its place among the units they may see.
    """
    lines = campaign_unit_lines(campaign=campaign)
    entries = []
    by_unit = {}
    for line in lines:
        done = line.evaluation is not None and line.evaluation.status == Evaluation.Status.DONE
        entry = RankEntry(
            unit_id=line.unit.pk, position=line.unit.position, score=line.evaluation.score if done else None
        )
        entries.append(entry)
        by_unit[line.unit.pk] = line
    ranked = rank_units(entries, thresholds_of(campaign))
    return [RankRow(line=by_unit[e.unit_id], entry=e) for e in ranked if scope is ALL or e.unit_id in scope]


# ------------------------------------------------------------------------ Excel

RANKING_SHEET = "考评结果排名"
FINDINGS_SHEET = "问题整改情况"
RANKING_HEADERS = (
    "排名",
    "责任单位",
    "考评等次",
    "得分率（%）",
    "得分",
    "满分",
    "考评人员",
    "问题数",
    "已销号",
    "未销号",
    "其中严重未销号",
)
FINDING_HEADERS = (
    "责任单位",
    "编号",
    "问题描述",
    "关联指标或任务",
    "严重程度",
    "整改时限",
    "状态",
    "整改情况",
    "销号时间",
)


def _target(finding: Finding) -> str:
    if finding.indicator_id:
        return f"指标 {finding.indicator.code} {finding.indicator.name}"
    if finding.assignment_id:
        return f"任务 {finding.assignment.task.title}"
    return ""


def ranking_to_workbook(*, campaign: Campaign, rows: list[RankRow], findings: list[Finding], on: date) -> Workbook:
    """Two sheets: the ranking, and every finding grouped by unit (unit cells merged).

    Every text cell goes through ``common.xlsx.put``: nothing a user typed can become a formula.
    """
    heading = f"{campaign.zone.name}{campaign.title}考评结果通报（截至 {on:%Y-%m-%d}）"
    workbook = Workbook()
    ws = workbook.active
    ws.title = RANKING_SHEET
    title_row(ws, heading, len(RANKING_HEADERS))
    header_row(ws, 2, RANKING_HEADERS)
    for number, item in enumerate(rows, start=3):
        evaluation = item.evaluation
        done = item.entry.score is not None
        values = [
            item.entry.rank if item.entry.rank is not None else "—",
            item.unit.name,
            item.grade_label or "未完成考评",
            float(item.entry.score) if done else "—",
            float(evaluation.points) if done and evaluation.points is not None else "—",
            float(evaluation.max_points) if done and evaluation.max_points is not None else "—",
            str(evaluation.evaluator) if evaluation and evaluation.evaluator else "",
            item.line.findings_open + item.line.findings_closed,
            item.line.findings_closed,
            item.line.findings_open,
            item.line.findings_serious_open,
        ]
        body_row(ws, number, values, wrap={2, 7})
    column_widths(ws, (6, 30, 11, 11, 8, 8, 16, 8, 8, 8, 14))
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"

    sheet = workbook.create_sheet(FINDINGS_SHEET)
    title_row(sheet, heading, len(FINDING_HEADERS))
    header_row(sheet, 2, FINDING_HEADERS)
    row, first, current = 3, 3, None
    for finding in findings:
        if current is not None and finding.unit_id != current and row - 1 > first:
            sheet.merge_cells(start_row=first, start_column=1, end_row=row - 1, end_column=1)
        if finding.unit_id != current:
            first, current = row, finding.unit_id
        closed = timezone.localtime(finding.closed_at).strftime("%Y-%m-%d %H:%M") if finding.closed_at else ""
        values = [
            finding.unit.name,
            finding.number,
            finding.title,
            _target(finding),
            finding.get_severity_display(),
            finding.deadline,
            finding.get_status_display(),
            finding.response,
            closed,
        ]
        body_row(sheet, row, values, wrap={1, 3, 4, 8})
        row += 1
    if current is not None and row - 1 > first:
        sheet.merge_cells(start_row=first, start_column=1, end_row=row - 1, end_column=1)
    if not findings:
        put(sheet, row, 1, "未发现问题。")
    column_widths(sheet, (24, 6, 40, 26, 9, 12, 9, 40, 16))
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    return workbook


def findings_for_export(*, campaign: Campaign) -> list[Finding]:
    """Every finding of the campaign, grouped by unit in the units' order (1 query)."""
    return list(
        Finding.objects.filter(campaign=campaign)
        .select_related("unit", "indicator", "assignment__task")
        .order_by("unit__position", "unit_id", "number")
    )
