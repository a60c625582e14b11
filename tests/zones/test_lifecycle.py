"""Zone lifecycle: one step forward, or back one step with a reason; who may do which; events."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.zones.helpers import set_status
from zones import lifecycle
from zones.lifecycle import ZoneStatus as S
from zones.models import Membership, Zone, ZoneTransition
from zones.services import zone_transition

ORDER = list(S.values)
OFFICE_FORWARD = ORDER[:7]  # 申报 … 整改 → 省级评估: the office moves its zone on
PROVINCE_FORWARD = ORDER[6:9]  # 省级评估 → 总局评估 → 已命名 → 巩固提升


# --- the pure rule table -------------------------------------------------------------


def test_ten_statuses_in_order_with_chinese_labels():
    assert [label for _v, label in S.choices] == [
        "申报",
        "批准创建",
        "创建中",
        "自评",
        "市级考评",
        "整改",
        "省级评估",
        "总局评估",
        "已命名",
        "巩固提升",
    ]
    assert Zone._meta.get_field("status").default == S.APPLICATION


def test_actor_names_are_the_membership_roles():
    assert lifecycle.OFFICE == Membership.Role.OFFICE
    assert lifecycle.PROVINCIAL_REVIEWER == Membership.Role.PROVINCIAL_REVIEWER


@pytest.mark.parametrize("source", ORDER[:-1])
def test_superuser_may_step_forward_and_back_everywhere(source):
    targets = {m.target for m in lifecycle.moves_for(source, {lifecycle.SUPERUSER})}
    index = ORDER.index(source)
    assert ORDER[index + 1] in targets
    assert (ORDER[index - 1] in targets) == (index > 0)


def test_office_moves_forward_up_to_provincial_review_and_never_back():
    for source in ORDER:
        moves = lifecycle.moves_for(source, {lifecycle.OFFICE})
        assert all(not m.is_back for m in moves)
        assert bool(moves) == (source in OFFICE_FORWARD[:-1])


def test_province_moves_on_from_provincial_review_and_sends_back_anywhere():
    for source in ORDER:
        moves = lifecycle.moves_for(source, {lifecycle.PROVINCIAL_REVIEWER})
        forward = [m.target for m in moves if not m.is_back]
        back = [m.target for m in moves if m.is_back]
        assert bool(forward) == (source in PROVINCE_FORWARD)
        assert bool(back) == (source != S.APPLICATION)


def test_skip_message_names_the_current_status_and_the_allowed_targets():
    with pytest.raises(lifecycle.TransitionError) as exc:
        lifecycle.transition_check(S.CREATING, S.CITY_REVIEW, {lifecycle.OFFICE})
    assert str(exc.value) == ("当前状态为“创建中”，不能变更为“市级考评”：只能前进或退回一步，可变更为 “自评”。")


# --- the service and its events ------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_office_walks_its_zone_up_to_provincial_review_recording_each_step(zone_a, office_a):
    for source, target in zip(OFFICE_FORWARD, OFFICE_FORWARD[1:]):
        if (source, target) == (S.SELF_ASSESSMENT, S.CITY_REVIEW):
            set_status(zone_a, S.CITY_REVIEW)  # submitting the 自评 round makes this move (assessments)
            continue
        event = zone_transition(zone=zone_a, user=office_a, to_status=target)
        assert (event.from_status, event.to_status, event.by, event.is_back) == (source, target, office_a, False)
    zone_a.refresh_from_db()
    assert zone_a.status == S.PROVINCIAL_REVIEW
    walked = [s for s in OFFICE_FORWARD[1:] if s != S.CITY_REVIEW]
    assert list(ZoneTransition.objects.filter(zone=zone_a).values_list("to_status", flat=True)) == walked


def test_province_walks_the_zone_from_provincial_review_to_consolidation(zone_a, reviewer_fujian):
    set_status(zone_a, S.NAMED)  # 省级评估 → 总局评估 → 已命名: the rounds' conclusions make these (assessments)
    zone_transition(zone=zone_a, user=reviewer_fujian, to_status=S.CONSOLIDATION)
    zone_a.refresh_from_db()
    assert zone_a.status == S.CONSOLIDATION
    assert ZoneTransition.objects.filter(zone=zone_a, by=reviewer_fujian).count() == 1


def test_send_back_requires_a_reason_and_records_it(zone_a, reviewer_fujian):
    set_status(zone_a, S.CITY_REVIEW)
    with pytest.raises(ValidationError) as exc:
        zone_transition(zone=zone_a, user=reviewer_fujian, to_status=S.SELF_ASSESSMENT, reason="  ")
    assert exc.value.messages == ["退回到“自评”必须填写理由。"]
    assert not ZoneTransition.objects.exists()
    event = zone_transition(zone=zone_a, user=reviewer_fujian, to_status=S.SELF_ASSESSMENT, reason="佐证材料不全")
    assert event.is_back and event.reason == "佐证材料不全"
    assert Zone.objects.get(pk=zone_a.pk).status == S.SELF_ASSESSMENT


def test_a_skip_is_refused_and_changes_nothing(zone_a, superuser):
    with pytest.raises(ValidationError) as exc:
        zone_transition(zone=zone_a, user=superuser, to_status=S.CREATING)
    assert "当前状态为“申报”" in exc.value.messages[0] and "“批准创建”" in exc.value.messages[0]
    assert Zone.objects.get(pk=zone_a.pk).status == S.APPLICATION
    assert not ZoneTransition.objects.exists()


def test_office_may_not_send_back_nor_move_on_from_provincial_review(zone_a, office_a):
    set_status(zone_a, S.PROVINCIAL_REVIEW)
    for target in (S.RECTIFICATION, S.NATIONAL_REVIEW):
        with pytest.raises(PermissionDenied):
            zone_transition(zone=zone_a, user=office_a, to_status=target, reason="理由")
    assert Zone.objects.get(pk=zone_a.pk).status == S.PROVINCIAL_REVIEW


def test_province_may_not_do_the_offices_steps(zone_a, reviewer_fujian):
    set_status(zone_a, S.CREATING)
    with pytest.raises(PermissionDenied):
        zone_transition(zone=zone_a, user=reviewer_fujian, to_status=S.SELF_ASSESSMENT)


# --- pages and API -------------------------------------------------------------------


def post(client, zone, to_status, reason=""):
    return client.post(reverse("zones:transition", args=[zone.pk]), {"to_status": to_status, "reason": reason})


def test_office_moves_forward_on_the_page_and_sees_the_timeline(client, zone_a, office_a):
    client.force_login(office_a)
    response = post(client, zone_a, S.APPROVED, "省局批复同意创建")
    assert response.status_code == 302 and response["Location"] == reverse("zones:overview", args=[zone_a.pk])
    page = client.get(reverse("zones:overview", args=[zone_a.pk])).content.decode()
    assert "省局批复同意创建" in page and "状态已变更为“批准创建”" in page
    assert "进入“创建中”" in page  # the next allowed action is offered


def test_a_skip_on_the_page_shows_the_message(client, zone_a, office_a):
    client.force_login(office_a)
    response = post(client, zone_a, S.SELF_ASSESSMENT)
    page = client.get(response["Location"]).content.decode()
    assert "当前状态为“申报”，不能变更为“自评”" in page
    assert Zone.objects.get(pk=zone_a.pk).status == S.APPLICATION


def test_send_back_without_reason_on_the_page_is_refused(client, zone_a, reviewer_fujian):
    set_status(zone_a, S.NATIONAL_REVIEW)
    client.force_login(reviewer_fujian)
    page = client.get(
        client.post(reverse("zones:transition", args=[zone_a.pk]), {"to_status": S.PROVINCIAL_REVIEW})["Location"]
    ).content.decode()
    assert "退回到“省级评估”必须填写理由。" in page
    assert not ZoneTransition.objects.exists()


@pytest.mark.parametrize("persona", ["liaison_x", "evaluator_a"])
def test_roles_without_lifecycle_rights_get_403(client, request, zone_a, persona):
    client.force_login(request.getfixturevalue(persona))
    assert post(client, zone_a, S.APPROVED).status_code == 403
    api = reverse("api-zone-transition-create", args=[zone_a.pk])
    assert client.post(api, {"to_status": S.APPROVED}).status_code == 403
    assert Zone.objects.get(pk=zone_a.pk).status == S.APPLICATION and not ZoneTransition.objects.exists()


def test_a_step_the_role_may_not_make_gets_403(client, zone_a, office_a):
    set_status(zone_a, S.PROVINCIAL_REVIEW)
    client.force_login(office_a)
    assert post(client, zone_a, S.NATIONAL_REVIEW).status_code == 403
    assert Zone.objects.get(pk=zone_a.pk).status == S.PROVINCIAL_REVIEW


def test_readers_see_the_status_but_no_action(client, zone_a, evaluator_a, office_a):
    zone_transition(zone=zone_a, user=office_a, to_status=S.APPROVED)
    client.force_login(evaluator_a)
    page = client.get(reverse("zones:overview", args=[zone_a.pk])).content.decode()
    assert "批准创建" in page and "transition-timeline" in page
    assert reverse("zones:transition", args=[zone_a.pk]) not in page


def test_api_transition_and_timeline(client, zone_a, office_a):
    client.force_login(office_a)
    response = client.post(
        reverse("api-zone-transition-create", args=[zone_a.pk]),
        {"to_status": S.APPROVED, "reason": "批复"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["to_status"] == S.APPROVED and response.json()["by"] == "office_a"
    skip = client.post(
        reverse("api-zone-transition-create", args=[zone_a.pk]),
        {"to_status": S.CITY_REVIEW},
        content_type="application/json",
    )
    assert skip.status_code == 400 and "当前状态为“批准创建”" in str(skip.json())
    timeline = client.get(reverse("api-zone-transition-list", args=[zone_a.pk])).json()["results"]
    assert [(t["from_status"], t["to_status"]) for t in timeline] == [(S.APPLICATION, S.APPROVED)]
