import pytest
from django.utils import timezone

from zones.models import Region, Zone
from zones.regions import PROVINCES, category_for_province


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("福建省", "east"),
        ("闽", "east"),
        ("山东省", "east"),
        ("江西省", "central"),
        ("湖南省", "central"),
        ("重庆市", "west"),
        ("内蒙古自治区", "west"),
        ("广西壮族自治区", "west"),
    ],
)
def test_traditional_three_region_division(name, category):
    assert category_for_province(name) == category


def test_every_province_is_classified_once():
    assert len(PROVINCES) == 31
    assert {c for _n, _a, c in PROVINCES} == {"east", "central", "west"}
    assert sum(1 for *_x, c in PROVINCES if c == "east") == 11
    assert sum(1 for *_x, c in PROVINCES if c == "central") == 8
    assert sum(1 for *_x, c in PROVINCES if c == "west") == 12


@pytest.mark.django_db
def test_region_and_zone_default_their_category_and_years(standard):
    from indicators.models import IndicatorSystem

    jiangxi = Region.objects.create(name="江西省", level=Region.Level.PROVINCE)
    city = Region.objects.create(name="赣州市", level=Region.Level.CITY, parent=jiangxi)
    assert (jiangxi.category, city.category) == ("central", "central")
    zone = Zone.objects.create(name="赣州市", region=city, system=IndicatorSystem.objects.get(code="CN-2024"))
    last = timezone.localdate().year - 1
    assert zone.region_category == "central"
    assert zone.reference_years == (last - 1, last)
    zone.region_category = "west"  # editable per zone
    zone.save()
    zone.refresh_from_db()
    assert zone.region_category == "west"
