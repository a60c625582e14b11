"""Excel (.xlsx) import and export of an indicator system, in the seed's own layout.

Pure conversion between a workbook and the data dict of ``standards/FORMAT.md``:
no ORM here, so creating or reading rows stays in ``services`` / ``selectors``.
"""

from common.xlsx import (
    DEFAULT_MAX_UNPACKED_BYTES,
    FORMULA_PREFIXES,
    MAX_ZIP_ENTRIES,
    NOT_A_WORKBOOK,
    NOT_XLSX,
    ExcelImportError,
    check_xlsx_package,
    put,
)

from .export import system_data_to_workbook
from .importer import workbook_to_system_data
from .layout import (
    HEADERS,
    INFO_SHEET,
    METRIC_HEADERS,
    METRICS_SHEET,
    RULE_HEADERS,
    RULES_SHEET,
    SCORE_HEADERS,
    SYSTEM_SHEET,
)

__all__ = [
    "DEFAULT_MAX_UNPACKED_BYTES",
    "FORMULA_PREFIXES",
    "HEADERS",
    "INFO_SHEET",
    "MAX_ZIP_ENTRIES",
    "METRIC_HEADERS",
    "METRICS_SHEET",
    "NOT_A_WORKBOOK",
    "NOT_XLSX",
    "RULE_HEADERS",
    "RULES_SHEET",
    "SCORE_HEADERS",
    "SYSTEM_SHEET",
    "ExcelImportError",
    "check_xlsx_package",
    "put",
    "system_data_to_workbook",
    "workbook_to_system_data",
]
