"""Excel (.xlsx) for tasks: the task-list import and the 任务台账 (ledger) export.

Pure conversion: no ORM here (only ``timezone``, to show timestamps in local time).
The import turns a workbook into ``TaskRow``s (with every row-level problem it can
see without the database); ``services`` resolves unit names and indicator codes and
creates the tasks, all or nothing.

Import layout: one sheet, a header row (within the first 5 rows)
序号 | 任务 | 工作内容 | 牵头单位 | 责任单位 | 关联指标 | 完成时限, then one row per
task. A row with only 任务 filled (no 序号) is a category heading (e.g.
"(一)促进网络经济高效发展") for the rows below it.
"""

from __future__ import annotations

import calendar
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from common.xlsx import (
    BORDER,
    WRAP,
    WRAP_CENTER,
    ExcelImportError,
    column_widths,
    header_row,
    put,
    xlsx_open,
)

IMPORT_HEADERS = ("序号", "任务", "工作内容", "牵头单位", "责任单位", "关联指标", "完成时限")
MAX_ROWS = 1000

# --------------------------------------------------------------------- parsing


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _compact(value: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", _text(value)))


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


_FULL_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:前|之前)?$")
_MONTH = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?(?:底|末|前|之前)?$")
_YEAR = re.compile(r"^(\d{4})年(?:底|末|前|之前)?$")


def parse_deadline(value: Any) -> date:
    """A date cell, or text: 2024-12-31, 2024/12/31, 2024年12月31日, 2024年12月(底) → its last day, 2024年底.

    Raises ValueError with a Chinese message.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _compact(value)
    if not text:
        raise ValueError("完成时限不能为空")
    try:
        if m := _FULL_DATE.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _MONTH.match(text):
            return _last_day(int(m[1]), int(m[2]))
        if m := _YEAR.match(text):
            return date(int(m[1]), 12, 31)
    except ValueError:
        pass
    raise ValueError(f"完成时限“{_text(value)}”无法识别，应为日期或“2024年12月”“2024-12-31”“2024年12月底”")


_RANGE = re.compile(r"^(\d+)[-~—–至到](\d+)$")


def parse_indicator_codes(value: Any) -> list[str]:
    """ "1、2、5", "1,3-5", "1,3~5" → ["1", "2", "5"] / ["1", "3", "4", "5"]. Raises ValueError."""
    text = unicodedata.normalize("NFKC", _text(value))
    codes: list[str] = []
    for token in re.split(r"[、,，;；\s]+", text):
        if not token:
            continue
        if token.isdigit():
            codes.append(str(int(token)))
        elif m := _RANGE.match(token):
            first, last = int(m[1]), int(m[2])
            if first > last or last - first > 100:
                raise ValueError(f"关联指标“{token}”的范围不正确")
            codes.extend(str(n) for n in range(first, last + 1))
        else:
            raise ValueError(f"关联指标“{token}”格式不正确，应写作“1、2、5”或“1,3-5”")
    return list(dict.fromkeys(codes))


@dataclass
class TaskRow:
    row: int  # the spreadsheet's row number, for messages
    number: str
    title: str
    description: str
    leads_text: str
    units_text: str
    indicator_codes: list[str] = field(default_factory=list)
    deadline: date | None = None
    category: str = ""
    errors: list[str] = field(default_factory=list)  # row-level problems, with the row number


def _header_index(grid: list[tuple]) -> int | None:
    for i, line in enumerate(grid[:5]):
        if line and _compact(line[0]) == IMPORT_HEADERS[0]:
            return i
    return None


def _header_error(grid: list[tuple], index: int | None) -> str | None:
    line = [_compact(v) for v in (grid[index] if index is not None else (grid[0] if grid else ()))]
    if index is not None and line[: len(IMPORT_HEADERS)] == list(IMPORT_HEADERS):
        if not any(line[len(IMPORT_HEADERS) :]):
            return None
    while line and not line[-1]:
        line.pop()
    actual = " | ".join(line) if line else "空"
    return f"表头应为：{' | '.join(IMPORT_HEADERS)}（实际为 {actual}）"


def workbook_to_task_rows(source: str | os.PathLike | IO[bytes], *, max_unpacked_bytes: int) -> list[TaskRow]:
    """Every task row of the workbook, each with the problems seen in it (``TaskRow.errors``).

    What makes the whole file unusable (not an .xlsx, too large, wrong header, no
    task) raises ExcelImportError.
    """
    with xlsx_open(source, max_unpacked_bytes=max_unpacked_bytes) as workbook:
        sheet = workbook["任务清单"] if "任务清单" in workbook.sheetnames else workbook.worksheets[0]
        grid = [tuple(line) for line in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 10)]
    header = _header_index(grid)
    problem = _header_error(grid, header)
    if problem:
        raise ExcelImportError([problem])

    rows: list[TaskRow] = []
    category = ""
    width = len(IMPORT_HEADERS)
    for number_of_row, line in enumerate(grid[header + 1 :], start=header + 2):
        raw = (list(line) + [None] * width)[:width]
        cells = [_text(v) for v in raw]
        if not any(cells):
            continue
        number, title, description, leads, units, indicators, _deadline = cells
        if not number and title and not any(cells[2:]):
            category = title
            continue
        if len(rows) >= MAX_ROWS:
            raise ExcelImportError([_("任务超过 %(max_rows)s 项，请分批导入") % {"max_rows": MAX_ROWS}])
        item = TaskRow(number_of_row, number, title, description, leads, units, category=category)
        where = f"第 {number_of_row} 行"
        if not number:
            item.errors.append(_("%(where)s：序号不能为空") % {"where": where})
        if not title:
            item.errors.append(_("%(where)s：任务名称不能为空") % {"where": where})
        elif len(title) > 200:
            item.errors.append(_("%(where)s：任务名称不能超过 200 个字") % {"where": where})
        if not leads and not units:
            item.errors.append(_("%(where)s：牵头单位和责任单位不能都为空") % {"where": where})
        try:
            item.indicator_codes = parse_indicator_codes(indicators)
        except ValueError as exc:
            item.errors.append(f"{where}：{exc}")
        try:
            item.deadline = parse_deadline(raw[6])
        except ValueError as exc:
            item.errors.append(f"{where}：{exc}")
        rows.append(item)
    numbers = Counter(r.number for r in rows if r.number)
    for r in rows:
        if numbers.get(r.number, 0) > 1:
            r.errors.append(_("第 %(row)s 行：序号“%(number)s”重复") % {"row": r.row, "number": r.number})
    if not rows:
        raise ExcelImportError([_("表中没有任务")])
    return rows


def task_rows_to_workbook(rows: Iterable[dict[str, Any]]) -> Workbook:
    """A workbook in the import layout (a template, and what tests build from the seed)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "任务清单"
    header_row(sheet, 1, IMPORT_HEADERS)
    for r, row in enumerate(rows, start=2):
        for c, key in enumerate(IMPORT_HEADERS, start=1):
            value = row.get(key, "")
            cell = put(sheet, r, c, value)
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cell.alignment = WRAP
    column_widths(sheet, (6, 24, 60, 18, 36, 12, 14))
    return workbook


# ---------------------------------------------------------------------- ledger


LEDGER_SHEET = "任务台账"
SUMMARY_SHEET = "单位汇总"
LEDGER_HEADERS = (
    "序号",
    "任务",
    "牵头单位",
    "完成时限",
    "责任单位",
    "状态",
    "进度（%）",
    "单位完成时限",
    "最近进展",
    "填报时间",
    "确认时间",
)
SUMMARY_HEADERS = ("责任单位", "任务数", "未开始", "进行中", "已完成", "其中已确认", "逾期", "平均进度（%）")


def _local(value: datetime | None) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def ledger_to_workbook(ledger: list[Any], *, title: str) -> Workbook:
    """The 任务台账: one row per assignment, the task's cells merged down its rows; a per-unit summary.

    ``ledger``: ``tasks.selectors.task_ledger`` output (tasks with their rows, already loaded).
    """
    workbook = Workbook()
    ws = workbook.active
    ws.title = LEDGER_SHEET
    put(ws, 1, 1, title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(LEDGER_HEADERS))
    header_row(ws, 2, LEDGER_HEADERS)
    row = 3
    summary: dict[int, dict[str, Any]] = {}
    for entry in ledger:
        task = entry.task
        first = row
        for line in entry.rows or [None]:
            assignment = line.assignment if line else None
            values: list[Any] = [""] * len(LEDGER_HEADERS)
            values[:4] = [
                task.number,
                task.title,
                "、".join(u.name for u in entry.lead_units),
                task.deadline,
            ]
            if assignment is not None:
                report = line.last_report
                values[4:] = [
                    assignment.unit.name,
                    assignment.get_display_status_display(),
                    assignment.progress,
                    assignment.due_date,
                    report.text if report else "",
                    _local(report.at) if report else "",
                    _local(assignment.confirmed_at),
                ]
                stats = summary.setdefault(
                    assignment.unit_id, {"unit": assignment.unit, "count": 0, "progress": 0, "status": Counter()}
                )
                stats["count"] += 1
                stats["progress"] += assignment.progress
                stats["status"][assignment.display_status] += 1
                if assignment.is_confirmed:
                    stats["status"]["confirmed"] += 1
            for column, value in enumerate(values, 1):
                cell = put(ws, row, column, value)
                cell.border = BORDER
                cell.alignment = WRAP_CENTER if column in (1, 3, 4, 6, 7, 8, 10, 11) else WRAP
                if isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
            row += 1
        if row - 1 > first:
            for column in range(1, 5):
                ws.merge_cells(start_row=first, start_column=column, end_row=row - 1, end_column=column)
    column_widths(ws, (6, 28, 18, 12, 26, 14, 8, 12, 48, 16, 16))
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"

    totals = workbook.create_sheet(SUMMARY_SHEET)
    header_row(totals, 1, SUMMARY_HEADERS)
    units = sorted(summary.values(), key=lambda s: (s["unit"].position, s["unit"].pk))
    for r, stats in enumerate(units, start=2):
        status = stats["status"]
        values = [
            stats["unit"].name,
            stats["count"],
            status["not_started"],
            status["in_progress"],
            status["completed"],
            status["confirmed"],
            status["overdue"],
            round(stats["progress"] / stats["count"], 1),
        ]
        for column, value in enumerate(values, 1):
            cell = put(totals, r, column, value)
            cell.border = BORDER
            cell.alignment = WRAP if column == 1 else WRAP_CENTER
    column_widths(totals, (30, 8, 8, 8, 8, 10, 8, 12))
    return workbook
