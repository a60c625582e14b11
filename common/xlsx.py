"""Spreadsheet helpers every import/export shares.

- ``check_xlsx_package``: refuse what is not an .xlsx, would unpack too large (zip bomb),
  or declares a DTD (XXE, entity expansion), before openpyxl opens it.
- ``xlsx_open``: that check, then the workbook, with every parser failure (at load or while
  rows are read) turned into ExcelImportError.
- ``put``: write a cell so that Excel never evaluates it (formula injection).
- ``header_row`` / ``column_widths``: the bold, shaded, bordered header row and the column
  widths every export writes.
- ``ExcelImportError``: all-or-nothing imports raise it with every row-level message.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

DEFAULT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
NOT_XLSX = "文件不是有效的 Excel(.xlsx)文件"
NOT_A_WORKBOOK = "文件无法解析为 Excel 工作簿"

# Text starting with one of these is a formula (or DDE payload) to a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

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


def header_row(ws: Worksheet, row: int, headers: Iterable[str]) -> None:
    """A header row: bold, shaded, bordered, wrapped and centred; written through ``put``."""
    for column, header in enumerate(headers, 1):
        cell = put(ws, row, column, header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = WRAP_CENTER


def title_row(ws: Worksheet, text: str, columns: int) -> None:
    """A report's title in row 1: bold, large, merged over ``columns`` columns."""
    put(ws, 1, 1, text).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)


def body_row(ws: Worksheet, row: int, values: Iterable[Any], *, wrap: set[int]) -> None:
    """A bordered data row: the columns in ``wrap`` wrap left-aligned, the others centred; dates as dates."""
    for column, value in enumerate(values, 1):
        cell = put(ws, row, column, value)
        cell.border = BORDER
        cell.alignment = WRAP if column in wrap else WRAP_CENTER
        if isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"


def merged_down(ws: Worksheet, first: int, last: int, column: int, text: str) -> None:
    """``text`` in rows ``first``…``last`` of ``column`` as one merged, bordered, centred cell (a
    level-1 or level-2 indicator beside its items, as the government's sheet has them)."""
    put(ws, first, column, text)
    if last > first:
        ws.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)
    for row in range(first, last + 1):
        cell = ws.cell(row=row, column=column)
        cell.border = BORDER
        cell.alignment = WRAP_CENTER


def column_widths(ws: Worksheet, widths: Iterable[float]) -> None:
    """Widths of the first columns, in Excel's character units."""
    for column, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(column)].width = width


def _megabytes(size: int) -> str:
    value = (Decimal(size) / (1024 * 1024)).quantize(Decimal("0.01")).normalize()
    return format(value, "f")


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
    too_large = ExcelImportError([f"文件解压后超过 {_megabytes(max_unpacked_bytes)} MB，已拒绝"])
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
        raise ExcelImportError([f"文件包含 {len(entries)} 个压缩条目，超过 {MAX_ZIP_ENTRIES} 个，已拒绝"])
    if sum(entry.file_size for entry in entries) > max_unpacked_bytes:
        raise too_large
    try:
        with zipfile.ZipFile(source) as archive:
            for entry in entries:
                if entry.filename.lower().endswith(XML_PARTS) and _declares_a_dtd(archive, entry):
                    raise ExcelImportError([HAS_DTD])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, zlib.error):
        raise ExcelImportError([NOT_XLSX]) from None
    finally:
        source.seek(0)


# The parts openpyxl parses as XML. None of them ever has a document type declaration: one that
# does is an XML external entity (XXE) or entity-expansion ("billion laughs") attack.
XML_PARTS = (".xml", ".rels", ".vml")
HAS_DTD = "文件含有 XML 文档类型声明（DTD），正常的 Excel 文件不会含有，可能是恶意文件（XXE、实体膨胀），已拒绝"
_DTD_MARKERS = tuple(
    marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY") for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_OVERLAP = max(len(marker) for marker in _DTD_MARKERS)


def _declares_a_dtd(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bool:
    """Whether the part holds a DTD or entity declaration, read in chunks (never whole)."""
    tail = b""
    with archive.open(entry) as part:
        while chunk := part.read(64 * 1024):
            window = tail + chunk
            if any(marker in window for marker in _DTD_MARKERS):
                return True
            tail = window[-_OVERLAP:]
    return False


# What openpyxl may raise while it reads a damaged or hostile workbook, at load or (read-only
# mode) while rows are iterated: XML that does not parse, values it cannot convert, parts that
# are missing or do not inflate.
UNREADABLE = (SyntaxError, ValueError, TypeError, KeyError, IndexError, AttributeError, OSError, EOFError, zlib.error)


@contextmanager
def xlsx_open(
    source: str | os.PathLike | IO[bytes], *, max_unpacked_bytes: int, read_only: bool = True
) -> Iterator[Workbook]:
    """The workbook of an uploaded .xlsx, for reading inside the ``with`` block.

    The package is checked first (``check_xlsx_package``: a zip, not too large unpacked, no
    DTD); a workbook openpyxl cannot read, at load or while the block reads its rows, raises
    ExcelImportError, never a server error. Keep the block to reading: the import's own rules
    run after it."""
    check_xlsx_package(source, max_unpacked_bytes=max_unpacked_bytes)
    try:
        workbook = load_workbook(source, read_only=read_only, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises many kinds on a broken package
        raise ExcelImportError([NOT_A_WORKBOOK]) from None
    try:
        yield workbook
    except ExcelImportError:
        raise
    except UNREADABLE:
        raise ExcelImportError([NOT_A_WORKBOOK]) from None
    finally:
        workbook.close()
        if hasattr(source, "seek"):
            source.seek(0)
