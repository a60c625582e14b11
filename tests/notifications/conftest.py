"""Fixtures for the notices tests: zone A with units X and Y (a liaison each), zone B with its own office."""

import pytest

from indicators.models import Indicator
from tests.evidence.evidence_helpers import pdf_file
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from zones.models import IndicatorResponsibility, Membership

Role = Membership.Role


@pytest.fixture
def liaison_y(unit_y):
    return MembershipFactory(
        user=UserFactory(username="liaison_y"), role=Role.LIAISON, zone=unit_y.zone, unit=unit_y
    ).user


@pytest.fixture
def unit_b(zone_b):
    return UnitFactory(zone=zone_b, name="乙市商务局", short_name="商务局")


@pytest.fixture
def liaison_b(unit_b):
    return MembershipFactory(
        user=UserFactory(username="liaison_b"), role=Role.LIAISON, zone=unit_b.zone, unit=unit_b
    ).user


@pytest.fixture
def item_12(zone_a) -> Indicator:
    return Indicator.objects.get(system=zone_a.system, code="12")


@pytest.fixture
def evidence_x(zone_a, unit_x, item_12, liaison_x):
    """A draft piece of evidence of unit X for item 12 (unit X answers for it)."""
    from evidence.services import evidence_create

    IndicatorResponsibility.objects.create(zone=zone_a, indicator=item_12, unit=unit_x, is_lead=True)
    return evidence_create(
        zone=zone_a, indicator=item_12, unit=unit_x, user=liaison_x, file=pdf_file(), title="联席会议纪要"
    )
