"""The two whole grids in Chromium: their cells are a few bytes each (issue 9's page budget), and
static/js/grid-tips.js gives them back what they used to print per cell — each cell's tooltip,
worked out from the row and the column's header, and in the responsibility matrix the office's
click that cycles a cell 空 → 责任 → 牵头 → 空 (one listener for the table, htmx.ajax)."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from evidence.models import Evidence
from tests.evidence.test_data_fixtures import data_matrix
from tests.factories import UnitFactory
from zones.models import IndicatorResponsibility

PASSWORD = "Test@2024!"  # tests.factories.UserFactory
__all__ = ["data_matrix"]


def test_the_office_cycles_a_matrix_cell_and_every_cell_has_its_tooltip(page, live_server, login, zone_a, office_a):
    units = [UnitFactory(zone=zone_a, name=f"甲市第{i}局", short_name=f"第{i}局", position=i) for i in range(3)]
    login("office_a", PASSWORD)
    page.goto(f"{live_server.url}/zones/{zone_a.pk}/matrix/")
    cell = page.locator("#item-1 > td").nth(1)  # item 1 × 第1局
    button = cell.locator("button")
    expect(button).to_have_attribute("title", "1 · 第1局")
    expect(page.locator("#item-2 > td").nth(2).locator("button")).to_have_attribute("title", "2 · 第2局")

    def state():
        row = IndicatorResponsibility.objects.filter(zone=zone_a, indicator__code="1", unit=units[1]).first()
        return None if row is None or row.removed else ("lead" if row.is_lead else "responsible")

    for text, css, expected in (("责任", "r", "responsible"), ("牵头", "l", "lead"), ("空", "", None)):
        page.locator("#item-1 > td").nth(1).locator("button").click()
        cell = page.locator("#item-1 > td").nth(1)
        expect(cell).to_have_class(css) if css else expect(cell).not_to_have_attribute("class", re.compile("."))
        expect(cell).to_contain_text(text) if css else expect(cell.locator("i")).to_have_text(text)
        expect(cell.locator("button")).to_have_attribute("title", "1 · 第1局")  # the swapped-in cell's too
        assert state() == expected
    # The other cells of the row were left alone.
    assert not IndicatorResponsibility.objects.filter(zone=zone_a, removed=False).exclude(unit=units[1]).exists()


def test_a_read_only_matrix_has_tooltips_and_nothing_to_click(page, live_server, login, zone_a, reviewer_fujian):
    UnitFactory(zone=zone_a, name="甲市商务局", short_name="商务局")
    login(reviewer_fujian.username, PASSWORD)
    page.goto(f"{live_server.url}/zones/{zone_a.pk}/matrix/")
    expect(page.locator("#matrix button")).to_have_count(0)
    expect(page.locator("#item-3 > td").first).to_have_attribute("title", "3 · 商务局")


def test_the_completeness_cells_have_their_counts_as_tooltips(
    page, live_server, login, zone_a, office_a, unit_x, unit_y, data_matrix
):
    reviewed = {"reviewed_at": timezone.now()}
    for status, extra in (
        ("accepted", {}),
        ("returned", {"return_reason": "不清晰"}),
        ("returned", {"return_reason": "缺页"}),
    ):
        Evidence.objects.create(
            zone=zone_a, indicator=data_matrix["1"], unit=unit_x, status=status, title="材料", **reviewed, **extra
        )
    Evidence.objects.create(zone=zone_a, indicator=data_matrix["2"], unit=unit_x, status="submitted", title="材料")
    login("office_a", PASSWORD)
    page.goto(f"{live_server.url}/data/zones/{zone_a.pk}/completeness/")
    grid = page.locator("#completeness-matrix")
    column = {pk: grid.locator(f'th[data-unit="{pk}"]').evaluate("th => th.cellIndex") for pk in (unit_x.pk, unit_y.pk)}
    x_name = unit_x.short_name or unit_x.name
    y_name = unit_y.short_name or unit_y.name

    def cell(code, unit):
        return grid.locator(f'tr[data-code="{code}"] > td').nth(column[unit.pk])

    expect(cell("1", unit_x)).to_have_attribute("title", f"{x_name}：已采纳 1，退回 2")
    expect(cell("1", unit_x)).to_have_text("3")
    expect(cell("2", unit_x)).to_have_attribute("title", f"{x_name}：待审核 1")
    expect(cell("3", unit_y)).to_have_attribute("title", f"{y_name}：尚无佐证材料")  # Y answers for item 3
    expect(cell("3", unit_x)).not_to_have_attribute("title", re.compile("."))  # X neither answers nor has any
