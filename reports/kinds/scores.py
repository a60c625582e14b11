"""得分表: the score sheet in the seed's own column layout, plus a sheet comparing the zone's rounds.

Sheet 1 keeps indicators/excel's layout (一级指标 | 二级指标 | 编号 | 变量性质 | 三级指标 |
指标说明及打分标准 | 评估方式及数据或资料来源 | 责任单位) with 满分 | 得分 | 评分说明 added,
levels 1–2 merged down their items as the government sheet has them, and a 合计 row.
Every cell goes through ``common.xlsx.put``: nothing becomes a formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from assessments.models import AssessmentRound
from assessments.selectors import round_result_data, rounds_of_zone
from common.xlsx import BORDER, WRAP, WRAP_CENTER, column_widths, header_row, merged_down, put
from indicators.excel.layout import HEADERS
from indicators.excel.layout import _methods_cell as methods_cell  # the column as the seed writes it
from indicators.selectors import indicator_system_to_data

from ..content import ScoreSource, digest, plain, result_digest_data, round_title, score_source
from .base import Content, Progress, Rendered, ReportKind, no_progress, register

SCORE_SHEET = "得分表"
ROUNDS_SHEET = "轮次对比"
SCORE_HEADERS = (*HEADERS, "满分", "得分", "评分说明")
ROUND_HEADERS = ("编号", "指标", "满分")


def _number(value: Any) -> int | float | None:
    """A score as a spreadsheet number (2, 1.5), never text."""
    if value is None:
        return None
    text = plain(value)
    return int(text) if "." not in text else float(text)


@dataclass
class RoundResult:
    title: str
    result: dict[str, Any]
    own: bool = False


@dataclass
class ScoreSheetData:
    zone_name: str
    source: ScoreSource
    system: dict[str, Any]
    columns: list[RoundResult]


def _points(result: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for dim in result.get("dimensions", []):
        out[dim["code"]] = dim["points"]
        for sub in dim.get("children", []):
            out[sub["code"]] = sub["points"]
    for item in result.get("items", []):
        out[item["code"]] = item["points"]
    return out


@register
class ScoreSheet(ReportKind):
    identifier = "scores"
    verbose_name = "得分表"
    description = "按指标体系原表列（一级指标 … 责任单位）加满分、得分、评分说明，另附各轮次得分对比（Excel）。"
    extension = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def content(self, *, zone, round) -> Content:
        source = score_source(zone=zone, round=round)
        system = round.system if round is not None else zone.system
        columns = []
        for other in reversed(list(rounds_of_zone(zone=zone))):
            own = round is not None and other.pk == round.pk
            result = source.result if own else (round_result_data(round=other) or {})
            state = "" if other.status == AssessmentRound.Status.SUBMITTED else f",{other.get_status_display()}"
            columns.append(RoundResult(f"{round_title(other)}{state}", result, own))
        if round is None:
            columns.append(RoundResult("实时得分", source.result, True))
        data = ScoreSheetData(zone.name, source, indicator_system_to_data(system=system), columns)
        return Content(
            data=data,
            digest=digest(
                {
                    "kind": self.identifier,
                    "source": result_digest_data(source.result),
                    "draft": source.is_draft,
                    "system": [system.code, system.version],
                    "columns": [(c.title, c.own, result_digest_data(c.result)) for c in columns],
                }
            ),
            source_label=source.label,
            is_draft=source.is_draft,
            snapshot=source.snapshot,
        )

    def render(self, content: Content, path: Path, progress: Progress = no_progress) -> Rendered:
        data: ScoreSheetData = content.data
        progress(10, "写入得分表")
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = SCORE_SHEET
        _score_sheet(sheet, data)
        progress(60, "写入轮次对比")
        _rounds_sheet(workbook.create_sheet(ROUNDS_SHEET), data)
        progress(90, "保存文件")
        workbook.save(path)
        return Rendered()


def _label(node: dict[str, Any]) -> str:
    return f"{node.get('name', '')}({plain(node.get('points'))}分)"


def _score_sheet(ws: Worksheet, data: ScoreSheetData) -> None:
    width = len(SCORE_HEADERS)
    result = data.source.result
    items = {item["code"]: item for item in result.get("items", [])}
    title = put(ws, 1, 1, f"{data.zone_name}网络市场监管与服务示范区创建得分表（{data.source.label}）")
    title.font = Font(bold=True, size=14)
    title.alignment = WRAP_CENTER
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.row_dimensions[1].height = 36
    header_row(ws, 2, SCORE_HEADERS)
    row = 3
    for dim in data.system.get("indicators") or []:
        dim_start = row
        for sub in dim.get("children") or []:
            sub_start = row
            for item in sub.get("children") or []:
                scored = items.get(str(item.get("code")), {})
                values = [
                    None,
                    None,
                    str(item.get("code", "")),
                    item.get("nature") or "",
                    f"{item.get('name', '')}。({plain(item.get('points'))}分)",
                    item.get("criteria") or "",
                    methods_cell(item.get("methods") or "", item.get("data_sources") or ""),
                    item.get("responsible_units") or "",
                    _number(item.get("points")),
                    _number(scored.get("points")),
                    scored.get("explanation") or "",
                ]
                for column, value in enumerate(values, 1):
                    if column <= 2:
                        continue
                    cell = put(ws, row, column, value)
                    cell.border = BORDER
                    cell.alignment = WRAP_CENTER if column in (3, 4, 9, 10) else WRAP
                row += 1
            if row > sub_start:
                merged_down(ws, sub_start, row - 1, 2, _label(sub))
        if row > dim_start:
            merged_down(ws, dim_start, row - 1, 1, _label(dim))
    put(ws, row, 1, "合计").font = Font(bold=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)
    put(ws, row, 9, _number(result.get("max"))).font = Font(bold=True)
    put(ws, row, 10, _number(result.get("total"))).font = Font(bold=True)
    put(ws, row, 11, data.source.label)
    for column in range(1, width + 1):
        ws.cell(row=row, column=column).border = BORDER
        ws.cell(row=row, column=column).alignment = WRAP_CENTER if column < 11 else WRAP
    column_widths(ws, (12, 13, 7, 9, 26, 60, 32, 26, 7, 7, 48))
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _rounds_sheet(ws: Worksheet, data: ScoreSheetData) -> None:
    columns = data.columns
    headers = (*ROUND_HEADERS, *(f"{c.title}{'（本表）' if c.own else ''}" for c in columns))
    put(ws, 1, 1, f"{data.zone_name}各轮次得分对比").font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    header_row(ws, 2, headers)
    points = [_points(c.result) for c in columns]
    rows: list[tuple[str, str, Any, int]] = [("", "总分", data.source.result.get("max"), 0)]
    for dim in data.system.get("indicators") or []:
        rows.append((str(dim.get("code", "")), dim.get("name", ""), dim.get("points"), 1))
        for sub in dim.get("children") or []:
            rows.append((str(sub.get("code", "")), sub.get("name", ""), sub.get("points"), 2))
            for item in sub.get("children") or []:
                rows.append((str(item.get("code", "")), item.get("name", ""), item.get("points"), 3))
    for r, (code, name, maximum, level) in enumerate(rows, 3):
        values: list[Any] = [code, ("    " * max(level - 1, 0)) + name, _number(maximum)]
        for k, column in enumerate(columns):
            value = column.result.get("total") if level == 0 else points[k].get(code)
            values.append(_number(value))
        for c, value in enumerate(values, 1):
            cell = put(ws, r, c, value)
            cell.border = BORDER
            cell.alignment = WRAP if c == 2 else WRAP_CENTER
            if level < 2:
                cell.font = Font(bold=True)
    column_widths(ws, (8, 44, 8, *([18] * len(columns))))
    ws.freeze_panes = "D3"
