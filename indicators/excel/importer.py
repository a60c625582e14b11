"""Workbook → indicator system data dict, all-or-nothing with row-level messages."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from common.xlsx import DEFAULT_MAX_UNPACKED_BYTES, NOT_A_WORKBOOK, ExcelImportError, check_xlsx_package

from ..scoring.params import validate_params
from .layout import (
    HEADERS,
    INFO_FIELDS,
    INFO_SHEET,
    LEVEL1_CODES,
    METRIC_HEADERS,
    METRIC_KINDS,
    METRIC_VALUE_TYPES,
    METRICS_SHEET,
    NATIONAL_SCOPE,
    NATURES,
    NO,
    RULE_HEADERS,
    RULES_SHEET,
    SCORE_HEADERS,
    SYSTEM_SHEET,
    TOTAL_POINTS,
    YES,
    _compact,
    _decimal,
    _fmt,
    _parse_label,
    _parse_methods,
    _plain,
    _strip_full_stop,
    _text,
)


def _sheet_grid(ws: Worksheet) -> list[list[Any]]:
    """The sheet's values, with every merged cell holding its top-left value."""
    grid = [list(row) for row in ws.iter_rows(values_only=True)]
    for merged in ws.merged_cells.ranges:
        value = grid[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(grid) else None
        for r in range(merged.min_row, min(merged.max_row, len(grid)) + 1):
            line = grid[r - 1]
            for c in range(merged.min_col, min(merged.max_col, len(line)) + 1):
                line[c - 1] = value
    return grid


def _find_header(grid: list[list[Any]], first: str) -> int:
    """Index of the header row within the first 5 rows (the best guess if none matches)."""
    top = grid[:5]
    for i, line in enumerate(top):
        if line and _compact(line[0]) == first:
            return i
    for i, line in enumerate(top):
        if first in {_compact(v) for v in line}:
            return i
    counts = [len({_compact(v) for v in line} - {""}) for line in top]
    return counts.index(max(counts)) if counts else 0


def _header_error(
    grid: list[list[Any]], index: int, expected: tuple[str, ...], extra: tuple[str, ...], sheet: str
) -> str | None:
    line = [_compact(v) for v in (grid[index] if index < len(grid) else [])]
    got = line[: len(expected)]
    rest = line[len(expected) :]
    if got == [_compact(h) for h in expected] and all(v in extra or v == "" for v in rest):
        return None
    while line and not line[-1]:
        line.pop()
    actual = " | ".join(line) if line else "空"
    prefix = "" if sheet == SYSTEM_SHEET else f"“{sheet}”表"
    return f"{prefix}表头应为：{' | '.join(expected)}（实际为 {actual}）"


@dataclass
class _Group:
    row: int
    key: str
    code: str
    name: str
    points: Decimal | None
    children: list[Any] = field(default_factory=list)


@dataclass
class _Item:
    row: int
    data: dict[str, Any]
    points: Decimal | None
    rules: list[dict[str, Any]] = field(default_factory=list)  # from the 评分规则 sheet
    rule_points: list[Decimal | None] = field(default_factory=list)


def workbook_to_system_data(
    path_or_file: str | os.PathLike | IO[bytes],
    *,
    code: str | None = None,
    name: str | None = None,
    version: str | None = None,
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES,
) -> dict[str, Any]:
    """The system data dict of a workbook; raises ExcelImportError with every problem found.

    ``code``/``name``/``version`` override what the 说明 sheet says (a plain
    government spreadsheet has no 说明 sheet: then they must be given).
    """
    check_xlsx_package(path_or_file, max_unpacked_bytes=max_unpacked_bytes)
    try:
        # read_only=False: merged cells are only reported in the normal mode.
        wb = load_workbook(path_or_file, data_only=True, keep_links=False)
    except Exception:  # noqa: BLE001 - any parser failure means the same to the user
        raise ExcelImportError([NOT_A_WORKBOOK]) from None
    finally:
        if hasattr(path_or_file, "seek"):
            path_or_file.seek(0)

    errors: list[str] = []
    system_ws = wb[SYSTEM_SHEET] if SYSTEM_SHEET in wb.sheetnames else wb.worksheets[0]
    grid = _sheet_grid(system_ws)
    header = _find_header(grid, HEADERS[0])
    problem = _header_error(grid, header, HEADERS, SCORE_HEADERS, SYSTEM_SHEET)
    if problem:
        raise ExcelImportError([problem])
    dims, items = _parse_system_rows(grid, header, errors)

    if RULES_SHEET in wb.sheetnames:
        _parse_rules(_sheet_grid(wb[RULES_SHEET]), items, errors)
    for item in items.values():
        # An item the 评分规则 sheet does not mention is judged as a whole.
        item.data["scoring_items"] = item.rules or [
            {
                "code": item.data["code"],
                "label": item.data["criteria"] or item.data["name"],
                "points": _plain(item.points),
                "rule_type": "expert",
                "params": {},
            }
        ]
    metrics = _parse_metrics(_sheet_grid(wb[METRICS_SHEET]), errors) if METRICS_SHEET in wb.sheetnames else []

    info = _parse_info(_sheet_grid(wb[INFO_SHEET])) if INFO_SHEET in wb.sheetnames else {}
    title = next((_text(v) for line in grid[:header] for v in line if _text(v)), "")
    result_code = _text(code) or info.get("code", "")
    result_name = _text(name) or info.get("name") or title
    result_version = _text(version) or info.get("version", "")
    for value, what in ((result_code, "编码"), (result_name, "名称"), (result_version, "版本")):
        if not value:
            errors.append(f"缺少指标体系{what}：请在“说明”表填写，或导入时指定")
    if errors:
        raise ExcelImportError(errors)

    scope = info.get("scope", "")
    return {
        "code": result_code,
        "name": result_name,
        "version": result_version,
        "issuer": info.get("issuer", ""),
        "scope": None if scope in ("", NATIONAL_SCOPE) else scope,
        "metrics": metrics,
        "indicators": [
            {
                "code": dim.code,
                "name": dim.name,
                "points": _plain(dim.points),
                "children": [
                    {
                        "code": sub.code,
                        "name": sub.name,
                        "points": _plain(sub.points),
                        "children": [item.data for item in sub.children],
                    }
                    for sub in dim.children
                ],
            }
            for dim in dims
        ],
    }


def _open_group(
    groups: list[_Group], key: str, text: str, row: int, code: str, level: str, errors: list[str]
) -> _Group:
    parsed = _parse_label(text)
    if parsed is None:
        errors.append(f"第{row}行：{level}“{text}”缺少分值，应写作“名称（N分）”")
        name, points = text, None
    else:
        name, points = parsed
        if points <= 0:
            errors.append(f"第{row}行：{level}“{name}”分值应大于 0")
    if any(g.name == name for g in groups):
        errors.append(f"第{row}行：{level}“{name}”重复（同名指标应相邻，可合并单元格）")
    group = _Group(row=row, key=key, code=code, name=name, points=points)
    groups.append(group)
    return group


def _parse_system_rows(grid: list[list[Any]], header: int, errors: list[str]) -> tuple[list[_Group], dict[str, _Item]]:
    dims: list[_Group] = []
    items: dict[str, _Item] = {}
    code_rows: dict[str, int] = {}
    dim: _Group | None = None
    sub: _Group | None = None
    for index in range(header + 1, len(grid)):
        row = index + 1
        cells = (list(grid[index]) + [None] * len(HEADERS))[: len(HEADERS)]
        if not any(_text(v) for v in cells[2:]):
            continue  # blank rows, or a 合计 / 注 line with nothing in the item columns
        dim_text, sub_text = _text(cells[0]), _text(cells[1])
        # Blank level-1/2 cells continue the group above (sheets that lost their merges).
        if not dim_text and dim is None:
            errors.append(f"第{row}行：缺少一级指标")
            continue
        if dim_text and (dim is None or _compact(dim_text) != dim.key):
            if len(dims) >= len(LEVEL1_CODES):
                errors.append(f"第{row}行：一级指标超过 {len(LEVEL1_CODES)} 个")
                continue
            dim = _open_group(dims, _compact(dim_text), dim_text, row, LEVEL1_CODES[len(dims)], "一级指标", errors)
            sub = None
        if not sub_text and sub is None:
            errors.append(f"第{row}行：缺少二级指标")
            continue
        if sub_text and (sub is None or _compact(sub_text) != sub.key):
            code = f"{dim.code}{len(dim.children) + 1}"
            sub = _open_group(dim.children, _compact(sub_text), sub_text, row, code, "二级指标", errors)
        item = _parse_item(cells, row, errors)
        code = item.data["code"]
        if code:
            if code in code_rows:
                errors.append(f"第{row}行：编号“{code}”重复（与第{code_rows[code]}行相同）")
            else:
                code_rows[code] = row
                items[code] = item
        sub.children.append(item)
    if not code_rows and not errors:
        errors.append("“指标体系”表中没有三级指标")
    errors += _rollup_errors(dims)
    return dims, items


def _parse_item(cells: list[Any], row: int, errors: list[str]) -> _Item:
    code = _text(cells[2])
    if not code:
        errors.append(f"第{row}行：编号不能为空")
    nature = _compact(cells[3]).replace("+", "+")
    if nature not in NATURES:
        shown = f"“{_text(cells[3])}”" if nature else "不能为空，"
        errors.append(f"第{row}行：变量性质{shown}应为 {'、'.join(NATURES[:-1])} 或 {NATURES[-1]}")
    label = _text(cells[4])
    parsed = _parse_label(label)
    name, points = label, None
    if not label:
        errors.append(f"第{row}行：三级指标不能为空")
    elif parsed is None:
        errors.append(f"第{row}行：三级指标“{label}”缺少分值，应写作“名称。（N分）”")
    else:
        name, points = _strip_full_stop(parsed[0]), parsed[1]
        if points <= 0:
            errors.append(f"第{row}行：三级指标“{name}”分值应大于 0")
            points = None
    methods, sources = _parse_methods(cells[6])
    data = {
        "code": code,
        "name": name,
        "points": _plain(points),
        "nature": nature,
        "criteria": _text(cells[5]),
        "methods": methods,
        "data_sources": sources,
        "responsible_units": _text(cells[7]),
    }
    return _Item(row=row, data=data, points=points)


def _sum(points: Iterable[Decimal | None]) -> Decimal | None:
    """Sum, or None when a part is unknown (its own error is reported already)."""
    values = list(points)
    return None if any(v is None for v in values) else sum(values, Decimal(0))


def _rollup_errors(dims: list[_Group]) -> list[str]:
    errors = []
    for dim in dims:
        for sub in dim.children:
            total = _sum(item.points for item in sub.children)
            if total is not None and sub.points is not None and total != sub.points:
                errors.append(f"二级指标“{sub.name}”：三级指标合计 {_fmt(total)} 分，应为 {_fmt(sub.points)} 分")
        total = _sum(sub.points for sub in dim.children)
        if total is not None and dim.points is not None and total != dim.points:
            errors.append(f"一级指标“{dim.name}”：二级指标合计 {_fmt(total)} 分，应为 {_fmt(dim.points)} 分")
    total = _sum(dim.points for dim in dims)
    if dims and total is not None and total != TOTAL_POINTS:
        errors.append(f"一级指标合计 {_fmt(total)} 分，应为 {_fmt(TOTAL_POINTS)} 分")
    return errors


def _table_rows(
    grid: list[list[Any]], headers: tuple[str, ...], sheet: str, errors: list[str]
) -> Iterable[tuple[int, list[Any]]]:
    """(row number, cells) of a helper sheet whose header must match ``headers``."""
    header = _find_header(grid, _compact(headers[0]))
    problem = _header_error(grid, header, headers, (), sheet)
    if problem:
        errors.append(problem)
        return
    for index in range(header + 1, len(grid)):
        cells = (list(grid[index]) + [None] * len(headers))[: len(headers)]
        if any(_text(v) for v in cells):
            yield index + 1, cells


def _parse_rules(grid: list[list[Any]], items: dict[str, _Item], errors: list[str]) -> None:
    where = f"“{RULES_SHEET}”表第{{}}行："
    for row, cells in _table_rows(grid, RULE_HEADERS, RULES_SHEET, errors):
        at = where.format(row)
        item_code, code, label = _text(cells[0]), _text(cells[1]), _text(cells[2])
        item = items.get(item_code)
        if not item_code:
            errors.append(f"{at}三级指标编号不能为空")
        elif item is None:
            errors.append(f"{at}三级指标编号“{item_code}”在“{SYSTEM_SHEET}”表中不存在")
        if not code:
            errors.append(f"{at}评分项编号不能为空")
        elif item is not None and any(rule["code"] == code for rule in item.rules):
            errors.append(f"{at}评分项编号“{code}”重复")
        if not label:
            errors.append(f"{at}评分标准不能为空")
        points = _decimal(cells[3])
        if points is None or points <= 0:
            errors.append(f"{at}分值“{_text(cells[3])}”应为大于 0 的数字")
            points = None
        rule_type = _text(cells[4])
        raw = _text(cells[5]) or "{}"
        try:
            params = json.loads(raw)
        except json.JSONDecodeError as exc:
            errors.append(f"{at}规则参数不是有效的 JSON（第{exc.lineno}行第{exc.colno}个字符附近有误）")
            params = None
        if not rule_type:
            errors.append(f"{at}规则类型不能为空")
        elif params is not None:
            try:
                problems = validate_params(rule_type, params)
            except (TypeError, ValueError):  # e.g. a list where a string belongs: bad input, not a crash
                problems = ["取值类型不正确"]
            if problems:
                errors.append(f"{at}规则参数有误：{';'.join(problems)}")
        if item is not None:
            item.rules.append(
                {"code": code, "label": label, "points": _plain(points), "rule_type": rule_type, "params": params}
            )
            item.rule_points.append(points)
    for item in items.values():
        total = _sum(item.rule_points) if item.rule_points else None
        if total is not None and item.points is not None and total != item.points:
            errors.append(f"三级指标“{item.data['code']}”：评分项合计 {_fmt(total)} 分，应为 {_fmt(item.points)} 分")


def _parse_metrics(grid: list[list[Any]], errors: list[str]) -> list[dict[str, Any]]:
    metrics: list[dict[str, Any]] = []
    rows: dict[str, int] = {}
    for row, cells in _table_rows(grid, METRIC_HEADERS, METRICS_SHEET, errors):
        at = f"“{METRICS_SHEET}”表第{row}行："
        key, kind, value_type = _text(cells[0]), _text(cells[4]) or "input", _text(cells[5]) or "amount"
        if not key:
            errors.append(f"{at}key 不能为空")
        elif not re.fullmatch(r"[-a-zA-Z0-9_]+", key):
            errors.append(f"{at}key“{key}”只能包含字母、数字、下划线和连字符")
        elif key in rows:
            errors.append(f"{at}key“{key}”重复（与第{rows[key]}行相同）")
        else:
            rows[key] = row
        if not _text(cells[1]):
            errors.append(f"{at}名称不能为空")
        if kind not in METRIC_KINDS:
            errors.append(f"{at}类别“{kind}”应为 input（创建对象填报）或 benchmark（对比基准）")
        if value_type not in METRIC_VALUE_TYPES:
            errors.append(f"{at}数值类型“{value_type}”应为 amount、count 或 percent")
        growth = cells[6]
        if isinstance(growth, bool):
            supports_growth = growth
        elif _text(growth) in (YES, NO, ""):
            supports_growth = _text(growth) == YES
        else:
            errors.append(f"{at}可填官方增速“{_text(growth)}”应为“是”或“否”")
            supports_growth = False
        metrics.append(
            {
                "key": key,
                "name": _text(cells[1]),
                "unit": _text(cells[2]),
                "period": _text(cells[3]) or "年度",
                "kind": kind,
                "value_type": value_type,
                "supports_growth": supports_growth,
                "description": _text(cells[7]),
            }
        )
    return metrics


def _parse_info(grid: list[list[Any]]) -> dict[str, str]:
    by_label = {label: key for key, label in INFO_FIELDS}
    info: dict[str, str] = {}
    for line in grid:
        if len(line) >= 2 and _compact(line[0]) in by_label:
            info.setdefault(by_label[_compact(line[0])], _text(line[1]))
    return info
