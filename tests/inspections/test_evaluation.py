"""市级考评: the 考核考评组, assigning units, results and points, methods, finishing; grades at their
bounds; the ranking with ties; the 考评结果通报 workbook."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from inspections import evaluation as ev
from inspections import services
from inspections.grading import RankEntry, Thresholds, grade_for, rank_units, score_of
from inspections.models import Campaign, Evaluation
from inspections.ranking import FINDINGS_SHEET, RANKING_SHEET, campaign_ranking
from tests.factories import MembershipFactory, UserFactory
from zones.models import Membership

pytestmark = pytest.mark.django_db
Role = Membership.Role
T = Thresholds(excellent=Decimal(90), good=Decimal(80), passing=Decimal(60))


# Pure: scores, grades, ranking ------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("100", "excellent"),
        ("90", "excellent"),
        ("89.99", "good"),
        ("80", "good"),
        ("79.99", "pass"),
        ("60", "pass"),
        ("59.99", "fail"),
        ("0", "fail"),
    ],
)
def test_grade_thresholds_include_their_bound(score, grade):
    assert grade_for(Decimal(score), T) == grade


def test_equal_thresholds_skip_a_grade():
    assert grade_for(Decimal(80), Thresholds(Decimal(80), Decimal(80), Decimal(60))) == "excellent"


def test_score_on_the_results_scale_and_on_points():
    rows = [("done", None), ("mostly", None), ("not_done", None), ("done", None)]
    assert score_of(scale="results", row_points=Decimal(10), rows=rows).percent == Decimal("62.50")
    points = score_of(scale="points", row_points=Decimal(10), rows=[("done", Decimal(10)), ("mostly", Decimal("6.5"))])
    assert (points.points, points.max_points, points.percent) == (Decimal("16.5"), Decimal(20), Decimal("82.50"))
    third = score_of(
        scale="results", row_points=Decimal(1), rows=[("done", None), ("not_done", None), ("not_done", None)]
    )
    assert third.percent == Decimal("33.33")


def test_ranking_orders_by_grade_then_score_ties_share_a_rank_unscored_last():
    entries = [
        RankEntry(unit_id=1, position=1, score=Decimal("75")),
        RankEntry(unit_id=2, position=2, score=None),
        RankEntry(unit_id=3, position=3, score=Decimal("92")),
        RankEntry(unit_id=4, position=4, score=Decimal("75")),
        RankEntry(unit_id=5, position=5, score=Decimal("59.5")),
        RankEntry(unit_id=6, position=0, score=Decimal("92")),
        RankEntry(unit_id=7, position=7, score=Decimal("80")),
    ]
    ranked = rank_units(entries, T)
    assert [(e.unit_id, e.rank, e.grade) for e in ranked] == [
        (6, 1, "excellent"),
        (3, 1, "excellent"),
        (7, 3, "good"),
        (1, 4, "pass"),
        (4, 4, "pass"),
        (5, 6, "fail"),
        (2, None, ""),
    ]


# 考核考评组 and assignments ----------------------------------------------------------------


def test_only_the_zones_office_and_evaluators_join_the_team(campaign, office_a, liaison_x, evaluator_a, zone_b):
    ev.team_member_add(campaign=campaign, member=evaluator_a, by=office_a)
    with pytest.raises(ValidationError, match="已在考核考评组"):
        ev.team_member_add(campaign=campaign, member=evaluator_a, by=office_a)
    with pytest.raises(ValidationError, match="不能加入考核考评组"):
        ev.team_member_add(campaign=campaign, member=liaison_x, by=office_a)
    other = MembershipFactory(
        user=UserFactory(username="evaluator_b"), role=Membership.Role.EVALUATOR, zone=zone_b
    ).user
    with pytest.raises(ValidationError, match="不能加入考核考评组"):
        ev.team_member_add(campaign=campaign, member=other, by=office_a)


def test_units_go_only_to_team_members_and_a_member_with_units_stays(campaign, office_a, evaluator_a, unit_x):
    with pytest.raises(ValidationError, match="不在考核考评组"):
        ev.evaluation_assign(campaign=campaign, unit_ids=[unit_x.pk], evaluator=evaluator_a, by=office_a)
    member = ev.team_member_add(campaign=campaign, member=evaluator_a, by=office_a)
    assert ev.evaluation_assign(campaign=campaign, unit_ids=[unit_x.pk], evaluator=evaluator_a, by=office_a) == 1
    with pytest.raises(ValidationError, match="请先改派"):
        ev.team_member_remove(member=member, by=office_a)
    assert campaign.evaluations.get(unit=unit_x).events.get().reason.startswith("分派给")


# Recording and finishing ----------------------------------------------------------------------


def keys_of(evaluation):
    return services.row_keys(campaign=evaluation.campaign, unit=evaluation.unit)


def record_all(evaluation, user, result="done", points=None):
    ev.evaluation_results_save(
        evaluation=evaluation,
        user=user,
        results={k: {"result": result, "points": points} for k in keys_of(evaluation)},
    )


def test_finishing_needs_every_result_and_a_method_then_stores_the_score(evaluation_x, evaluator_a):
    keys = list(keys_of(evaluation_x))
    ev.evaluation_results_save(evaluation=evaluation_x, user=evaluator_a, results={keys[0]: {"result": "mostly"}})
    assert Evaluation.objects.get(pk=evaluation_x.pk).status == "in_progress"
    with pytest.raises(ValidationError, match="尚未填写考评结果"):
        ev.evaluation_finish(evaluation=evaluation_x, user=evaluator_a)
    ev.evaluation_results_save(
        evaluation=evaluation_x, user=evaluator_a, results={k: {"result": "done"} for k in keys[1:]}
    )
    with pytest.raises(ValidationError, match="至少记录一种考评方式"):
        ev.evaluation_finish(evaluation=evaluation_x, user=evaluator_a)
    ev.evaluation_method_add(
        evaluation=evaluation_x, user=evaluator_a, method="visit", on=timezone.localdate(), notes="暗访"
    )
    ev.evaluation_method_add(evaluation=evaluation_x, user=evaluator_a, method="documents", on=timezone.localdate())
    ev.evaluation_finish(evaluation=evaluation_x, user=evaluator_a)
    evaluation_x.refresh_from_db()
    # 5 rows: 4 done + 1 mostly = 4.5 / 5
    assert (evaluation_x.status, evaluation_x.score) == ("done", Decimal("90.00"))
    assert ev.evaluation_grade(evaluation_x) == "excellent"
    with pytest.raises(ValidationError, match="考评已完成"):
        record_all(evaluation_x, evaluator_a, "not_done")


def test_the_grade_follows_the_offices_current_thresholds(evaluation_x, evaluator_a, office_a, campaign):
    record_all(evaluation_x, evaluator_a)
    ev.evaluation_method_add(evaluation=evaluation_x, user=evaluator_a, method="report", on=timezone.localdate())
    ev.evaluation_finish(evaluation=evaluation_x, user=evaluator_a)
    assert ev.evaluation_grade(evaluation_x) == "excellent"  # 100% against 90 / 80 / 60
    for bad in ({"excellent_min": "100.01"}, {"good_min": "95"}, {"pass_min": "-1"}):
        with pytest.raises(ValidationError, match="等次分数线"):
            services.campaign_update(campaign=campaign, data=bad)
    services.campaign_update(campaign=campaign, data={"excellent_min": "100", "good_min": "100", "pass_min": "100"})
    evaluation_x.campaign.refresh_from_db()
    assert ev.evaluation_grade(evaluation_x) == "excellent"
    services.campaign_update(campaign=campaign, data={"excellent_min": "100", "good_min": "99.99", "pass_min": "0"})
    Evaluation.objects.filter(pk=evaluation_x.pk).update(score=Decimal("99.99"))
    evaluation_x.refresh_from_db()
    assert ev.evaluation_grade(evaluation_x) == "good"
    with pytest.raises(ValidationError, match="不能再修改计分方式"):
        services.campaign_update(campaign=campaign, data={"scale": "points"})


def test_points_scale_needs_points_in_half_steps_within_the_row_maximum(
    zone_a, office_a, unit_x, matrix, tasks, evaluator_a
):
    campaign = services.campaign_open(
        zone=zone_a,
        user=office_a,
        title="按分值",
        due_date=timezone.localdate() + timedelta(days=5),
        scale=Campaign.Scale.POINTS,
        row_points="5",
    )
    ev.team_member_add(campaign=campaign, member=evaluator_a, by=office_a)
    ev.evaluation_assign(campaign=campaign, unit_ids=[unit_x.pk], evaluator=evaluator_a, by=office_a)
    evaluation = campaign.evaluations.select_related("campaign", "unit").get(unit=unit_x)
    key = next(iter(keys_of(evaluation)))
    for bad, message in (("", "请填写得分"), ("5.5", "0 到 5 分"), ("1.2", "0.5 分为单位"), ("x", "应为数字")):
        with pytest.raises(ValidationError, match=message):
            ev.evaluation_results_save(
                evaluation=evaluation, user=evaluator_a, results={key: {"result": "done", "points": bad}}
            )
    record_all(evaluation, evaluator_a, "mostly", "4")
    ev.evaluation_method_add(evaluation=evaluation, user=evaluator_a, method="survey", on=timezone.localdate())
    ev.evaluation_finish(evaluation=evaluation, user=evaluator_a)
    evaluation.refresh_from_db()
    assert (evaluation.points, evaluation.max_points, evaluation.score) == (Decimal(20), Decimal(25), Decimal("80.00"))


def test_the_office_reopens_a_finished_evaluation_with_a_reason(evaluation_x, evaluator_a, office_a):
    record_all(evaluation_x, evaluator_a)
    ev.evaluation_method_add(evaluation=evaluation_x, user=evaluator_a, method="report", on=timezone.localdate())
    ev.evaluation_finish(evaluation=evaluation_x, user=evaluator_a)
    with pytest.raises(ValidationError, match="理由"):
        ev.evaluation_reopen(evaluation=evaluation_x, user=office_a, reason="")
    ev.evaluation_reopen(evaluation=evaluation_x, user=office_a, reason="复查发现漏项")
    evaluation_x.refresh_from_db()
    assert (evaluation_x.status, evaluation_x.score) == ("in_progress", None)


# Ranking and export ----------------------------------------------------------------------------


def finish(evaluation, user, result):
    record_all(evaluation, user, result)
    ev.evaluation_method_add(evaluation=evaluation, user=user, method="report", on=timezone.localdate())
    ev.evaluation_finish(evaluation=evaluation, user=user)


def test_the_ranking_and_the_results_bulletin(client, team, unit_x, unit_y, office_a, evaluator_a, evaluator_a2):
    from tests.factories import UnitFactory

    UnitFactory(zone=unit_x.zone, name="甲市财政局", short_name="财政局", position=9)
    services.campaign_units_sync(campaign=team)
    finish(team.evaluations.get(unit=unit_y), evaluator_a2, "mostly")
    finish(team.evaluations.get(unit=unit_x), evaluator_a, "done")
    rows = campaign_ranking(campaign=team)
    assert [(r.unit.name, r.entry.rank, r.grade_label) for r in rows] == [
        ("甲市商务局", 1, "优秀"),
        ("甲市统计局", 2, "不合格"),
        ("甲市财政局", None, ""),
    ]
    client.force_login(office_a)
    response = client.get(reverse("inspections:ranking-export", args=[team.pk]))
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    ranking = workbook[RANKING_SHEET]
    assert "考评结果通报" in ranking["A1"].value
    assert [c.value for c in ranking[3]][:4] == [1, "甲市商务局", "优秀", 100.0]
    assert ranking["C5"].value == "未完成考评"
    assert workbook[FINDINGS_SHEET]["A3"].value == "未发现问题。"


def test_an_evaluator_sees_only_the_ranking_rows_of_their_units_and_no_export(client, team, evaluator_a, unit_x):
    client.force_login(evaluator_a)
    page = client.get(reverse("inspections:ranking", args=[team.pk]))
    assert [r.unit.pk for r in page.context["rows"]] == [unit_x.pk]
    assert client.get(reverse("inspections:ranking-export", args=[team.pk])).status_code == 404


def test_a_scoped_viewer_sees_each_unit_at_its_true_rank(
    client, team, unit_x, unit_y, office_a, evaluator_a, evaluator_a2, liaison_x
):
    """Unit Y is first and unit X second in the office's ranking: a liaison of X and X's evaluator,
    who see only X, see it second too (the page and the API), not first among the rows they see."""
    finish(team.evaluations.get(unit=unit_y), evaluator_a2, "done")
    finish(team.evaluations.get(unit=unit_x), evaluator_a, "mostly")
    office = {r.unit.pk: r.entry.rank for r in campaign_ranking(campaign=team)}
    assert office == {unit_y.pk: 1, unit_x.pk: 2}
    for viewer in (liaison_x, evaluator_a):
        client.force_login(viewer)
        page = client.get(reverse("inspections:ranking", args=[team.pk]))
        assert [(r.unit.pk, r.entry.rank) for r in page.context["rows"]] == [(unit_x.pk, 2)]
        api = client.get(reverse("api-inspection-ranking", args=[team.pk])).json()
        assert [(u["unit"], u["rank"]) for u in api["units"]] == [(unit_x.pk, 2)]


def test_the_dashboard_shows_the_latest_ranking(client, team, unit_x, office_a, evaluator_a):
    dashboard = reverse("tasks:dashboard", args=[team.zone_id])
    client.force_login(office_a)
    assert "尚无单位完成考评" in client.get(dashboard).content.decode()
    finish(team.evaluations.get(unit=unit_x), evaluator_a, "done")
    page = client.get(dashboard).content.decode()
    assert "市级考评排名" in page and "甲市商务局" in page and "优秀" in page
    assert reverse("inspections:ranking", args=[team.pk]) in page


def test_the_dashboard_shows_the_open_campaign_not_a_closed_one(client, team, unit_x, office_a, evaluator_a):
    """Two campaigns: the closed one first in the alphabet ("closed" < "open"), the open one is current."""
    finish(team.evaluations.get(unit=unit_x), evaluator_a, "done")
    services.campaign_close(campaign=team, user=office_a)
    current = services.campaign_open(
        zone=team.zone, user=office_a, title="2026年自查自纠", due_date=timezone.localdate() + timedelta(days=30)
    )
    client.force_login(office_a)
    page = client.get(reverse("tasks:dashboard", args=[team.zone_id])).content.decode()
    card = page[page.index('id="inspection-ranking"') :]
    assert "2026年自查自纠" in card and "2025年自查自纠" not in card
    assert reverse("inspections:ranking", args=[current.pk]) in card
    # Once it closes too, the latest one is shown.
    services.campaign_close(campaign=current, user=office_a)
    page = client.get(reverse("tasks:dashboard", args=[team.zone_id])).content.decode()
    assert "2026年自查自纠" in page[page.index('id="inspection-ranking"') :]


def test_the_team_page_offers_evaluators_eligible_through_a_round(client, campaign, office_a, evaluator_a, zone_a):
    """A pool evaluator assigned in one of the zone's rounds may join (eligible_for_team), so is offered;
    a pool evaluator without such an assignment is not."""
    from assessments.models import AssessmentRound, EvaluatorAssignment
    from indicators.models import Indicator

    province = zone_a.region.province
    pooled = MembershipFactory(user=UserFactory(username="pool_expert"), role=Role.EVALUATOR, province=province).user
    MembershipFactory(user=UserFactory(username="idle_expert"), role=Role.EVALUATOR, province=province)
    round_a = AssessmentRound.objects.create(
        zone=zone_a, kind="provincial", status="in_review", system=zone_a.system, reference_year_1=2023,
        reference_year_2=2024,
    )  # fmt: skip
    indicator = Indicator.objects.filter(system=zone_a.system, level=3).first()
    EvaluatorAssignment.objects.create(round=round_a, evaluator=pooled, indicator=indicator)

    client.force_login(office_a)
    page = client.get(reverse("inspections:team", args=[campaign.pk]))
    offered = {u.username for u in page.context["candidates"]}
    assert {"pool_expert", evaluator_a.username, office_a.username} <= offered
    assert "idle_expert" not in offered
    assert 'value="pool_expert"' in page.content.decode()
    ev.team_member_add(campaign=campaign, member=pooled, by=office_a)  # the same rule accepts it
