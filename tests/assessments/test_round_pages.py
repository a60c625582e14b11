"""The round pages and the round API: what each role may do, and Chinese refusals that change nothing."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import AssessmentRound, EvaluatorAssignment, Judgement
from indicators.scoring.rules import JUDGED_RULES
from tests.assessments.round_helpers import item, pool_evaluator, provincial_round, score, zone_at
from tests.factories import MembershipFactory, UserFactory
from zones.models import Membership, Zone

pytestmark = pytest.mark.django_db
ZS = Zone.Status


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_the_office_opens_scores_and_submits_a_self_assessment_through_the_pages(client, zone_a, office_a):
    zone_at(zone_a, ZS.CREATING)
    client.force_login(office_a)
    page = client.get(reverse("assessments:rounds", args=[zone_a.pk]))
    assert page.status_code == 200 and "发起评估轮次" in page.content.decode()
    response = client.post(reverse("assessments:round-open", args=[zone_a.pk]), {"kind": "self"}, follow=True)
    round = AssessmentRound.objects.get(zone=zone_a)
    assert "已发起评估轮次" in "".join(messages_of(response))
    score(round, office_a, "10", 2)
    response = client.post(reverse("assessments:round-submit", args=[round.pk]), follow=True)
    round.refresh_from_db()
    assert round.status == "submitted" and "已锁定" in "".join(messages_of(response))
    detail = client.get(reverse("assessments:round", args=[round.pk])).content.decode()
    assert "本轮得分（已冻结）" in detail and "重开本轮" in detail


def test_a_liaison_cannot_open_a_round_and_nothing_is_created(client, zone_a, liaison_x):
    zone_at(zone_a, ZS.CREATING)
    client.force_login(liaison_x)
    assert client.post(reverse("assessments:round-open", args=[zone_a.pk]), {"kind": "self"}).status_code == 403
    assert not AssessmentRound.objects.exists()


def test_the_province_may_not_open_a_self_assessment(client, zone_a, reviewer_fujian):
    zone_at(zone_a, ZS.CREATING)
    client.force_login(reviewer_fujian)
    assert client.post(reverse("assessments:round-open", args=[zone_a.pk]), {"kind": "self"}).status_code == 403
    assert not AssessmentRound.objects.exists()


def test_a_conflicted_evaluator_is_refused_on_the_assignment_page_with_the_reason(
    client, zone_a, unit_x, reviewer_fujian
):
    round = provincial_round(zone_a, reviewer_fujian)
    insider = pool_evaluator(zone_a, "insider")
    Membership.objects.create(user=insider, role=Membership.Role.LIAISON, zone=zone_a, unit=unit_x)
    client.force_login(reviewer_fujian)
    response = client.post(
        reverse("assessments:round-assignments", args=[round.pk]),
        {"evaluator": insider.pk, "indicator": [item(zone_a, "12").pk]},
        follow=True,
    )
    assert any("须回避" in m for m in messages_of(response))
    assert not EvaluatorAssignment.objects.exists()


def test_an_evaluator_sees_only_rounds_assigned_to_them(client, zone_a, reviewer_fujian):
    round = provincial_round(zone_a, reviewer_fujian)
    mine, other = pool_evaluator(zone_a, "mine"), pool_evaluator(zone_a, "other", home="厦门市")
    services.evaluator_assign(round=round, evaluator=mine, indicators=[item(zone_a, "10")], user=reviewer_fujian)
    client.force_login(mine)
    assert client.get(reverse("assessments:round", args=[round.pk])).status_code == 200
    assert "甲创建对象" in client.get(reverse("assessments:review-home")).content.decode()
    client.force_login(other)
    assert client.get(reverse("assessments:round", args=[round.pk])).status_code == 404
    assert "目前没有分配给您的评审任务" in client.get(reverse("assessments:review-home")).content.decode()


def test_the_api_runs_a_round_end_to_end(client, zone_a, reviewer_fujian):
    zone_at(zone_a, ZS.PROVINCIAL_REVIEW)
    expert = pool_evaluator(zone_a, "expert_api")
    client.force_login(reviewer_fujian)
    created = client.post(
        reverse("api-round-list", args=[zone_a.pk]), {"kind": "provincial", "aggregation": "median"}, "application/json"
    )
    assert created.status_code == 201, created.content
    round_id = created.json()["id"]
    assigned = client.post(
        reverse("api-round-assignments", args=[round_id]),
        {"evaluator": expert.pk, "indicators": [item(zone_a, "10").pk]},
        "application/json",
    )
    assert assigned.status_code == 201 and assigned.json()[0]["indicator_code"] == "10"
    assert client.post(reverse("api-round-start", args=[round_id])).json()["status"] == "in_review"

    client.force_login(expert)
    bad = client.post(
        reverse("api-round-judgement", args=[round_id]), {"code": "10", "points": "1.5"}, "application/json"
    )
    assert bad.status_code == 400 and "必须填写评审意见" in bad.json()["message"]
    saved = client.post(
        reverse("api-round-judgement", args=[round_id]),
        {"code": "10", "points": "1.5", "comment": "机制待完善", "version": 0},
        "application/json",
    )
    assert saved.status_code == 200 and saved.json()["version"] == 1
    detail = client.get(reverse("api-round", args=[round_id])).json()
    sub = next(s for i in detail["items"] for s in i["subs"] if s["code"] == "10")
    assert sub["aggregate"] == 1.5 and sub["evaluators"][0]["comment"] == "机制待完善"

    client.force_login(reviewer_fujian)
    submitted = client.post(reverse("api-round-submit", args=[round_id]), {"conclusion": "passed"}, "application/json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    zone_a.refresh_from_db()
    assert zone_a.status == ZS.NATIONAL_REVIEW


def test_the_api_refuses_another_provinces_reviewer_before_reading_the_body(client, zone_a, reviewer_zhejiang):
    zone_at(zone_a, ZS.PROVINCIAL_REVIEW)
    client.force_login(reviewer_zhejiang)
    assert client.post(reverse("api-round-list", args=[zone_a.pk]), {}, "application/json").status_code == 404
    assert not AssessmentRound.objects.exists()


def test_a_national_reviewer_sees_every_zone_and_runs_the_national_round(client, zone_a, zone_b):
    national = MembershipFactory(user=UserFactory(username="nat"), role=Membership.Role.NATIONAL_REVIEWER).user
    zone_at(zone_a, ZS.NATIONAL_REVIEW)
    client.force_login(national)
    for zone in (zone_a, zone_b):
        assert client.get(reverse("assessments:rounds", args=[zone.pk])).status_code == 200
    response = client.post(reverse("assessments:round-open", args=[zone_a.pk]), {"kind": "national"})
    assert response.status_code == 302
    assert AssessmentRound.objects.get(zone=zone_a).kind == "national"


def test_score_zone_prints_a_rounds_aggregate_with_each_evaluator(zone_a, reviewer_fujian, capsys):
    from django.core.management import call_command

    round = provincial_round(zone_a, reviewer_fujian)
    one, two = pool_evaluator(zone_a, "e1"), pool_evaluator(zone_a, "e2")
    for e in (one, two):
        services.evaluator_assign(round=round, evaluator=e, indicators=[item(zone_a, "10")], user=reviewer_fujian)
    services.round_start(round=round, user=reviewer_fujian)
    score(round, one, "10", 2)
    score(round, two, "10", 1, comment="运行记录不全")
    call_command("score_zone", "--zone", str(zone_a.pk), "--round", "provincial", "--json")
    data = json.loads(capsys.readouterr().out)
    sub = next(s for i in data["items"] for s in i["subs"] if s["code"] == "10")
    assert sub["aggregate"] == 1.5 and sub["points"] == 1.5
    assert [(e["evaluator"], e["points"], e["comment"]) for e in sub["evaluators"]] == [
        (str(one), 2, "扣分理由"),
        (str(two), 1, "运行记录不全"),
    ]
    assert data["round"]["kind"] == "provincial"
    assert Judgement.objects.filter(round=round).count() == 2 and Decimal(str(data["total"])) >= Decimal("1.5")
    # Every sub-criterion carries both keys, the computed and the unscored ones too.
    others = [s for i in data["items"] for s in i["subs"] if s["code"] != "10"]
    assert others and all(s["evaluators"] == [] and s["aggregate"] is None for s in others)
    assert any(s["rule_type"] not in JUDGED_RULES for s in others)  # automatic ones included


def test_the_api_removes_an_assignment_before_it_is_scored(client, zone_a, reviewer_fujian):
    round = provincial_round(zone_a, reviewer_fujian)
    expert = pool_evaluator(zone_a, "expert_del")
    ten, twelve = services.evaluator_assign(
        round=round, evaluator=expert, indicators=[item(zone_a, "10"), item(zone_a, "12")], user=reviewer_fujian
    )
    url = reverse("api-assignment", args=[round.pk, ten.pk])
    client.force_login(expert)  # an evaluator does not manage the round
    assert client.delete(url).status_code in (403, 404)
    client.force_login(reviewer_fujian)
    assert client.delete(url).status_code == 204
    assert list(EvaluatorAssignment.objects.filter(round=round)) == [twelve]
    assert client.delete(url).status_code == 404  # gone
    services.round_start(round=round, user=reviewer_fujian)
    services.round_judgement_set(
        round=round,
        scoring_item=item(zone_a, "12").scoring_items.first(),
        user=expert,
        points=item(zone_a, "12").scoring_items.first().points,
        comment="",
    )
    client.force_login(reviewer_fujian)
    refused = client.delete(reverse("api-assignment", args=[round.pk, twelve.pk]))
    assert refused.status_code == 400 and "已对此指标评分" in refused.json()["message"]
    assert EvaluatorAssignment.objects.filter(pk=twelve.pk).exists()


def test_the_round_and_assignment_pages_use_chinese_punctuation(client, zone_a, reviewer_fujian):
    round = provincial_round(zone_a, reviewer_fujian)
    client.force_login(reviewer_fujian)
    page = client.get(reverse("assessments:round", args=[round.pk])).content.decode()
    assert "汇总：平均" in page and "汇总:" not in page
    assign = client.get(reverse("assessments:round-assignments", args=[round.pk])).content.decode()
    assert "（全部）" in assign and "(全部)" not in assign
