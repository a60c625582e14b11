"""The 任务台账 export: one row per assignment, task cells merged, a per-unit summary, no formulas."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tasks.excel import LEDGER_HEADERS, SUMMARY_HEADERS
from tasks.services import assignment_confirm, assignment_report_progress, task_create
from tests.tasks.conftest import DEADLINE

pytestmark = pytest.mark.django_db


def test_ledger_rows_merges_and_summary(client, office_a, zone_a, task_xy, assignment_x, liaison_x, unit_y):
    assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=100, text='=HYPERLINK("http://x")')
    assignment_confirm(assignment=assignment_x, user=office_a)
    task_create(zone=zone_a, number="2", title="@SUM(A1:A9)", deadline=DEADLINE, unit_ids=[unit_y.pk])

    client.force_login(office_a)
    response = client.get(reverse("tasks:ledger-export", args=[zone_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["任务台账", "单位汇总"]
    sheet = workbook["任务台账"]
    assert "甲创建对象创建工作任务台账" in sheet["A1"].value
    assert [c.value for c in sheet[2]] == list(LEDGER_HEADERS)
    rows = [[c.value for c in line] for line in sheet.iter_rows(min_row=3)]
    assert len(rows) == 3  # task 1 × (X, Y) + task 2 × Y
    first, second, third = rows
    assert first[:5] == ["1", "加大政策扶持力度", "甲市商务局", first[3], "甲市商务局"]
    assert first[3].date() == DEADLINE
    assert (first[5], first[6], first[8]) == ("已完成", 100, '=HYPERLINK("http://x")')
    assert first[10]  # confirmed at
    assert (second[4], second[5], second[6], second[8]) == ("甲市统计局", "未开始", 0, None)
    assert second[:4] == [None, None, None, None]  # merged into the task's first row
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A3:A4", "B3:B4", "C3:C4", "D3:D4"} <= merged
    # Formula-looking text stays text.
    assert sheet.cell(row=3, column=9).data_type == "s" and sheet.cell(row=3, column=9).quotePrefix
    assert third[1] == "@SUM(A1:A9)" and sheet.cell(row=5, column=2).data_type == "s"

    summary = workbook["单位汇总"]
    assert [c.value for c in summary[1]] == list(SUMMARY_HEADERS)
    by_unit = {line[0]: line for line in summary.iter_rows(min_row=2, values_only=True)}
    assert by_unit["甲市商务局"][1:] == (1, 0, 0, 1, 1, 0, 100)
    assert by_unit["甲市统计局"][1:] == (2, 2, 0, 0, 0, 0, 0)
