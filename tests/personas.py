"""Persona fixtures, so permission tests read like sentences.

Zone A (福建省 三明市, with unit X) is the zone under test; zone B lies in another
province (浙江省). Every persona belongs to zone A's side unless named "outsider".
"""

import pytest
from django.core.management import call_command

from tests.factories import CityFactory, MembershipFactory, ProvinceFactory, UnitFactory, UserFactory, ZoneFactory
from zones.models import Membership, Region

Role = Membership.Role


@pytest.fixture
def standard(db):
    """The national indicator system and benchmarks, loaded as `load_standard` does."""
    call_command("load_standard", verbosity=0, stdout=open("/dev/null", "w"))


@pytest.fixture
def zone_a(standard):
    return ZoneFactory(name="甲创建对象", region=CityFactory(name="甲市", parent=ProvinceFactory(name="福建省")))


@pytest.fixture
def zone_b(standard):
    other = ProvinceFactory(name="浙江省")
    return ZoneFactory(name="乙创建对象", region=CityFactory(name="乙市", parent=other))


@pytest.fixture
def unit_x(zone_a):
    return UnitFactory(zone=zone_a, name="甲市商务局", short_name="商务局")


@pytest.fixture
def unit_y(zone_a):
    return UnitFactory(zone=zone_a, name="甲市统计局", short_name="统计局")


@pytest.fixture
def office_a(zone_a):
    return MembershipFactory(user=UserFactory(username="office_a", is_staff=True), role=Role.OFFICE, zone=zone_a).user


@pytest.fixture
def liaison_x(unit_x):
    return MembershipFactory(
        user=UserFactory(username="liaison_x"), role=Role.LIAISON, zone=unit_x.zone, unit=unit_x
    ).user


@pytest.fixture
def evaluator_a(zone_a):
    return MembershipFactory(user=UserFactory(username="evaluator_a"), role=Role.EVALUATOR, zone=zone_a).user


@pytest.fixture
def reviewer_fujian(zone_a):
    province = Region.objects.get(name="福建省", parent=None)
    return MembershipFactory(
        user=UserFactory(username="reviewer_fj"), role=Role.PROVINCIAL_REVIEWER, province=province
    ).user


@pytest.fixture
def office_b(zone_b):
    return MembershipFactory(user=UserFactory(username="office_b", is_staff=True), role=Role.OFFICE, zone=zone_b).user


@pytest.fixture
def reviewer_zhejiang(zone_b):
    province = Region.objects.get(name="浙江省", parent=None)
    return MembershipFactory(
        user=UserFactory(username="reviewer_zj"), role=Role.PROVINCIAL_REVIEWER, province=province
    ).user


@pytest.fixture
def outsider(db):
    """A logged-in user with no membership at all."""
    return UserFactory(username="outsider")
