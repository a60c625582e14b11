"""得分表 read back with openpyxl: the seed's columns, merged levels 1–2, 41 rows, totals, rounds side by side."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from assessments.models import AssessmentRound, ScoreSnapshot
from assessments.selectors import zone_score
from indicators.models import Indicator
from reports.kinds import kind_get

pytestmark = pytest.mark.django_db

SEED_HEADERS = (
    "一级指标",
    "二级指标",
    "编号",
    "变量性质",
    "三级指标",
    "指标说明及打分标准",
    "评估方式及数据或资料来源",
    "责任单位",
)


def render(zone, round, tmp_path):
    kind = kind_get("scores")
    path = tmp_path / "scores.xlsx"
    kind.render(kind.content(zone=zone, round=round), path)
    return load_workbook(path)


def test_score_sheet_has_the_seed_layout_plus_scores(zone_a, tmp_path):
    ws = render(zone_a, None, tmp_path)["得分表"]
    assert tuple(c.value for c in ws[2]) == (*SEED_HEADERS, "满分", "得分", "评分说明")
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[2]]
    assert len(rows) == 41
    assert [r[2] for r in rows] == list(
        Indicator.objects.filter(system=zone_a.system, level=3).order_by("position").values_list("code", flat=True)
    )
    result = zone_score(zone=zone_a)
    points = {i.code: i.points for i in result.items}
    for row in rows:
        assert Decimal(str(row[9])) == points[row[2]], row[2]
        assert row[10]  # the engine's explanation
    total = ws.cell(row=ws.max_row, column=1)
    assert total.value == "合计" and Decimal(str(ws.cell(row=ws.max_row, column=10).value)) == result.total
    assert ws.cell(row=ws.max_row, column=9).value == 100
    assert sum(r[8] for r in rows) == 100


def test_levels_one_and_two_are_merged_down_their_items(zone_a, tmp_path):
    ws = render(zone_a, None, tmp_path)["得分表"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A1:K1" in merged  # the title
    dims = [r for r in merged if r.startswith("A") and r != "A1:K1" and ":H" not in r]
    subs = [r for r in merged if r.startswith("B")]
    assert len(dims) == 5 and len(subs) == 10
    assert ws["A3"].value == "促进发展(20分)" and ws["B3"].value == "发展规模(10分)"
    assert "A3:A12" in merged  # 促进发展: items 1–10


def test_a_cell_that_starts_like_a_formula_stays_text(zone_a, tmp_path):
    Indicator.objects.filter(system=zone_a.system, code="1").update(criteria='=HYPERLINK("http://evil","点我")')
    ws = render(zone_a, None, tmp_path)["得分表"]
    cell = next(c for c in ws["F"] if c.value and str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s" and cell.quotePrefix


def test_second_sheet_compares_rounds(zone_a, tmp_path):
    submitted = AssessmentRound.objects.create(
        zone=zone_a, kind="self", status="submitted", system=zone_a.system, reference_year_1=2023, reference_year_2=2024
    )
    frozen = zone_score(zone=zone_a).to_dict()
    frozen["total"] = 61.5
    ScoreSnapshot.objects.create(
        zone=zone_a, round=submitted, system=zone_a.system, status="done", total=Decimal("61.5"), result=frozen
    )
    ws = render(zone_a, None, tmp_path)["轮次对比"]
    header = [c.value for c in ws[2]]
    assert header[:3] == ["编号", "指标", "满分"] and header[3].startswith("自评（") and header[4] == "实时得分（本表）"
    total_row = [c.value for c in ws[3]]
    assert total_row[1] == "总分" and total_row[3] == 61.5
    assert Decimal(str(total_row[4])) == zone_score(zone=zone_a).total
    codes = [c.value for c in ws["A"][3:]]
    assert codes[:3] == ["A", "A1", "1"] and len(codes) == 5 + 10 + 41
