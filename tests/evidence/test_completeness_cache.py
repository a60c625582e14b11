"""The 完整性 grid is cached per zone under a token every write replaces: a write, then a read,
shows the new value (evidence accepted, a matrix cell set, a figure entered, a matrix rebuilt), and
a liaison, who sees only their unit's column, never gets the office's cached grid (nor the reverse)."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.cache import zone_data_generation
from evidence.completeness import completeness_page
from evidence.models import DataValue, Evidence
from evidence.services import evidence_accept
from indicators.models import Metric
from tests.evidence.test_data_fixtures import data_matrix
from zones.matrix import LEAD, indicator_responsibility_set, responsibility_matrix_build

pytestmark = pytest.mark.django_db(transaction=True)  # on_commit invalidation runs as in production
__all__ = ["data_matrix"]


@pytest.fixture(autouse=True)
def local_memory_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "c"}}
    cache.clear()
    yield
    cache.clear()


def row(page, code):
    html = "".join(d.rows_html for d in page.dimensions)
    return re.search(rf'<tr class="[^"]*" data-code="{re.escape(code)}".*?</tr>', html).group(0)


def cell(page, code, unit):
    """The unit's <td> in the row (the first two cells are the name and the figures)."""
    cells = re.findall(r"<td[^>]*>.*?</td>", row(page, code))[2:]
    return cells[[u.pk for u in page.units].index(unit.pk)]


def read(zone, user):
    with CaptureQueriesContext(connection) as ctx:
        page = completeness_page(zone=zone, user=user)
    return page, len(ctx)


def test_second_read_comes_from_the_cache(office_a, zone_a, unit_x, data_matrix):
    Evidence.objects.create(zone=zone_a, indicator=data_matrix["1"], unit=unit_x, status="submitted", title="材料")
    first, cold = read(zone_a, office_a)
    second, warm = read(zone_a, office_a)
    assert warm < cold and warm <= 3
    assert cell(second, "1", unit_x) == cell(first, "1", unit_x) == '<td class="s l">1</td>'


def test_evidence_accepted_changes_its_cell_at_once(office_a, zone_a, unit_x, data_matrix):
    piece = Evidence.objects.create(
        zone=zone_a, indicator=data_matrix["1"], unit=unit_x, status="submitted", title="材料"
    )
    before, _ = read(zone_a, office_a)
    assert cell(before, "1", unit_x) == '<td class="s l">1</td>'
    evidence_accept(evidence=piece, user=office_a)  # a conditional UPDATE: no post_save of Evidence
    after, _ = read(zone_a, office_a)
    assert cell(after, "1", unit_x) == '<td class="a l">1</td>'


def test_a_matrix_change_changes_the_grid_at_once(office_a, zone_a, unit_x, unit_y, data_matrix):
    before, _ = read(zone_a, office_a)
    assert cell(before, "1", unit_y) == "<td></td>"  # unit Y neither answers for item 1 nor has evidence
    indicator_responsibility_set(zone=zone_a, indicator=data_matrix["1"], unit=unit_y, state=LEAD)
    after, _ = read(zone_a, office_a)
    assert cell(after, "1", unit_y) == '<td class="m l">·</td>'


def test_a_matrix_rebuild_replaces_the_token(zone_a, data_matrix):
    before = zone_data_generation(zone_a.pk)
    responsibility_matrix_build(zone=zone_a)  # bulk writes: no signals, the service replaces the token
    assert zone_data_generation(zone_a.pk) != before


def test_a_figure_entered_shows_at_once(office_a, zone_a, unit_x, data_matrix):
    before, _ = read(zone_a, office_a)
    assert "2024年 网上零售额" in row(before, "1")
    metric = Metric.objects.get(key="online_retail_sales")
    DataValue.objects.create(zone=zone_a, metric=metric, year=2024, value=Decimal(380))
    after, _ = read(zone_a, office_a)
    assert "2024年 网上零售额" not in row(after, "1")


def test_a_liaison_never_gets_the_offices_grid(client, office_a, liaison_x, zone_a, unit_x, unit_y, data_matrix):
    Evidence.objects.create(zone=zone_a, indicator=data_matrix["3"], unit=unit_y, status="draft", title="Y的材料")
    office, _ = read(zone_a, office_a)  # cached first, with both columns
    assert {u.pk for u in office.units} == {unit_x.pk, unit_y.pk}
    liaison, _ = read(zone_a, liaison_x)
    assert [u.pk for u in liaison.units] == [unit_x.pk]
    client.force_login(liaison_x)
    page = client.get(reverse("data:completeness", args=[zone_a.pk])).content.decode()
    assert f'data-unit="{unit_y.pk}"' not in page and f'data-unit="{unit_x.pk}"' in page
    # And the office, after the liaison, still gets every column.
    again, _ = read(zone_a, office_a)
    assert {u.pk for u in again.units} == {unit_x.pk, unit_y.pk}
