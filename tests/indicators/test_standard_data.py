"""The national indicator data file (indicators/standards/national-2024.json)
checked against the official text of 附件2 (评估指标体系及责任分工) of the 三明市 工作方案 (2024),
kept verbatim in tests/fixtures/sanming_2024_annex2_table.txt (see tests/fixtures/README.md).

The table is flattened: one cell per line ending in " |", rows ended by
a line "||" or "|"; level-1/level-2 cells are repeated after page breaks.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from indicators.scoring.params import metrics_used, validate_params

REPO = Path(__file__).resolve().parents[2]
DATA_FILE = REPO / "indicators" / "standards" / "national-2024.json"
ANNEX2_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "sanming_2024_annex2_table.txt"

LEVEL1 = [
    ("A", "促进发展", 20),
    ("B", "规范监管", 25),
    ("C", "优化服务", 20),
    ("D", "探索创新", 20),
    ("E", "综合保障", 15),
]
LEVEL2 = [
    ("A1", "发展规模", 10),
    ("A2", "发展质量", 10),
    ("B1", "完善监管", 15),
    ("B2", "规范执法", 10),
    ("C1", "服务网络经营", 11),
    ("C2", "服务网络消费", 9),
    ("D1", "创新工作", 12),
    ("D2", "创新效果", 8),
    ("E1", "组织机制保障", 7),
    ("E2", "工作基础保障", 8),
]
HEADING = re.compile(r"([^。]+)\((\d+)分\)")
LEVEL3_NAME = re.compile(r"(.+)。\((\d+)分\)")
METHOD_CELL = re.compile(r"方式:(.+?)。 数据或资料来源:(.+)")
SUB_CRITERION = re.compile(r"(?:^|(?<=\s))(\d+)\.(.*?)\((\d+)分\)(?=\s|$)")


# ---------------------------------------------------------------- seed parsing
def _seed_cells() -> list[str]:
    if not ANNEX2_FILE.is_file():
        pytest.fail(f"找不到附件2原文 {ANNEX2_FILE}:无法核对指标数据")
    lines = ANNEX2_FILE.read_text(encoding="utf-8").splitlines()
    assert "附件2" in lines, "附件2原文文件中没有“附件2”"
    start = lines.index("附件2")
    header = lines.index("责任单位 |", start)
    cells = []
    for line in lines[header + 1 :]:
        if line in ("|", "||"):
            continue
        if not line.endswith(" |"):
            break  # end of the table
        cells.append(line[: -len(" |")].strip())
    return cells


def _parse_seed() -> dict:
    """{"level1": [(name, points)], "level2": [(level1 name, name, points)], "items": [dict]}"""
    cells = _seed_cells()
    level1: list[tuple[str, int]] = []
    level2: list[tuple[str, str, int]] = []
    items: list[dict] = []
    headings: list[tuple[str, int]] = []
    i = 0
    while i < len(cells):
        cell = cells[i]
        if not re.fullmatch(r"\d+", cell):
            match = HEADING.fullmatch(cell)
            assert match, f"无法识别的单元格:{cell!r}"
            headings.append((match.group(1), int(match.group(2))))
            i += 1
            continue
        # headings before an item: [level 1, level 2] or [level 2]; repeats after page breaks are skipped
        assert len(headings) in (0, 1, 2), headings
        if len(headings) == 2:
            if not level1 or level1[-1] != headings[0]:
                level1.append(headings[0])
            headings = headings[1:]
        if headings and (not level2 or level2[-1][1:] != headings[0] or level2[-1][0] != level1[-1][0]):
            level2.append((level1[-1][0], *headings[0]))
        headings = []
        code, nature, name_cell, criteria, method_cell, units = cells[i : i + 6]
        name = LEVEL3_NAME.fullmatch(name_cell)
        assert name, f"三级指标名称格式异常:{name_cell!r}"
        method = METHOD_CELL.fullmatch(method_cell)
        assert method, f"评估方式单元格格式异常:{method_cell!r}"
        items.append(
            {
                "code": code,
                "level2": level2[-1][1],
                "name": name.group(1),
                "points": int(name.group(2)),
                "nature": nature,
                "criteria": criteria,
                "methods": method.group(1).strip(),
                "data_sources": method.group(2).strip().removesuffix("。"),
                "responsible_units": units,
            }
        )
        i += 6
    assert not headings, f"表尾有多余的标题单元格:{headings}"
    return {"level1": level1, "level2": level2, "items": items}


@pytest.fixture(scope="module")
def seed() -> dict:
    return _parse_seed()


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def _level3(data: dict) -> list[tuple[dict, dict, dict]]:
    return [(l1, l2, item) for l1 in data["indicators"] for l2 in l1["children"] for item in l2["children"]]


def _scoring_items(data: dict) -> list[tuple[dict, dict]]:
    return [(item, sub) for _, _, item in _level3(data) for sub in item["scoring_items"]]


# ---------------------------------------------------------------- the seed itself
def test_seed_table_parses_into_41_items(seed):
    assert [(name, pts) for _, name, pts in LEVEL2] == [(n, p) for _, n, p in seed["level2"]]
    assert [(name, pts) for _, name, pts in LEVEL1] == seed["level1"]
    assert [item["code"] for item in seed["items"]] == [str(n) for n in range(1, 42)]
    assert sum(item["points"] for item in seed["items"]) == 100


# ---------------------------------------------------------------- the data file
def test_system_fields(data):
    assert data["code"] == "CN-2024"
    assert data["name"] == "网络市场监管与服务示范区评估指标体系"
    assert data["version"] == "2024"
    assert data["issuer"] == "国家市场监督管理总局"
    assert data["scope"] is None


def test_level1_and_level2(data, seed):
    assert [(l1["code"], l1["name"], l1["points"]) for l1 in data["indicators"]] == LEVEL1
    assert [(l2["code"], l2["name"], l2["points"]) for l1 in data["indicators"] for l2 in l1["children"]] == LEVEL2
    seed_parent = {name: parent for parent, name, _ in seed["level2"]}
    for l1 in data["indicators"]:
        assert l1["points"] == sum(l2["points"] for l2 in l1["children"]), l1["code"]
        for l2 in l1["children"]:
            assert l2["code"].startswith(l1["code"])
            assert seed_parent[l2["name"]] == l1["name"]
            assert l2["points"] == sum(item["points"] for item in l2["children"]), l2["code"]
    assert sum(l1["points"] for l1 in data["indicators"]) == 100


def test_level3_items_match_seed(data, seed):
    items = _level3(data)
    assert [item["code"] for _, _, item in items] == [str(n) for n in range(1, 42)]
    for (_, l2, item), expected in zip(items, seed["items"], strict=True):
        code = item["code"]
        assert l2["name"] == expected["level2"], code
        for field in ("name", "points", "nature", "criteria", "methods", "data_sources", "responsible_units"):
            assert item[field] == expected[field], f"指标 {code} 的 {field} 与原文不符"
        assert item["nature"] in ("定量", "定性", "定量+定性", "定性+定量")


def test_scoring_items_add_up_and_follow_numbered_sub_criteria(data):
    for _, _, item in _level3(data):
        code, subs = item["code"], item["scoring_items"]
        assert subs, f"指标 {code} 没有评分项"
        assert sum(Decimal(str(s["points"])) for s in subs) == Decimal(str(item["points"])), code
        numbered = SUB_CRITERION.findall(item["criteria"])
        if numbered:
            expected = [(f"{code}.{n}", int(p)) for n, _, p in numbered]
            assert [(s["code"], s["points"]) for s in subs] == expected, code
            for sub, (_, text, _) in zip(subs, numbered):
                assert sub["label"] == text.strip().rstrip(";；。")  # noqa: B005 - a set of end marks, sub["code"]
        else:
            assert [s["code"] for s in subs] == [code], code
            assert subs[0]["points"] == item["points"]
        for sub in subs:
            assert sub["label"], sub["code"]


def test_any_one_options_are_the_numbered_practices(data):
    for item, sub in _scoring_items(data):
        if sub["rule_type"] != "any_one":
            continue
        assert "符合一项即可得" in item["criteria"]
        for n, option in enumerate(sub["params"]["options"], 1):
            assert f"{n}.{option}" in item["criteria"], sub["code"]


def test_params_are_valid(data):
    for _, sub in _scoring_items(data):
        assert validate_params(sub["rule_type"], sub["params"]) == [], sub["code"]


def test_metrics_declared(data):
    keys = [m["key"] for m in data["metrics"]]
    assert len(keys) == len(set(keys)), "统计指标 key 重复"
    for metric in data["metrics"]:
        assert metric["kind"] in ("input", "benchmark"), metric["key"]
        assert metric["value_type"] in ("amount", "count", "percent"), metric["key"]
        assert metric["name"] and metric["unit"] and metric["description"], metric["key"]
    used: set[str] = set()
    for _, sub in _scoring_items(data):
        missing = metrics_used(sub["rule_type"], sub["params"]) - set(keys)
        assert not missing, f"评分项 {sub['code']} 使用了未声明的统计指标 {sorted(missing)}"
        used |= metrics_used(sub["rule_type"], sub["params"])
    assert set(keys) == used, f"声明但未使用的统计指标:{sorted(set(keys) - used)}"
