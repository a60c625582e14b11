"""Every page and API of zone A against every other role: 404 outside, 403 for non-office roles."""

from datetime import date

import pytest
from django.urls import reverse

from zones.models import (
    IndicatorResponsibility,
    KeyPark,
    LeadingGroupMember,
    Stage,
    StageStep,
    Unit,
    UnmatchedUnitName,
    Zone,
    ZoneTransition,
)
from zones.services import (
    key_park_create,
    leading_group_member_create,
    stage_create,
    stage_step_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(zone_a, unit_x):
    """Zone A with one object of each kind, and the ids the URLs need."""
    park = key_park_create(zone=zone_a, name="电商园")
    stage = stage_create(zone=zone_a, name="启动部署", start=date(2024, 1, 1), end=date(2024, 3, 31))
    step = stage_step_create(stage=stage, title="动员")
    member = leading_group_member_create(zone=zone_a, role="member", title="市商务局副局长", unit=unit_x)
    return {"zone_id": zone_a.pk, "park_id": park.pk, "stage_id": stage.pk, "step_id": step.pk,
            "unit_id": unit_x.pk, "member_id": member.pk}  # fmt: skip


# (url name, the ids it takes, the methods it answers)
OFFICE_PAGES = [
    ("zones:settings", ["zone_id"], ["get", "post"]),
    ("zones:park-add", ["zone_id"], ["post"]),
    ("zones:park-edit", ["zone_id", "park_id"], ["get", "post"]),
    ("zones:park-delete", ["zone_id", "park_id"], ["post"]),
    ("zones:stages", ["zone_id"], ["get", "post"]),
    ("zones:stages-from-template", ["zone_id"], ["post"]),
    ("zones:stage-edit", ["zone_id", "stage_id"], ["get", "post"]),
    ("zones:stage-delete", ["zone_id", "stage_id"], ["post"]),
    ("zones:step-add", ["zone_id", "stage_id"], ["post"]),
    ("zones:step-edit", ["zone_id", "step_id"], ["get", "post"]),
    ("zones:step-delete", ["zone_id", "step_id"], ["post"]),
    ("zones:units", ["zone_id"], ["get"]),
    ("zones:unit-add", ["zone_id"], ["get", "post"]),
    ("zones:unit-edit", ["zone_id", "unit_id"], ["get", "post"]),
    ("zones:leading-group", ["zone_id"], ["get"]),
    ("zones:leading-group-add", ["zone_id"], ["get", "post"]),
    ("zones:leading-group-edit", ["zone_id", "member_id"], ["get", "post"]),
    ("zones:leading-group-delete", ["zone_id", "member_id"], ["post"]),
    ("zones:matrix-cell", ["zone_id"], ["post"]),
    ("zones:matrix-build", ["zone_id"], ["post"]),
    ("zones:matrix-unmatched", ["zone_id"], ["get", "post"]),
    ("api-zone-unit-list", ["zone_id"], ["get"]),
    ("api-zone-unit-create", ["zone_id"], ["post"]),
    ("api-zone-leading-group-create", ["zone_id"], ["post"]),
]
READ_PAGES = [
    ("zones:overview", ["zone_id"], ["get"]),
    ("zones:matrix", ["zone_id"], ["get"]),
    ("api-zone-detail", ["zone_id"], ["get"]),
    ("api-zone-leading-group-list", ["zone_id"], ["get"]),
    ("api-zone-transition-list", ["zone_id"], ["get"]),
]
LIFECYCLE = [
    ("zones:transition", ["zone_id"], ["post"]),
    ("api-zone-transition-create", ["zone_id"], ["post"]),
]
ALL = OFFICE_PAGES + READ_PAGES + LIFECYCLE

# A POST that would change something if it were let through.
PAYLOAD = {
    "name": "篡改",
    "title": "篡改",
    "short_name": "篡改",
    "kind": "department",
    "role": "member",
    "start": "2024-01-01",
    "end": "2024-02-01",
    "tier": "national",
    "region_category": "east",
    "reference_year_1": 2023,
    "reference_year_2": 2024,
    "template": "sanming-2024",
    "to_status": "approved",
    "reason": "篡改",
    "state": "lead",
    "raw_name": "篡改",
}


def snapshot():
    models = (Zone, KeyPark, Stage, StageStep, Unit, LeadingGroupMember, IndicatorResponsibility, UnmatchedUnitName)
    state = {m.__name__: sorted(map(str, m.objects.values_list())) for m in models}
    state["events"] = ZoneTransition.objects.count()
    return state


def call(client, name, ids, method, world):
    url = reverse(name, kwargs={key: world[key] for key in ids})
    if method == "get":
        return client.get(url)
    if name.startswith("api-"):
        return client.post(url, PAYLOAD, content_type="application/json")
    return client.post(url, PAYLOAD)


@pytest.mark.parametrize("persona", ["office_b", "reviewer_zhejiang", "outsider"])
def test_another_zone_or_province_gets_404_everywhere_and_changes_nothing(client, request, world, persona):
    client.force_login(request.getfixturevalue(persona))
    before = snapshot()
    for name, ids, methods in ALL:
        for method in methods:
            response = call(client, name, ids, method, world)
            assert response.status_code == 404, (name, method, response.status_code)
    assert snapshot() == before


def test_office_b_sees_its_own_zone_only_in_the_api_list(client, world, zone_b, office_b):
    client.force_login(office_b)
    assert [z["name"] for z in client.get(reverse("api-zone-list")).json()["results"]] == [zone_b.name]


@pytest.mark.parametrize("persona", ["liaison_x", "evaluator_a", "reviewer_fujian"])
def test_other_roles_of_the_zone_get_403_on_office_pages_and_change_nothing(client, request, world, persona):
    client.force_login(request.getfixturevalue(persona))
    before = snapshot()
    for name, ids, methods in OFFICE_PAGES:
        for method in methods:
            response = call(client, name, ids, method, world)
            assert response.status_code == 403, (name, method, response.status_code)
    for name, ids, _methods in READ_PAGES:
        assert call(client, name, ids, "get", world).status_code == 200, name
    assert snapshot() == before


def test_objects_of_zone_a_are_404_through_zone_b_urls(client, world, zone_b, office_b):
    """Office B may manage zone B, but zone A's objects are not found under zone B's id."""
    client.force_login(office_b)
    before = snapshot()
    swapped = {**world, "zone_id": zone_b.pk}
    for name, ids, methods in OFFICE_PAGES:
        if len(ids) < 2:
            continue
        for method in methods:
            assert call(client, name, ids, method, swapped).status_code == 404, (name, method)
    assert snapshot() == before


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(reverse("zones:settings", args=[world["zone_id"]]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(reverse("api-zone-list")).status_code == 403


def test_office_reaches_every_office_page(client, world, office_a):
    client.force_login(office_a)
    for name, ids, methods in OFFICE_PAGES + READ_PAGES:
        if "get" in methods:
            assert call(client, name, ids, "get", world).status_code == 200, name
