"""Extra personas for the account pages: the three administrators (三员分立)."""

import pytest

from tests.factories import MembershipFactory, UnitFactory, UserFactory
from zones.models import Membership

Role = Membership.Role
PASSWORD = "Test@2024!"


@pytest.fixture
def security_admin(db):
    return MembershipFactory(user=UserFactory(username="secadmin", is_staff=True), role=Role.SECURITY_ADMIN).user


@pytest.fixture
def audit_admin(db):
    return MembershipFactory(user=UserFactory(username="auditor", is_staff=True), role=Role.AUDIT_ADMIN).user


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def unit_b(zone_b):
    return UnitFactory(zone=zone_b, name="乙市商务局", short_name="商务局")
