"""Excel (.xlsx) import and export of an indicator system, in the seed's own layout.

Pure conversion between a workbook and the data dict of ``standards/FORMAT.md``:
no ORM and no Django here (callers pass ``settings.XLSX_MAX_UNPACKED_BYTES`` in),
so creating or reading rows stays in ``services`` / ``selectors``.

Workbook layout (what government spreadsheets have, plus three helper sheets):

* 指标体系  a title row, then 一级指标 | 二级指标 | 编号 | 变量性质 | 三级指标 |
            指标说明及打分标准 | 评估方式及数据或资料来源 | 责任单位 (+ 得分 | 得分说明),
            one row per third-level item, level-1/2 cells merged down their items.
* 评分规则  one row per scoring item (rule type + JSON parameters). Optional on
            import: an item without rows is scored as a whole by an expert.
* 统计指标  the metrics the rules read. Optional on import.
* 说明      the system's code, name, version, issuer and scope, and how to edit.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .scoring.params import validate_params

SYSTEM_SHEET = "指标体系"
RULES_SHEET = "评分规则"
METRICS_SHEET = "统计指标"
INFO_SHEET = "说明"

HEADERS = (
    "一级指标",
    "二级指标",
    "编号",
    "变量性质",
    "三级指标",
    "指标说明及打分标准",
    "评估方式及数据或资料来源",
    "责任单位",
)
SCORE_HEADERS = ("得分", "得分说明")
RULE_HEADERS = ("三级指标编号", "评分项编号", "评分标准", "分值", "规则类型", "规则参数(JSON)")
METRIC_HEADERS = ("key", "名称", "单位", "统计周期", "类别", "数值类型", "可填官方增速", "说明")
INFO_FIELDS = (
    ("code", "体系编码"),
    ("name", "名称"),
    ("version", "版本"),
    ("issuer", "发布机构"),
    ("scope", "适用范围"),
)
NATIONAL_SCOPE = "全国"

NATURES = ("定量", "定性", "定量+定性", "定性+定量")
METRIC_KINDS = ("input", "benchmark")
METRIC_VALUE_TYPES = ("amount", "count", "percent")
YES, NO = "是", "否"
LEVEL1_CODES = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
TOTAL_POINTS = Decimal(100)

DEFAULT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
NOT_XLSX = "文件不是有效的 Excel(.xlsx)文件"
NOT_A_WORKBOOK = "文件无法解析为 Excel 工作簿"

# Text starting with one of these is a formula (or DDE payload) to a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

EDITING_NOTES = (
    "“指标体系”表:每个三级指标一行;一级、二级指标单元格可合并,也可逐行重复填写,写作“名称(N分)”。",
    "三级指标写作“名称。(N分)”;编号必填且不能重复;变量性质为 定量、定性、定量+定性 或 定性+定量。",
    "评估方式写作“方式:……。 数据或资料来源: ……。”。",
    "分值须逐级汇总:三级指标之和等于所属二级指标,二级指标之和等于所属一级指标,一级指标合计 100 分。",
    "“评分规则”表:每个评分项一行,同一三级指标的评分项分值之和等于该指标分值;"
    "没有评分项的三级指标按“专家评分”(expert)整体评分。",
    "规则类型:yearly_vs_benchmark、yearly_vs_series、ratio_bands、qualifying_count、capped_count、"
    "threshold、vs_benchmark、checklist、any_one、expert;规则参数为 JSON 对象。",
    "“统计指标”表:类别为 input(创建对象填报)或 benchmark(对比基准);"
    "数值类型为 amount、count 或 percent;可填官方增速填“是”或“否”。",
    "导入时整表校验,有任何错误都不会创建指标体系;导入后为草稿,发布前可在管理后台修改。",
)

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="center")
WRAP_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")


class ExcelImportError(Exception):
    """A workbook that cannot be imported; ``messages`` are row-level Chinese messages."""

    def __init__(self, messages: Iterable[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


# ---------------------------------------------------------------- numbers, text


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _fmt(value: Any) -> str:
    """2 -> "2", Decimal("2.50") -> "2.5" (as written in "(N分)")."""
    number = _decimal(value)
    if number is None:
        return str(value)
    return format(number.normalize(), "f")


def _plain(value: Any) -> int | float | None:
    """A number as JSON has it: int when whole, else float."""
    number = _decimal(value)
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _compact(value: Any) -> str:
    """Header and label comparison: no whitespace, ASCII parentheses."""
    return re.sub(r"\s+", "", _text(value)).replace("(", "(").replace(")", ")")


LABEL_RE = re.compile(r"^(?P<name>.*?)\s*[((]\s*(?P<points>[0-9]+(?:\.[0-9]+)?)\s*分\s*[))]\s*$", re.DOTALL)
METHODS_RE = re.compile(
    r"^\s*(?:评估)?方式\s*[::]\s*(?P<methods>.*?)\s*数据或资料来源\s*[::]\s*(?P<sources>.*?)\s*$", re.DOTALL
)


def _strip_full_stop(text: str) -> str:
    text = text.strip()
    return text[:-1].rstrip() if text.endswith("。") else text


def _parse_label(value: Any) -> tuple[str, Decimal] | None:
    """ "促进发展(20分)" -> ("促进发展", 20); None without the "(N分)" suffix."""
    match = LABEL_RE.match(_text(value))
    if not match:
        return None
    return match["name"].strip(), Decimal(match["points"])


def _methods_cell(methods: str, sources: str) -> str:
    if not methods and not sources:
        return ""
    return f"方式:{methods}。 数据或资料来源: {sources}。"


def _parse_methods(value: Any) -> tuple[str, str]:
    text = _text(value)
    match = METHODS_RE.match(text)
    if match:
        return _strip_full_stop(match["methods"]), _strip_full_stop(match["sources"])
    start = re.match(r"^\s*(?:评估)?方式\s*[::]", text)
    return _strip_full_stop(text[start.end() :] if start else text), ""


# ---------------------------------------------------------------------- export


def put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write ``value`` so that Excel shows it and never evaluates it.

    Strings are always stored as text (openpyxl would turn "=…" into a formula and
    "#N/A" into an error); text that starts like a formula also gets the
    quotePrefix style, so Excel keeps it text even after the cell is edited.
    """
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def _header_row(ws: Worksheet, row: int, headers: Iterable[str]) -> None:
    for column, header in enumerate(headers, 1):
        cell = put(ws, row, column, header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = WRAP_CENTER


def _widths(ws: Worksheet, widths: Iterable[float]) -> None:
    for column, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(column)].width = width


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
    _header_row(ws, 2, headers)

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

    _widths(ws, (12, 13, 7, 9, 26, 60, 32, 26, 8, 36)[:width])
    ws.freeze_panes = "A3"
    _print_setup(ws, "2:2")


def _merged_label(ws: Worksheet, first: int, last: int, column: int, node: Mapping[str, Any]) -> None:
    put(ws, first, column, f"{_text(node.get('name'))}({_fmt(node.get('points'))}分)")
    if last > first:
        ws.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)
    for row in range(first, last + 1):
        cell = ws.cell(row=row, column=column)
        cell.border = BORDER
        cell.alignment = WRAP_CENTER


def _write_table(ws: Worksheet, headers: tuple[str, ...], rows: Iterable[list[Any]], widths: tuple[float, ...]) -> None:
    _header_row(ws, 1, headers)
    for row, values in enumerate(rows, 2):
        for column, value in enumerate(values, 1):
            cell = put(ws, row, column, value)
            cell.border = BORDER
            cell.alignment = WRAP
    _widths(ws, widths)
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
    _widths(ws, (14, 80))


# ---------------------------------------------------------------------- import


def check_xlsx_package(source: str | os.PathLike | IO[bytes], *, max_unpacked_bytes: int) -> None:
    """Reject what is not a zip, or would unpack too large, before openpyxl sees it.

    The sizes come from the zip's central directory; Python's zipfile never
    inflates an entry beyond its declared size, so a lying header cannot get
    past this check either.
    """
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as stream:
            check_xlsx_package(stream, max_unpacked_bytes=max_unpacked_bytes)
        return
    megabytes = (Decimal(max_unpacked_bytes) / (1024 * 1024)).quantize(Decimal("0.01"))
    too_large = ExcelImportError([f"文件解压后超过 {_fmt(megabytes)} MB,已拒绝"])
    source.seek(0, os.SEEK_END)
    if source.tell() > max_unpacked_bytes:  # no need to look inside
        source.seek(0)
        raise too_large
    source.seek(0)
    try:
        if source.read(4) != b"PK\x03\x04":
            raise ExcelImportError([NOT_XLSX])
        source.seek(0)
        try:
            with zipfile.ZipFile(source) as archive:
                entries = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise ExcelImportError([NOT_XLSX]) from None
    finally:
        source.seek(0)
    if len(entries) > MAX_ZIP_ENTRIES:
        raise ExcelImportError([f"文件包含 {len(entries)} 个压缩条目,超过 {MAX_ZIP_ENTRIES} 个,已拒绝"])
    if sum(entry.file_size for entry in entries) > max_unpacked_bytes:
        raise too_large


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
    return f"{prefix}表头应为:{' | '.join(expected)}(实际为 {actual})"


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
            errors.append(f"缺少指标体系{what}:请在“说明”表填写,或导入时指定")
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
        errors.append(f"第{row}行:{level}“{text}”缺少分值,应写作“名称(N分)”")
        name, points = text, None
    else:
        name, points = parsed
        if points <= 0:
            errors.append(f"第{row}行:{level}“{name}”分值应大于 0")
    if any(g.name == name for g in groups):
        errors.append(f"第{row}行:{level}“{name}”重复(同名指标应相邻,可合并单元格)")
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
            errors.append(f"第{row}行:缺少一级指标")
            continue
        if dim_text and (dim is None or _compact(dim_text) != dim.key):
            if len(dims) >= len(LEVEL1_CODES):
                errors.append(f"第{row}行:一级指标超过 {len(LEVEL1_CODES)} 个")
                continue
            dim = _open_group(dims, _compact(dim_text), dim_text, row, LEVEL1_CODES[len(dims)], "一级指标", errors)
            sub = None
        if not sub_text and sub is None:
            errors.append(f"第{row}行:缺少二级指标")
            continue
        if sub_text and (sub is None or _compact(sub_text) != sub.key):
            code = f"{dim.code}{len(dim.children) + 1}"
            sub = _open_group(dim.children, _compact(sub_text), sub_text, row, code, "二级指标", errors)
        item = _parse_item(cells, row, errors)
        code = item.data["code"]
        if code:
            if code in code_rows:
                errors.append(f"第{row}行:编号“{code}”重复(与第{code_rows[code]}行相同)")
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
        errors.append(f"第{row}行:编号不能为空")
    nature = _compact(cells[3]).replace("+", "+")
    if nature not in NATURES:
        shown = f"“{_text(cells[3])}”" if nature else "不能为空,"
        errors.append(f"第{row}行:变量性质{shown}应为 {'、'.join(NATURES[:-1])} 或 {NATURES[-1]}")
    label = _text(cells[4])
    parsed = _parse_label(label)
    name, points = label, None
    if not label:
        errors.append(f"第{row}行:三级指标不能为空")
    elif parsed is None:
        errors.append(f"第{row}行:三级指标“{label}”缺少分值,应写作“名称。(N分)”")
    else:
        name, points = _strip_full_stop(parsed[0]), parsed[1]
        if points <= 0:
            errors.append(f"第{row}行:三级指标“{name}”分值应大于 0")
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
                errors.append(f"二级指标“{sub.name}”:三级指标合计 {_fmt(total)} 分,应为 {_fmt(sub.points)} 分")
        total = _sum(sub.points for sub in dim.children)
        if total is not None and dim.points is not None and total != dim.points:
            errors.append(f"一级指标“{dim.name}”:二级指标合计 {_fmt(total)} 分,应为 {_fmt(dim.points)} 分")
    total = _sum(dim.points for dim in dims)
    if dims and total is not None and total != TOTAL_POINTS:
        errors.append(f"一级指标合计 {_fmt(total)} 分,应为 {_fmt(TOTAL_POINTS)} 分")
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
    where = f"“{RULES_SHEET}”表第{{}}行:"
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
            errors.append(f"{at}规则参数不是有效的 JSON(第{exc.lineno}行第{exc.colno}个字符附近有误)")
            params = None
        if not rule_type:
            errors.append(f"{at}规则类型不能为空")
        elif params is not None:
            try:
                problems = validate_params(rule_type, params)
            except (TypeError, ValueError):  # e.g. a list where a string belongs: bad input, not a crash
                problems = ["取值类型不正确"]
            if problems:
                errors.append(f"{at}规则参数有误:{';'.join(problems)}")
        if item is not None:
            item.rules.append(
                {"code": code, "label": label, "points": _plain(points), "rule_type": rule_type, "params": params}
            )
            item.rule_points.append(points)
    for item in items.values():
        total = _sum(item.rule_points) if item.rule_points else None
        if total is not None and item.points is not None and total != item.points:
            errors.append(f"三级指标“{item.data['code']}”:评分项合计 {_fmt(total)} 分,应为 {_fmt(item.points)} 分")


def _parse_metrics(grid: list[list[Any]], errors: list[str]) -> list[dict[str, Any]]:
    metrics: list[dict[str, Any]] = []
    rows: dict[str, int] = {}
    for row, cells in _table_rows(grid, METRIC_HEADERS, METRICS_SHEET, errors):
        at = f"“{METRICS_SHEET}”表第{row}行:"
        key, kind, value_type = _text(cells[0]), _text(cells[4]) or "input", _text(cells[5]) or "amount"
        if not key:
            errors.append(f"{at}key 不能为空")
        elif not re.fullmatch(r"[-a-zA-Z0-9_]+", key):
            errors.append(f"{at}key“{key}”只能包含字母、数字、下划线和连字符")
        elif key in rows:
            errors.append(f"{at}key“{key}”重复(与第{rows[key]}行相同)")
        else:
            rows[key] = row
        if not _text(cells[1]):
            errors.append(f"{at}名称不能为空")
        if kind not in METRIC_KINDS:
            errors.append(f"{at}类别“{kind}”应为 input(创建对象填报)或 benchmark(对比基准)")
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
