"""A zone's region and tier decide which province reviews it: they change only through the
service, by the system admin in the admin, with a reason — an event on the zone and an audit row."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from demo.zone import system_admin_group
from tests.factories import CityFactory, MembershipFactory, UserFactory
from zones.models import Membership, Region, Zone, ZoneScopeChange
from zones.services import zone_scope_change, zone_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def sysadmin(db):
    user = MembershipFactory(user=UserFactory(username="sys_t", is_staff=True), role=Membership.Role.SYSTEM_ADMIN).user
    user.groups.add(system_admin_group())
    return user


@pytest.fixture
def zhejiang_city(zone_b):
    return CityFactory(name="丙市", parent=Region.objects.get(name="浙江省", parent=None))


def test_moving_a_zone_needs_a_reason_and_leaves_an_event_and_an_audit_row(zone_a, zhejiang_city, sysadmin):
    with pytest.raises(ValidationError, match="须填写理由"):
        zone_scope_change(zone=zone_a, user=sysadmin, region=zhejiang_city, reason=" ")
    assert Zone.objects.get(pk=zone_a.pk).region.name == "甲市"
    zone_scope_change(zone=zone_a, user=sysadmin, region=zhejiang_city, tier="provincial", reason="行政区划调整")
    zone_a.refresh_from_db()
    assert (zone_a.region, zone_a.tier) == (zhejiang_city, "provincial")
    changes = list(ZoneScopeChange.objects.values_list("field", "old_value", "new_value", "reason", "by"))
    assert changes == [
        ("region", "甲市", "丙市", "行政区划调整", sysadmin.pk),
        ("tier", "全国", "省级", "行政区划调整", sysadmin.pk),
    ]
    event = AuditEvent.objects.get(action="zone_changed")
    assert (event.zone_id, event.actor_username, event.reason) == (zone_a.pk, "sys_t", "行政区划调整")
    assert event.before_data["tier"] == "national" and event.after_data["region_name"] == "丙市"


def test_the_settings_page_no_longer_changes_the_tier(zone_a):
    with pytest.raises(ValueError, match="tier"):
        zone_update(zone=zone_a, data={"tier": "provincial"})


def admin_post(zone, **changes):
    data = {
        "name": zone.name, "region": zone.region_id, "tier": zone.tier, "system": zone.system_id,
        "region_category": zone.region_category, "reference_year_1": zone.reference_year_1,
        "reference_year_2": zone.reference_year_2, "creation_start": "", "creation_end": "",
        "units-TOTAL_FORMS": 0, "units-INITIAL_FORMS": 0, "scope_changes-TOTAL_FORMS": 0,
        "scope_changes-INITIAL_FORMS": 0, "scope_change_reason": "",
    }  # fmt: skip
    data.update(changes)
    return data


def test_in_the_admin_a_move_without_a_reason_is_refused(client, zone_a, zhejiang_city, sysadmin):
    client.force_login(sysadmin)
    url = reverse("admin:zones_zone_change", args=[zone_a.pk])
    response = client.post(url, admin_post(zone_a, region=zhejiang_city.pk))
    assert response.status_code == 200 and "须填写理由" in response.content.decode()
    assert Zone.objects.get(pk=zone_a.pk).region.name == "甲市" and not AuditEvent.objects.filter(action="zone_changed")


def test_in_the_admin_a_move_with_a_reason_goes_through_the_service(client, zone_a, zhejiang_city, sysadmin, office_a):
    client.force_login(sysadmin)
    url = reverse("admin:zones_zone_change", args=[zone_a.pk])
    response = client.post(url, admin_post(zone_a, region=zhejiang_city.pk, scope_change_reason="区划调整"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Zone.objects.get(pk=zone_a.pk).region == zhejiang_city
    assert ZoneScopeChange.objects.get().reason == "区划调整"
    assert AuditEvent.objects.get(action="zone_changed").actor_username == "sys_t"
    # the zone's office sees it in the zone's change record
    client.force_login(office_a)
    page = client.get(reverse("zones:overview", args=[zone_a.pk])).content.decode()
    assert "区划、级别与评分依据变更" in page and "区划调整" in page and "丙市" in page


# Everything else that decides the score (东中西部, indicator system, reference years) or names
# the zone goes the same way.


def test_a_category_change_in_the_admin_needs_a_reason_and_is_recorded(client, zone_a, sysadmin, office_a):
    client.force_login(sysadmin)
    url = reverse("admin:zones_zone_change", args=[zone_a.pk])
    old = zone_a.region_category
    new = "central" if old != "central" else "west"
    refused = client.post(url, admin_post(zone_a, region_category=new))
    assert refused.status_code == 200 and "须填写理由" in refused.content.decode()
    assert Zone.objects.get(pk=zone_a.pk).region_category == old and not AuditEvent.objects.filter(
        action="zone_changed"
    )

    response = client.post(
        url, admin_post(zone_a, region_category=new, reference_year_1=2020, scope_change_reason="核定为中部")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    zone_a.refresh_from_db()
    assert (zone_a.region_category, zone_a.reference_year_1) == (new, 2020)
    assert sorted(ZoneScopeChange.objects.values_list("field", "reason")) == [
        ("category", "核定为中部"),
        ("year_1", "核定为中部"),
    ]
    event = AuditEvent.objects.get(action="zone_changed")
    assert (event.reason, event.before_data["region_category"], event.after_data["region_category"]) == (
        "核定为中部",
        old,
        new,
    )
    client.force_login(office_a)
    page = client.get(reverse("zones:overview", args=[zone_a.pk])).content.decode()
    assert "东中西部" in page and "核定为中部" in page and "2020" in page
    assert "东中西部：" in page and "东中西部:" not in page  # a Chinese colon before the old value


def test_the_service_changes_the_indicator_system_and_names_with_a_reason(zone_a, sysadmin):
    from indicators.models import IndicatorSystem

    other = IndicatorSystem.objects.create(name="另一体系", version="2099")
    with pytest.raises(ValidationError, match="须填写理由"):
        zone_scope_change(zone=zone_a, user=sysadmin, system=other, reason="")
    zone_scope_change(zone=zone_a, user=sysadmin, system=other, name="乙改名", reason="换用新体系")
    zone_a.refresh_from_db()
    assert (zone_a.system, zone_a.name) == (other, "乙改名")
    assert set(ZoneScopeChange.objects.values_list("field", "new_value")) == {
        ("system", str(other)),
        ("name", "乙改名"),
    }
    assert AuditEvent.objects.get(action="zone_changed").after_data["system_name"] == str(other)


def test_the_settings_page_change_of_the_category_is_audited(zone_a, office_a):
    old = zone_a.region_category
    new = "central" if old != "central" else "west"
    zone_update(zone=zone_a, data={"region_category": new})
    event = AuditEvent.objects.get(action="zone_changed")
    assert (event.before_data["region_category"], event.after_data["region_category"]) == (old, new)
    zone_update(zone=zone_a, data={"creation_start": None})  # the period alone: no audit row
    assert AuditEvent.objects.filter(action="zone_changed").count() == 1


# The region admin is no way round it.


def region_post(region, **changes):
    data = {"name": region.name, "level": region.level, "parent": region.parent_id or "", "category": region.category}
    data.update(changes)
    return data


def test_the_region_admin_cannot_move_a_region_a_zone_lies_in(client, zone_a, zhejiang_city, sysadmin):
    client.force_login(sysadmin)
    city = zone_a.region
    zhejiang = zhejiang_city.parent
    url = reverse("admin:zones_region_change", args=[city.pk])
    assert 'name="parent"' not in client.get(url).content.decode()
    response = client.post(url, region_post(city, parent=zhejiang.pk, level="county"))
    assert response.status_code == 302
    city.refresh_from_db()
    assert city.parent != zhejiang and city.level == "city"
    # the province above it, with divisions below, keeps its place too
    province_url = reverse("admin:zones_region_change", args=[city.parent_id])
    assert 'name="level"' not in client.get(province_url).content.decode()


def test_the_region_admin_may_still_move_an_unused_region(client, zone_a, zhejiang_city, sysadmin):
    client.force_login(sysadmin)
    fujian = zone_a.region.parent
    url = reverse("admin:zones_region_change", args=[zhejiang_city.pk])
    assert client.post(url, region_post(zhejiang_city, parent=fujian.pk)).status_code == 302
    zhejiang_city.refresh_from_db()
    assert zhejiang_city.parent == fujian


def test_a_new_zone_is_created_through_the_service_and_audited(client, zone_a, zhejiang_city, sysadmin):
    from zones.services import zone_create

    with pytest.raises(ValidationError, match="已有名为“甲创建对象”"):
        zone_create(name=zone_a.name, region=zhejiang_city, tier="provincial", system=zone_a.system)
    client.force_login(sysadmin)
    response = client.post(
        reverse("admin:zones_zone_add"),
        {
            "name": "丙创建对象",
            "region": zhejiang_city.pk,
            "tier": "provincial",
            "system": zone_a.system.pk,
            "region_category": "east",
            "reference_year_1": 2023,
            "reference_year_2": 2024,
            "units-TOTAL_FORMS": 0,
            "units-INITIAL_FORMS": 0,
            "scope_changes-TOTAL_FORMS": 0,
            "scope_changes-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    zone = Zone.objects.get(name="丙创建对象")
    assert (zone.region, zone.status, zone.reference_year_2) == (zhejiang_city, "application", 2024)
    row = AuditEvent.objects.get(action="zone_changed", target_id=str(zone.pk))
    assert row.actor_id == sysadmin.pk and not row.before
