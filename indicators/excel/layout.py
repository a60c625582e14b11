"""The workbook layout of an indicator system, shared by export and import.

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

import re
from decimal import Decimal, InvalidOperation
from typing import Any

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
    return re.sub(r"\s+", "", _text(value)).replace("（", "(").replace("）", ")")


LABEL_RE = re.compile(r"^(?P<name>.*?)\s*[(（]\s*(?P<points>[0-9]+(?:\.[0-9]+)?)\s*分\s*[)）]\s*$", re.DOTALL)
METHODS_RE = re.compile(
    r"^\s*(?:评估)?方式\s*[:：]\s*(?P<methods>.*?)\s*数据或资料来源\s*[:：]\s*(?P<sources>.*?)\s*$", re.DOTALL
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
    start = re.match(r"^\s*(?:评估)?方式\s*[:：]", text)
    return _strip_full_stop(text[start.end() :] if start else text), ""
