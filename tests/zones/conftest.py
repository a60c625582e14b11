"""Fixtures for the zones tests (personas come from tests/personas.py)."""

from datetime import date

import pytest
from django.core.management import call_command

from tests.factories import UnitFactory, UserFactory
from zones.models import Unit, Zone
from zones.services import stages_create_from_template, zone_update


@pytest.fixture
def sanming(standard):
    """The demo zone, loaded as `load_demo` does (after `load_standard`)."""
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return Zone.objects.select_related("region__parent", "system").get(name="三明市")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def zone_a_period(zone_a):
    """Zone A with 001's creation period (2024-01-01 – 2026-02-28)."""
    return zone_update(zone=zone_a, data={"creation_start": date(2024, 1, 1), "creation_end": date(2026, 2, 28)})


@pytest.fixture
def zone_a_stages(zone_a_period):
    return stages_create_from_template(zone=zone_a_period, template="sanming-2024")


@pytest.fixture
def county_unit(zone_a):
    return UnitFactory(zone=zone_a, name="甲县人民政府", short_name="甲县", kind=Unit.Kind.COUNTY_GOVERNMENT)
