"""Shared by the Excel tests: a small valid system, workbook helpers, hostile files."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from indicators.excel import (
    ExcelImportError,
    system_data_to_workbook,
    workbook_to_system_data,
)

NATIONAL_FILE = Path(__file__).resolve().parents[2] / "indicators" / "standards" / "national-2024.json"
MB = 1024 * 1024


def _item(code, name, points, nature, scoring_items, **text):
    return {
        "code": code,
        "name": name,
        "points": points,
        "nature": nature,
        "criteria": text.get("criteria", f"{name}的打分标准。"),
        "methods": text.get("methods", "数据比对、资料审查"),
        "data_sources": text.get("data_sources", "1.国家统计局官网； 2.创建对象提供"),
        "responsible_units": text.get("responsible_units", "市商务局、统计局"),
        "scoring_items": scoring_items,
    }


def _sub(code, label, points, rule_type="checklist", params=None):
    return {"code": code, "label": label, "points": points, "rule_type": rule_type, "params": params or {}}


def small_system() -> dict:
    """A valid 100-point system: 2 dimensions, 3 second-level, 5 items, every kind of cell."""
    return {
        "code": "TEST-2024",
        "name": "测试指标体系",
        "version": "2024",
        "issuer": "测试机构",
        "scope": None,
        "metrics": [
            {
                "key": "xt_online_retail",
                "name": "网上零售额",
                "unit": "亿元",
                "period": "年度",
                "kind": "input",
                "value_type": "amount",
                "supports_growth": True,
                "description": "=1+1 不应被当作公式",
            },
            {
                "key": "xt_online_retail_growth",
                "name": "全国网上零售额增速",
                "unit": "%",
                "period": "年度",
                "kind": "benchmark",
                "value_type": "percent",
                "supports_growth": False,
                "description": "",
            },
        ],
        "indicators": [
            {
                "code": "A",
                "name": "促进发展",
                "points": 60,
                "children": [
                    {
                        "code": "A1",
                        "name": "发展规模",
                        "points": 40,
                        "children": [
                            _item(
                                "1",
                                "网上零售额同比增速",
                                20,
                                "定量",
                                [
                                    _sub(
                                        "1",
                                        "近2年，增速超过全国。",
                                        20,
                                        "yearly_vs_benchmark",
                                        {
                                            "figure": {"kind": "growth", "metric": "xt_online_retail"},
                                            "benchmark": "xt_online_retail_growth",
                                            "op": ">",
                                            "points_per_year": 10,
                                        },
                                    )
                                ],
                                responsible_units="市商务局、统计局,各县(市、区)人民政府。[以下均需落实]",
                            ),
                            _item(
                                "2",
                                "强化智慧监管",
                                20,
                                "定性+定量",
                                [
                                    _sub(
                                        "2.1",
                                        "用户数超过在编监管人员数50%",
                                        10,
                                        "threshold",
                                        {
                                            "conditions": [
                                                {
                                                    "figure": {"kind": "value", "metric": "xt_online_retail"},
                                                    "op": ">",
                                                    "bound": 50,
                                                }
                                            ]
                                        },
                                    ),
                                    _sub("2.2", "提供系统接口和应用模型", 10),
                                ],
                                data_sources="1.国家网络交易监管平台。 2.创建对象提供",
                            ),
                        ],
                    },
                    {
                        "code": "A2",
                        "name": "发展质量",
                        "points": 20,
                        "children": [
                            _item(
                                "3",
                                "创新监管方式",
                                20,
                                "定性",
                                [_sub("3", "符合一项即可得分", 20, "any_one", {"options": ["情形一", "情形二"]})],
                                methods="资料审查、专家评估",
                                data_sources="创建对象提供",
                            ),
                        ],
                    },
                ],
            },
            {
                "code": "B",
                "name": "综合保障",
                "points": 40,
                "children": [
                    {
                        "code": "B1",
                        "name": "组织机制保障",
                        "points": 40,
                        "children": [
                            _item(
                                "4",
                                "-建立工作机制",
                                15.5,
                                "定性",
                                [_sub("4", "@专家评分", 15.5, "expert")],
                                criteria='=HYPERLINK("http://example.invalid","点击")',
                                responsible_units="+市市场监管局",
                            ),
                            _item(
                                "5",
                                "经费保障",
                                24.5,
                                "定量+定性",
                                [_sub("5.1", "纳入预算", 12), _sub("5.2", "专款专用", 12.5)],
                                methods="",
                                data_sources="",
                            ),
                        ],
                    }
                ],
            },
        ],
    }


def save(workbook: openpyxl.Workbook, tmp_path: Path, name: str = "system.xlsx") -> Path:
    target = tmp_path / name
    workbook.save(target)
    return target


def exported(tmp_path: Path, data: dict | None = None) -> Path:
    return save(system_data_to_workbook(data or small_system()), tmp_path)


def edited(tmp_path: Path, edit) -> Path:
    """The small system exported, changed by ``edit(workbook)``, saved again."""
    workbook = openpyxl.load_workbook(exported(tmp_path))
    edit(workbook)
    return save(workbook, tmp_path, "edited.xlsx")


def import_errors(source, **kwargs) -> list[str]:
    with pytest.raises(ExcelImportError) as caught:
        workbook_to_system_data(source, **kwargs)
    return caught.value.messages


def zip_bomb(target: Path, unpacked_bytes: int) -> Path:
    """A valid zip (an xlsx's first entry name) whose one entry inflates to ``unpacked_bytes`` of zeros."""
    chunk = bytes(MB)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("[Content_Types].xml", "w", force_zip64=True) as entry:
            left = unpacked_bytes
            while left > 0:
                entry.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
    return target


def national_data() -> dict:
    if not NATIONAL_FILE.is_file():  # never a skip: CI must exercise the real system
        pytest.fail(f"缺少 {NATIONAL_FILE}：全国 41 项指标体系的数据文件应随仓库提供")
    return json.loads(NATIONAL_FILE.read_text(encoding="utf-8"))
