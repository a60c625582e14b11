"""The evaluator's review screen: one page per (round, item), with the score form.

Zone A's 省级评估 is in review; expert one (福建省's pool) is assigned items 11, 12
and 28; expert two item 12 as well. Items: 11 has two computed sub-criteria and
one checklist, 12 three checklists, 28 one "符合一项即可".
"""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import AssessmentRound, Judgement, ScoreSnapshot
from evidence.models import DataValue, Evidence, EvidenceFile
from indicators.models import Indicator, IndicatorSystem, Metric, ScoringItem
from indicators.services import indicator_system_revise
from tests.factories import MembershipFactory, UserFactory
from zones.models import Membership

pytestmark = pytest.mark.django_db
Role = Membership.Role
_stored = itertools.count(1)


def item_of(zone, code: str) -> Indicator:
    return Indicator.objects.get(system=zone.system, code=code)


def sub_of(zone, code: str) -> ScoringItem:
    return ScoringItem.objects.select_related("indicator").get(indicator__system=zone.system, code=code)


def pool_evaluator(username: str, zone):
    return MembershipFactory(
        user=UserFactory(username=username), role=Role.EVALUATOR, province=zone.region.province
    ).user


def url(round, item) -> str:
    return reverse("assessments:review-item", args=[round.pk, item.pk])


def evidence(zone, unit, item, title, status="submitted", files=(("纪要.pdf", "application/pdf"),), by=None):
    reviewed = {"reviewed_at": timezone.now(), "reviewed_by": by} if status in ("accepted", "returned") else {}
    piece = Evidence.objects.create(
        zone=zone,
        indicator=item,
        unit=unit,
        title=title,
        status=status,
        return_reason="页码不全" if status == "returned" else "",
        **reviewed,
    )
    for version, (name, content_type) in enumerate(files, 1):
        EvidenceFile.objects.create(
            evidence=piece,
            version=version,
            stored_name=f"evidence/test/{next(_stored)}",
            original_name=name,
            size=100,
            sha256="a" * 64,
            content_type=content_type,
            uploaded_by=by,
        )
    return piece


def score_form(zone, **subs) -> dict:
    """POST data for the review form: ``sub code → (points or options, comment, version)``."""
    data = {}
    for code, (value, comment, version) in subs.items():
        sub = sub_of(zone, code.replace("_", "."))
        if isinstance(value, list):
            data[f"options-{sub.pk}"] = [str(v) for v in value]
        else:
            data[f"points-{sub.pk}"] = str(value)
        data[f"comment-{sub.pk}"] = comment
        data[f"version-{sub.pk}"] = str(version)
    return data


@pytest.fixture
def round_a(zone_a):
    return AssessmentRound.objects.create(
        zone=zone_a,
        kind="provincial",
        status="in_review",
        system=zone_a.system,
        reference_year_1=2023,
        reference_year_2=2024,
    )


@pytest.fixture
def expert(zone_a, round_a, reviewer_fujian):
    user = pool_evaluator("expert_one", zone_a)
    items = [item_of(zone_a, code) for code in ("11", "12", "28")]
    services.evaluator_assign(round=round_a, evaluator=user, indicators=items, user=reviewer_fujian)
    return user


@pytest.fixture
def expert_two(zone_a, round_a, reviewer_fujian):
    user = pool_evaluator("expert_two", zone_a)
    services.evaluator_assign(round=round_a, evaluator=user, indicators=[item_of(zone_a, "12")], user=reviewer_fujian)
    return user


# The page ----------------------------------------------------------------------------------


def test_the_screen_shows_criteria_figures_results_and_evidence(client, zone_a, round_a, expert, unit_x, office_a):
    item = item_of(zone_a, "11")
    users = Metric.objects.get(key="platform_users")
    DataValue.objects.create(zone=zone_a, metric=users, year=2024, value=Decimal("120"), source="市市场监管局年报")
    DataValue.objects.create(
        zone=zone_a, metric=Metric.objects.get(key="regulatory_staff"), year=2024, value=200, source="编办"
    )
    evidence(zone_a, unit_x, item, "平台接入说明", files=[("接口说明.docx", "application/vnd.openxmlformats")])
    accepted = evidence(
        zone_a,
        unit_x,
        item,
        "平台使用记录",
        status="accepted",
        files=[("记录v1.pdf", "application/pdf"), ("记录v2.pdf", "application/pdf")],
        by=office_a,
    )
    evidence(zone_a, unit_x, item, "截图", status="returned", files=[("截图.png", "image/png")], by=office_a)
    evidence(zone_a, unit_x, item, "草稿材料", status="draft")
    client.force_login(expert)

    response = client.get(url(round_a, item))

    assert response.status_code == 200
    page = response.content.decode()
    assert "实现以网管网" in page  # criteria
    assert "数据比对、资料审查" in page  # methods
    assert "市市场监管局年报" in page and "120" in page and "编办" in page  # figures with source
    assert "2024" in page
    assert "60.00%" in page  # the automatic result's explanation: 120 / 200
    # evidence: accepted first, every version, the reviewer's status, drafts left out
    assert page.index("平台使用记录") < page.index("平台接入说明") < page.index("截图")
    assert "记录v1.pdf" in page and "记录v2.pdf" in page and "草稿材料" not in page
    assert "已采纳" in page and "退回原因" in page
    v2 = accepted.files.get(version=2)
    assert reverse("evidence:file-inline", args=[zone_a.pk, v2.pk]) in page  # previewed in the page
    assert "<iframe" in page
    docx = EvidenceFile.objects.get(original_name="接口说明.docx")
    assert reverse("evidence:file-download", args=[zone_a.pk, docx.pk]) in page
    assert reverse("evidence:file-inline", args=[zone_a.pk, docx.pk]) not in page  # a download only
    # a score field for the judged sub-criterion only; 存疑 for the computed ones
    assert f'name="points-{sub_of(zone_a, "11.3").pk}"' in page
    assert f'name="points-{sub_of(zone_a, "11.1").pk}"' not in page
    assert reverse("assessments:doubt-raise", args=[round_a.pk]) in page
    assert 'name="code" value="11.1"' in page
    assert "js/review.js" in page and "<script>" not in page


def test_any_one_items_have_a_checkbox_per_option(client, zone_a, round_a, expert):
    client.force_login(expert)
    page = client.get(url(round_a, item_of(zone_a, "28"))).content.decode()
    sub = sub_of(zone_a, "28")
    assert page.count(f'name="options-{sub.pk}"') == 3
    assert 'type="checkbox"' in page and f'name="points-{sub.pk}"' not in page


def test_the_screen_shows_the_self_assessment_and_the_previous_round(client, zone_a, round_a, expert):
    earlier = timezone.now() - timedelta(days=30)
    self_round = AssessmentRound.objects.create(
        zone=zone_a,
        kind="self",
        status="submitted",
        system=zone_a.system,
        reference_year_1=2023,
        reference_year_2=2024,
        opened_at=earlier,
    )
    result = {
        "items": [
            {"code": "12", "points": 2.5, "subs": [{"code": "12.1", "points": 1}, {"code": "12.2", "points": 0.5}]}
        ]
    }
    ScoreSnapshot.objects.create(
        zone=zone_a, round=self_round, system=zone_a.system, status="done", total=2.5, max_total=100, result=result
    )
    client.force_login(expert)
    page = client.get(url(round_a, item_of(zone_a, "12"))).content.decode()
    assert 'id="review-self-total">2.5<' in page
    assert 'id="review-previous-total">2.5<' in page


# Saving ------------------------------------------------------------------------------------


def test_saving_stores_every_judged_sub_criterion(client, zone_a, round_a, expert):
    client.force_login(expert)
    item = item_of(zone_a, "12")
    data = score_form(zone_a, **{"12_1": (1, "", 0), "12_2": ("0.5", "公示不完整", 0), "12_3": (1, "很好", 0)})

    response = client.post(url(round_a, item), data)

    assert response.status_code == 302 and response["Location"] == url(round_a, item)
    scores = {j.scoring_item.code: j for j in Judgement.objects.filter(round=round_a, judged_by=expert)}
    assert {code: j.points for code, j in scores.items()} == {"12.1": 1, "12.2": Decimal("0.5"), "12.3": 1}
    assert scores["12.2"].comment == "公示不完整" and scores["12.1"].version == 1

    data = score_form(zone_a, **{"12_1": (1, "", 1), "12_2": (1, "已补充", 1), "12_3": (1, "很好", 1)})
    client.post(url(round_a, item), data)
    scores = {j.scoring_item.code: j for j in Judgement.objects.filter(round=round_a, judged_by=expert)}
    assert scores["12.2"].points == 1 and scores["12.2"].version == 2
    assert scores["12.1"].version == 1  # unchanged: not written again


def test_any_one_options_are_saved(client, zone_a, round_a, expert):
    client.force_login(expert)
    client.post(url(round_a, item_of(zone_a, "28")), score_form(zone_a, **{"28": ([2], "", 0)}))
    judgement = Judgement.objects.get(round=round_a, judged_by=expert)
    assert judgement.options == [2] and judgement.points == 3


def test_a_stale_save_is_refused_and_the_other_save_kept(client, zone_a, round_a, expert):
    """Two tabs loaded 12.1 unscored; the other tab saved first; this one must not overwrite it."""
    item = item_of(zone_a, "12")
    services.round_judgement_set(
        round=round_a, scoring_item=sub_of(zone_a, "12.1"), user=expert, points=Decimal(1), expected_version=0
    )
    client.force_login(expert)
    data = score_form(zone_a, **{"12_1": ("0.5", "这一页的意见", 0), "12_2": (1, "", 0)})

    response = client.post(url(round_a, item), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert services.STALE in page
    kept = Judgement.objects.get(round=round_a, judged_by=expert, scoring_item__code="12.1")
    assert kept.points == 1 and kept.comment == "" and kept.version == 1
    # all or nothing: the valid 12.2 was not saved either
    assert not Judgement.objects.filter(round=round_a, judged_by=expert, scoring_item__code="12.2").exists()
    # the form keeps what the user typed, and shows what the other tab stored
    assert "这一页的意见" in page and "当前已保存的评分" in page
    assert f'name="version-{sub_of(zone_a, "12.1").pk}" value="1"' in page


def test_an_invalid_score_saves_nothing_and_keeps_the_input(client, zone_a, round_a, expert):
    client.force_login(expert)
    data = score_form(zone_a, **{"12_1": ("0.5", "", 0), "12_2": (1, "", 0), "12_3": ("0.3", "x", 0)})

    response = client.post(url(round_a, item_of(zone_a, "12")), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "未得满分时必须填写评审意见" in page
    assert "以 0.5 分为单位" in page
    assert not Judgement.objects.filter(round=round_a).exists()
    assert f'id="points-{sub_of(zone_a, "12.1").pk}" value="0.5"' in page


def test_save_and_next_goes_to_the_next_assigned_item(client, zone_a, round_a, expert):
    client.force_login(expert)
    data = {**score_form(zone_a, **{"12_1": (1, "", 0)}), "next": "1"}
    response = client.post(url(round_a, item_of(zone_a, "12")), data)
    assert response["Location"] == url(round_a, item_of(zone_a, "28"))  # 13–27 are not the expert's

    # from the last item: back to the first one still to score
    data = {**score_form(zone_a, **{"28": ([1], "", 0)}), "next": "1"}
    response = client.post(url(round_a, item_of(zone_a, "28")), data)
    assert response["Location"] == url(round_a, item_of(zone_a, "11"))


def test_start_opens_the_first_item_still_to_score(client, zone_a, round_a, expert):
    client.force_login(expert)
    start = reverse("assessments:review", args=[round_a.pk])
    assert client.get(start)["Location"] == url(round_a, item_of(zone_a, "11"))
    services.round_judgement_set(round=round_a, scoring_item=sub_of(zone_a, "11.3"), user=expert, points=1)
    assert client.get(start)["Location"] == url(round_a, item_of(zone_a, "12"))
    for code in ("12.1", "12.2", "12.3"):
        services.round_judgement_set(round=round_a, scoring_item=sub_of(zone_a, code), user=expert, points=1)
    services.round_judgement_set(round=round_a, scoring_item=sub_of(zone_a, "28"), user=expert, options=[1])
    assert client.get(start)["Location"] == url(round_a, item_of(zone_a, "11"))  # all done: the first


def test_the_tree_shows_progress_and_what_is_left(client, zone_a, round_a, expert):
    services.round_judgement_set(round=round_a, scoring_item=sub_of(zone_a, "11.3"), user=expert, points=1)
    client.force_login(expert)
    page = client.get(url(round_a, item_of(zone_a, "12"))).content.decode()
    assert "已评 1 / 3 项" in page
    todo = page[page.index('id="review-todo"') :]
    todo = todo[: todo.index("</ul>")]
    assert "发挥信用监管的基础作用" in todo and "强化智慧监管" not in todo
    # an item not assigned is listed but not a link
    assert url(round_a, item_of(zone_a, "13")) not in page


def test_progress_counts_only_items_to_score_and_the_card_is_titled_by_method(
    client, zone_a, round_a, expert, reviewer_fujian
):
    services.evaluator_assign(round=round_a, evaluator=expert, indicators=[item_of(zone_a, "1")], user=reviewer_fujian)
    client.force_login(expert)
    computed = client.get(url(round_a, item_of(zone_a, "1"))).content.decode()
    assert "已评 0 / 3 项" in computed  # item 1 is computed from the zone's data: nothing to score
    tree_item = computed[computed.index('data-item="1"') :]
    assert "自动计算" in tree_item[: tree_item.index("</li>")]
    card = computed[computed.index('id="review-result"') :][:400]
    assert "自动计算结果" in card
    judged = client.get(url(round_a, item_of(zone_a, "12"))).content.decode()
    card = judged[judged.index('id="review-result"') :][:400]
    assert "自动计算结果" not in card and "本轮当前汇总（专家评分）" in card
    mixed = client.get(url(round_a, item_of(zone_a, "11"))).content.decode()
    card = mixed[mixed.index('id="review-result"') :][:400]
    assert "本轮当前得分（自动计算与专家评分汇总）" in card


def test_a_computed_sub_criterion_can_be_doubted_from_the_screen(client, zone_a, round_a, expert):
    client.force_login(expert)
    item = item_of(zone_a, "11")
    response = client.post(
        reverse("assessments:doubt-raise", args=[round_a.pk]), {"code": "11.1", "reason": "平台用户数口径存疑"}
    )
    assert response["Location"] == url(round_a, item)
    page = client.get(url(round_a, item)).content.decode()
    assert "平台用户数口径存疑" in page and "存疑期间本轮计0分" in page
    assert 'name="code" value="11.1"' not in page  # one open doubt per sub-criterion
    assert 'name="code" value="11.2"' in page


# Access ------------------------------------------------------------------------------------


def test_an_unassigned_item_of_the_round_is_403(client, zone_a, round_a, expert):
    client.force_login(expert)
    item = item_of(zone_a, "13")
    assert client.get(url(round_a, item)).status_code == 403
    data = score_form(zone_a, **{"13_1": (1, "", 0)})
    assert client.post(url(round_a, item), data).status_code == 403
    assert not Judgement.objects.exists()


def test_another_zones_round_and_another_systems_item_are_404(client, zone_a, zone_b, round_a, expert):
    round_b = AssessmentRound.objects.create(
        zone=zone_b,
        kind="provincial",
        status="in_review",
        system=zone_b.system,
        reference_year_1=2023,
        reference_year_2=2024,
    )
    client.force_login(expert)
    assert client.get(url(round_b, item_of(zone_b, "12"))).status_code == 404
    assert client.post(url(round_b, item_of(zone_b, "12")), {}).status_code == 404
    assert client.get(reverse("assessments:review", args=[round_b.pk])).status_code == 404
    draft = indicator_system_revise(system=IndicatorSystem.objects.get(code="CN-2024"), code="CN-DRAFT", version="x")
    other = Indicator.objects.get(system=draft, code="12")
    assert client.get(url(round_a, other)).status_code == 404


def test_someone_who_does_not_score_reads_the_screen_without_the_form(client, zone_a, round_a, expert, reviewer_fujian):
    client.force_login(reviewer_fujian)
    response = client.get(url(round_a, item_of(zone_a, "13")))
    assert response.status_code == 200
    assert 'id="review-form"' not in response.content.decode()
    assert client.post(url(round_a, item_of(zone_a, "13")), {}).status_code == 403


def test_the_office_scores_every_item_in_self_assessment(client, zone_a, office_a):
    round = AssessmentRound.objects.create(
        zone=zone_a, kind="self", status="in_review", system=zone_a.system, reference_year_1=2023, reference_year_2=2024
    )
    client.force_login(office_a)
    assert client.get(reverse("assessments:review", args=[round.pk]))["Location"] == url(round, item_of(zone_a, "10"))
    assert client.get(url(round, item_of(zone_a, "1"))).status_code == 200  # computed only: readable
    data = {**score_form(zone_a, **{"13_1": (1, "", 0)}), "next": "1"}
    response = client.post(url(round, item_of(zone_a, "13")), data)
    assert response["Location"] == url(round, item_of(zone_a, "14"))
    assert Judgement.objects.get(round=round, judged_by=office_a).scoring_item.code == "13.1"


# Blind review ------------------------------------------------------------------------------


def test_blind_review_hides_the_other_evaluators_score_until_one_has_scored(
    client, zone_a, round_a, expert, expert_two
):
    item = item_of(zone_a, "12")
    services.round_judgement_set(
        round=round_a, scoring_item=sub_of(zone_a, "12.1"), user=expert_two, points=Decimal("0.5"), comment="材料不全甲"
    )
    services.round_judgement_set(
        round=round_a, scoring_item=sub_of(zone_a, "12.2"), user=expert_two, points=Decimal("0.5"), comment="材料不全乙"
    )
    client.force_login(expert)
    page = client.get(url(round_a, item)).content.decode()
    assert "材料不全甲" not in page and "材料不全乙" not in page and "expert_two" not in page
    assert "背靠背评审" in page

    client.post(url(round_a, item), score_form(zone_a, **{"12_1": (1, "", 0)}))
    page = client.get(url(round_a, item)).content.decode()
    assert "材料不全甲" in page  # scored 12.1: its other scores and aggregate show
    assert "材料不全乙" not in page  # 12.2 not yet


def test_without_blind_review_other_scores_show_at_once(client, zone_a, round_a, expert, expert_two):
    AssessmentRound.objects.filter(pk=round_a.pk).update(blind=False)
    services.round_judgement_set(
        round=round_a, scoring_item=sub_of(zone_a, "12.1"), user=expert_two, points=Decimal("0.5"), comment="材料不全甲"
    )
    client.force_login(expert)
    assert "材料不全甲" in client.get(url(round_a, item_of(zone_a, "12"))).content.decode()


# Queries -----------------------------------------------------------------------------------


def _world(zone, round, unit, item, pieces: int, evaluators: int, reviewer):
    """``pieces`` more pieces of evidence (two files each) and ``evaluators`` more evaluators who scored ``item``."""
    known = Membership.objects.filter(role=Role.EVALUATOR).count()
    for n in range(pieces):
        evidence(zone, unit, item, f"材料{n}", files=[("a.pdf", "application/pdf"), ("b.png", "image/png")])
    for n in range(evaluators):
        user = pool_evaluator(f"pool_{known + n}", zone)
        services.evaluator_assign(round=round, evaluator=user, indicators=[item], user=reviewer)
        for sub in item.scoring_items.all():
            services.round_judgement_set(round=round, scoring_item=sub, user=user, points=1)


def test_the_page_does_not_grow_queries_with_evidence_or_evaluators(
    client, zone_a, zone_b, round_a, expert, unit_x, reviewer_fujian, django_assert_max_num_queries
):
    item = item_of(zone_a, "12")
    for code in ("12.1", "12.2", "12.3"):
        services.round_judgement_set(round=round_a, scoring_item=sub_of(zone_a, code), user=expert, points=1)
    _world(zone_a, round_a, unit_x, item, pieces=3, evaluators=1, reviewer=reviewer_fujian)
    client.force_login(expert)
    client.get(url(round_a, item))  # warm the published system's spec cache
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(round_a, item)).status_code == 200
    assert len(small) <= 45, [q["sql"] for q in small.captured_queries]

    _world(zone_a, round_a, unit_x, item, pieces=27, evaluators=4, reviewer=reviewer_fujian)
    with django_assert_max_num_queries(len(small)):
        response = client.get(url(round_a, item))
    page = response.content.decode()
    assert page.count('class="list-group-item review-evidence"') == 30
    assert Judgement.objects.filter(round=round_a, scoring_item__indicator=item).count() == 18


def test_the_posting_path_is_constant_too(
    client, zone_a, round_a, expert, unit_x, reviewer_fujian, django_assert_max_num_queries
):
    item = item_of(zone_a, "12")
    _world(zone_a, round_a, unit_x, item, pieces=3, evaluators=1, reviewer=reviewer_fujian)
    client.force_login(expert)
    client.get(url(round_a, item))
    with CaptureQueriesContext(connection) as small:
        client.post(url(round_a, item), score_form(zone_a, **{"12_1": ("0.5", "", 0)}))  # refused: re-rendered
    _world(zone_a, round_a, unit_x, item, pieces=27, evaluators=4, reviewer=reviewer_fujian)
    with django_assert_max_num_queries(len(small)):
        assert client.post(url(round_a, item), score_form(zone_a, **{"12_1": ("0.5", "", 0)})).status_code == 200


def test_an_evaluator_may_recuse_from_the_review_screen(client, zone_a, round_a, expert):
    from assessments.models import EvaluatorAssignment

    client.force_login(expert)
    page = client.get(reverse("assessments:review-item", args=[round_a.pk, item_of(zone_a, "12").pk])).content.decode()
    assignment = EvaluatorAssignment.objects.get(round=round_a, evaluator=expert, indicator=item_of(zone_a, "12"))
    action = reverse("assessments:assignment-recuse", args=[round_a.pk, assignment.pk])
    assert 'id="recuse-form"' in page and action in page and "申请回避" in page
    client.post(action, {"reason": "曾参与该区方案编制"})
    assignment.refresh_from_db()
    assert assignment.recused_at is not None
