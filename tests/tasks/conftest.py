"""Fixtures for the tasks tests: tasks of zone A (units X and Y) and of zone B."""

from datetime import date

import pytest

from indicators.models import Indicator
from tasks.services import task_create
from tests.factories import UnitFactory
from zones.models import Unit

DEADLINE = date(2030, 12, 31)  # ahead, so nothing is overdue unless a test says so


@pytest.fixture
def level3(zone_a):
    """Zone A's level-3 indicators by code ("1" … "41")."""
    return {i.code: i for i in Indicator.objects.filter(system=zone_a.system, level=3)}


@pytest.fixture
def unit_b(zone_b):
    return UnitFactory(zone=zone_b, name="乙市商务局", short_name="商务局")


@pytest.fixture
def task_xy(zone_a, unit_x, unit_y, office_a, level3):
    """A task of zone A for units X (lead) and Y, linked to indicators 1 and 3."""
    return task_create(
        zone=zone_a,
        number="1",
        title="加大政策扶持力度",
        description="出台促进和规范网络市场发展的政策。",
        deadline=DEADLINE,
        unit_ids=[unit_x.pk, unit_y.pk],
        lead_unit_ids=[unit_x.pk],
        indicator_ids=[level3["1"].pk, level3["3"].pk],
        user=office_a,
    )


@pytest.fixture
def task_y(zone_a, unit_y, office_a):
    """A task of zone A for unit Y only."""
    return task_create(zone=zone_a, title="打造精准执法模式", deadline=DEADLINE, unit_ids=[unit_y.pk], user=office_a)


@pytest.fixture
def task_b(zone_b, unit_b):
    return task_create(zone=zone_b, title="乙市的任务", deadline=DEADLINE, unit_ids=[unit_b.pk])


@pytest.fixture
def assignment_x(task_xy, unit_x):
    return task_xy.assignments.get(unit=unit_x)


@pytest.fixture
def assignment_y(task_xy, unit_y):
    return task_xy.assignments.get(unit=unit_y)


@pytest.fixture
def liaison_y(unit_y):
    from tests.factories import MembershipFactory, UserFactory
    from zones.models import Membership

    return MembershipFactory(
        user=UserFactory(username="liaison_y"), role=Membership.Role.LIAISON, zone=unit_y.zone, unit=unit_y
    ).user


@pytest.fixture
def sanming(standard):
    """A zone for 三明市 with 三明市's units (附件1 of 001), so the seed's 责任单位 text resolves."""
    from demo.units import UNITS
    from tests.factories import CityFactory, ProvinceFactory, ZoneFactory

    zone = ZoneFactory(name="三明市（测试）", region=CityFactory(name="三明市", parent=ProvinceFactory(name="福建省")))
    for i, (name, short, kind) in enumerate(UNITS):
        Unit.objects.create(zone=zone, name=name, short_name=short, kind=kind, position=i)
    return zone


# --------------------------------------------------------------- supervision


def at_local(day, hour=10):
    """An aware datetime on ``day`` at ``hour`` o'clock, Asia/Shanghai."""
    from datetime import datetime, time

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(hour)))


def report_on(assignment, *, user, percent, day, text="进展情况"):
    """A progress report dated ``day`` (the services date reports "now"; history needs other days)."""
    from tasks.services import _progress_apply

    assignment.refresh_from_db()
    return _progress_apply(assignment, percent=percent, text=text, reason="", user=user, at=at_local(day))


@pytest.fixture
def unit_z(zone_a):
    """A unit of zone A with no task at all."""
    return UnitFactory(zone=zone_a, name="甲市财政局", short_name="财政局", position=9)


@pytest.fixture
def superuser(db):
    from tests.factories import UserFactory

    return UserFactory(username="root", is_staff=True, is_superuser=True)
