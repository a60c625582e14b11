"""The responsibility matrix: built from the indicator texts, unmatched names, hand edits."""

import pytest
from django.urls import reverse

from indicators.models import Indicator
from tests.factories import UnitFactory
from zones.models import IndicatorResponsibility, LeadingGroupMember, Unit, UnmatchedUnitName
from zones.selectors import responsibility_matrix
from zones.services import (
    indicator_responsibility_set,
    leading_group_member_create,
    responsibility_matrix_build,
    unmatched_unit_name_resolve,
)

pytestmark = pytest.mark.django_db


def cells(zone, code):
    """{unit short name: "lead" | "responsible"} for one item."""
    rows = IndicatorResponsibility.objects.filter(zone=zone, indicator__code=code, removed=False).select_related("unit")
    return {r.unit.short_name: "lead" if r.is_lead else "responsible" for r in rows}


def item(zone, code):
    return Indicator.objects.get(system=zone.system, code=code, level=3)


# --- the demo zone -------------------------------------------------------------------


def test_every_item_of_the_demo_has_a_responsible_unit_and_a_lead(sanming):
    matrix = responsibility_matrix(zone=sanming)
    assert len(matrix.rows) == 41
    assert [g.dimension.name for g in matrix.groups] == ["促进发展", "规范监管", "优化服务", "探索创新", "综合保障"]
    for row in matrix.rows:
        assert row.responsible_count >= 1, row.indicator.code
        assert row.lead_count >= 1, row.indicator.code
    assert not UnmatchedUnitName.objects.filter(zone=sanming).exists()  # every demo name is known


def test_item_13_is_led_by_market_regulation_with_all_member_units(sanming):
    got = cells(sanming, "13")
    assert got.pop("市场监管局") == "lead"
    member_units = set(
        LeadingGroupMember.objects.filter(zone=sanming, unit__isnull=False).values_list("unit__short_name", flat=True)
    )
    assert set(got) == member_units - {"市场监管局"}
    assert set(got.values()) == {"responsible"}
    assert "交通运输局" not in got  # a unit of the zone that holds no seat in the leading group


def test_item_1_note_puts_the_counties_on_every_item(sanming):
    counties = set(Unit.objects.filter(zone=sanming, kind="county_government").values_list("short_name", flat=True))
    assert len(counties) == 11
    for indicator in Indicator.objects.filter(system=sanming.system, level=3):
        got = cells(sanming, indicator.code)
        assert counties <= set(got), indicator.code
        assert all(got[c] == "responsible" for c in counties)


def test_first_listed_unit_leads_when_none_is_marked(sanming):
    assert cells(sanming, "2") == {"商务局": "lead", "统计局": "responsible"} | dict.fromkeys(
        Unit.objects.filter(zone=sanming, kind="county_government").values_list("short_name", flat=True),
        "responsible",
    )
    assert cells(sanming, "12")["发改委"] == "lead" and cells(sanming, "12")["商务局"] == "responsible"


def test_member_only_items_are_led_by_the_office_host_unit(sanming):
    assert cells(sanming, "32")["市场监管局"] == "lead"


def test_rebuild_is_idempotent(sanming):
    before = set(IndicatorResponsibility.objects.values_list("indicator_id", "unit_id", "is_lead", "source"))
    result = responsibility_matrix_build(zone=sanming)
    assert (result.created, result.updated, result.deleted, result.unmatched) == (0, 0, 0, 0)
    assert set(IndicatorResponsibility.objects.values_list("indicator_id", "unit_id", "is_lead", "source")) == before


# --- a small zone: unmatched names, mapping, manual edits -----------------------------


@pytest.fixture
def small_zone(zone_a):
    """Zone A with only 商务局, 统计局 and a county: many names of the texts stay unmatched."""
    UnitFactory(zone=zone_a, name="甲市商务局", short_name="商务局")
    UnitFactory(zone=zone_a, name="甲市统计局", short_name="统计局")
    UnitFactory(zone=zone_a, name="甲县人民政府", short_name="甲县", kind=Unit.Kind.COUNTY_GOVERNMENT)
    return zone_a


def test_unknown_names_are_kept_and_mapping_creates_the_responsibility_and_an_alias(small_zone):
    result = responsibility_matrix_build(zone=small_zone)
    assert result.unmatched > 0
    unmatched = UnmatchedUnitName.objects.filter(zone=small_zone, raw_name="市邮政管理局")
    assert [u.indicator.code for u in unmatched] == ["5"]
    statistics = Unit.objects.get(zone=small_zone, short_name="统计局")  # a deliberately odd mapping

    assert unmatched_unit_name_resolve(zone=small_zone, raw_name="市邮政管理局", unit=statistics) == 1
    row = IndicatorResponsibility.objects.get(zone=small_zone, indicator__code="5", unit=statistics)
    assert (row.source, row.is_lead, row.removed) == ("manual", False, False)
    statistics.refresh_from_db()
    assert "市邮政管理局" in statistics.aliases
    assert UnmatchedUnitName.objects.get(zone=small_zone, raw_name="市邮政管理局").resolved_unit == statistics

    # The alias now matches in the next build; the resolved record stays as history.
    responsibility_matrix_build(zone=small_zone)
    assert not UnmatchedUnitName.objects.filter(zone=small_zone, resolved_unit__isnull=True, raw_name="市邮政管理局")


def test_a_name_marked_lead_is_mapped_as_lead(small_zone):
    responsibility_matrix_build(zone=small_zone)
    unmatched = UnmatchedUnitName.objects.filter(zone=small_zone, raw_name="市市场监管局")
    assert unmatched.filter(indicator__code="13", is_lead=True).exists()
    commerce = Unit.objects.get(zone=small_zone, short_name="商务局")
    count = unmatched_unit_name_resolve(zone=small_zone, raw_name="市市场监管局", unit=commerce)
    assert count == unmatched.count() > 10  # one mapping serves every item naming it
    assert cells(small_zone, "13")["商务局"] == "lead"


def test_without_leading_group_members_means_every_non_county_unit(small_zone):
    responsibility_matrix_build(zone=small_zone)
    assert cells(small_zone, "32") == {"商务局": "responsible", "统计局": "responsible", "甲县": "responsible"}


def test_leading_group_seats_define_the_member_units(small_zone):
    commerce = Unit.objects.get(zone=small_zone, short_name="商务局")
    leading_group_member_create(zone=small_zone, role="member", title="市商务局副局长", unit=commerce)
    responsibility_matrix_build(zone=small_zone)
    assert "统计局" not in cells(small_zone, "32")


def test_rebuild_keeps_manual_edits(small_zone):
    responsibility_matrix_build(zone=small_zone)
    commerce = Unit.objects.get(zone=small_zone, short_name="商务局")
    statistics = Unit.objects.get(zone=small_zone, short_name="统计局")
    indicator_responsibility_set(zone=small_zone, indicator=item(small_zone, "2"), unit=commerce, state="none")
    indicator_responsibility_set(zone=small_zone, indicator=item(small_zone, "2"), unit=statistics, state="lead")
    indicator_responsibility_set(
        zone=small_zone, indicator=item(small_zone, "11"), unit=statistics, state="responsible"
    )
    expected = {"2": cells(small_zone, "2"), "11": cells(small_zone, "11")}
    assert expected["2"] == {"统计局": "lead", "甲县": "responsible"}

    responsibility_matrix_build(zone=small_zone)
    assert {"2": cells(small_zone, "2"), "11": cells(small_zone, "11")} == expected


def test_cell_edit_refuses_other_zones_units(small_zone, zone_b):
    foreign = UnitFactory(zone=zone_b, name="乙市商务局")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        indicator_responsibility_set(zone=small_zone, indicator=item(small_zone, "2"), unit=foreign, state="lead")
    with pytest.raises(ValidationError):
        unmatched_unit_name_resolve(zone=small_zone, raw_name="市邮政管理局", unit=foreign)


# --- pages ---------------------------------------------------------------------------


def test_grid_page_shows_items_units_and_cells(client, sanming):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="office"))
    page = client.get(reverse("zones:matrix", args=[sanming.pk])).content.decode()
    assert page.count('id="item-') == 41
    assert "网上零售额同比增速" in page and "促进发展" in page and "市场监管局" in page
    assert reverse("zones:matrix-cell", args=[sanming.pk]) in page


def test_office_cycles_a_cell_with_htmx(client, small_zone, office_a):
    responsibility_matrix_build(zone=small_zone)
    client.force_login(office_a)
    statistics = Unit.objects.get(zone=small_zone, short_name="统计局")
    url = reverse("zones:matrix-cell", args=[small_zone.pk])
    data = {"indicator": item(small_zone, "11").pk, "unit": statistics.pk, "state": "responsible"}
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    # The cell swapped in: its state as a class (static/js/grid-tips.js reads the next click's state from it).
    assert response.content.decode() == '<td class="r"><button>责任</button></td>'
    assert cells(small_zone, "11")["统计局"] == "responsible"
    assert client.post(url, {**data, "state": "bogus"}).status_code == 400
    other_system_item = {**data, "indicator": 999999}
    assert client.post(url, other_system_item).status_code == 404


def test_office_maps_an_unmatched_name_on_the_page(client, small_zone, office_a):
    client.force_login(office_a)
    client.post(reverse("zones:matrix-build", args=[small_zone.pk]))
    url = reverse("zones:matrix-unmatched", args=[small_zone.pk])
    page = client.get(url).content.decode()
    assert "市邮政管理局" in page
    commerce = Unit.objects.get(zone=small_zone, short_name="商务局")
    response = client.post(url, {"raw_name": "市邮政管理局", "unit": commerce.pk})
    assert response.status_code == 302
    assert cells(small_zone, "5")["商务局"] == "lead"
    commerce.refresh_from_db()
    assert commerce.aliases == ["市邮政管理局"]
    unknown = client.post(url, {"raw_name": "不存在的单位", "unit": commerce.pk})
    assert unknown.status_code == 400 and "没有待处理的单位名称" in unknown.content.decode()


def test_a_60_unit_grid_is_whole_and_under_the_page_budget(client, zone_a, office_a, reviewer_fujian):
    """Province scale (issue 9): 60 units × 41 items, every unit answering for every item. Each cell is
    a few bytes (no per-cell tooltip, hx-* or JSON: static/js/grid-tips.js reads them from the row and
    the column), so the whole grid stays well under 300 KB; the read-only grid has no buttons."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    items = list(Indicator.objects.filter(system=zone_a.system, level=3))
    units = [UnitFactory(zone=zone_a, name=f"甲市第{n}责任单位", short_name=f"单位{n}", position=n) for n in range(60)]
    IndicatorResponsibility.objects.bulk_create(
        IndicatorResponsibility(zone=zone_a, indicator=i, unit=u, is_lead=n == 0)
        for i in items
        for n, u in enumerate(units)
    )
    url = reverse("zones:matrix", args=[zone_a.pk])
    client.force_login(office_a)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    page = response.content.decode()
    assert page.count('<td class="r"><button>责任</button></td>') == 41 * 59
    assert page.count('<td class="l"><button>牵头</button></td>') == 41
    assert page.count('class="unit-col"') == 60 and page.count('id="item-') == 41
    assert f'data-cell-url="{reverse("zones:matrix-cell", args=[zone_a.pk])}"' in page
    assert "hx-vals" not in page and "grid-tips.js" in page
    assert len(response.content) < 200_000, len(response.content)  # the budget is 300 KB
    assert len(queries) < 20

    client.force_login(reviewer_fujian)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<td class="r">责任</td>') == 41 * 59 and "<button>" not in page
    assert "data-cell-url" not in page
