"""The data template of a zone (Excel) and its import.

Sheets: “填报” (one row per metric and year: hidden metric key, name, unit, year,
value, official growth rate, source, the items it feeds), “规模以上网络交易经营者”
(item 4), “制度化标准化成果” (item 34) and “说明”. The template carries what is
stored, so the file is the state: a cleared value clears the figure, a deleted list
row removes the entry. A liaison's template holds only their units' metrics, and
their upload may hold nothing else.

The import is all-or-nothing: every row-level problem of every sheet is reported
and nothing is saved, or everything is saved with one history row per changed field
and one request for a new score. While a submitted round locks the zone's data, a
workbook that would change a locked figure or list is refused whole, with the message
naming the round (``zones.locks``), before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from common.xlsx import (
    BORDER,
    WRAP,
    ExcelImportError,
    column_widths,
    header_row,
    put,
    xlsx_open,
)
from zones.models import Zone

from ..models import DataChange, DataValue, OperatorEntry, OutcomeEntry
from .selectors import ZoneDataNeeds, zone_data_needs, zone_data_values
from .services import (
    LIST_SPECS,
    CleanedEntries,
    EntryContext,
    FigureRow,
    Via,
    data_changes_store,
    entries_clean,
    entries_replace_apply,
    entries_replace_lock_check,
    entry_context,
    figures_apply,
    figures_clean,
    figures_lock_check,
    zone_rescore_on_commit,
)

FIGURE_SHEET = "填报"
NOTES_SHEET = "说明"
LIST_SHEETS = {"operators": "规模以上网络交易经营者", "outcomes": "制度化标准化成果"}
FIGURE_HEADERS = ("指标键", "统计指标", "计量单位", "年度", "数值", "官方公布增速（%）", "来源", "对应评分项")
LIST_HEADERS = {
    "operators": ("编号", "经营者名称", "统一社会信用代码", "年度", "年度电子商务销售额（万元）"),
    "outcomes": ("编号", "成果名称", "类型", "发布日期", "佐证材料编号"),
}
LIST_FIELDS = {
    "operators": ("id", "name", "credit_code", "year", "annual_sales"),
    "outcomes": ("id", "title", "kind", "issued_on", "evidence"),
}
NOT_APPLICABLE = PatternFill("solid", fgColor="EDEDED")
KIND_LABELS = dict(OutcomeEntry.Kind.choices)


def _header(ws: Worksheet, headers: Iterable[str], widths: Iterable[float]) -> None:
    header_row(ws, 1, headers)
    column_widths(ws, widths)
    ws.freeze_panes = "B2"
    ws.column_dimensions["A"].hidden = True  # the metric key / entry number the import matches on


def _row(ws: Worksheet, row: int, values: Iterable[Any]) -> None:
    for column, value in enumerate(values, 1):
        cell = put(ws, row, column, value)
        cell.border = BORDER
        if isinstance(value, str):
            cell.alignment = WRAP


def _number(value):
    return None if value is None else value.normalize()


def data_workbook(
    *,
    zone: Zone,
    needs: ZoneDataNeeds,
    keys: set[str],
    lists: set[str],
    values: Mapping[tuple[str, int], DataValue],
    operators: Iterable[OperatorEntry] = (),
    outcomes: Iterable[OutcomeEntry] = (),
) -> Workbook:
    """The template for ``keys`` and ``lists``, filled with what is stored."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = FIGURE_SHEET
    _header(ws, FIGURE_HEADERS, (16, 30, 10, 8, 16, 16, 28, 60))
    row = 2
    for key, need in needs.metrics.items():
        if key not in keys:
            continue
        uses = "；".join(use.text for use in need.uses)
        for year in need.years:
            stored = values.get((key, year))
            _row(
                ws,
                row,
                (
                    key,
                    need.metric.name,
                    need.metric.unit,
                    year,
                    _number(stored.value) if stored else None,
                    _number(stored.published_growth) if stored else None,
                    stored.source if stored else "",
                    uses,
                ),
            )
            if year not in need.growth_years:
                ws.cell(row=row, column=6).fill = NOT_APPLICABLE
            row += 1
    if "operators" in lists:
        sheet = workbook.create_sheet(LIST_SHEETS["operators"])
        _header(sheet, LIST_HEADERS["operators"], (8, 36, 24, 8, 22))
        for i, op in enumerate(operators, 2):
            _row(sheet, i, (op.pk, op.name, op.credit_code, op.year, _number(op.annual_sales)))
    if "outcomes" in lists:
        sheet = workbook.create_sheet(LIST_SHEETS["outcomes"])
        _header(sheet, LIST_HEADERS["outcomes"], (8, 44, 14, 14, 14))
        for i, outcome in enumerate(outcomes, 2):
            link = getattr(outcome, "evidence_link", None)
            _row(
                sheet,
                i,
                (
                    outcome.pk,
                    outcome.title,
                    KIND_LABELS.get(outcome.kind, outcome.kind),
                    outcome.issued_on.isoformat(),
                    link.evidence_id if link else None,
                ),
            )
    _notes(workbook.create_sheet(NOTES_SHEET), zone, needs, lists)
    return workbook


def _notes(ws: Worksheet, zone: Zone, needs: ZoneDataNeeds, lists: set[str]) -> None:
    y1, y2 = needs.years
    lines = [
        f"{zone.name} 统计数据填报模板",
        f"参考年度：{y1}年、{y2}年；按增速计分的指标还需填报 {y1 - 1} 年等上一年度的数值。",
        "“填报”表：每行一个统计指标的一个年度。只填“数值”“官方公布增速（%）”“来源”三列，其余列请勿修改；"
        "隐藏的第一列是指标键，导入时据此识别指标。",
        "数值不能为负数；计量单位为%的比率不能超过100。官方公布增速可为负数或超过100,"
        "只在灰色以外的单元格填写（按可比口径公布的同比增速，填写后优先于按总量计算的增速）。",
        "清空某行的数值和官方公布增速，导入后即删除该数据。",
    ]
    if "operators" in lists:
        lines.append(
            "“规模以上网络交易经营者”表（第4项）：统一社会信用代码须符合 GB 32100-2015（含校验位）；"
            f"年度为 {y1} 或 {y2}；年度电子商务销售额以万元计，不能为负数。删除的行导入后即删除该经营者。"
        )
    if "outcomes" in lists:
        lines.append(
            "“制度化标准化成果”表（第34项）：类型为 法规、规章、规范性文件 或 标准；发布日期如 2024-06-01;"
            "佐证材料编号可留空。删除的行导入后即删除该成果。"
        )
    lines.append("导入时逐行检查，任何一行有误则全部不导入，并列出每一处问题。")
    ws.column_dimensions["A"].width = 110
    for i, line in enumerate(lines, 1):
        cell = put(ws, i, 1, line)
        cell.alignment = WRAP
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)


# Import -----------------------------------------------------------------------


class DataImportError(ExcelImportError):
    """Row-level messages; ``forbidden`` when the user tried to submit what is not theirs."""

    def __init__(self, messages: Iterable[str], *, forbidden: bool = False):
        super().__init__(messages)
        self.forbidden = forbidden


@dataclass
class ParsedWorkbook:
    figures: list[FigureRow]
    lists: dict[str, list[dict]]  # only the list sheets the workbook contains


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> Any:
    """Spreadsheets turn long digit strings into numbers; give codes and ids back as text."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _rows(ws: Worksheet, headers: tuple[str, ...], required: int) -> list[tuple[int, list[Any]]]:
    """Non-blank rows under a header that starts like the template's first ``required`` columns."""
    rows = ws.iter_rows(values_only=True)
    first = next(rows, None) or ()
    got = [str(v or "").strip() for v in first[:required]]
    if got != list(headers[:required]):
        raise DataImportError([_("“%(title)s”表的表头与模板不符，请重新下载模板后填写") % {"title": ws.title}])
    out = []
    for number, row in enumerate(rows, 2):
        cells = (list(row) + [None] * len(headers))[: len(headers)]
        if all(_blank(v) for v in cells):
            continue
        out.append((number, cells))
    return out


def data_workbook_parse(upload: IO[bytes], *, max_unpacked_bytes: int) -> ParsedWorkbook:
    """The workbook's rows as raw inputs; ExcelImportError when it is not a usable workbook."""
    with xlsx_open(upload, max_unpacked_bytes=max_unpacked_bytes) as workbook:
        present = [name for name in (FIGURE_SHEET, *LIST_SHEETS.values()) if name in workbook.sheetnames]
        if not present:
            raise DataImportError(
                [_("文件中没有“%(figure_sheet)s”表，请使用本系统下载的数据填报模板") % {"figure_sheet": FIGURE_SHEET}]
            )
        figures = []
        if FIGURE_SHEET in workbook.sheetnames:
            for number, cells in _rows(workbook[FIGURE_SHEET], FIGURE_HEADERS, 7):
                key, name, _unit, year, value, growth, source, _uses = cells
                figures.append(
                    FigureRow(
                        metric=key if not _blank(key) else name,
                        year=year,
                        value=value,
                        published_growth=growth,
                        source=source,
                        where=f"“{FIGURE_SHEET}”表第{number}行：",
                    )
                )
        lists: dict[str, list[dict]] = {}
        for list_name, title in LIST_SHEETS.items():
            if title not in workbook.sheetnames:
                continue
            lists[list_name] = [
                {
                    **dict(zip(LIST_FIELDS[list_name], (_text(v) for v in cells))),
                    "where": f"“{title}”表第{number}行：",
                }
                for number, cells in _rows(workbook[title], LIST_HEADERS[list_name], 4)
            ]
    return ParsedWorkbook(figures, lists)


@transaction.atomic
def data_workbook_import(
    *, zone: Zone, user, parsed: ParsedWorkbook, allowed_keys: set[str], allowed_lists: set[str]
) -> list[DataChange]:
    """All-or-nothing: every problem of every sheet is reported and nothing is saved, or all is saved."""
    needs = zone_data_needs(zone=zone)
    existing = zone_data_values(zone=zone)
    cleaned = figures_clean(zone=zone, rows=parsed.figures, needs=needs, allowed_keys=allowed_keys, existing=existing)
    forbidden = list(cleaned.forbidden)
    errors = [e.message for e in cleaned.errors]
    lists: dict[str, tuple[CleanedEntries, EntryContext]] = {}
    for name, raws in parsed.lists.items():
        spec = LIST_SPECS[name]
        if name not in allowed_lists:
            if raws:
                forbidden.append(
                    _("“%(list_sheets)s”表：您无权填报%(title)s")
                    % {"list_sheets": LIST_SHEETS[name], "title": spec.title}
                )
            continue
        ctx = entry_context(zone=zone, raws=raws)
        existing_ids = set(spec.model.objects.filter(zone=zone).values_list("pk", flat=True))
        entries = entries_clean(spec=spec, raws=raws, ctx=ctx, existing_ids=existing_ids)
        errors += entries.errors
        lists[name] = (entries, ctx)
    if forbidden:
        raise DataImportError(forbidden + errors, forbidden=True)
    try:  # the whole workbook, before any row is written
        figures_lock_check(zone=zone, figures=cleaned.figures, existing=existing)
        for name, (entries, _ctx) in lists.items():
            entries_replace_lock_check(spec=LIST_SPECS[name], zone=zone, cleaned=entries)
    except ValidationError as exc:
        raise DataImportError(exc.messages) from None
    if errors:
        raise DataImportError(errors)
    changes = figures_apply(
        zone=zone,
        user=user,
        figures=cleaned.figures,
        needs=needs,
        existing=existing,
        evidence_titles=cleaned.evidence_titles,
        via=Via.EXCEL,
    )
    for name, (entries, ctx) in lists.items():
        changes += entries_replace_apply(
            spec=LIST_SPECS[name], zone=zone, user=user, cleaned=entries, titles=ctx.evidence_titles, via=Via.EXCEL
        )
    data_changes_store(changes, zone=zone, user=user)
    if changes:
        zone_rescore_on_commit(zone, user)
    return changes
