"""The completeness matrix: cell states, figures, readiness, who sees which columns, fixed query count."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evidence.completeness import zone_completeness
from evidence.models import DataValue, Evidence, OperatorEntry
from indicators.models import Metric, ScoringItem
from tests.evidence.test_data_fixtures import data_liaison_y, data_matrix
from tests.factories import UnitFactory
from zones.models import IndicatorResponsibility

pytestmark = pytest.mark.django_db
__all__ = ["data_liaison_y", "data_matrix"]


def evidence(zone, indicator, unit, status="draft", sub=None, title="材料"):
    extra = {}
    if status in ("accepted", "returned"):
        extra["reviewed_at"] = timezone.now()
    if status == "returned":
        extra["return_reason"] = "不清晰"
    return Evidence.objects.create(
        zone=zone, indicator=indicator, unit=unit, status=status, scoring_item=sub, title=title, **extra
    )


def figures(zone, rows):
    metrics = {m.key: m for m in Metric.objects.all()}
    for (key, year), value in rows.items():
        DataValue.objects.create(zone=zone, metric=metrics[key], year=year, value=Decimal(value))


def rows_by_code(matrix):
    return {row.code: row for dim in matrix.dimensions for row in dim.rows}


def url(zone, query=""):
    return reverse("data:completeness", args=[zone.pk]) + query


def test_cell_states_and_readiness(office_a, zone_a, unit_x, unit_y, data_matrix):
    items = data_matrix
    evidence(zone_a, items["1"], unit_x, "accepted")
    evidence(zone_a, items["2"], unit_x, "accepted")
    evidence(zone_a, items["2"], unit_x, "submitted")
    evidence(zone_a, items["6"], unit_x, "returned")
    evidence(zone_a, items["4"], unit_x, "draft")
    figures(zone_a, {("online_retail_sales", 2022): 310, ("online_retail_sales", 2023): 350})
    matrix = zone_completeness(zone=zone_a, user=office_a)
    assert [u.pk for u in matrix.units] == [unit_x.pk, unit_y.pk]
    rows = rows_by_code(matrix)
    assert len([r for r in rows.values() if r.kind == "item"]) == 41 == matrix.item_count

    def cell(code, unit):
        return next(c for c in rows[code].cells if c.unit == unit)

    assert cell("1", unit_x).state == "accepted" and cell("1", unit_x).lead
    assert cell("2", unit_x).state == "submitted" and cell("2", unit_x).counts == {"accepted": 1, "submitted": 1}
    assert cell("6", unit_x).state == "returned"
    assert cell("4", unit_x).state == "draft"
    assert cell("3", unit_y).state == "missing" and cell("3", unit_y).responsible
    assert not cell("3", unit_x).shown  # unit X does not answer for item 3

    # Item 1 reads the online retail growth of 2023 and 2024: 2024 is missing.
    assert rows["1"].quantitative and rows["1"].missing == ["2024年 网上零售额"]
    assert not rows["1"].ready
    assert not rows["12"].quantitative  # a judged item: no figures to check
    assert rows["4"].missing == ["规模以上网络交易经营者名单"]
    assert matrix.ready_count == 0

    figures(zone_a, {("online_retail_sales", 2024): 380})
    rows = rows_by_code(zone_completeness(zone=zone_a, user=office_a))
    assert rows["1"].missing == [] and rows["1"].figures_complete
    assert rows["1"].ready  # figures complete, evidence all accepted
    assert not rows["2"].ready  # evidence still waiting for review (and social retail missing)


def test_an_official_growth_rate_completes_a_growth_figure(office_a, zone_a, data_matrix):
    DataValue.objects.create(
        zone=zone_a, metric=Metric.objects.get(key="online_retail_sales"), year=2023, published_growth=5
    )
    DataValue.objects.create(
        zone=zone_a, metric=Metric.objects.get(key="online_retail_sales"), year=2024, published_growth=6
    )
    assert rows_by_code(zone_completeness(zone=zone_a, user=office_a))["1"].missing == []


def test_a_responsible_unit_without_accepted_evidence_keeps_the_item_from_ready(
    office_a, zone_a, unit_x, unit_y, data_matrix
):
    IndicatorResponsibility.objects.create(zone=zone_a, indicator=data_matrix["1"], unit=unit_y)
    evidence(zone_a, data_matrix["1"], unit_x, "accepted")
    figures(zone_a, {("online_retail_sales", y): 100 + y for y in (2022, 2023, 2024)})
    rows = rows_by_code(zone_completeness(zone=zone_a, user=office_a))
    assert not rows["1"].ready
    evidence(zone_a, data_matrix["1"], unit_y, "accepted")
    rows = rows_by_code(zone_completeness(zone=zone_a, user=office_a))
    assert rows["1"].ready


def test_sub_criteria_have_their_own_rows(office_a, zone_a, unit_x, data_matrix):
    item_17 = data_matrix["17"]
    IndicatorResponsibility.objects.create(zone=zone_a, indicator=item_17, unit=unit_x)
    sub = ScoringItem.objects.get(indicator=item_17, code="17.1")
    evidence(zone_a, item_17, unit_x, "accepted", sub=sub)
    evidence(zone_a, item_17, unit_x, "submitted")  # on the item as a whole
    rows = rows_by_code(zone_completeness(zone=zone_a, user=office_a))
    assert rows["17.1"].kind == "sub" and rows["17.1"].cells[0].state == "accepted"
    assert rows["17.2"].cells[0].state == "missing"
    assert rows["17"].cells[0].counts == {"accepted": 1, "submitted": 1}
    assert rows["17.1"].missing == ["2024年 涉网违法案件线索举报按时核查率"]
    assert "1.1" not in rows  # single-criterion items have no sub rows


def test_the_page_filters_by_unit_and_dimension(client, office_a, zone_a, unit_x, unit_y, data_matrix):
    client.force_login(office_a)
    response = client.get(url(zone_a, f"?unit={unit_y.pk}&dimension=A"))
    assert response.status_code == 200
    matrix = response.context["matrix"]
    assert [u.pk for u in matrix.units] == [unit_y.pk]
    assert [d.code for d in matrix.dimensions] == ["A"]
    assert matrix.item_count == 10  # 促进发展: items 1–10
    page = response.content.decode()
    assert 'id="completeness-matrix"' in page and "cm-missing" in page


def test_a_liaison_sees_their_units_column_only(client, liaison_x, zone_a, unit_x, unit_y, data_matrix):
    evidence(zone_a, data_matrix["3"], unit_y, "accepted")
    client.force_login(liaison_x)
    response = client.get(url(zone_a))
    assert response.status_code == 200
    assert [u.pk for u in response.context["matrix"].units] == [unit_x.pk]
    assert [u.pk for u in response.context["matrix"].all_units] == [unit_x.pk]
    # Asking for another unit's column shows nothing of it.
    response = client.get(url(zone_a, f"?unit={unit_y.pk}"))
    assert response.context["matrix"].units == []


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office_a", 200),
        ("reviewer_fujian", 200),
        ("evaluator_a", 200),  # an evaluator checks the evidence behind the figures
        ("office_b", 404),
        ("reviewer_zhejiang", 404),
        ("outsider", 404),
    ],
)
def test_who_may_view_the_matrix(request, client, zone_a, data_matrix, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(zone_a)).status_code == status


def test_the_provincial_reviewer_sees_every_unit(client, reviewer_fujian, zone_a, unit_x, unit_y, data_matrix):
    client.force_login(reviewer_fujian)
    assert [u.pk for u in client.get(url(zone_a)).context["matrix"].units] == [unit_x.pk, unit_y.pk]


# A fixed number of queries -------------------------------------------------------------


def _grow(zone, items, factor: int) -> None:
    """``factor`` × (5 units, each answering for every item with 3 pieces of evidence per item)."""
    codes = sorted(items, key=lambda c: int(c))
    for n in range(5 * factor):
        unit = UnitFactory(zone=zone)
        IndicatorResponsibility.objects.bulk_create(
            IndicatorResponsibility(zone=zone, indicator=items[c], unit=unit) for c in codes
        )
        Evidence.objects.bulk_create(
            Evidence(zone=zone, indicator=items[c], unit=unit, title=f"材料{n}-{c}-{k}", status="submitted")
            for c in codes
            for k in range(3)
        )


def _queries(client, zone) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url(zone))
    assert response.status_code == 200
    return len(ctx)


def test_the_page_runs_a_fixed_number_of_queries(client, office_a, zone_a, data_matrix):
    client.force_login(office_a)
    OperatorEntry.objects.create(zone=zone_a, name="甲", credit_code="91350100M000100Y43", year=2024, annual_sales=1)
    _grow(zone_a, data_matrix, 1)
    small = _queries(client, zone_a)
    _grow(zone_a, data_matrix, 9)  # 10× the units and evidence
    large = _queries(client, zone_a)
    assert large == small
    assert small <= 20


def test_the_page_size_stays_bounded_at_province_scale(client, office_a, zone_a, data_matrix):
    """60 more units, each answering for four items with evidence on each (a province's matrix): the
    grid is whole (every column, every row) and under the 300 KB page budget, because each cell is
    drawn once in the selector, a few bytes (its state's letter and count), and an empty one is a bare <td>."""
    codes = sorted(data_matrix, key=int)
    for n in range(60):
        unit = UnitFactory(zone=zone_a)
        mine = [data_matrix[codes[(n * 4 + k) % len(codes)]] for k in range(4)]
        IndicatorResponsibility.objects.bulk_create(
            IndicatorResponsibility(zone=zone_a, indicator=item, unit=unit) for item in mine
        )
        Evidence.objects.bulk_create(
            Evidence(zone=zone_a, indicator=item, unit=unit, title=f"材料{n}-{k}", status="submitted")
            for item in mine
            for k in range(3)
        )
    client.force_login(office_a)
    response = client.get(url(zone_a))
    page = response.content.decode()
    assert len(response.context["matrix"].units) == 62  # and units X and Y
    assert page.count('class="cm-unit"') == 62
    assert page.count('<td class="s">3</td>') == 240  # 60 units × 4 items, 3 pieces waiting for review
    assert len(response.content) < 300_000, len(response.content)


def test_a_dense_60_unit_grid_is_under_the_page_budget(client, office_a, zone_a, data_matrix):
    """The worst case at province scale: 60 units each answering for all 41 items, every cell holding
    evidence in two states (so every cell carries its counts in data-n): still well under 300 KB."""
    units = [UnitFactory(zone=zone_a, name=f"甲市第{n}责任单位", short_name=f"单位{n}") for n in range(60)]
    items = list(data_matrix.values())
    IndicatorResponsibility.objects.bulk_create(
        IndicatorResponsibility(zone=zone_a, indicator=item, unit=unit) for item in items for unit in units
    )
    Evidence.objects.bulk_create(
        Evidence(zone=zone_a, indicator=item, unit=unit, title=f"材料{status}", status=status)
        for item in items
        for unit in units
        for status in ("draft", "submitted")
    )
    client.force_login(office_a)
    response = client.get(url(zone_a))
    page = response.content.decode()
    assert page.count('class="cm-unit"') == 62
    assert page.count('<td class="s" data-n="0 1 0 1">2</td>') == 41 * 60  # submitted beats draft
    assert len(response.content) < 250_000, len(response.content)  # the budget is 300 KB


def test_a_cell_in_several_states_carries_its_counts(client, office_a, zone_a, unit_x, data_matrix):
    for status in ("accepted", "accepted", "returned"):
        evidence(zone_a, data_matrix["1"], unit_x, status)
    evidence(zone_a, data_matrix["2"], unit_x, "accepted")
    client.force_login(office_a)
    page = client.get(url(zone_a)).content.decode()
    assert 'data-tip-accepted="已采纳"' in page and 'data-tip-none="尚无佐证材料"' in page  # the tooltip's words
    cells = [re.findall(r"<td[^>]*>[^<]*</td>", row)[0] for row in _rows(page, "1", "2")]
    # Item 1: unit X leads it; 2 accepted, 1 returned (returned needs action first); item 2: all accepted.
    assert cells == ['<td class="r l" data-n="2 0 1 0">3</td>', '<td class="a">1</td>']


def _rows(page: str, *codes: str) -> list[str]:
    return [re.search(rf'<tr class="cm-item[^"]*" data-code="{c}".*?</tr>', page, re.S).group(0) for c in codes]


def test_the_cells_escape_what_they_print(client, office_a, zone_a, unit_x, data_matrix):
    unit_x.short_name = '<b onmouseover="x">局</b>'
    unit_x.save()
    evidence(zone_a, data_matrix["1"], unit_x, "submitted")
    client.force_login(office_a)
    page = client.get(url(zone_a)).content.decode()
    # The unit's name is printed once, in its column's header, escaped; the cells carry no text from the
    # database (the browser builds their tooltips from the header with textContent).
    assert f'data-unit="{unit_x.pk}">&lt;b onmouseover=&quot;x&quot;&gt;局&lt;/b&gt;</th>' in page
    row = _rows(page, "1")[0]
    assert re.findall(r"<td[^>]*>[^<]*</td>", row)[:2] == ['<td class="s l">1</td>', "<td></td>"]  # units X, Y
    assert "<b onmouseover" not in page
