"""The provincial reviewer's portal (the province's zones, sortable; comparison with a radar overlay)
and opinions (评审意见) answered by the office."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import AssessmentRound, ScoreSnapshot
from assessments.selectors import zone_score
from notifications.models import Notification
from reports.models import OpinionReply, ReviewOpinion
from tests.factories import CityFactory, MembershipFactory, UserFactory, ZoneFactory
from tests.reports.report_helpers import evidence_with_file
from zones.models import Membership, Region

pytestmark = pytest.mark.django_db
Role = Membership.Role


def fujian_zone(name: str, total: str | None = None, submitted_self: str | None = None):
    province = Region.objects.get(name="福建省", parent=None)
    zone = ZoneFactory(name=name, region=CityFactory(name=f"{name}市", parent=province))
    if total is not None:
        result = zone_score(zone=zone).to_dict()
        result["total"] = float(total)
        ScoreSnapshot.objects.create(zone=zone, system=zone.system, status="done", total=Decimal(total), result=result)
    if submitted_self is not None:
        round = AssessmentRound.objects.create(
            zone=zone, kind="self", status="submitted", system=zone.system, reference_year_1=2023, reference_year_2=2024
        )
        result = zone_score(zone=zone).to_dict()
        result["total"] = float(submitted_self)
        ScoreSnapshot.objects.create(
            zone=zone, round=round, system=zone.system, status="done", total=Decimal(submitted_self), result=result
        )
    return zone


def rows_of(page: str) -> list[str]:
    import re

    return re.findall(r'<tr data-zone="(\d+)">', page)


def test_the_reviewer_sees_every_zone_of_the_province_and_no_other(client, zone_a, zone_b, reviewer_fujian):
    other = fujian_zone("丙创建对象", total="70")
    client.force_login(reviewer_fujian)
    page = client.get(reverse("reports:home")).content.decode()
    assert set(rows_of(page)) == {str(zone_a.pk), str(other.pk)}
    assert "乙创建对象" not in page
    assert "70" in page and "对比各创建对象" in page


def test_the_zone_list_has_round_self_total_live_total_and_evidence_completeness(
    client, zone_a, unit_x, reviewer_fujian
):
    zone = fujian_zone("丁创建对象", total="77.5", submitted_self="74")
    evidence_with_file(zone_a, unit_x, "1")
    evidence_with_file(zone_a, unit_x, "1", title="另一份")
    evidence_with_file(zone_a, unit_x, "2")
    client.force_login(reviewer_fujian)
    page = client.get(reverse("reports:home")).content.decode()
    row = page[page.index(f'<tr data-zone="{zone.pk}">') :]
    row = row[: row.index("</tr>")]
    assert "自评 · 已提交" in row and "定稿得分：74 分" in row and "77.5" in row
    a_row = page[page.index(f'<tr data-zone="{zone_a.pk}">') :]
    assert "2/41（5%）" in a_row[: a_row.index("</tr>")]


def test_an_open_latest_round_is_not_paired_with_an_earlier_rounds_total(client, reviewer_fujian):
    zone = fujian_zone("戊创建对象", total="80", submitted_self="74")
    AssessmentRound.objects.create(
        zone=zone,
        kind="provincial",
        status="in_review",
        system=zone.system,
        reference_year_1=2023,
        reference_year_2=2024,
    )
    client.force_login(reviewer_fujian)
    page = client.get(reverse("reports:home")).content.decode()
    row = page[page.index(f'<tr data-zone="{zone.pk}">') :]
    row = row[: row.index("</tr>")]
    assert "省级评估 · 评审中" in row and "尚未提交，暂无定稿得分" in row and "上一次提交：自评 74 分" in row
    assert "定稿得分：" not in row


def test_sorting_by_a_column(client, zone_a, reviewer_fujian):
    low = fujian_zone("低分创建对象", total="50")
    high = fujian_zone("高分创建对象", total="90")
    client.force_login(reviewer_fujian)
    by_live = rows_of(client.get(reverse("reports:home") + "?sort=-live").content.decode())
    assert by_live[:2] == [str(high.pk), str(low.pk)]
    ascending = rows_of(client.get(reverse("reports:home") + "?sort=live").content.decode())
    assert ascending[-1] == str(high.pk)
    assert client.get(reverse("reports:home") + "?sort=__class__").status_code == 200  # unknown keys ignored


def test_the_home_page_runs_the_same_queries_for_two_zones_or_twelve(
    client, zone_a, reviewer_fujian, django_assert_max_num_queries
):
    fujian_zone("一号", total="60", submitted_self="58")
    client.force_login(reviewer_fujian)
    url = reverse("reports:home")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    count = len(small)
    for n in range(10):
        fujian_zone(f"第{n}号", total=str(60 + n), submitted_self=str(55 + n))
    with django_assert_max_num_queries(count):
        assert len(rows_of(client.get(url).content.decode())) == 12


def test_comparison_table_and_radar_overlay_of_up_to_five(client, zone_a, reviewer_fujian):
    zones = [fujian_zone(f"对比{n}", total=str(60 + n)) for n in range(6)]
    client.force_login(reviewer_fujian)
    page = client.get(reverse("reports:compare")).content.decode()
    assert page.count("<tr data-zone=") == 7  # zone A has no score yet: listed as 尚未评分
    assert "尚未评分" in page and "促进发展" in page and "<svg" in page
    assert page.count('fill-opacity="0.18"') == 5  # at most five polygons
    chosen = client.get(reverse("reports:compare") + f"?zones={zones[0].pk}&zones={zones[5].pk}").content.decode()
    assert chosen.count('fill-opacity="0.18"') == 2 and "对比5（65分）" in chosen


def test_a_reviewer_writes_an_opinion_the_office_is_told_and_answers(
    client, zone_a, office_a, reviewer_fujian, self_round
):
    client.force_login(reviewer_fujian)
    response = client.post(
        reverse("reports:opinion-create", args=[zone_a.pk]),
        {"round": self_round.pk, "conclusion": "recheck", "text": "第 12 项佐证不足，整改后复核。"},
    )
    opinion = ReviewOpinion.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#opinion-{opinion.pk}")
    assert (opinion.author, opinion.round, opinion.get_conclusion_display()) == (
        reviewer_fujian,
        self_round,
        "整改后复核",
    )
    note = Notification.objects.get(recipient=office_a)
    assert "整改后复核" in note.title and note.url.endswith(f"#opinion-{opinion.pk}")

    client.force_login(office_a)
    page = client.get(reverse("reports:zone", args=[zone_a.pk])).content.decode()
    assert (
        "第 12 项佐证不足，整改后复核。" in page
        and reverse("reports:opinion-reply", args=[zone_a.pk, opinion.pk]) in page
    )
    client.post(reverse("reports:opinion-reply", args=[zone_a.pk, opinion.pk]), {"text": "已补充材料。"})
    reply = OpinionReply.objects.get()
    assert reply.author == office_a and reply.opinion == opinion
    assert Notification.objects.filter(recipient=reviewer_fujian, title__contains="答复").exists()
    client.force_login(reviewer_fujian)
    assert "已补充材料。" in client.get(reverse("reports:zone", args=[zone_a.pk])).content.decode()


def test_an_opinion_needs_a_round_of_the_zone_a_conclusion_and_text(
    client, zone_a, zone_b, reviewer_fujian, self_round
):
    client.force_login(reviewer_fujian)
    url = reverse("reports:opinion-create", args=[zone_a.pk])
    page = client.post(url, {"round": self_round.pk, "conclusion": "maybe", "text": " "}, follow=True).content.decode()
    assert "请选择评审结论" in page and "请填写评审意见" in page
    other = AssessmentRound.objects.create(
        zone=zone_b, kind="self", status="submitted", system=zone_b.system, reference_year_1=2023, reference_year_2=2024
    )
    assert client.post(url, {"round": other.pk, "conclusion": "pass", "text": "好"}).status_code == 404
    assert not ReviewOpinion.objects.exists()


def test_the_reviewer_does_not_answer_and_nobody_else_writes(client, zone_a, office_a, reviewer_fujian, self_round):
    opinion = ReviewOpinion.objects.create(
        zone=zone_a, round=self_round, conclusion="pass", text="通过", author=reviewer_fujian, author_name="评审"
    )
    client.force_login(reviewer_fujian)
    assert client.post(reverse("reports:opinion-reply", args=[zone_a.pk, opinion.pk]), {"text": "x"}).status_code == 403
    client.force_login(office_a)
    url = reverse("reports:opinion-create", args=[zone_a.pk])
    assert client.post(url, {"round": self_round.pk, "conclusion": "pass", "text": "自己写"}).status_code == 403
    national = MembershipFactory(user=UserFactory(username="national"), role=Role.NATIONAL_REVIEWER).user
    client.force_login(national)
    assert client.post(url, {"round": self_round.pk, "conclusion": "fail", "text": "不通过"}).status_code == 302
    assert OpinionReply.objects.count() == 0 and ReviewOpinion.objects.count() == 2
