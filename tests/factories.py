"""factory_boy factories shared by every test module."""

import factory
from django.contrib.auth import get_user_model

from indicators.models import IndicatorSystem
from zones.models import Membership, Region, Unit, Zone


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.django.Password("Test@2024!")


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name", "parent")

    name = "福建省"
    parent = None
    level = Region.Level.PROVINCE
    category = "east"


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name", "parent")

    name = factory.Sequence(lambda n: f"测试市{n}")
    parent = factory.SubFactory(ProvinceFactory)
    level = Region.Level.CITY
    category = factory.SelfAttribute("parent.category")


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    name = factory.Sequence(lambda n: f"测试创建对象{n}")
    region = factory.SubFactory(CityFactory)
    tier = Zone.Tier.NATIONAL
    system = factory.LazyFunction(lambda: IndicatorSystem.objects.get(code="CN-2024"))
    region_category = factory.SelfAttribute("region.category")
    reference_year_1 = 2023
    reference_year_2 = 2024


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    zone = factory.SubFactory(ZoneFactory)
    name = factory.Sequence(lambda n: f"测试单位{n}")
    short_name = factory.Sequence(lambda n: f"单位{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Membership.Role.OFFICE
