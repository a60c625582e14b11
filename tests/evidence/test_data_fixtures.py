"""Fixtures for the statistics tests (imported by tests/evidence/test_data_*.py and test_completeness*.py).

Zone A's responsibility matrix: unit X (商务局) answers for items 1, 2, 4 and 6 (online
and social retail sales, the item-4 operators); unit Y (统计局) for items 3, 5 and 34
(operators/market entities, express volume, the item-34 outcomes).
"""

import pytest

from indicators.models import Indicator
from tests.factories import MembershipFactory, UserFactory
from zones.models import IndicatorResponsibility, Membership

X_ITEMS = ("1", "2", "4", "6")
Y_ITEMS = ("3", "5", "34")
X_METRICS = {"online_retail_sales", "social_retail_sales"}
Y_METRICS = {"online_operators", "market_entities", "express_volume"}


@pytest.fixture
def data_matrix(zone_a, unit_x, unit_y) -> dict[str, Indicator]:
    items = {i.code: i for i in Indicator.objects.filter(system=zone_a.system, level=3)}
    for codes, unit in ((X_ITEMS, unit_x), (Y_ITEMS, unit_y)):
        for i, code in enumerate(codes):
            IndicatorResponsibility.objects.create(zone=zone_a, indicator=items[code], unit=unit, is_lead=i == 0)
    return items


@pytest.fixture
def data_liaison_y(unit_y):
    return MembershipFactory(
        user=UserFactory(username="data_liaison_y"), role=Membership.Role.LIAISON, zone=unit_y.zone, unit=unit_y
    ).user


def figure_post(values: dict[tuple[str, int], str], **extra: str) -> dict[str, str]:
    """POST data for the figure form: {(metric, year): value}; extra fields as given (growth-…, source-…)."""
    data = {f"value-{key}-{year}": value for (key, year), value in values.items()}
    data.update(extra)
    return data
