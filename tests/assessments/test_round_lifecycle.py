"""Rounds drive the zone's lifecycle: the moves a round's conclusion decides are refused by
hand, any move is refused while a round is open, and reopening a concluded round takes the
zone back to the round's stage or is refused once the zone has moved on. The submit form."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import services
from assessments.models import AssessmentRound
from tests.assessments.round_helpers import item, pool_evaluator, score, zone_at
from tests.factories import MembershipFactory, UserFactory
from zones.models import Membership, Zone, ZoneTransition
from zones.services import zone_transition

pytestmark = pytest.mark.django_db
ZS = Zone.Status
Kind = AssessmentRound.Kind


@pytest.fixture
def national():
    return MembershipFactory(user=UserFactory(username="nat"), role=Membership.Role.NATIONAL_REVIEWER).user


def started(zone, kind, manager, code="10"):
    round = services.round_open(zone=zone, kind=kind, user=manager)
    expert = pool_evaluator(zone, f"expert_{kind}", home=None)
    services.evaluator_assign(round=round, evaluator=expert, indicators=[item(zone, code)], user=manager)
    services.round_start(round=round, user=manager)
    return round


def moves(zone):
    return list(ZoneTransition.objects.filter(zone=zone).values_list("from_status", "to_status"))


# Moves only a round makes --------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target", "persona", "says"),
    [
        (ZS.SELF_ASSESSMENT, ZS.CITY_REVIEW, "office_a", "只能通过提交自评轮次完成"),
        (ZS.PROVINCIAL_REVIEW, ZS.NATIONAL_REVIEW, "reviewer_fujian", "“通过（推荐上报）”结论提交省级评估轮次"),
        (ZS.PROVINCIAL_REVIEW, ZS.RECTIFICATION, "reviewer_fujian", "“不通过（退回整改）”结论提交省级评估轮次"),
        (ZS.NATIONAL_REVIEW, ZS.NAMED, "reviewer_fujian", "“命名”结论提交总局评估轮次"),
        (ZS.NATIONAL_REVIEW, ZS.RECTIFICATION, "national", "“退回整改”结论提交总局评估轮次"),
    ],
)
def test_a_move_a_round_decides_is_refused_by_hand(request, zone_a, source, target, persona, says):
    zone_at(zone_a, source)
    with pytest.raises(ValidationError) as refused:
        zone_transition(zone=zone_a, user=request.getfixturevalue(persona), to_status=target, reason="理由")
    assert says in refused.value.messages[0] and "评估轮次" in refused.value.messages[0]
    assert Zone.objects.get(pk=zone_a.pk).status == source and not moves(zone_a)


def test_the_zone_page_shows_the_refusal(client, zone_a, reviewer_fujian):
    zone_at(zone_a, ZS.NATIONAL_REVIEW)
    client.force_login(reviewer_fujian)
    response = client.post(reverse("zones:transition", args=[zone_a.pk]), {"to_status": ZS.NAMED}, follow=True)
    assert "只能通过以“命名”结论提交总局评估轮次完成" in response.content.decode()
    assert Zone.objects.get(pk=zone_a.pk).status == ZS.NATIONAL_REVIEW


def test_submitting_the_rounds_makes_those_moves(zone_a, office_a, reviewer_fujian, national):
    zone_at(zone_a, ZS.CREATING)
    own = services.round_open(zone=zone_a, kind=Kind.SELF, user=office_a)
    services.round_submit(round=own, user=office_a)
    zone_transition(zone=zone_a, user=office_a, to_status=ZS.RECTIFICATION)  # not a round's move
    zone_transition(zone=zone_a, user=office_a, to_status=ZS.PROVINCIAL_REVIEW)
    provincial = started(zone_a, Kind.PROVINCIAL, reviewer_fujian)
    services.round_submit(round=provincial, user=reviewer_fujian, conclusion="passed")
    named = started(zone_a, Kind.NATIONAL, national, code="12")
    services.round_submit(round=named, user=national, conclusion="named")
    assert Zone.objects.get(pk=zone_a.pk).status == ZS.NAMED
    assert (ZS.SELF_ASSESSMENT, ZS.CITY_REVIEW) in moves(zone_a)
    assert (ZS.NATIONAL_REVIEW, ZS.NAMED) in moves(zone_a)


def test_an_open_round_holds_the_zone_where_it_is(zone_a, office_a, reviewer_fujian):
    zone_at(zone_a, ZS.CREATING)
    services.round_open(zone=zone_a, kind=Kind.SELF, user=office_a)
    with pytest.raises(ValidationError, match="正在进行"):
        zone_transition(zone=zone_a, user=reviewer_fujian, to_status=ZS.CREATING, reason="退回补充")
    assert Zone.objects.get(pk=zone_a.pk).status == ZS.SELF_ASSESSMENT


# Reopening a concluded round -----------------------------------------------------------


def test_reopening_a_passed_provincial_round_takes_the_zone_back_and_clears_the_conclusion(zone_a, reviewer_fujian):
    zone_at(zone_a, ZS.PROVINCIAL_REVIEW)
    round = started(zone_a, Kind.PROVINCIAL, reviewer_fujian)
    services.round_submit(round=round, user=reviewer_fujian, conclusion="passed")
    services.round_reopen(round=round, user=reviewer_fujian, reason="复核后改判")
    round.refresh_from_db()
    assert round.status == "reopened" and round.conclusion == "" and round.conclusion_reason == ""
    assert Zone.objects.get(pk=zone_a.pk).status == ZS.PROVINCIAL_REVIEW
    back = ZoneTransition.objects.filter(zone=zone_a).latest("pk")
    assert (back.from_status, back.to_status, back.reason) == (ZS.NATIONAL_REVIEW, ZS.PROVINCIAL_REVIEW, "复核后改判")
    services.round_submit(round=round, user=reviewer_fujian, conclusion="failed", reason="数据支撑不足")
    assert Zone.objects.get(pk=zone_a.pk).status == ZS.RECTIFICATION


def test_a_named_zone_is_not_reopened_by_the_national_reviewer_until_sent_back(zone_a, reviewer_fujian, national):
    zone_at(zone_a, ZS.NATIONAL_REVIEW)
    round = started(zone_a, Kind.NATIONAL, national)
    services.round_submit(round=round, user=national, conclusion="named")
    with pytest.raises(ValidationError) as refused:
        services.round_reopen(round=round, user=national, reason="复核")
    message = refused.value.messages[0]
    assert "当前处于“已命名”阶段" in message and "退回“总局评估”" in message
    round.refresh_from_db()
    assert round.status == "submitted" and round.conclusion == "named"
    assert Zone.objects.get(pk=zone_a.pk).status == ZS.NAMED

    zone_transition(zone=zone_a, user=reviewer_fujian, to_status=ZS.NATIONAL_REVIEW, reason="命名材料有误")
    services.round_reopen(round=round, user=national, reason="复核")
    services.round_submit(round=round, user=national, conclusion="rectify", reason="现场核查不达标")
    assert Zone.objects.get(pk=zone_a.pk).status == ZS.RECTIFICATION


def test_a_round_is_not_reopened_once_the_zone_has_moved_on(zone_a, office_a):
    zone_at(zone_a, ZS.CREATING)
    own = services.round_open(zone=zone_a, kind=Kind.SELF, user=office_a)
    services.round_submit(round=own, user=office_a)
    zone_transition(zone=zone_a, user=office_a, to_status=ZS.RECTIFICATION)
    with pytest.raises(ValidationError, match="当前处于“整改”阶段"):
        services.round_reopen(round=own, user=office_a, reason="补充")
    own.refresh_from_db()
    assert own.status == "submitted"


def test_an_older_round_is_not_reopened_after_a_later_one(zone_a, office_a, reviewer_fujian):
    zone_at(zone_a, ZS.CREATING)
    own = services.round_open(zone=zone_a, kind=Kind.SELF, user=office_a)
    services.round_submit(round=own, user=office_a)
    zone_at(zone_a, ZS.PROVINCIAL_REVIEW)
    provincial = started(zone_a, Kind.PROVINCIAL, reviewer_fujian)
    services.round_submit(round=provincial, user=reviewer_fujian, conclusion="failed", reason="不足")
    zone_at(zone_a, ZS.CITY_REVIEW)
    with pytest.raises(ValidationError, match="之后已发起"):
        services.round_reopen(round=own, user=office_a, reason="补充")


# The submit form -------------------------------------------------------------------------


def test_the_conclusion_starts_blank_and_the_form_asks_first(client, zone_a, reviewer_fujian):
    zone_at(zone_a, ZS.PROVINCIAL_REVIEW)
    round = started(zone_a, Kind.PROVINCIAL, reviewer_fujian)
    client.force_login(reviewer_fujian)
    page = client.get(reverse("assessments:round", args=[round.pk])).content.decode()
    assert '<option value="">请选择</option>' in page and " selected" not in page.split('id="conclusion"')[1][:400]
    assert 'id="submit-form" data-confirm="' in page


def test_a_refused_submit_keeps_the_chosen_conclusion_and_changes_nothing(client, zone_a, reviewer_fujian):
    zone_at(zone_a, ZS.PROVINCIAL_REVIEW)
    round = started(zone_a, Kind.PROVINCIAL, reviewer_fujian)
    client.force_login(reviewer_fujian)
    url = reverse("assessments:round-submit", args=[round.pk])
    response = client.post(url, {"conclusion": "failed", "reason": ""})
    page = response.content.decode()
    assert response.status_code == 400 and "退回整改必须填写理由" in page
    assert '<option value="failed" selected>' in page
    response = client.post(url, {"conclusion": "", "reason": "说明文字"})
    assert response.status_code == 400 and "请选择评估结论" in response.content.decode()
    assert 'value="说明文字"' in response.content.decode()
    round.refresh_from_db()
    assert round.status == "in_review" and round.conclusion == ""
    assert Zone.objects.get(pk=zone_a.pk).status == ZS.PROVINCIAL_REVIEW


def test_the_card_shows_the_previous_rounds_total(client, zone_a, office_a, reviewer_fujian):
    zone_at(zone_a, ZS.CREATING)
    own = services.round_open(zone=zone_a, kind=Kind.SELF, user=office_a)
    score(own, office_a, "10", 2)
    snapshot = services.round_submit(round=own, user=office_a)
    zone_at(zone_a, ZS.PROVINCIAL_REVIEW)
    round = started(zone_a, Kind.PROVINCIAL, reviewer_fujian)
    client.force_login(reviewer_fujian)
    page = client.get(reverse("assessments:round", args=[round.pk])).content.decode()
    total = f"{snapshot.total.normalize():f}"
    assert f"上一轮（自评）：{total} / 100" in page, page[page.find("previous-total") - 50 :][:300]


def test_the_zone_page_explains_a_move_a_round_makes_instead_of_offering_its_button(client, zone_a, reviewer_fujian):
    zone_at(zone_a, ZS.PROVINCIAL_REVIEW)
    client.force_login(reviewer_fujian)
    page = client.get(reverse("zones:overview", args=[zone_a.pk])).content.decode()
    assert f'name="to_status" value="{ZS.NATIONAL_REVIEW}"' not in page
    assert f'name="to_status" value="{ZS.RECTIFICATION}"' not in page
    blocked = page[page.index('id="lifecycle-blocked"') :]
    assert "进入“总局评估”" in blocked and "“通过（推荐上报）”结论提交省级评估轮次" in blocked
