"""Excel import/export of indicator systems (indicators.excel): layout, round trip, bad files."""

from __future__ import annotations

import io
import json
import os
import zipfile

import openpyxl

from indicators.excel import (
    DEFAULT_MAX_UNPACKED_BYTES,
    HEADERS,
    METRIC_HEADERS,
    METRICS_SHEET,
    RULE_HEADERS,
    RULES_SHEET,
    SYSTEM_SHEET,
    system_data_to_workbook,
    workbook_to_system_data,
)
from tests.indicators.excel_helpers import (
    MB,
    edited,
    exported,
    import_errors,
    national_data,
    save,
    small_system,
    zip_bomb,
)

# ------------------------------------------------------------------------ export


def test_export_has_the_seed_layout(tmp_path):
    workbook = openpyxl.load_workbook(exported(tmp_path))
    assert workbook.sheetnames[:3] == [SYSTEM_SHEET, RULES_SHEET, METRICS_SHEET]
    ws = workbook[SYSTEM_SHEET]
    assert ws["A1"].value == "测试指标体系(2024)"
    assert tuple(c.value for c in ws[2]) == HEADERS
    assert HEADERS == (
        "一级指标",
        "二级指标",
        "编号",
        "变量性质",
        "三级指标",
        "指标说明及打分标准",
        "评估方式及数据或资料来源",
        "责任单位",
    )
    merged = {str(r) for r in ws.merged_cells.ranges}
    # level 1: A3:A5 (items 1–3) and A6:A7; level 2: B3:B4 and B6:B7; B5 holds one item, not merged
    assert {"A3:A5", "A6:A7", "B3:B4", "B6:B7"} <= merged
    assert "B5" not in {r.split(":")[0] for r in merged}
    assert ws["A3"].value == "促进发展(60分)"
    assert ws["B3"].value == "发展规模(40分)"
    assert ws["B5"].value == "发展质量(20分)"
    assert ws["A6"].value == "综合保障(40分)"
    assert [ws.cell(row, 3).value for row in range(3, 8)] == ["1", "2", "3", "4", "5"]
    assert ws["E3"].value == "网上零售额同比增速。(20分)"
    assert ws["E6"].value == "-建立工作机制。(15.5分)"
    assert ws["G3"].value == "方式:数据比对、资料审查。 数据或资料来源: 1.国家统计局官网； 2.创建对象提供。"
    assert ws["G7"].value in (None, "")
    assert ws.freeze_panes == "A3"
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$2:$2"
    assert ws["F3"].alignment.wrap_text

    rules = workbook[RULES_SHEET]
    assert [c.value for c in rules[1]] == list(RULE_HEADERS)
    assert RULE_HEADERS == ("三级指标编号", "评分项编号", "评分标准", "分值", "规则类型", "规则参数(JSON)")
    assert [c.value for c in rules[2]][:5] == ["1", "1", "近2年，增速超过全国。", 20, "yearly_vs_benchmark"]
    assert rules["F2"].value.startswith('{"figure":{"kind":"growth"')  # compact JSON
    assert rules["F4"].value == "{}"
    assert rules.max_row == 1 + 7

    metrics = workbook[METRICS_SHEET]
    assert [c.value for c in metrics[1]] == list(METRIC_HEADERS)
    assert METRIC_HEADERS == ("key", "名称", "单位", "统计周期", "类别", "数值类型", "可填官方增速", "说明")
    row = [c.value for c in metrics[2]][:7]
    assert row == ["xt_online_retail", "网上零售额", "亿元", "年度", "input", "amount", "是"]


def test_export_with_scores_adds_two_columns(tmp_path):
    workbook = system_data_to_workbook(small_system(), scores={"1": (10, "2023年 高于全国，得10分"), "4": (7.5, "")})
    ws = workbook[SYSTEM_SHEET]
    assert [c.value for c in ws[2]][8:] == ["得分", "得分说明"]
    assert (ws["I3"].value, ws["J3"].value) == (10, "2023年 高于全国，得10分")
    assert ws["I6"].value == 7.5
    assert "A1:J1" in {str(r) for r in ws.merged_cells.ranges}
    # a scored sheet still imports
    assert workbook_to_system_data(save(workbook, tmp_path)) == small_system()


def test_cells_starting_like_a_formula_stay_text(tmp_path):
    target = exported(tmp_path)
    workbook = openpyxl.load_workbook(target)
    ws = workbook[SYSTEM_SHEET]
    for ref, text in {
        "F6": '=HYPERLINK("http://example.invalid","点击")',
        "H6": "+市市场监管局",
        "E6": "-建立工作机制。(15.5分)",
    }.items():
        assert ws[ref].value == text
        assert ws[ref].data_type == "s"
        assert ws[ref].quotePrefix, ref
    assert workbook[RULES_SHEET]["C6"].value == "@专家评分"
    assert workbook[RULES_SHEET]["C6"].quotePrefix
    assert workbook[METRICS_SHEET]["H2"].quotePrefix
    with zipfile.ZipFile(target) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any("<f>" in xml or "<f " in xml for xml in sheets)


# -------------------------------------------------------------------- round trip


def test_round_trip_gives_the_same_data(tmp_path):
    assert workbook_to_system_data(exported(tmp_path)) == small_system()


def test_round_trip_from_a_file_object_with_overrides(tmp_path):
    buffer = io.BytesIO(exported(tmp_path).read_bytes())
    data = workbook_to_system_data(buffer, code="TEST-2025", name="新名称", version="2025")
    assert data == {**small_system(), "code": "TEST-2025", "name": "新名称", "version": "2025"}


def test_round_trip_keeps_a_provincial_scope(tmp_path):
    data = {**small_system(), "scope": "山东省"}
    assert workbook_to_system_data(exported(tmp_path, data)) == data


def test_national_system_round_trips(tmp_path):
    data = national_data()
    target = exported(tmp_path, data)
    ws = openpyxl.load_workbook(target)[SYSTEM_SHEET]
    assert ws.max_row == 2 + 41
    assert ws["A3"].value == "促进发展(20分)"
    assert ws["B3"].value == "发展规模(10分)"
    assert ws["E3"].value == "网上零售额同比增速。(2分)"
    assert workbook_to_system_data(target) == data


def test_plain_government_sheet_imports_with_expert_items(tmp_path):
    """Only the 指标体系 sheet, no merges (level-1/2 repeated or blank), a free title."""

    def edit(workbook):
        for name in workbook.sheetnames[1:]:
            del workbook[name]
        ws = workbook[SYSTEM_SHEET]
        for merged in list(ws.merged_cells.ranges):
            ws.unmerge_cells(str(merged))
        ws["A1"] = "某市创建示范区评估指标体系及责任分工"
        ws["A4"] = "促进发展（60分）"  # repeated after a "page break", as in the seed
        ws["C3"] = 1  # a number, as typed into Excel
        ws["B2"] = "二级\n指标"

    data = workbook_to_system_data(edited(tmp_path, edit), code="CITY-2024", version="2024")
    assert (data["code"], data["version"]) == ("CITY-2024", "2024")
    assert data["name"] == "某市创建示范区评估指标体系及责任分工"
    assert data["metrics"] == []
    assert [d["code"] for d in data["indicators"]] == ["A", "B"]
    assert [s["code"] for s in data["indicators"][0]["children"]] == ["A1", "A2"]
    item = data["indicators"][0]["children"][0]["children"][0]
    assert item["code"] == "1"
    assert item["scoring_items"] == [
        {"code": "1", "label": item["criteria"], "points": 20, "rule_type": "expert", "params": {}}
    ]


def test_plain_sheet_needs_code_and_version(tmp_path):
    def edit(workbook):
        for name in workbook.sheetnames[1:]:
            del workbook[name]

    messages = import_errors(edited(tmp_path, edit))
    assert "缺少指标体系编码：请在“说明”表填写，或导入时指定" in messages
    assert "缺少指标体系版本：请在“说明”表填写，或导入时指定" in messages


# ---------------------------------------------------------------------- bad files


def test_wrong_headers(tmp_path):
    messages = import_errors(edited(tmp_path, lambda wb: wb[SYSTEM_SHEET].cell(2, 3, "序号")))
    expected = " | ".join(
        ["一级指标", "二级指标", "编号", "变量性质", "三级指标"]
        + ["指标说明及打分标准", "评估方式及数据或资料来源", "责任单位"]
    )
    actual = expected.replace("编号", "序号")
    assert messages == [f"表头应为：{expected}（实际为 {actual}）"]


def test_unknown_extra_column_is_a_header_error(tmp_path):
    messages = import_errors(edited(tmp_path, lambda wb: wb[SYSTEM_SHEET].cell(2, 9, "备注")))
    assert messages[0].startswith("表头应为：")


def test_duplicate_code(tmp_path):
    messages = import_errors(edited(tmp_path, lambda wb: wb[SYSTEM_SHEET].cell(4, 3, "1")))
    assert "第4行：编号“1”重复（与第3行相同）" in messages


def test_missing_code(tmp_path):
    def edit(workbook):
        workbook[SYSTEM_SHEET]["C5"] = None

    messages = import_errors(edited(tmp_path, edit))
    assert "第5行：编号不能为空" in messages


def test_missing_points_suffix_and_bad_nature(tmp_path):
    def edit(workbook):
        ws = workbook[SYSTEM_SHEET]
        ws["E3"] = "网上零售额同比增速。"
        ws["D4"] = "定量定性"
        ws["B6"] = "组织机制保障（40）"

    messages = import_errors(edited(tmp_path, edit))
    assert "第3行：三级指标“网上零售额同比增速。”缺少分值，应写作“名称。（N分）”" in messages
    assert "第4行：变量性质“定量定性”应为 定量、定性、定量+定性 或 定性+定量" in messages
    assert "第6行：二级指标“组织机制保障（40）”缺少分值，应写作“名称（N分）”" in messages


def test_full_width_parentheses_are_accepted(tmp_path):
    def edit(workbook):
        ws = workbook[SYSTEM_SHEET]
        ws["A3"] = "促进发展（60 分）"
        ws["E3"] = "网上零售额同比增速。（20分）"

    assert workbook_to_system_data(edited(tmp_path, edit)) == small_system()


def test_level2_points_must_add_up(tmp_path):
    messages = import_errors(edited(tmp_path, lambda wb: wb[SYSTEM_SHEET].cell(3, 5, "网上零售额同比增速。（19分）")))
    assert "二级指标“发展规模”：三级指标合计 39 分，应为 40 分" in messages
    assert "三级指标“1”：评分项合计 20 分，应为 19 分" in messages


def test_level1_and_total_points_must_add_up(tmp_path):
    messages = import_errors(edited(tmp_path, lambda wb: wb[SYSTEM_SHEET].cell(3, 1, "促进发展（61分）")))
    assert messages == ["一级指标“促进发展”：二级指标合计 60 分，应为 61 分", "一级指标合计 101 分，应为 100 分"]


def test_total_must_be_100(tmp_path):
    def edit(workbook):
        ws = workbook[SYSTEM_SHEET]
        ws["A6"], ws["B6"], ws["E7"] = "综合保障（39分）", "组织机制保障（39分）", "经费保障。（23.5分）"
        rules = workbook[RULES_SHEET]
        rules["D8"] = 11.5

    assert import_errors(edited(tmp_path, edit)) == ["一级指标合计 99 分，应为 100 分"]


def test_invalid_params_json_and_params(tmp_path):
    def edit(workbook):
        rules = workbook[RULES_SHEET]
        rules["F2"] = '{"figure": {"kind": "growth"'
        rules["F3"] = '{"conditions": []}'
        rules["A5"] = "99"

    messages = import_errors(edited(tmp_path, edit))
    assert "“评分规则”表第2行：规则参数不是有效的 JSON（第1行第29个字符附近有误）" in messages
    assert "“评分规则”表第3行：规则参数有误：缺少条件 conditions" in messages
    assert "“评分规则”表第5行：三级指标编号“99”在“指标体系”表中不存在" in messages


def test_params_of_the_wrong_shape_are_an_error_not_a_crash(tmp_path):
    def edit(workbook):
        condition = {"figure": {"kind": "value", "metric": "m"}, "op": [">"], "bound": 1}
        workbook[RULES_SHEET]["F3"] = json.dumps({"conditions": [condition]})
        workbook[RULES_SHEET]["E4"] = "no_such_rule"

    messages = import_errors(edited(tmp_path, edit))
    assert messages[0].startswith("“评分规则”表第3行：规则参数有误：")
    assert messages[1] == "“评分规则”表第4行：规则参数有误：未知的评分规则类型：no_such_rule"


def test_scoring_items_must_add_up_to_the_item(tmp_path):
    messages = import_errors(edited(tmp_path, lambda wb: wb[RULES_SHEET].cell(8, 4, 10)))
    assert messages == ["三级指标“5”：评分项合计 22 分，应为 24.5 分"]


def test_all_errors_are_collected(tmp_path):
    def edit(workbook):
        ws = workbook[SYSTEM_SHEET]
        ws["C4"] = "1"
        ws["C5"] = None
        workbook[RULES_SHEET]["F3"] = "not json"
        workbook[METRICS_SHEET]["E3"] = "national"

    messages = import_errors(edited(tmp_path, edit))
    assert len(messages) >= 4
    assert "“统计指标”表第3行：类别“national”应为 input（创建对象填报）或 benchmark（对比基准）" in messages


def test_html_renamed_to_xlsx(tmp_path):
    target = tmp_path / "report.xlsx"
    target.write_text("<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table></body></html>")
    assert import_errors(target) == ["文件不是有效的 Excel(.xlsx)文件"]


def test_random_binary(tmp_path):
    target = tmp_path / "random.xlsx"
    target.write_bytes(b"\x00\x01" + os.urandom(4096))
    assert import_errors(target) == ["文件不是有效的 Excel(.xlsx)文件"]


def test_truncated_zip(tmp_path):
    target = tmp_path / "truncated.xlsx"
    target.write_bytes(exported(tmp_path).read_bytes()[:2000])
    assert import_errors(target) == ["文件不是有效的 Excel(.xlsx)文件"]


def test_zip_that_is_not_a_workbook(tmp_path):
    target = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    assert import_errors(target) == ["文件无法解析为 Excel 工作簿"]


def test_zip_bomb_over_the_limit(tmp_path):
    target = zip_bomb(tmp_path / "bomb.xlsx", 2 * MB)
    assert target.stat().st_size < 100_000
    assert import_errors(target, max_unpacked_bytes=1 * MB) == ["文件解压后超过 1 MB，已拒绝"]


def test_file_itself_over_the_limit(tmp_path):
    target = tmp_path / "big.xlsx"
    target.write_bytes(b"PK\x03\x04" + bytes(2 * MB))
    assert import_errors(target, max_unpacked_bytes=1 * MB) == ["文件解压后超过 1 MB，已拒绝"]


def test_default_limit_is_100_mb(tmp_path, settings):
    assert DEFAULT_MAX_UNPACKED_BYTES == 100 * MB
    assert settings.XLSX_MAX_UNPACKED_BYTES == 100 * MB
    target = zip_bomb(tmp_path / "bomb.xlsx", 100 * MB + 1)
    assert import_errors(target) == ["文件解压后超过 100 MB，已拒绝"]


def test_too_many_zip_entries(tmp_path):
    target = tmp_path / "many.xlsx"
    with zipfile.ZipFile(target, "w") as archive:
        for i in range(10_001):
            archive.writestr(f"x/{i}", b"")
    assert import_errors(target) == ["文件包含 10001 个压缩条目，超过 10000 个，已拒绝"]
