"""Who may write a 差异说明, conflicts of interest inside the zone, 存疑 under the visibility rule,
and the record kept of assignments, recusals, doubts and reasons (rows kept, audit rows written)."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from assessments import services
from assessments.models import AssessmentRound, DifferenceReason, EvaluatorAssignment, EvaluatorProfile
from audit.models import AuditEvent
from tests.assessments.round_helpers import item, pool_evaluator, provincial_round, score, sub, zone_at
from zones.models import Region, Zone

pytestmark = pytest.mark.django_db
ZS = Zone.Status


@pytest.fixture
def reasons(zone_a, office_a, reviewer_fujian):
    """A 自评 with 10 and 12 scored, then a 省级评估 where one and two score 10 lower
    (a difference to explain) and hold item 1 too; three holds items 12 and 17."""
    zone_at(zone_a, ZS.CREATING)
    own = services.round_open(zone=zone_a, kind=AssessmentRound.Kind.SELF, user=office_a)
    score(own, office_a, "10", 2)
    services.round_submit(round=own, user=office_a)
    round = provincial_round(zone_a, reviewer_fujian, blind=True)
    one, two, three = (pool_evaluator(zone_a, name) for name in ("one", "two", "three"))
    for expert, codes in ((one, ("10", "1")), (two, ("10", "1")), (three, ("12", "17"))):
        nodes = [item(zone_a, code) for code in codes]
        services.evaluator_assign(round=round, evaluator=expert, indicators=nodes, user=reviewer_fujian)
    services.round_start(round=round, user=reviewer_fujian)
    score(round, one, "10", 1, comment="甲专家的保密意见")
    return round, one, two, three


# 1. 差异说明 ------------------------------------------------------------------------------


def test_an_evaluator_not_assigned_to_the_item_may_not_write_its_reason(reasons, zone_a):
    round, one, _two, three = reasons
    services.difference_reason_set(round=round, scoring_item=sub(zone_a, "10"), user=one, text="机制未运行")
    with pytest.raises(PermissionDenied, match="未被分配评审指标“10”"):
        services.difference_reason_set(round=round, scoring_item=sub(zone_a, "10"), user=three, text="x")
    assert DifferenceReason.objects.get(round=round).text == "机制未运行"


def test_the_api_and_the_page_refuse_another_items_evaluator_and_change_nothing(client, reasons, zone_a):
    round, one, _two, three = reasons
    services.difference_reason_set(round=round, scoring_item=sub(zone_a, "10"), user=one, text="机制未运行")
    api = APIClient()
    api.force_authenticate(three)
    response = api.post(reverse("api-round-reason", args=[round.pk]), {"code": "10", "text": "x"}, format="json")
    assert response.status_code == 403 and "未被分配评审指标" in response.json()["message"]
    client.force_login(three)
    page = client.post(reverse("assessments:round-reason", args=[round.pk]), {"code": "10", "text": "x"})
    assert page.status_code == 403
    assert DifferenceReason.objects.get(round=round).text == "机制未运行"


def test_a_recused_evaluator_may_not_write_the_reason(reasons, zone_a):
    round, one, _two, _three = reasons
    assignment = EvaluatorAssignment.objects.get(round=round, evaluator=one, indicator__code="10")
    services.assignment_recuse(assignment=assignment, user=one, reason="曾为该市提供咨询")
    with pytest.raises(PermissionDenied):
        services.difference_reason_set(round=round, scoring_item=sub(zone_a, "10"), user=one, text="x")


def test_a_co_assigned_evaluator_may_replace_the_reason_and_the_change_is_audited(reasons, zone_a):
    round, one, two, _three = reasons
    services.difference_reason_set(round=round, scoring_item=sub(zone_a, "10"), user=one, text="机制未运行")
    services.difference_reason_set(round=round, scoring_item=sub(zone_a, "10"), user=two, text="机制未常态化运行")
    reason = DifferenceReason.objects.get(round=round)
    assert (reason.text, reason.by) == ("机制未常态化运行", two)
    rows = list(AuditEvent.objects.filter(action="difference_reason_set").order_by("id"))
    assert [r.actor_id for r in rows] == [one.pk, two.pk]
    assert json.loads(rows[1].before)["text"] == "机制未运行"
    assert json.loads(rows[1].after)["text"] == "机制未常态化运行"


def test_the_round_page_offers_the_reason_form_only_on_the_evaluators_items(client, reasons, reviewer_fujian):
    round, one, _two, _three = reasons
    client.force_login(one)
    html = client.get(reverse("assessments:round", args=[round.pk])).content.decode()
    assert 'id="diff-10"' in html and 'name="text"' in html
    client.force_login(reviewer_fujian)  # who runs the round writes any
    assert 'name="text"' in client.get(reverse("assessments:round", args=[round.pk])).content.decode()


# 2. Conflict of interest: the evaluator works inside the zone --------------------------


def test_an_evaluator_working_in_a_district_of_the_zone_is_refused(zone_a, reviewer_fujian):
    round = provincial_round(zone_a, reviewer_fujian)
    district = Region.objects.create(name="甲市某区", level=Region.Level.COUNTY, parent=zone_a.region)
    expert = pool_evaluator(zone_a, "local", home=None)
    EvaluatorProfile.objects.create(user=expert, home_region=district)
    with pytest.raises(ValidationError, match="工作所在地“甲市某区”位于本创建对象.*辖区内，须回避"):
        services.evaluator_assign(round=round, evaluator=expert, indicators=[item(zone_a, "12")], user=reviewer_fujian)
    assert not round.assignments.exists()


# 4. 存疑 under the visibility rule --------------------------------------------------------


def test_doubts_show_only_on_the_evaluators_items_and_blind_without_the_raisers_name(client, reasons, zone_a):
    round, one, two, three = reasons
    services.doubt_raise(round=round, scoring_item=sub(zone_a, "17.1"), user=three, reason="数据来源不明")
    services.doubt_raise(round=round, scoring_item=sub(zone_a, "1"), user=one, reason="甲的疑点")
    api = APIClient()
    api.force_authenticate(three)
    rows = api.get(reverse("api-round-doubts", args=[round.pk])).json()["results"]
    assert [r["code"] for r in rows] == ["17.1"]
    client.force_login(three)
    html = client.get(reverse("assessments:round", args=[round.pk])).content.decode()
    assert "数据来源不明" in html and "甲的疑点" not in html
    api.force_authenticate(two)  # a co-assigned evaluator, blind: the doubt, not who raised it
    rows = api.get(reverse("api-round-doubts", args=[round.pk])).json()["results"]
    assert [(r["code"], r["raised_by"]) for r in rows] == [("1", None)]
    client.force_login(two)
    html = client.get(reverse("assessments:round", args=[round.pk])).content.decode()
    assert "甲的疑点" in html and "— one" not in html and str(one) not in html.split('id="doubts"')[1]


def test_the_office_sees_every_doubt_and_who_raised_it(reasons, zone_a, office_a):
    round, one, _two, three = reasons
    services.doubt_raise(round=round, scoring_item=sub(zone_a, "17.1"), user=three, reason="数据来源不明")
    api = APIClient()
    api.force_authenticate(office_a)
    rows = api.get(reverse("api-round-doubts", args=[round.pk])).json()["results"]
    assert [(r["code"], r["raised_by"]) for r in rows] == [("17.1", three.pk)]


# 5. The record: recusals kept, every act audited ---------------------------------------


def test_reassigning_after_a_recusal_keeps_the_recusal_row(reasons, zone_a, reviewer_fujian):
    round, one, _two, _three = reasons
    first = EvaluatorAssignment.objects.get(round=round, evaluator=one, indicator__code="10")
    services.assignment_recuse(assignment=first, user=one, reason="曾为该市提供咨询")
    services.evaluator_assign(round=round, evaluator=one, indicators=[item(zone_a, "10")], user=reviewer_fujian)
    rows = list(EvaluatorAssignment.objects.filter(round=round, evaluator=one, indicator__code="10").order_by("pk"))
    assert len(rows) == 2
    assert rows[0].recused_at is not None and rows[0].recusal_reason == "曾为该市提供咨询"
    assert rows[1].recused_at is None
    with pytest.raises(ValidationError, match="回避记录须保留"):
        services.evaluator_unassign(assignment=rows[0], user=reviewer_fujian)


def test_assign_unassign_recuse_doubts_and_reasons_are_audited(reasons, zone_a, reviewer_fujian, office_a):
    round, one, two, three = reasons
    assert AuditEvent.objects.filter(action="evaluator_assigned", target_id=str(round.pk)).count() == 3
    four = pool_evaluator(zone_a, "four")
    (extra,) = services.evaluator_assign(
        round=round, evaluator=four, indicators=[item(zone_a, "11")], user=reviewer_fujian
    )
    services.evaluator_unassign(assignment=extra, user=reviewer_fujian)
    assert not EvaluatorAssignment.objects.filter(pk=extra.pk).exists()
    removed = AuditEvent.objects.get(action="evaluator_unassigned")
    assert removed.actor_id == reviewer_fujian.pk and json.loads(removed.before)["item"] == "11"
    doubt = services.doubt_raise(round=round, scoring_item=sub(zone_a, "17.1"), user=three, reason="数据来源不明")
    services.doubt_withdraw(doubt=doubt, user=three, note="已核实")
    again = services.doubt_raise(round=round, scoring_item=sub(zone_a, "17.1"), user=three, reason="仍有疑问")
    services.doubt_resolve(doubt=again, user=office_a, note="已更正数据")
    services.difference_reason_set(round=round, scoring_item=sub(zone_a, "10"), user=one, text="机制未运行")
    assignment = EvaluatorAssignment.objects.get(round=round, evaluator=two, indicator__code="10")
    services.assignment_recuse(assignment=assignment, user=two, reason="回避理由")
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "actor_id"))
    for expected in [
        ("doubt_raised", three.pk),
        ("doubt_withdrawn", three.pk),
        ("doubt_resolved", office_a.pk),
        ("difference_reason_set", one.pk),
        ("evaluator_recused", two.pk),
    ]:
        assert expected in actions
    recused = AuditEvent.objects.get(action="evaluator_recused")
    assert recused.reason == "回避理由" and recused.zone_id == zone_a.pk
