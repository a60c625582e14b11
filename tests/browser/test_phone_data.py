"""At 390 px (a phone) a liaison's data pages read without sideways scrolling (issue 10 §5):
the data form (its inputs stack, derived figures wrap), the history (rows become cards, with
the pager), the list inputs and the Excel page. A figure is entered from the phone and shows
in the history."""

import re
from decimal import Decimal

from playwright.sync_api import expect

from evidence.models import DataChange, DataValue
from indicators.models import Metric
from tests.evidence.test_data_fixtures import data_matrix

__all__ = ["data_matrix"]
PASSWORD = "Test@2024!"  # tests.factories.UserFactory
PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page) -> None:
    """Neither the page nor a table inside it scrolls sideways (a hidden inner scroll counts too)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{page.url}: document {width} px wide in a {viewport} px window"
    inner = page.evaluate(
        "[...document.querySelectorAll('.table-responsive')]"
        ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.querySelector('table')?.id || '?')"
    )
    assert inner == [], f"{page.url}: tables scroll sideways inside the page: {inner}"


def many_changes(zone, user, count: int) -> None:
    metric = Metric.objects.get(key="online_retail_sales")
    DataChange.objects.bulk_create(
        DataChange(
            zone=zone,
            target=DataChange.Target.VALUE,
            action=DataChange.Action.UPDATED,
            metric=metric,
            year=2023,
            label=f"{metric.name} 2023年（统计部门按可比口径核定后的修订数据）",
            field="value",
            old_value=f"{1234567890.1234 + i}",
            new_value=f"{1234567891.1234 + i}",
            changed_by=user,
            via=DataChange.Via.EXCEL,
        )
        for i in range(count)
    )


def test_the_data_form_and_history_fit_a_phone(page, live_server, login, zone_a, unit_x, liaison_x, data_matrix):
    many_changes(zone_a, liaison_x, 55)  # more than one page (50)
    page.set_viewport_size(PHONE)
    login("liaison_x", PASSWORD)

    page.goto(f"{live_server.url}/data/zones/{zone_a.pk}/")
    no_sideways_scroll(page)

    page.goto(f"{live_server.url}/data/zones/{zone_a.pk}/units/{unit_x.pk}/")
    field = page.locator("input[name='value-online_retail_sales-2024']")
    expect(field).to_be_visible()
    no_sideways_scroll(page)
    field.fill("381.2")
    page.locator("input[name='value-online_retail_sales-2023']").fill("352.8")
    no_sideways_scroll(page)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("保存")).first.click()
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    no_sideways_scroll(page)
    assert DataValue.objects.get(zone=zone_a, metric__key="online_retail_sales", year=2024).value == Decimal("381.2")

    page.goto(f"{live_server.url}/data/zones/{zone_a.pk}/history/")
    expect(page.locator("#history-count")).to_contain_text("57")
    expect(page.locator(".history-row")).to_have_count(50)
    no_sideways_scroll(page)
    page.locator(".pager").get_by_role("link", name="下一页").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".history-row")).to_have_count(7)
    no_sideways_scroll(page)

    page.select_option("#history-year", "2024")
    with page.expect_navigation():
        page.locator("#history-filter").get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"year=2024"))
    expect(page.locator(".history-row")).to_have_count(1)
    expect(page.locator("#history-table")).to_contain_text("381.2")
    no_sideways_scroll(page)

    for path in ("lists/operators/", "excel/"):
        page.goto(f"{live_server.url}/data/zones/{zone_a.pk}/{path}")
        no_sideways_scroll(page)
