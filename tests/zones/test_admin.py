"""The zone set-up models in the admin: scoped to the zones the user manages; events read-only."""

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import UnitFactory
from zones.models import LeadingGroupMember, Stage, ZoneTransition
from zones.services import leading_group_member_create, stage_create, zone_transition

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "admin:zones_zonetransition_changelist",
    "admin:zones_keypark_changelist",
    "admin:zones_stage_changelist",
    "admin:zones_leadinggroupmember_changelist",
    "admin:zones_indicatorresponsibility_changelist",
    "admin:zones_unmatchedunitname_changelist",
]


@pytest.fixture
def rows(zone_a, unit_x, office_a):
    zone_transition(zone=zone_a, user=office_a, to_status="approved")
    stage_create(zone=zone_a, name="启动部署", start=date(2024, 1, 1), end=date(2024, 3, 31))
    return leading_group_member_create(zone=zone_a, role="member", title="市商务局副局长", unit=unit_x)


def test_office_sees_its_zone_rows(client, office_a, rows):
    client.force_login(office_a)
    for name in CHANGELISTS:
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("admin:zones_stage_changelist")).context["cl"].result_count == 1
    assert client.get(reverse("admin:zones_zonetransition_changelist")).context["cl"].result_count == 1


def test_office_of_another_zone_sees_nothing(client, office_b, rows):
    client.force_login(office_b)
    assert client.get(reverse("admin:zones_stage_changelist")).context["cl"].result_count == 0
    assert client.get(reverse("admin:zones_leadinggroupmember_change", args=[rows.pk])).status_code in (302, 403, 404)
    assert LeadingGroupMember.objects.get(pk=rows.pk).title == "市商务局副局长"


def test_events_cannot_be_added_or_edited(client, office_a, rows):
    client.force_login(office_a)
    event = ZoneTransition.objects.get()
    assert client.get(reverse("admin:zones_zonetransition_add")).status_code == 403
    response = client.post(reverse("admin:zones_zonetransition_change", args=[event.pk]), {"reason": "改写"})
    assert response.status_code == 403
    assert ZoneTransition.objects.get().reason == ""


def test_unit_choices_are_limited_to_managed_zones(client, office_a, rows, zone_b):
    UnitFactory(zone=zone_b, name="乙市商务局")
    client.force_login(office_a)
    page = client.get(reverse("admin:zones_leadinggroupmember_add")).content.decode()
    assert "甲市商务局" in page and "乙市商务局" not in page
    assert Stage.objects.count() == 1
