"""Rounds: opening with the lifecycle, assignments and conflicts of interest, per-evaluator
scores and their aggregate, doubts, difference reasons, submit freezes and locks, reopen."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments import selectors, services
from assessments.models import AssessmentRound, Judgement, RoundEvent, ScoreSnapshot
from evidence.models import DataValue
from indicators.models import Metric
from tests.assessments.round_helpers import item, pool_evaluator, provincial_round, score, sub, zone_at
from tests.factories import MembershipFactory, UserFactory
from zones.models import Membership, Region, Zone, ZoneTransition

pytestmark = pytest.mark.django_db
Kind = AssessmentRound.Kind
ZS = Zone.Status


def sub_points(round, code):
    data = selectors.round_score(round=round).to_dict()
    return next(s for i in data["items"] for s in i["subs"] if s["code"] == code)


# Opening and the lifecycle ----------------------------------------------------------


def test_opening_self_assessment_moves_the_zone_to_self_assessment_and_starts_from_live_judgements(zone_a, office_a):
    zone_at(zone_a, ZS.CREATING)
    services.judgement_set(zone=zone_a, scoring_item=sub(zone_a, "12.1"), points=Decimal(1), user=office_a)
    round = services.round_open(zone=zone_a, kind=Kind.SELF, user=office_a)
    zone_a.refresh_from_db()
    assert zone_a.status == ZS.SELF_ASSESSMENT
    assert ZoneTransition.objects.filter(zone=zone_a, to_status=ZS.SELF_ASSESSMENT, by=office_a).exists()
    assert round.status == AssessmentRound.Status.IN_REVIEW and round.system_id == zone_a.system_id
    assert round.reference_years == (2023, 2024)
    copied = Judgement.objects.get(round=round)
    assert copied.scoring_item.code == "12.1" and copied.points == 1
    assert RoundEvent.objects.filter(round=round, to_status="in_review").exists()


def test_only_one_open_round_per_zone(zone_a, office_a):
    zone_at(zone_a, ZS.CREATING)
    services.round_open(zone=zone_a, kind=Kind.SELF, user=office_a)
    with pytest.raises(ValidationError, match="同时只能有一个进行中的评估轮次"):
        services.round_open(zone=zone_a, kind=Kind.SELF, user=office_a)
    assert AssessmentRound.objects.count() == 1


def test_a_provincial_round_needs_the_zone_in_provincial_review(zone_a, reviewer_fujian):
    zone_at(zone_a, ZS.RECTIFICATION)
    with pytest.raises(ValidationError, match="省级评估只能在 “省级评估” 阶段发起"):
        services.round_open(zone=zone_a, kind=Kind.PROVINCIAL, user=reviewer_fujian)
    assert not AssessmentRound.objects.exists()


def test_submitting_self_assessment_moves_the_zone_to_city_review_and_freezes(zone_a, office_a):
    zone_at(zone_a, ZS.CREATING)
    round = services.round_open(zone=zone_a, kind=Kind.SELF, user=office_a)
    score(round, office_a, "12.1", 1)
    snapshot = services.round_submit(round=round, user=office_a)
    round.refresh_from_db()
    zone_a.refresh_from_db()
    assert round.status == "submitted" and round.submitted_at
    assert zone_a.status == ZS.CITY_REVIEW
    assert snapshot.round == round and snapshot.status == ScoreSnapshot.Status.DONE
    assert selectors.round_result_data(round=round) == snapshot.result


def test_a_submitted_self_assessments_judgements_become_the_live_ones(zone_a, office_a):
    """Outside a round nobody types a judged score: the live score shows the office's last
    submitted 自评, and the next 自评 starts from it."""
    zone_at(zone_a, ZS.CREATING)
    services.judgement_set(
        zone=zone_a, scoring_item=sub(zone_a, "12.1"), points=Decimal("0.5"), comment="尚缺材料", user=office_a
    )
    round = services.round_open(zone=zone_a, kind=Kind.SELF, user=office_a)
    score(round, office_a, "12.1", 1)
    score(round, office_a, "12.2", "0.5", comment="制度尚未印发")
    live_before = selectors.zone_score(zone=zone_a).total
    services.round_submit(round=round, user=office_a)
    live = {j.scoring_item.code: j for j in Judgement.objects.filter(zone=zone_a, round__isnull=True)}
    assert live["12.1"].points == 1 and live["12.2"].points == Decimal("0.5")
    assert live["12.2"].comment == "制度尚未印发"
    assert selectors.zone_score(zone=zone_a).total > live_before
    from audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="judgement_saved", target_label="12.2").exists()


@pytest.mark.parametrize(
    ("conclusion", "reason", "target"),
    [("passed", "", ZS.NATIONAL_REVIEW), ("failed", "数据支撑不足", ZS.RECTIFICATION)],
)
def test_a_provincial_conclusion_moves_the_zone(zone_a, reviewer_fujian, conclusion, reason, target):
    round = provincial_round(zone_a, reviewer_fujian)
    expert = pool_evaluator(zone_a, "expert_1")
    services.evaluator_assign(round=round, evaluator=expert, indicators=[item(zone_a, "12")], user=reviewer_fujian)
    services.round_start(round=round, user=reviewer_fujian)
    services.round_submit(round=round, user=reviewer_fujian, conclusion=conclusion, reason=reason)
    zone_a.refresh_from_db()
    assert zone_a.status == target
    round.refresh_from_db()
    assert round.conclusion == conclusion


def test_a_failed_conclusion_needs_a_reason_and_a_conclusion_is_required(zone_a, reviewer_fujian):
    round = provincial_round(zone_a, reviewer_fujian)
    expert = pool_evaluator(zone_a, "expert_1")
    services.evaluator_assign(round=round, evaluator=expert, indicators=[item(zone_a, "12")], user=reviewer_fujian)
    services.round_start(round=round, user=reviewer_fujian)
    with pytest.raises(ValidationError, match="请选择评估结论"):
        services.round_submit(round=round, user=reviewer_fujian)
    with pytest.raises(ValidationError, match="退回整改必须填写理由"):
        services.round_submit(round=round, user=reviewer_fujian, conclusion="failed")
    round.refresh_from_db()
    assert round.status == "in_review" and not ScoreSnapshot.objects.filter(round=round).exists()


def test_a_national_round_names_the_zone_or_sends_it_back_to_rectification(zone_a):
    national = MembershipFactory(user=UserFactory(username="nat"), role=Membership.Role.NATIONAL_REVIEWER).user
    zone_at(zone_a, ZS.NATIONAL_REVIEW)
    round = services.round_open(zone=zone_a, kind=Kind.NATIONAL, user=national)
    expert = pool_evaluator(zone_a, "expert_n", home=None)
    services.evaluator_assign(round=round, evaluator=expert, indicators=[item(zone_a, "12")], user=national)
    services.round_start(round=round, user=national)
    services.round_submit(round=round, user=national, conclusion="rectify", reason="监管数据不实")
    zone_a.refresh_from_db()
    assert zone_a.status == ZS.RECTIFICATION  # two steps back, as the conclusion says


# Evaluators -------------------------------------------------------------------------


def test_assigning_a_dimension_assigns_every_item_under_it(zone_a, reviewer_fujian):
    round = provincial_round(zone_a, reviewer_fujian)
    expert = pool_evaluator(zone_a, "expert_1")
    dimension = zone_a.system.indicators.get(level=1, name="优化服务")
    made = services.evaluator_assign(round=round, evaluator=expert, indicators=[dimension], user=reviewer_fujian)
    codes = sorted(int(a.indicator.code) for a in made)
    assert codes == list(range(20, 28))  # 服务网络经营 20–23 and 服务网络消费 24–27


def test_an_evaluator_of_the_zones_own_unit_is_refused(zone_a, unit_x, reviewer_fujian):
    round = provincial_round(zone_a, reviewer_fujian)
    expert = pool_evaluator(zone_a, "insider")
    Membership.objects.create(user=expert, role=Membership.Role.LIAISON, zone=zone_a, unit=unit_x)
    with pytest.raises(ValidationError, match="是本创建对象“甲市商务局”的工作人员，须回避"):
        services.evaluator_assign(round=round, evaluator=expert, indicators=[item(zone_a, "12")], user=reviewer_fujian)
    assert not round.assignments.exists()


@pytest.mark.parametrize("home", ["甲市", "福建省"])
def test_an_evaluator_whose_region_contains_the_zone_is_refused(zone_a, reviewer_fujian, home):
    round = provincial_round(zone_a, reviewer_fujian)
    expert = pool_evaluator(zone_a, "local", home=None)
    from assessments.models import EvaluatorProfile

    EvaluatorProfile.objects.create(user=expert, home_region=Region.objects.get(name=home))
    with pytest.raises(ValidationError, match=f"工作所在地“{home}”包含本创建对象"):
        services.evaluator_assign(round=round, evaluator=expert, indicators=[item(zone_a, "12")], user=reviewer_fujian)
    assert not round.assignments.exists()


def test_recusal_withdraws_the_evaluators_scores_and_leaves_the_item_unassigned(zone_a, reviewer_fujian):
    round = provincial_round(zone_a, reviewer_fujian)
    expert = pool_evaluator(zone_a, "expert_1")
    (assignment,) = services.evaluator_assign(
        round=round, evaluator=expert, indicators=[item(zone_a, "12")], user=reviewer_fujian
    )
    services.round_start(round=round, user=reviewer_fujian)
    score(round, expert, "12.1", 1)
    with pytest.raises(ValidationError, match="必须填写理由"):
        services.assignment_recuse(assignment=assignment, user=expert, reason=" ")
    services.assignment_recuse(assignment=assignment, user=expert, reason="曾为该市提供咨询")
    assert not Judgement.objects.filter(round=round).exists()
    with pytest.raises(PermissionDenied):
        score(round, expert, "12.1", 1)
    page = selectors.assignment_page(round=round)
    assert "12" in [i.code for i in page["unassigned"]]


# Scores and their aggregate ---------------------------------------------------------


def _round_with(zone, reviewer, n, aggregation="mean"):
    round = provincial_round(zone, reviewer, aggregation=aggregation)
    experts = [pool_evaluator(zone, f"expert_{i}") for i in range(n)]
    for expert in experts:
        services.evaluator_assign(round=round, evaluator=expert, indicators=[item(zone, "10")], user=reviewer)
    services.round_start(round=round, user=reviewer)
    return round, experts


@pytest.mark.parametrize(
    ("aggregation", "points", "expected"),
    [
        ("mean", [2], "2"),
        ("median", [2], "2"),
        ("mean", [2, 1.5], "1.75"),
        ("median", [2, 1.5], "1.75"),
        ("mean", [2, 0.5, 2], "1.5"),
        ("median", [2, 0.5, 2], "2"),
        ("mean", [1, 1.5, 2], "1.5"),
    ],
)
def test_judged_scores_aggregate_by_mean_or_median(zone_a, reviewer_fujian, aggregation, points, expected):
    round, experts = _round_with(zone_a, reviewer_fujian, len(points), aggregation)
    for expert, value in zip(experts, points):
        score(round, expert, "10", value)
    result = sub_points(round, "10")
    assert Decimal(str(result["points"])) == Decimal(expected)
    assert result["aggregate"] == float(expected) or result["aggregate"] == int(Decimal(expected))
    assert sorted(e["points"] for e in result["evaluators"]) == sorted(points)


@pytest.mark.parametrize(
    ("points", "comment", "message"),
    [
        (Decimal("2.5"), "好", "得分应在 0 到 2 分之间"),
        (Decimal("-0.5"), "差", "得分应在 0 到 2 分之间"),
        (Decimal("1.2"), "部分", "以 0.5 分为单位"),
        (Decimal("1.5"), "", "未得满分时必须填写评审意见"),
    ],
)
def test_a_judged_score_is_bounded_in_half_points_with_a_comment_below_full_marks(
    zone_a, reviewer_fujian, points, comment, message
):
    round, (expert,) = _round_with(zone_a, reviewer_fujian, 1)
    with pytest.raises(ValidationError, match=message):
        services.round_judgement_set(
            round=round, scoring_item=sub(zone_a, "10"), user=expert, points=points, comment=comment
        )
    assert not Judgement.objects.filter(round=round).exists()


def test_full_marks_need_no_comment_and_automatic_items_cannot_be_typed_over(zone_a, reviewer_fujian):
    round, (expert,) = _round_with(zone_a, reviewer_fujian, 1)
    services.round_judgement_set(round=round, scoring_item=sub(zone_a, "10"), user=expert, points=Decimal(2))
    services.evaluator_assign(round=round, evaluator=expert, indicators=[item(zone_a, "17")], user=reviewer_fujian)
    with pytest.raises(ValidationError, match="自动计算"):
        services.round_judgement_set(round=round, scoring_item=sub(zone_a, "17.1"), user=expert, points=Decimal(1))


def test_a_stale_save_is_refused_and_the_later_change_kept(zone_a, reviewer_fujian):
    round, (expert,) = _round_with(zone_a, reviewer_fujian, 1)
    first = services.round_judgement_set(
        round=round, scoring_item=sub(zone_a, "10"), user=expert, points=Decimal(2), expected_version=0
    )
    assert first.version == 1
    with pytest.raises(ValidationError, match="已在别处"):
        services.round_judgement_set(
            round=round, scoring_item=sub(zone_a, "10"), user=expert, points=Decimal(1), comment="x", expected_version=0
        )
    assert Judgement.objects.get(round=round).points == 2


def test_an_item_is_capped_at_its_points(zone_a, reviewer_fujian):
    data = selectors.round_score(round=_round_with(zone_a, reviewer_fujian, 1)[0]).to_dict()
    for entry in data["items"]:
        assert entry["points"] <= entry["max"]


def test_blind_review_hides_other_scores_until_the_evaluator_has_scored(zone_a, reviewer_fujian):
    round, (one, two) = _round_with(zone_a, reviewer_fujian, 2)
    score(round, one, "10", 2)
    page = selectors.round_page(round=round, user=two)
    shown = next(s for i in page["items"] for s in i["subs"] if s["code"] == "10")
    assert not shown["evaluators"]
    score(round, two, "10", 1.5)
    page = selectors.round_page(round=round, user=two)
    shown = next(s for i in page["items"] for s in i["subs"] if s["code"] == "10")
    assert len(shown["evaluators"]) == 2


def test_open_review_shows_every_score(zone_a, reviewer_fujian):
    round = provincial_round(zone_a, reviewer_fujian, blind=False)
    one, two = pool_evaluator(zone_a, "e1"), pool_evaluator(zone_a, "e2")
    for e in (one, two):
        services.evaluator_assign(round=round, evaluator=e, indicators=[item(zone_a, "10")], user=reviewer_fujian)
    services.round_start(round=round, user=reviewer_fujian)
    score(round, one, "10", 2)
    page = selectors.round_page(round=round, user=two)
    shown = next(s for i in page["items"] for s in i["subs"] if s["code"] == "10")
    assert [e["points"] for e in shown["evaluators"]] == [2]


# Doubts -----------------------------------------------------------------------------


def test_a_doubt_zeroes_the_figure_until_withdrawn_or_resolved(zone_a, reviewer_fujian, office_a):
    metric = Metric.objects.get(key="clue_verification_rate")
    DataValue.objects.create(zone=zone_a, metric=metric, year=2024, value=Decimal(99))
    round = provincial_round(zone_a, reviewer_fujian)
    expert = pool_evaluator(zone_a, "expert_1")
    services.evaluator_assign(round=round, evaluator=expert, indicators=[item(zone_a, "17")], user=reviewer_fujian)
    services.round_start(round=round, user=reviewer_fujian)
    assert sub_points(round, "17.1")["points"] == 1
    with pytest.raises(ValidationError, match="必须填写理由"):
        services.doubt_raise(round=round, scoring_item=sub(zone_a, "17.1"), user=expert, reason="")
    doubt = services.doubt_raise(round=round, scoring_item=sub(zone_a, "17.1"), user=expert, reason="核查台账不全")
    disputed = sub_points(round, "17.1")
    assert disputed["points"] == 0 and "存疑" in disputed["explanation"] and disputed["disputed"] == "核查台账不全"
    with pytest.raises(PermissionDenied):
        services.doubt_withdraw(doubt=doubt, user=office_a)
    services.doubt_resolve(doubt=doubt, user=office_a, note="已补充核查台账")
    assert sub_points(round, "17.1")["points"] == 1


def test_a_doubt_needs_an_assignment_and_a_quantitative_item(zone_a, reviewer_fujian):
    round = provincial_round(zone_a, reviewer_fujian)
    expert = pool_evaluator(zone_a, "expert_1")
    services.evaluator_assign(round=round, evaluator=expert, indicators=[item(zone_a, "10")], user=reviewer_fujian)
    services.round_start(round=round, user=reviewer_fujian)
    with pytest.raises(ValidationError, match="不适用存疑"):
        services.doubt_raise(round=round, scoring_item=sub(zone_a, "10"), user=expert, reason="x")
    with pytest.raises(PermissionDenied):
        services.doubt_raise(round=round, scoring_item=sub(zone_a, "17.1"), user=expert, reason="x")


# Side by side, reasons, freeze, reopen -----------------------------------------------


def _self_round_submitted(zone, office, points=2):
    zone_at(zone, ZS.CREATING)
    round = services.round_open(zone=zone, kind=Kind.SELF, user=office)
    score(round, office, "10", points)
    services.round_submit(round=round, user=office)
    round.refresh_from_db()
    return round


def test_every_differing_sub_criterion_needs_a_reason_before_submitting(zone_a, office_a, reviewer_fujian):
    _self_round_submitted(zone_a, office_a, points=2)
    round, (expert,) = _round_with(zone_a, reviewer_fujian, 1)
    score(round, expert, "10", 1)  # self-assessment said 2
    differences = selectors.round_differences(round=round)
    assert [(d["code"], d["points"], d["previous"]) for d in differences] == [("10", 1, 2)]
    with pytest.raises(ValidationError, match="须填写差异说明：10"):
        services.round_submit(round=round, user=reviewer_fujian, conclusion="passed")
    services.difference_reason_set(round=round, scoring_item=sub(zone_a, "10"), user=expert, text="机制未常态化运行")
    services.round_submit(round=round, user=reviewer_fujian, conclusion="passed")
    round.refresh_from_db()
    assert round.status == "submitted"


def test_a_submitted_round_does_not_move_when_data_change_afterwards(zone_a, office_a):
    round = _self_round_submitted(zone_a, office_a)
    frozen = selectors.round_result_data(round=round)
    zone_at(zone_a, ZS.RECTIFICATION)  # the lock lifts in 整改
    metric = Metric.objects.get(key="clue_verification_rate")
    DataValue.objects.create(zone=zone_a, metric=metric, year=2024, value=Decimal(99))
    Judgement.objects.filter(round=round).update(points=0)
    assert selectors.round_result_data(round=round) == frozen
    assert selectors.round_score(round=round).total != Decimal(str(frozen["total"]))


def test_submitted_rounds_refuse_scores_and_reopening_needs_a_reason_and_unlocks(zone_a, office_a):
    round = _self_round_submitted(zone_a, office_a)
    with pytest.raises(ValidationError, match="已提交并锁定"):
        score(round, office_a, "10", 1)
    assert services.zone_lock_reason(zone=zone_a) and "自评" in services.zone_lock_reason(zone=zone_a)
    with pytest.raises(ValidationError, match="必须填写理由"):
        services.round_reopen(round=round, user=office_a, reason="")
    services.round_reopen(round=round, user=office_a, reason="补充评审意见")
    round.refresh_from_db()
    assert round.status == "reopened"
    assert RoundEvent.objects.filter(round=round, to_status="reopened", reason="补充评审意见", by=office_a).exists()
    assert services.zone_lock_reason(zone=zone_a) is None
    score(round, office_a, "10", 1)


def test_the_lock_covers_only_the_years_the_round_reads(zone_a, office_a):
    _self_round_submitted(zone_a, office_a)
    assert services.zone_lock_reason(zone=zone_a, year=2022)  # the year before 2023: growth reads it
    assert services.zone_lock_reason(zone=zone_a, year=2024)
    assert services.zone_lock_reason(zone=zone_a, year=2025) is None
    zone_at(zone_a, ZS.RECTIFICATION)
    assert services.zone_lock_reason(zone=zone_a) is None


def test_live_judgements_are_locked_too(zone_a, office_a):
    _self_round_submitted(zone_a, office_a)
    with pytest.raises(ValidationError, match="已锁定"):
        services.judgement_set(zone=zone_a, scoring_item=sub(zone_a, "12.1"), points=Decimal(1), user=office_a)


def test_the_province_returns_a_self_assessment(zone_a, office_a, reviewer_fujian):
    round = _self_round_submitted(zone_a, office_a)
    services.round_return(round=round, user=reviewer_fujian, reason="佐证材料不全")
    round.refresh_from_db()
    assert round.status == "returned" and round.is_editable
    score(round, office_a, "10", 1.5, comment="按省里意见调整")
    snapshot = services.round_submit(round=round, user=office_a)
    assert ScoreSnapshot.objects.filter(round=round).count() == 2 and snapshot.total is not None


def test_submitted_at_is_recorded(zone_a, office_a):
    before = timezone.now()
    round = _self_round_submitted(zone_a, office_a)
    round.refresh_from_db()
    assert round.submitted_at >= before


def test_blind_review_hides_the_aggregate_and_its_explanation_on_the_round_page(client, zone_a, reviewer_fujian):
    round, (one, two) = _round_with(zone_a, reviewer_fujian, 2)
    score(round, one, "10", 1, comment="甲专家的保密意见")
    client.force_login(two)
    page = client.get(f"/assessments/rounds/{round.pk}/").content.decode()
    assert "甲专家的保密意见" not in page and "背靠背评审" in page
    score(round, two, "10", 2)
    page = client.get(f"/assessments/rounds/{round.pk}/").content.decode()
    assert "甲专家的保密意见" in page


def test_in_self_assessment_the_office_scores_as_one_body(zone_a, office_a):
    other_office = MembershipFactory(
        user=UserFactory(username="office_2"), role=Membership.Role.OFFICE, zone=zone_a
    ).user
    zone_at(zone_a, ZS.CREATING)
    round = services.round_open(zone=zone_a, kind=Kind.SELF, user=office_a)
    score(round, office_a, "10", 2)
    score(round, other_office, "10", 1, comment="复核后下调")
    (only,) = Judgement.objects.filter(round=round, scoring_item__code="10")
    assert only.points == 1 and only.judged_by == other_office and only.version == 2
    assert sub_points(round, "10")["points"] == 1
