"""Units (with aliases and order) and the leading group: pages, services and API."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import UnitFactory, UserFactory
from zones.models import LeadingGroupMember, Unit
from zones.services import leading_group_member_create, unit_aliases_clean, unit_create

pytestmark = pytest.mark.django_db


def test_aliases_are_split_stripped_and_deduplicated():
    assert unit_aliases_clean("市场监管局、 市市场监管局，市场监管局；工商局\n") == [
        "市场监管局",
        "市市场监管局",
        "工商局",
    ]
    assert unit_aliases_clean([" a ", "", "a", "b"]) == ["a", "b"]


def test_unit_names_are_unique_in_a_zone_and_positions_follow(zone_a, zone_b):
    first = unit_create(zone=zone_a, name="甲市商务局", short_name="商务局")
    second = unit_create(zone=zone_a, name="甲市统计局", kind=Unit.Kind.VERTICAL)
    assert (first.position, second.position) == (1, 2)
    with pytest.raises(ValidationError) as exc:
        unit_create(zone=zone_a, name="甲市商务局")
    assert exc.value.message_dict["name"] == ["该创建对象已有名为“甲市商务局”的单位。"]
    unit_create(zone=zone_b, name="甲市商务局")  # another zone may use the same name


def test_office_adds_and_edits_units_on_the_pages(client, zone_a, office_a):
    client.force_login(office_a)
    add = reverse("zones:unit-add", args=[zone_a.pk])
    response = client.post(add, {"name": "甲县人民政府", "short_name": "甲县", "kind": "county_government",
                                 "aliases": "甲县政府、甲县"})  # fmt: skip
    assert response.status_code == 302
    unit = Unit.objects.get(zone=zone_a, name="甲县人民政府")
    assert (unit.kind, unit.aliases) == ("county_government", ["甲县政府", "甲县"])
    duplicate = client.post(add, {"name": "甲县人民政府", "kind": "department"})
    assert duplicate.status_code == 400 and "已有名为“甲县人民政府”的单位" in duplicate.content.decode()

    edit = reverse("zones:unit-edit", args=[zone_a.pk, unit.pk])
    assert "甲县政府、甲县" in client.get(edit).content.decode()
    client.post(edit, {"name": "甲县人民政府", "short_name": "甲县", "kind": "other", "aliases": "", "position": 9})
    unit.refresh_from_db()
    assert (unit.kind, unit.aliases, unit.position) == ("other", [], 9)
    page = client.get(reverse("zones:units", args=[zone_a.pk])).content.decode()
    assert "甲县人民政府" in page and "其他" in page


def test_leading_group_seat_units_and_users_come_from_the_zone(zone_a, zone_b, unit_x, office_a, office_b):
    foreign_unit = UnitFactory(zone=zone_b, name="乙市商务局")
    with pytest.raises(ValidationError, match="不属于该创建对象"):
        leading_group_member_create(zone=zone_a, role="member", title="副局长", unit=foreign_unit)
    with pytest.raises(ValidationError, match="没有角色"):
        leading_group_member_create(zone=zone_a, role="member", title="副局长", user=office_b)
    seat = leading_group_member_create(zone=zone_a, role="office_director", title="副局长", unit=unit_x, user=office_a)
    assert seat.get_role_display() == "办公室主任"


def test_office_manages_the_leading_group_on_the_pages(client, zone_a, unit_x, office_a, zone_b):
    foreign_unit = UnitFactory(zone=zone_b, name="乙市商务局")
    client.force_login(office_a)
    add = reverse("zones:leading-group-add", args=[zone_a.pk])
    form_page = client.get(add).content.decode()
    assert "甲市商务局" in form_page and "乙市商务局" not in form_page
    assert client.post(add, {"role": "leader", "title": "市政府副市长"}).status_code == 302
    refused = client.post(add, {"role": "member", "title": "x", "unit": foreign_unit.pk})
    assert refused.status_code == 400
    client.post(add, {"role": "member", "title": "市商务局副局长", "unit": unit_x.pk})
    seats = list(LeadingGroupMember.objects.filter(zone=zone_a).order_by("position"))
    assert [(s.role, s.title, s.unit_id) for s in seats] == [
        ("leader", "市政府副市长", None),
        ("member", "市商务局副局长", unit_x.pk),
    ]
    edit = reverse("zones:leading-group-edit", args=[zone_a.pk, seats[0].pk])
    client.post(edit, {"role": "deputy", "title": "市政府副秘书长", "position": 1})
    page = client.get(reverse("zones:leading-group", args=[zone_a.pk])).content.decode()
    assert "副组长" in page and "市政府副秘书长" in page
    client.post(reverse("zones:leading-group-delete", args=[zone_a.pk, seats[1].pk]))
    assert LeadingGroupMember.objects.filter(zone=zone_a).count() == 1


# --- API -----------------------------------------------------------------------------


def test_api_lists_zones_and_details(client, zone_a_stages, zone_a, zone_b, office_a):
    client.force_login(office_a)
    listing = client.get(reverse("api-zone-list")).json()["results"]
    assert [(z["name"], z["status"], z["status_display"]) for z in listing] == [(zone_a.name, "application", "申报")]
    detail = client.get(reverse("api-zone-detail", args=[zone_a.pk])).json()
    assert detail["creation_start"] == "2024-01-01" and detail["system"] == "CN-2024"
    assert [s["name"] for s in detail["stages"]] == ["启动部署", "组织实施", "自评完善", "检查评估", "巩固提升"]
    assert detail["stages"][1]["steps"] == ["细化方案", "落实推进", "加强督导"]


def test_api_creates_units_and_seats(client, zone_a, zone_b, office_a):
    client.force_login(office_a)
    created = client.post(
        reverse("api-zone-unit-create", args=[zone_a.pk]),
        {"name": "甲市邮政管理局", "short_name": "邮政管理局", "kind": "vertical", "aliases": ["市邮政局"]},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["aliases"] == ["市邮政局"]
    duplicate = client.post(
        reverse("api-zone-unit-create", args=[zone_a.pk]), {"name": "甲市邮政管理局"}, content_type="application/json"
    )
    assert duplicate.status_code == 400 and duplicate.json()["message"] == "提交的数据有误。"
    units = client.get(reverse("api-zone-unit-list", args=[zone_a.pk])).json()["results"]
    assert [u["name"] for u in units] == ["甲市邮政管理局"]

    seat_url = reverse("api-zone-leading-group-create", args=[zone_a.pk])
    seat = client.post(
        seat_url,
        {"role": "member", "title": "市邮政管理局副局长", "unit": created.json()["id"]},
        content_type="application/json",
    )
    assert seat.status_code == 201
    foreign = UnitFactory(zone=zone_b, name="乙市商务局")
    refused = client.post(
        seat_url, {"role": "member", "title": "x", "unit": foreign.pk}, content_type="application/json"
    )
    assert refused.status_code == 400
    stranger = UserFactory(username="stranger")
    refused = client.post(
        seat_url, {"role": "member", "title": "x", "user": stranger.pk}, content_type="application/json"
    )
    assert refused.status_code == 400
    listing = client.get(reverse("api-zone-leading-group-list", args=[zone_a.pk])).json()["results"]
    assert [s["title"] for s in listing] == ["市邮政管理局副局长"]


def test_the_zone_endpoints_are_in_the_openapi_schema(client, office_a):
    client.force_login(office_a)
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    for path in (
        "/api/zones/",
        "/api/zones/{zone_id}/",
        "/api/zones/{zone_id}/units/",
        "/api/zones/{zone_id}/units/create/",
        "/api/zones/{zone_id}/leading-group/",
        "/api/zones/{zone_id}/leading-group/create/",
        "/api/zones/{zone_id}/transitions/",
        "/api/zones/{zone_id}/transitions/create/",
    ):
        assert path in schema["paths"], path
