"""The live score page can be checked: each sub-criterion's text, who judged it and when, the
figures it read (marked when changed after the computation), 佐证材料未采纳 for a figure no
accepted evidence backs, links to the evidence and to the completeness page."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import ScoreSnapshot
from assessments.services import judgement_set, score_snapshot_compute
from evidence.models import DataValue, Evidence
from indicators.models import Metric, ScoringItem

pytestmark = pytest.mark.django_db


def compute(zone):
    snapshot = ScoreSnapshot.objects.create(zone=zone, system=zone.system)
    score_snapshot_compute(snapshot_id=snapshot.pk)


def sub(page: str, code: str) -> str:
    return re.search(rf'<li class="score-sub[^"]*" id="sub-{re.escape(code)}">.*?</li>', page, re.S).group(0)


@pytest.fixture
def figures(zone_a, office_a):
    for key, values in {"online_operators": (20150, 21840), "market_entities": (176300, 182000)}.items():
        for year, value in zip((2023, 2024), values, strict=True):
            DataValue.objects.create(
                zone=zone_a, metric=Metric.objects.get(key=key), year=year, value=value, updated_by=office_a
            )


def test_a_judged_sub_criterion_shows_its_text_and_who_judged_it(client, zone_a, office_a):
    item = ScoringItem.objects.get(indicator__system=zone_a.system, code="24.1")
    judgement_set(zone=zone_a, scoring_item=item, points=item.points, user=office_a)
    compute(zone_a)
    client.force_login(office_a)
    page = client.get(reverse("assessments:scores", args=[zone_a.pk])).content.decode()
    text = sub(page, "24.1")
    assert item.label[:20] in text
    assert f"评审人：{office_a}" in text and "评审日期：" in text


def test_a_figure_without_accepted_evidence_is_flagged_and_a_later_change_marked(
    client, zone_a, office_a, unit_x, figures
):
    compute(zone_a)
    client.force_login(office_a)
    url = reverse("assessments:scores", args=[zone_a.pk])
    text = sub(client.get(url).content.decode(), "3")
    assert "佐证材料未采纳" in text and "21,840" in text and "计算后已修改" not in text

    item = ScoringItem.objects.get(indicator__system=zone_a.system, code="3")
    Evidence.objects.create(
        zone=zone_a,
        indicator=item.indicator,
        unit=unit_x,
        title="经营者名录",
        status=Evidence.Status.ACCEPTED,
        reviewed_by=office_a,
        reviewed_at=timezone.now(),
    )
    value = DataValue.objects.get(zone=zone_a, metric__key="online_operators", year=2024)
    value.value = Decimal("22000")
    value.save()
    page = client.get(url).content.decode()
    text = sub(page, "3")
    assert "佐证材料未采纳" not in text and "计算后已修改" in text
    assert f"{reverse('evidence:list', args=[zone_a.pk])}?indicator={item.indicator_id}" in page
    assert reverse("data:completeness", args=[zone_a.pk]) in page


def test_an_evaluator_reviewing_the_zone_may_open_its_completeness_page(client, zone_a):
    from tests.factories import MembershipFactory, UserFactory
    from zones.models import Membership

    evaluator = MembershipFactory(user=UserFactory(), role=Membership.Role.EVALUATOR, zone=zone_a).user
    client.force_login(evaluator)
    assert client.get(reverse("data:completeness", args=[zone_a.pk])).status_code == 200
