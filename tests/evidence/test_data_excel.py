"""The data template: download, fill in with openpyxl, upload; every broken-row kind refuses the whole file."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessments.models import ScoreSnapshot
from evidence.data.excel import FIGURE_SHEET, LIST_SHEETS, NOTES_SHEET
from evidence.models import DataChange, DataValue, OperatorEntry, OutcomeEntry
from indicators.models import Metric
from tests.evidence.test_data_fixtures import X_METRICS, data_liaison_y, data_matrix

pytestmark = pytest.mark.django_db
__all__ = ["data_liaison_y", "data_matrix"]

OPERATORS, OUTCOMES = LIST_SHEETS["operators"], LIST_SHEETS["outcomes"]
CODE = "91350100M000100Y43"


def download(client, zone, query=""):
    response = client.get(reverse("data:template", args=[zone.pk]) + query)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def upload(client, zone, workbook_or_bytes):
    if isinstance(workbook_or_bytes, bytes):
        content = workbook_or_bytes
    else:
        buffer = io.BytesIO()
        workbook_or_bytes.save(buffer)
        content = buffer.getvalue()
    file = SimpleUploadedFile("数据.xlsx", content)
    return client.post(reverse("data:excel", args=[zone.pk]), {"file": file})


def fill(ws, values: dict[tuple[str, int], object], column: int = 5) -> None:
    """Write into the 填报 sheet's value column (5), growth (6) or source (7) for (metric, year)."""
    rows = {(ws.cell(r, 1).value, ws.cell(r, 4).value): r for r in range(2, ws.max_row + 1)}
    for key, value in values.items():
        ws.cell(rows[key], column).value = value


def row_of(ws, key) -> int:
    return next(r for r in range(2, ws.max_row + 1) if (ws.cell(r, 1).value, ws.cell(r, 4).value) == key)


RETAIL = {
    ("online_retail_sales", 2022): 310.5,
    ("online_retail_sales", 2023): 352.8,
    ("online_retail_sales", 2024): 381.2,
}
SOCIAL = {("social_retail_sales", 2022): 1000, ("social_retail_sales", 2023): 1010, ("social_retail_sales", 2024): 1020}


# The template -----------------------------------------------------------------------


def test_the_offices_template_has_every_metric_and_both_lists(client, office_a, zone_a):
    client.force_login(office_a)
    wb = download(client, zone_a)
    assert wb.sheetnames == [FIGURE_SHEET, OPERATORS, OUTCOMES, NOTES_SHEET]
    ws = wb[FIGURE_SHEET]
    assert [c.value for c in ws[1]] == [
        "指标键",
        "统计指标",
        "计量单位",
        "年度",
        "数值",
        "官方公布增速（%）",
        "来源",
        "对应评分项",
    ]
    assert ws.column_dimensions["A"].hidden
    keys = {ws.cell(r, 1).value for r in range(2, ws.max_row + 1)}
    inputs = set(Metric.objects.filter(kind="input").values_list("key", flat=True))
    assert keys == inputs  # every input metric of the national system is used by some rule
    retail = [ws.cell(r, 4).value for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "online_retail_sales"]
    assert retail == [2022, 2023, 2024]
    formula = ws.cell(row_of(ws, ("online_retail_sales", 2024)), 8).value
    assert "第1项：网上零售额同比增速=（当年/上年-1）×100%" in formula
    assert "GB 32100-2015" in "\n".join(str(c.value) for c in wb[NOTES_SHEET]["A"])


def test_a_liaisons_template_holds_only_their_units_metrics(client, liaison_x, zone_a, data_matrix):
    client.force_login(liaison_x)
    wb = download(client, zone_a)
    ws = wb[FIGURE_SHEET]
    assert {ws.cell(r, 1).value for r in range(2, ws.max_row + 1)} == X_METRICS
    assert wb.sheetnames == [FIGURE_SHEET, OPERATORS, NOTES_SHEET]  # unit X answers for item 4, not 34


def test_the_office_can_download_one_units_template(client, office_a, zone_a, unit_y, data_matrix):
    client.force_login(office_a)
    ws = download(client, zone_a, f"?unit={unit_y.pk}")[FIGURE_SHEET]
    assert {ws.cell(r, 1).value for r in range(2, ws.max_row + 1)} == {
        "online_operators",
        "market_entities",
        "express_volume",
    }


def test_a_liaison_cannot_download_another_units_template(client, liaison_x, zone_a, unit_y, data_matrix):
    client.force_login(liaison_x)
    assert client.get(reverse("data:template", args=[zone_a.pk]) + f"?unit={unit_y.pk}").status_code == 403


def test_the_template_is_safe_against_formula_injection(client, office_a, zone_a, unit_x):
    metric = Metric.objects.get(key="online_retail_sales")
    DataValue.objects.create(zone=zone_a, metric=metric, year=2024, value=1, source='=HYPERLINK("http://x","点我")')
    OperatorEntry.objects.create(zone=zone_a, name="@SUM(1+1)", credit_code=CODE, year=2024, annual_sales=1)
    client.force_login(office_a)
    wb = download(client, zone_a)
    source = wb[FIGURE_SHEET].cell(row_of(wb[FIGURE_SHEET], ("online_retail_sales", 2024)), 7)
    assert source.data_type == "s" and source.value.startswith("=HYPERLINK") and source.quotePrefix
    name = wb[OPERATORS].cell(2, 2)
    assert name.data_type == "s" and name.quotePrefix


# The round trip ---------------------------------------------------------------------


def test_round_trip_saves_values_and_lists_and_the_score_changes(
    client, office_a, zone_a, django_capture_on_commit_callbacks
):
    client.force_login(office_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:scores-recompute", args=[zone_a.pk]))
    before = ScoreSnapshot.objects.get(zone=zone_a).total

    wb = download(client, zone_a)
    fill(wb[FIGURE_SHEET], {**RETAIL, **SOCIAL})
    fill(wb[FIGURE_SHEET], {("online_retail_sales", 2024): "统计公报"}, column=7)
    wb[OPERATORS].append([None, "甲电商有限公司", CODE, 2024, 26500])
    wb[OUTCOMES].append([None, "网络交易监管办法", "规范性文件", "2024-06-01", None])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, zone_a, wb)
    assert response.status_code == 302, response.content.decode()

    stored = {(v.metric.key, v.year): v for v in DataValue.objects.filter(zone=zone_a).select_related("metric")}
    assert stored[("online_retail_sales", 2024)].value == Decimal("381.2")
    assert stored[("online_retail_sales", 2024)].source == "统计公报"
    assert len(stored) == 6
    assert OperatorEntry.objects.get(zone=zone_a).annual_sales == 26500
    assert OutcomeEntry.objects.get(zone=zone_a).kind == "normative"
    assert DataChange.objects.filter(via="excel").count() == 6 + 1 + 4 + 3

    latest = ScoreSnapshot.objects.filter(zone=zone_a).order_by("-id").first()
    assert latest.status == "done"
    assert latest.total > before  # items 2, 4, 6 and 34 now score

    # The next download carries what was stored; uploading it unchanged changes nothing.
    again = download(client, zone_a)
    assert again[FIGURE_SHEET].cell(row_of(again[FIGURE_SHEET], ("online_retail_sales", 2024)), 5).value == 381.2
    count = DataChange.objects.count()
    assert upload(client, zone_a, again).status_code == 302
    assert DataChange.objects.count() == count


def test_removing_a_list_row_removes_the_entry_and_clearing_a_value_deletes_it(client, office_a, zone_a):
    client.force_login(office_a)
    wb = download(client, zone_a)
    fill(wb[FIGURE_SHEET], RETAIL)
    wb[OPERATORS].append([None, "甲电商有限公司", CODE, 2024, 26500])
    upload(client, zone_a, wb)

    wb = download(client, zone_a)
    fill(wb[FIGURE_SHEET], {("online_retail_sales", 2022): None})
    wb[OPERATORS].delete_rows(2)
    assert upload(client, zone_a, wb).status_code == 302
    assert not DataValue.objects.filter(year=2022).exists()
    assert not OperatorEntry.objects.exists()
    assert DataChange.objects.filter(target="operator", action="deleted").exists()


def test_an_operator_edited_in_the_sheet_is_updated_not_replaced(client, office_a, zone_a):
    client.force_login(office_a)
    wb = download(client, zone_a)
    wb[OPERATORS].append([None, "甲电商有限公司", CODE, 2024, 26500])
    upload(client, zone_a, wb)
    entry = OperatorEntry.objects.get()
    wb = download(client, zone_a)
    wb[OPERATORS].cell(2, 5).value = 30000
    assert upload(client, zone_a, wb).status_code == 302
    assert OperatorEntry.objects.get().pk == entry.pk
    change = DataChange.objects.get(target="operator", action="updated")
    assert (change.field, change.old_value, change.new_value) == ("annual_sales", "26500", "30000")


# Broken rows: each refuses the whole file with a row-level Chinese message ---------


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda wb: fill(wb[FIGURE_SHEET], {("online_retail_sales", 2024): "三百"}),
            "“填报”表第{r}行：“网上零售额”2024年数值“三百”不是有效的数字",
        ),
        (
            lambda wb: fill(wb[FIGURE_SHEET], {("online_retail_sales", 2024): -5}),
            "“填报”表第{r}行：“网上零售额”2024年数值不能为负数",
        ),
        (
            lambda wb: fill(wb[FIGURE_SHEET], {("consumer_satisfaction", 2024): 101}),
            "“填报”表第{s}行：“消费者满意度”2024年数值为比率，不能超过100%",
        ),
        (
            lambda wb: wb[FIGURE_SHEET].cell(row_of(wb[FIGURE_SHEET], ("online_retail_sales", 2024)), 1, "gdp"),
            "“填报”表第{r}行：未知的统计指标“gdp”",
        ),
        (
            lambda wb: wb[FIGURE_SHEET].cell(row_of(wb[FIGURE_SHEET], ("online_retail_sales", 2024)), 4, 2019),
            "“填报”表第{r}行：年度“2019”不在“网上零售额”可填报的年度内（可填：2022、2023、2024）",
        ),
        (
            lambda wb: fill(wb[FIGURE_SHEET], {("online_retail_sales", 2022): 3.5}, column=6),
            "“填报”表第{q}行：“网上零售额”2022年无需填写官方公布增速",
        ),
        (
            lambda wb: wb[OPERATORS].append([None, "甲电商有限公司", "91350100M000100Y44", 2024, 26500]),
            "“规模以上网络交易经营者”表第2行：统一社会信用代码“91350100M000100Y44”校验位错误（第18位应为“3”）",
        ),
        (
            lambda wb: wb[OPERATORS].append([None, "甲电商有限公司", CODE, 2021, 26500]),
            "“规模以上网络交易经营者”表第2行：年度“2021”应为参考年度（2023、2024）之一",
        ),
        (
            lambda wb: wb[OPERATORS].append([None, "甲电商有限公司", CODE, 2024, -1]),
            "“规模以上网络交易经营者”表第2行：年度电子商务销售额不能为负数",
        ),
        (
            lambda wb: (
                wb[OPERATORS].append([None, "甲", CODE, 2024, 1]),
                wb[OPERATORS].append([None, "乙", CODE, 2024, 2]),
            ),
            "“规模以上网络交易经营者”表第3行：与“规模以上网络交易经营者”表第2行重复（同一经营者同一年度只能登记一次）",
        ),
        (
            lambda wb: wb[OUTCOMES].append([None, "办法", "通知", "2024-06-01", None]),
            "“制度化标准化成果”表第2行：类型“通知”应为 法规、规章、规范性文件 或 标准",
        ),
        (lambda wb: wb[FIGURE_SHEET].cell(1, 5, "金额"), "“填报”表的表头与模板不符，请重新下载模板后填写"),
    ],
)
def test_a_broken_row_refuses_the_whole_file(client, office_a, zone_a, mutate, message):
    client.force_login(office_a)
    wb = download(client, zone_a)
    ws = wb[FIGURE_SHEET]
    rows = {
        "r": row_of(ws, ("online_retail_sales", 2024)),
        "s": row_of(ws, ("consumer_satisfaction", 2024)),
        "q": row_of(ws, ("online_retail_sales", 2022)),
    }
    fill(ws, RETAIL)  # good rows that must not be saved either
    mutate(wb)
    response = upload(client, zone_a, wb)
    assert response.status_code == 200
    assert message.format(**rows) in response.context["errors"]
    assert not DataValue.objects.exists()
    assert not OperatorEntry.objects.exists() and not OutcomeEntry.objects.exists()
    assert not DataChange.objects.exists()
    assert not ScoreSnapshot.objects.exists()


def test_every_problem_is_listed_at_once(client, office_a, zone_a):
    client.force_login(office_a)
    wb = download(client, zone_a)
    fill(wb[FIGURE_SHEET], {("online_retail_sales", 2024): "x", ("online_retail_sales", 2023): -1})
    wb[OPERATORS].append([None, "", "123", 2024, 1])
    errors = upload(client, zone_a, wb).context["errors"]
    assert len(errors) == 4  # two figures; the operator's name and its code


def test_what_is_not_an_xlsx_is_refused(client, office_a, zone_a):
    client.force_login(office_a)
    response = upload(client, zone_a, b"%PDF-1.7 not a workbook")
    assert response.context["errors"] == ["文件不是有效的 Excel(.xlsx)文件"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert upload(client, zone_a, buffer.getvalue()).context["errors"] == ["文件无法解析为 Excel 工作簿"]


def test_a_workbook_without_the_sheets_is_refused(client, office_a, zone_a):
    client.force_login(office_a)
    response = upload(client, zone_a, Workbook())
    assert response.context["errors"] == ["文件中没有“填报”表，请使用本系统下载的数据填报模板"]


def test_a_zip_bomb_is_refused_before_unpacking(client, office_a, zone_a, settings):
    settings.XLSX_MAX_UNPACKED_BYTES = 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (5 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100 * 1024
    client.force_login(office_a)
    response = upload(client, zone_a, buffer.getvalue())
    assert response.context["errors"] == ["文件解压后超过 1 MB，已拒绝"]
    assert not DataChange.objects.exists()


# Permissions ------------------------------------------------------------------------


def test_a_liaison_uploads_their_own_template(client, liaison_x, zone_a, data_matrix):
    client.force_login(liaison_x)
    wb = download(client, zone_a)
    fill(wb[FIGURE_SHEET], RETAIL)
    wb[OPERATORS].append([None, "甲电商有限公司", CODE, 2024, 26500])
    assert upload(client, zone_a, wb).status_code == 302
    assert DataValue.objects.count() == 3 and OperatorEntry.objects.count() == 1


def test_a_liaisons_upload_with_other_units_metrics_is_refused(client, office_a, liaison_x, zone_a, data_matrix):
    client.force_login(office_a)
    wb = download(client, zone_a)  # the office's template: every metric, both lists
    fill(wb[FIGURE_SHEET], {**RETAIL, ("express_volume", 2024): 5000})
    client.force_login(liaison_x)
    response = upload(client, zone_a, wb)
    assert response.status_code == 403
    row = row_of(wb[FIGURE_SHEET], ("express_volume", 2024))
    assert f"“填报”表第{row}行：统计指标“快递业务量”不属于您所在单位负责的指标，无权填报" in response.context["errors"]
    assert not DataValue.objects.exists() and not DataChange.objects.exists()


def test_a_liaison_may_not_upload_a_list_their_unit_does_not_answer_for(
    client, office_a, liaison_x, zone_a, data_matrix
):
    client.force_login(liaison_x)
    wb = download(client, zone_a)
    sheet = wb.create_sheet(OUTCOMES, 1)
    sheet.append(["编号", "成果名称", "类型", "发布日期", "佐证材料编号"])
    sheet.append([None, "办法", "规章", "2024-06-01", None])
    response = upload(client, zone_a, wb)
    assert response.status_code == 403
    assert "“制度化标准化成果”表：您无权填报制度化标准化成果" in response.context["errors"]
    assert not OutcomeEntry.objects.exists()


def test_office_b_cannot_upload_to_zone_a(client, office_b, zone_a):
    client.force_login(office_b)
    assert upload(client, zone_a, Workbook()).status_code == 404
    assert client.get(reverse("data:template", args=[zone_a.pk])).status_code == 404
