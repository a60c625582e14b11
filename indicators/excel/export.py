"""Indicator system → workbook (see layout.py for the sheets)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from common.xlsx import BORDER, WRAP, WRAP_CENTER, column_widths, header_row, merged_down, put

from .layout import (
    EDITING_NOTES,
    HEADERS,
    INFO_FIELDS,
    INFO_SHEET,
    METRIC_HEADERS,
    METRICS_SHEET,
    NATIONAL_SCOPE,
    NO,
    RULE_HEADERS,
    RULES_SHEET,
    SCORE_HEADERS,
    SYSTEM_SHEET,
    YES,
    _fmt,
    _methods_cell,
    _plain,
    _text,
)


def _print_setup(ws: Worksheet, title_rows: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4


def _items(data: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    for dim in data.get("indicators") or []:
        for sub in dim.get("children") or []:
            yield from sub.get("children") or []


def system_data_to_workbook(data: Mapping[str, Any], *, scores: Mapping[str, Any] | None = None) -> Workbook:
    """The workbook of an indicator system; ``scores``: {item code: (points, explanation)}."""
    wb = Workbook()
    ws = wb.active
    ws.title = SYSTEM_SHEET
    _write_system_sheet(ws, data, scores)
    _write_rules_sheet(wb.create_sheet(RULES_SHEET), data)
    _write_metrics_sheet(wb.create_sheet(METRICS_SHEET), data)
    _write_info_sheet(wb.create_sheet(INFO_SHEET), data)
    return wb


def _write_system_sheet(ws: Worksheet, data: Mapping[str, Any], scores: Mapping[str, Any] | None) -> None:
    headers = HEADERS + (SCORE_HEADERS if scores is not None else ())
    width = len(headers)
    name, version = _text(data.get("name")), _text(data.get("version"))
    title = put(ws, 1, 1, f"{name}({version})" if version else name)
    title.font = Font(bold=True, size=14)
    title.alignment = WRAP_CENTER
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.row_dimensions[1].height = 30
    header_row(ws, 2, headers)

    row = 3
    for dim in data.get("indicators") or []:
        dim_start = row
        for sub in dim.get("children") or []:
            sub_start = row
            for item in sub.get("children") or []:
                values = [
                    None,
                    None,
                    _text(item.get("code")),
                    _text(item.get("nature")),
                    f"{_text(item.get('name'))}。({_fmt(item.get('points'))}分)",
                    item.get("criteria") or "",
                    _methods_cell(item.get("methods") or "", item.get("data_sources") or ""),
                    item.get("responsible_units") or "",
                ]
                if scores is not None:
                    points, explanation = scores.get(_text(item.get("code"))) or (None, "")
                    values += [_plain(points), explanation or ""]
                for column, value in enumerate(values, 1):
                    cell = put(ws, row, column, value)
                    cell.border = BORDER
                    cell.alignment = WRAP_CENTER if column in (3, 4, 9) else WRAP
                row += 1
            if row > sub_start:
                _merged_label(ws, sub_start, row - 1, 2, sub)
        if row > dim_start:
            _merged_label(ws, dim_start, row - 1, 1, dim)

    column_widths(ws, (12, 13, 7, 9, 26, 60, 32, 26, 8, 36)[:width])
    ws.freeze_panes = "A3"
    _print_setup(ws, "2:2")


def _merged_label(ws: Worksheet, first: int, last: int, column: int, node: Mapping[str, Any]) -> None:
    merged_down(ws, first, last, column, f"{_text(node.get('name'))}({_fmt(node.get('points'))}分)")


def _write_table(ws: Worksheet, headers: tuple[str, ...], rows: Iterable[list[Any]], widths: tuple[float, ...]) -> None:
    header_row(ws, 1, headers)
    for row, values in enumerate(rows, 2):
        for column, value in enumerate(values, 1):
            cell = put(ws, row, column, value)
            cell.border = BORDER
            cell.alignment = WRAP
    column_widths(ws, widths)
    ws.freeze_panes = "A2"
    _print_setup(ws, "1:1")


def _write_rules_sheet(ws: Worksheet, data: Mapping[str, Any]) -> None:
    rows = [
        [
            _text(item.get("code")),
            _text(sub.get("code")),
            sub.get("label") or "",
            _plain(sub.get("points")),
            _text(sub.get("rule_type")),
            json.dumps(sub.get("params") or {}, ensure_ascii=False, separators=(",", ":")),
        ]
        for item in _items(data)
        for sub in item.get("scoring_items") or []
    ]
    _write_table(ws, RULE_HEADERS, rows, (12, 12, 60, 8, 20, 80))


def _write_metrics_sheet(ws: Worksheet, data: Mapping[str, Any]) -> None:
    rows = [
        [
            _text(metric.get("key")),
            metric.get("name") or "",
            metric.get("unit") or "",
            metric.get("period") or "",
            metric.get("kind") or "",
            metric.get("value_type") or "",
            YES if metric.get("supports_growth") else NO,
            metric.get("description") or "",
        ]
        for metric in data.get("metrics") or []
    ]
    _write_table(ws, METRIC_HEADERS, rows, (26, 24, 10, 10, 12, 12, 12, 60))


def _write_info_sheet(ws: Worksheet, data: Mapping[str, Any]) -> None:
    put(ws, 1, 1, "说明").font = Font(bold=True, size=14)
    for row, (key, label) in enumerate(INFO_FIELDS, 3):
        put(ws, row, 1, label).font = Font(bold=True)
        value = data.get(key) or (NATIONAL_SCOPE if key == "scope" else "")
        put(ws, row, 2, _text(value))
    notes_row = 4 + len(INFO_FIELDS)
    put(ws, notes_row, 1, "填写说明").font = Font(bold=True)
    for i, note in enumerate(EDITING_NOTES, 1):
        put(ws, notes_row + i, 1, f"{i}. {note}")
    column_widths(ws, (14, 80))
