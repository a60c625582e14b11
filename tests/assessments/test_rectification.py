"""Gap analysis of a round, and rectification tasks (整改) made from the gaps the office picks."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments.models import AssessmentRound, Judgement
from assessments.rectification import rectification_marker, rectification_tasks_create, round_gaps
from evidence.models import Evidence
from indicators.models import Indicator, ScoringItem
from tasks.models import Assignment, Task
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from zones.models import IndicatorResponsibility, Membership

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def item_12(zone_a):
    return Indicator.objects.get(system=zone_a.system, code="12")


@pytest.fixture
def self_round(zone_a, office_a, item_12):
    """A 自评 of zone A in which the office judged 12.1 in full and 12.2 at half."""
    round = AssessmentRound.objects.create(
        zone=zone_a,
        kind=AssessmentRound.Kind.SELF,
        status=AssessmentRound.Status.IN_REVIEW,
        system=zone_a.system,
        reference_year_1=2023,
        reference_year_2=2024,
        opened_by=office_a,
    )
    for code, points in (("12.1", "1"), ("12.2", "0.5")):
        Judgement.objects.create(
            zone=zone_a,
            round=round,
            scoring_item=ScoringItem.objects.get(indicator=item_12, code=code),
            points=D(points),
            comment="机制尚不完善" if code == "12.2" else "",
            judged_by=office_a,
        )
    return round


@pytest.fixture
def matrix_12(zone_a, unit_x, unit_y, item_12):
    """Item 12: unit Y responsible, unit X lead (created second: lead still comes first)."""
    IndicatorResponsibility.objects.create(zone=zone_a, indicator=item_12, unit=unit_y, is_lead=False)
    IndicatorResponsibility.objects.create(zone=zone_a, indicator=item_12, unit=unit_x, is_lead=True)
    removed = UnitFactory(zone=zone_a, name="甲市司法局", short_name="司法局")
    IndicatorResponsibility.objects.create(
        zone=zone_a, indicator=item_12, unit=removed, removed=True, source=IndicatorResponsibility.Source.MANUAL
    )


@pytest.fixture
def evidence_12(zone_a, unit_x, item_12, liaison_x):
    now = timezone.now()
    sub = ScoringItem.objects.get(indicator=item_12, code="12.2")
    Evidence.objects.create(zone=zone_a, indicator=item_12, unit=unit_x, title="草稿", created_by=liaison_x)
    Evidence.objects.create(
        zone=zone_a, indicator=item_12, unit=unit_x, title="纪要", status="accepted", reviewed_at=now
    )
    Evidence.objects.create(
        zone=zone_a, indicator=item_12, scoring_item=sub, unit=unit_x, title="制度", status="accepted", reviewed_at=now
    )
    other = ScoringItem.objects.get(indicator=item_12, code="12.3")
    Evidence.objects.create(zone=zone_a, indicator=item_12, scoring_item=other, unit=unit_x, title="别项")


def future(days: int = 30):
    return timezone.localdate() + timedelta(days=days)


def gaps_url(round):
    return reverse("assessments:round-gaps", args=[round.pk])


def tasks_url(round):
    return reverse("assessments:round-gaps-tasks", args=[round.pk])


# ---------------------------------------------------------------- gaps


def test_every_sub_criterion_that_lost_points_is_a_gap_with_its_reason(self_round, matrix_12, evidence_12):
    gaps = {g.code: g for g in round_gaps(self_round)}
    assert "12.1" not in gaps  # full marks: no gap
    gap = gaps["12.2"]
    assert (gap.points, gap.max, gap.lost) == (D("0.5"), D(1), D("0.5"))
    assert (gap.item_code, gap.dimension_code, gap.dimension_name) == ("12", "B", "规范监管")
    assert "部分符合" in gap.explanation and "机制尚不完善" in gap.explanation
    assert [(u.name, u.is_lead) for u in gap.units] == [("甲市商务局", True), ("甲市统计局", False)]
    # the item's own evidence plus the evidence filed for 12.2 (not 12.3's), accepted first
    assert [(e.status, e.count) for e in gap.evidence] == [("accepted", 2), ("draft", 1)]
    assert gap.evidence_total == 3
    # an empty zone loses every quantitative point, and says why
    assert "缺少数据" in gaps["1"].explanation and gaps["1"].lost == 2
    assert gaps["1"].units == () and gaps["1"].evidence == ()
    subs = ScoringItem.objects.filter(indicator__system=self_round.system).count()
    assert len(gaps) == subs - 1
    codes = list(gaps)
    assert codes.index("1") < codes.index("12.2") < codes.index("41.2")  # item order


def test_gaps_page_filters_by_dimension_and_paginates(client, office_a, self_round, matrix_12):
    client.force_login(office_a)
    page = client.get(gaps_url(self_round))
    assert page.status_code == 200
    assert page.context["count"] > 50 and page.context["page"].paginator.num_pages == 2
    html = page.content.decode()
    assert "失分分析" in html and "生成整改任务" in html and 'name="code"' in html
    assert "?page=2" in html

    page = client.get(gaps_url(self_round), {"dimension": "B"})
    gaps = list(page.context["page"])
    assert gaps and {g.dimension_code for g in gaps} == {"B"}
    html = page.content.decode()
    assert "12.2" in html and "机制尚不完善" in html and "甲市商务局" in html and "牵头" in html
    assert "网上零售额同比增速" not in html  # item 1 is in A
    # an unknown dimension shows them all
    assert client.get(gaps_url(self_round), {"dimension": "Z"}).context["count"] == len(round_gaps(self_round))


def test_a_submitted_round_reads_its_frozen_result(self_round, matrix_12):
    from assessments.models import ScoreSnapshot

    frozen = {
        "system": "CN-2024",
        "total": 1,
        "max": 100,
        "dimensions": [
            {
                "code": "B",
                "name": "规范监管",
                "children": [{"code": "B1", "name": "完善监管", "children": [{"code": "12"}]}],
            }
        ],
        "items": [
            {
                "code": "12",
                "name": "发挥信用监管的基础作用",
                "points": 1,
                "max": 3,
                "subs": [
                    {
                        "code": "12.1",
                        "label": "甲",
                        "rule_type": "checklist",
                        "points": 1,
                        "max": 1,
                        "explanation": "符合",
                    },
                    {
                        "code": "12.3",
                        "label": "丙",
                        "rule_type": "checklist",
                        "points": 0,
                        "max": 1,
                        "explanation": "冻结时的原因",
                    },
                ],
            }
        ],
    }
    self_round.status = AssessmentRound.Status.SUBMITTED
    self_round.save()
    ScoreSnapshot.objects.create(
        zone=self_round.zone, round=self_round, system=self_round.system, status="done", result=frozen
    )
    gaps = round_gaps(self_round)
    assert [(g.code, g.explanation, g.dimension_code) for g in gaps] == [("12.3", "冻结时的原因", "B")]


# ---------------------------------------------------------------- tasks


def test_tasks_go_to_the_matrix_units_linked_to_the_item_and_the_round(self_round, matrix_12, office_a, item_12):
    due = future()
    made = rectification_tasks_create(self_round, ["12.2", "12.3"], due, office_a)
    assert [t.gap_code for t in made] == ["12.2", "12.3"]
    task = Task.objects.get(pk=made[0].pk)
    assert task.category == "整改"
    assert task.title.startswith("【整改】自评 · 12.2 发挥信用监管的基础作用")
    assert rectification_marker(self_round, "12.2") in task.description
    assert "失分原因：" in task.description and "机制尚不完善" in task.description
    assert "失分：0.5 分" in task.description
    assert list(task.indicators.all()) == [item_12]
    assert task.deadline == due and task.created_by == office_a and task.zone == self_round.zone
    rows = [(a.unit.name, a.is_lead, a.due_date) for a in Assignment.objects.filter(task=task).order_by("-is_lead")]
    assert rows == [("甲市商务局", True, due), ("甲市统计局", False, due)]  # the removed cell is left out
    assert all(a.events.filter(kind="created").exists() for a in task.assignments.all())


def test_running_it_twice_does_not_duplicate_tasks(client, self_round, matrix_12, office_a):
    made = rectification_tasks_create(self_round, ["12.2"], future(), office_a)
    assert len(made) == 1
    assert rectification_tasks_create(self_round, ["12.2"], future(40), office_a) == []
    again = rectification_tasks_create(self_round, ["12.2", "12.3"], future(), office_a)
    assert [t.gap_code for t in again] == ["12.3"]
    assert Task.objects.filter(category="整改").count() == 2
    gaps = {g.code: g for g in round_gaps(self_round)}
    assert gaps["12.2"].task_id == made[0].pk and gaps["12.3"].task_id == again[0].pk

    client.force_login(office_a)
    response = client.post(tasks_url(self_round), {"code": ["12.2", "12.3"], "due_date": future().isoformat()})
    assert response.status_code == 302
    assert Task.objects.filter(category="整改").count() == 2
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("此前已生成整改任务" in m for m in messages)

    # another round's marker is another task
    self_round.status = AssessmentRound.Status.SUBMITTED
    self_round.save()
    later = AssessmentRound.objects.create(
        zone=self_round.zone,
        kind="self",
        status="in_review",
        system=self_round.system,
        reference_year_1=2023,
        reference_year_2=2024,
    )
    assert len(rectification_tasks_create(later, ["12.2"], future(), office_a)) == 1


def test_the_page_creates_tasks_and_marks_the_gaps(client, self_round, matrix_12, office_a):
    client.force_login(office_a)
    response = client.post(
        tasks_url(self_round), {"code": ["12.2"], "due_date": future().isoformat(), "dimension": "B", "page": "1"}
    )
    assert response.status_code == 302 and response["Location"].endswith("?dimension=B&page=1")
    task = Task.objects.get(category="整改")
    page = client.get(gaps_url(self_round), {"dimension": "B"}).content.decode()
    assert reverse("tasks:task-detail", args=[task.pk]) in page and "已派" in page


@pytest.mark.parametrize(
    ("codes", "due", "message"),
    [
        ([], 30, "请至少选择一个失分项。"),
        (["12.2"], -1, "整改完成时限不能早于今天。"),
        (["12.2"], None, "请选择整改完成时限。"),
        (["12.2", "99.9"], 30, "评分项“99.9”不是本轮的失分项。"),
        (["12.1"], 30, "评分项“12.1”不是本轮的失分项。"),  # full marks
        (["12.2", "11.1"], 30, "评分项“11.1”所属指标在责任分工矩阵中没有责任单位，请先指定责任单位。"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_created(self_round, matrix_12, office_a, codes, due, message):
    due_date = None if due is None else future(due)
    with pytest.raises(ValidationError) as refused:
        rectification_tasks_create(self_round, codes, due_date, office_a)
    assert message in refused.value.messages
    assert not Task.objects.exists() and not Assignment.objects.exists()


def test_the_page_shows_the_refusal_and_creates_nothing(client, self_round, matrix_12, office_a):
    client.force_login(office_a)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    for data, message in (
        ({"due_date": future().isoformat()}, "请至少选择一个失分项。"),
        ({"code": "12.2", "due_date": yesterday}, "整改完成时限不能早于今天。"),
        ({"code": "12.2", "due_date": "明天"}, "整改完成时限的日期格式不正确。"),
        ({"code": "没有这项", "due_date": future().isoformat()}, "评分项“没有这项”不是本轮的失分项。"),
    ):
        response = client.post(tasks_url(self_round), data, follow=True)
        assert message in response.content.decode()
    assert not Task.objects.exists()


# ---------------------------------------------------------------- who may


def test_office_of_another_zone_gets_404_and_nothing_is_created(client, self_round, matrix_12, office_b):
    client.force_login(office_b)
    assert client.get(gaps_url(self_round)).status_code == 404
    assert client.post(tasks_url(self_round), {"code": "12.2", "due_date": future().isoformat()}).status_code == 404
    assert client.get(reverse("api-round-gaps", args=[self_round.pk])).status_code == 404
    api = client.post(
        reverse("api-round-gaps-tasks", args=[self_round.pk]), {"codes": "not a list"}, content_type="application/json"
    )
    assert api.status_code == 404
    assert not Task.objects.exists()


def test_who_reads_gaps_but_may_not_create_tasks(client, self_round, matrix_12, reviewer_fujian, liaison_x):
    body = {"codes": ["12.2"], "due_date": future().isoformat()}
    # the province's reviewer follows the round: reads the gaps, cannot plan (403, before the body is read)
    client.force_login(reviewer_fujian)
    page = client.get(gaps_url(self_round))
    assert page.status_code == 200 and 'name="code"' not in page.content.decode()
    assert client.post(tasks_url(self_round), {"code": "12.2", "due_date": body["due_date"]}).status_code == 403
    url = reverse("api-round-gaps-tasks", args=[self_round.pk])
    assert client.post(url, body, content_type="application/json").status_code == 403
    assert client.post(url, {"codes": 5, "due_date": "x"}, content_type="application/json").status_code == 403
    # a liaison of the zone may not create tasks either: rounds are not theirs to see at all, so the
    # answer is assessments.access's 404 for an unseen round (never a 400 from reading the body)
    client.force_login(liaison_x)
    assert client.post(tasks_url(self_round), {"code": "12.2", "due_date": body["due_date"]}).status_code == 404
    assert client.post(url, body, content_type="application/json").status_code == 404
    assert client.post(url, {"codes": 5}, content_type="application/json").status_code == 404
    assert client.get(gaps_url(self_round)).status_code == 404
    assert not Task.objects.exists()


def test_an_evaluator_of_the_round_reads_but_does_not_plan(client, self_round, matrix_12, item_12):
    from assessments.models import EvaluatorAssignment

    expert = MembershipFactory(
        user=UserFactory(username="expert_gap"),
        role=Membership.Role.EVALUATOR,
        province=self_round.zone.region.province,
    ).user
    EvaluatorAssignment.objects.create(round=self_round, evaluator=expert, indicator=item_12)
    client.force_login(expert)
    assert client.get(gaps_url(self_round)).status_code == 200
    assert client.post(tasks_url(self_round), {"code": "12.2", "due_date": future().isoformat()}).status_code == 403
    assert not Task.objects.exists()


# ---------------------------------------------------------------- API


def test_api_lists_gaps_and_creates_tasks_once(client, self_round, matrix_12, evidence_12, office_a):
    client.force_login(office_a)
    listed = client.get(reverse("api-round-gaps", args=[self_round.pk]), {"dimension": "B"}).json()
    assert set(listed) == {"count", "next", "previous", "results"}
    gap = next(g for g in listed["results"] if g["code"] == "12.2")
    assert gap["lost"] == 0.5 and gap["points"] == 0.5 and gap["max"] == 1
    assert gap["dimension_code"] == "B" and gap["item_code"] == "12"
    assert gap["units"] == [
        {"id": gap["units"][0]["id"], "name": "甲市商务局", "is_lead": True},
        {"id": gap["units"][1]["id"], "name": "甲市统计局", "is_lead": False},
    ]
    assert gap["evidence"] == [
        {"status": "accepted", "label": "已采纳", "count": 2},
        {"status": "draft", "label": "草稿", "count": 1},
    ]
    assert gap["task_id"] is None and "机制尚不完善" in gap["explanation"]
    assert {g["dimension_code"] for g in listed["results"]} == {"B"}

    url = reverse("api-round-gaps-tasks", args=[self_round.pk])
    body = {"codes": ["12.2"], "due_date": future().isoformat()}
    made = client.post(url, body, content_type="application/json")
    assert made.status_code == 201
    data = made.json()
    assert data["existing"] == []
    (task,) = data["created"]
    assert task["code"] == "12.2" and task["category"] == "整改" and task["indicators"] == ["12"]
    assert [(u["name"], u["is_lead"]) for u in task["units"]] == [("甲市商务局", True), ("甲市统计局", False)]

    again = client.post(url, body, content_type="application/json").json()
    assert again == {"created": [], "existing": ["12.2"]}
    assert Task.objects.count() == 1

    refused = client.post(url, {"codes": [], "due_date": future().isoformat()}, content_type="application/json")
    assert refused.status_code == 400 and "请至少选择一个失分项。" in str(refused.json())
    assert Task.objects.count() == 1


def test_editing_the_description_does_not_break_the_link_nor_duplicate(self_round, matrix_12, office_a):
    (made,) = rectification_tasks_create(self_round, ["12.2"], future(), office_a)
    assert "【整改来源：评估轮次" in made.description  # the source, for people, in Chinese punctuation
    Task.objects.filter(pk=made.pk).update(description="由责任单位改写的说明")
    assert rectification_tasks_create(self_round, ["12.2"], future(), office_a) == []
    assert Task.objects.filter(category="整改").count() == 1
    assert {g.code: g.task_id for g in round_gaps(self_round)}["12.2"] == made.pk


def test_the_migration_links_the_tasks_its_marker_named(self_round, matrix_12, office_a):
    import importlib

    from django.apps import apps

    from assessments.models import RectificationLink

    migration = importlib.import_module("assessments.migrations.0006_rectification_link")
    (made,) = rectification_tasks_create(self_round, ["12.2"], future(), office_a)
    RectificationLink.objects.all().delete()
    old = made.description.replace("【整改来源：评估轮次", "【整改来源:评估轮次")  # as tasks were written before
    Task.objects.filter(pk=made.pk).update(description=old)
    migration.links_from_markers(apps, None)
    link = RectificationLink.objects.get()
    assert (link.round_id, link.code, link.task_id) == (self_round.pk, "12.2", made.pk)
    assert "【整改来源：评估轮次" in Task.objects.get(pk=made.pk).description
    assert rectification_tasks_create(self_round, ["12.2"], future(), office_a) == []
