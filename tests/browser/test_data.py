"""Data entry in the browser: the Excel round trip moves the score; the form computes growth as you type."""

import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.evidence.test_data_fixtures import data_matrix
from tests.factories import MembershipFactory, UserFactory
from zones.models import Membership

__all__ = ["data_matrix"]
PASSWORD = "Test@2024!"


def _office(zone):
    MembershipFactory(user=UserFactory(username="office_data"), role=Membership.Role.OFFICE, zone=zone)


def test_office_fills_the_template_uploads_it_and_the_score_changes(page, live_server, login, zone_a, tmp_path):
    _office(zone_a)
    login("office_data", PASSWORD)

    page.goto(f"{live_server.url}/assessments/zones/{zone_a.pk}/scores/")
    page.get_by_role("button", name="重新计算").click()  # jobs run eagerly in tests
    expect(page.locator("#score-total")).to_have_text("0")

    page.get_by_role("link", name="数据填报").first.click()
    expect(page).to_have_url(re.compile(rf"/data/zones/{zone_a.pk}/$"))
    page.locator("#data-nav").get_by_role("link", name="Excel 导入导出").click()
    with page.expect_download() as download:
        page.locator("#download-template").click()
    path = tmp_path / "template.xlsx"
    download.value.save_as(path)

    workbook = load_workbook(path)
    sheet = workbook["填报"]
    figures = {
        ("online_retail_sales", 2022): 310.5,
        ("online_retail_sales", 2023): 352.8,
        ("online_retail_sales", 2024): 381.2,
        ("social_retail_sales", 2022): 1000,
        ("social_retail_sales", 2023): 1010,
        ("social_retail_sales", 2024): 1020,
    }
    for row in range(2, sheet.max_row + 1):
        key = (sheet.cell(row, 1).value, sheet.cell(row, 4).value)
        if key in figures:
            sheet.cell(row, 5).value = figures[key]
    workbook["规模以上网络交易经营者"].append([None, "甲电商有限公司", "91350100M000100Y43", 2024, 26500])
    workbook.save(path)

    page.set_input_files("#id_file", str(path))
    page.locator("#upload-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("已导入")

    page.locator("#data-nav").get_by_role("link", name="评分").click()
    total = page.locator("#score-total")
    expect(total).not_to_have_text("0")
    assert float(total.inner_text()) >= 5  # items 2 and 6 (2 each) and item 4 (1)
    expect(page.locator("#item-2")).to_contain_text("2 / 2")


def test_the_form_computes_growth_as_you_type_and_the_server_agrees(
    page, live_server, login, zone_a, unit_x, data_matrix
):
    _office(zone_a)
    login("office_data", PASSWORD)
    page.goto(f"{live_server.url}/data/zones/{zone_a.pk}/units/{unit_x.pk}/")

    growth_2024 = page.locator('.derived-cell[data-derived="growth:online_retail_sales"][data-year="2024"]')
    expect(growth_2024.locator(".derived-note")).to_contain_text("缺少2023年 网上零售额、2024年 网上零售额")
    page.fill("#id_value-online_retail_sales-2023", "352.8")
    page.fill("#id_value-online_retail_sales-2024", "381.2")
    expect(growth_2024.locator(".derived-value")).to_have_text("8.05%")
    expect(growth_2024.locator(".derived-note")).to_have_text("按当年与上年总量计算")

    # A tie at the third decimal rounds half to even, as Decimal.quantize does: 100.005 → 0.00%.
    page.fill("#id_value-online_retail_sales-2023", "100")
    page.fill("#id_value-online_retail_sales-2024", "100.005")
    expect(growth_2024.locator(".derived-value")).to_have_text("0.00%")
    page.fill("#id_value-online_retail_sales-2023", "352.8")
    page.fill("#id_value-online_retail_sales-2024", "381.2")

    # The official rate wins; a ratio needs both figures.
    page.fill("#id_growth-online_retail_sales-2024", "-3.456")
    expect(growth_2024.locator(".derived-value")).to_have_text("-3.46%")
    page.fill("#id_growth-online_retail_sales-2024", "")
    share = page.locator(
        '.derived-cell[data-derived="ratio:online_retail_sales/social_retail_sales"][data-year="2024"]'
    )
    page.fill("#id_value-social_retail_sales-2024", "1020")
    expect(share.locator(".derived-value")).to_have_text("37.37%")
    page.fill("#id_value-social_retail_sales-2024", "0")
    expect(share.locator(".derived-note")).to_contain_text("为0，无法计算比值")
    page.fill("#id_value-social_retail_sales-2024", "1020")

    typed = {
        cell.get_attribute("data-derived") + cell.get_attribute("data-year"): cell.locator(
            ".derived-value"
        ).inner_text()
        for cell in page.locator(".derived-cell").all()
    }
    page.locator("#data-save").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    saved = {
        cell.get_attribute("data-derived") + cell.get_attribute("data-year"): cell.locator(
            ".derived-value"
        ).inner_text()
        for cell in page.locator(".derived-cell").all()
    }
    assert saved == typed
    assert saved["growth:online_retail_sales2024"] == "8.05%"


def test_a_bad_value_is_refused_with_its_message(page, live_server, login, zone_a, unit_x, data_matrix):
    _office(zone_a)
    login("office_data", PASSWORD)
    page.goto(f"{live_server.url}/data/zones/{zone_a.pk}/units/{unit_x.pk}/")
    page.fill("#id_value-online_retail_sales-2024", "-5")
    expect(page.locator("#id_value-online_retail_sales-2024")).to_have_class(re.compile("is-invalid"))
    page.locator("#data-save").click()
    expect(page.locator("#form-errors")).to_contain_text("“网上零售额”2024年数值不能为负数")


def test_older_evidence_is_searched_for_and_linked(page, live_server, login, zone_a, unit_x, data_matrix):
    """Each select lists only the newest evidence; the metric's search box finds the rest (issue 9)."""
    from evidence.models import DataEvidenceLink, Evidence

    _office(zone_a)
    old = Evidence.objects.create(zone=zone_a, indicator=data_matrix["1"], unit=unit_x, title="二〇二二年统计公报")
    Evidence.objects.bulk_create(
        Evidence(zone=zone_a, indicator=data_matrix["1"], unit=unit_x, title=f"月报{i}") for i in range(30)
    )
    login("office_data", PASSWORD)
    page.goto(f"{live_server.url}/data/zones/{zone_a.pk}/units/{unit_x.pk}/")
    select = page.locator("#id_evidence-online_retail_sales-2024")
    expect(select.locator("option")).to_have_count(11)  # "—" and the newest 10
    expect(select.locator(f'option[value="{old.pk}"]')).to_have_count(0)

    search = page.locator("#evidence-search-online_retail_sales")
    search.fill("二〇二二")
    search.press("Enter")  # searches, does not submit the form
    note = page.locator("#evidence-search-note-online_retail_sales")
    expect(note).to_have_text("找到 1 份，已列在下拉框中。")
    expect(select.locator("option")).to_have_count(2)
    expect(page.locator("#id_evidence-online_retail_sales-2023 option")).to_have_count(2)
    select.select_option(str(old.pk))
    page.fill("#id_value-online_retail_sales-2024", "381.2")

    search.fill("月报")  # a new search keeps what each select has chosen
    expect(note).to_contain_text("找到 30 份")
    expect(select).to_have_value(str(old.pk))
    page.locator("#data-save").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    assert DataEvidenceLink.objects.get().evidence == old
    expect(page.locator("#id_evidence-online_retail_sales-2024")).to_have_value(str(old.pk))
