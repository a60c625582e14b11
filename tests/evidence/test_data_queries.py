"""The data-submission pages run a fixed number of queries, with 1× or 10× the data."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evidence.credit_code import check_character
from evidence.data.services import LIST_SPECS, Via, entry_create
from evidence.models import DataValue
from indicators.models import Indicator, Metric
from tests.factories import UnitFactory
from zones.models import IndicatorResponsibility

pytestmark = pytest.mark.django_db


def grow(zone, unit_x, office, n: int) -> None:
    """n more units (each answering for a few items), operators, outcomes and history rows."""
    items = list(Indicator.objects.filter(system=zone.system, level=3).order_by("position"))
    for i in range(n):
        unit = UnitFactory(zone=zone, name=f"增补单位{zone.units.count()}")
        IndicatorResponsibility.objects.bulk_create(
            IndicatorResponsibility(zone=zone, indicator=item, unit=unit) for item in items[i % 10 :: 10]
        )
        first17 = f"91350400MA{zone.units.count():07d}"
        entry_create(
            spec=LIST_SPECS["operators"],
            zone=zone,
            user=office,
            via=Via.FORM,
            raw={
                "name": f"经营者{first17}",
                "credit_code": first17 + check_character(first17),
                "year": 2024,
                "annual_sales": "30000",
            },
        )
        entry_create(
            spec=LIST_SPECS["outcomes"],
            zone=zone,
            user=office,
            via=Via.FORM,
            raw={"title": f"规范性文件{i}-{zone.units.count()}", "kind": "normative", "issued_on": "2024-05-01"},
        )
    for item in items[:10]:
        IndicatorResponsibility.objects.get_or_create(zone=zone, indicator=item, unit=unit_x)
    metrics = list(Metric.objects.filter(kind="input"))
    for metric in metrics[: 3 * n]:
        DataValue.objects.update_or_create(
            zone=zone, metric=metric, year=2024, defaults={"value": Decimal(n), "updated_by": office}
        )


def pages(zone, unit):
    return [
        reverse("data:zone", args=[zone.pk]),
        reverse("data:zone-all", args=[zone.pk]),
        reverse("data:unit", args=[zone.pk, unit.pk]),
        reverse("data:entries", args=[zone.pk, "operators"]),
        reverse("data:entries", args=[zone.pk, "outcomes"]),
        reverse("data:history", args=[zone.pk]),
        reverse("data:excel", args=[zone.pk]),
        reverse("data:completeness", args=[zone.pk]),
    ]


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_data_pages_run_a_fixed_number_of_queries(client, zone_a, unit_x, office_a):
    client.force_login(office_a)
    grow(zone_a, unit_x, office_a, 1)
    urls = pages(zone_a, unit_x)
    for url in urls:
        client.get(url)  # warm the session
    small = {url: count(client, url) for url in urls}
    grow(zone_a, unit_x, office_a, 9)
    large = {url: count(client, url) for url in urls}
    assert large == small
