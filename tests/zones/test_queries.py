"""Pages and API lists run a fixed number of queries, with 1× or 10× the data."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UnitFactory
from zones.models import KeyPark, LeadingGroupMember, Stage, StageStep, Unit, ZoneTransition
from zones.services import responsibility_matrix_build

pytestmark = pytest.mark.django_db


def grow(zone, office, n):
    """n more of everything: units (half counties), seats, parks, stages with steps, events."""
    start = Unit.objects.filter(zone=zone).count()
    for i in range(start, start + n):
        kind = Unit.Kind.COUNTY_GOVERNMENT if i % 2 else Unit.Kind.DEPARTMENT
        unit = UnitFactory(zone=zone, name=f"单位{i}", short_name=f"简{i}", kind=kind, position=i)
        LeadingGroupMember.objects.create(zone=zone, role="member", title=f"职务{i}", unit=unit, user=office)
        KeyPark.objects.create(zone=zone, name=f"园区{i}")
        stage = Stage.objects.create(
            zone=zone, name=f"阶段{i}", start=date(2024, 1, 1) + timedelta(days=i), end=date(2024, 12, 31)
        )
        StageStep.objects.bulk_create(StageStep(stage=stage, title=f"步骤{j}") for j in range(3))
        ZoneTransition.objects.create(zone=zone, from_status="application", to_status="approved", by=office)
    responsibility_matrix_build(zone=zone)


PAGES = [
    "zones:overview",
    "zones:settings",
    "zones:stages",
    "zones:units",
    "zones:leading-group",
    "zones:matrix",
    "zones:matrix-unmatched",
    "api-zone-detail",
    "api-zone-unit-list",
    "api-zone-leading-group-list",
    "api-zone-transition-list",
]


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", PAGES)
def test_fixed_number_of_queries(client, zone_a, office_a, name):
    client.force_login(office_a)
    url = reverse(name, args=[zone_a.pk])
    grow(zone_a, office_a, 2)
    client.get(url)  # warm the session and caches
    small = count(client, url)
    grow(zone_a, office_a, 18)
    assert count(client, url) == small, name


def test_home_and_zone_list_api_do_not_grow_with_zones(client, office_a, zone_a, superuser):
    from tests.factories import ZoneFactory

    client.force_login(superuser)
    for url in (reverse("home"), reverse("api-zone-list")):
        client.get(url)
        small = count(client, url)
        ZoneFactory.create_batch(9)
        assert count(client, url) == small, url
