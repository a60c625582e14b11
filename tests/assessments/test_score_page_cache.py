"""The score page's bulk is cached per snapshot under the zone's data token: a write, then a read,
shows the new value (a figure changed, evidence accepted, a judgement, a new computation), and the
cached copy is kept apart for users with and without the page's links."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.services import judgement_set
from evidence.models import DataValue, Evidence
from indicators.models import ScoringItem
from tests.assessments.test_score_page import compute, figures, sub

pytestmark = pytest.mark.django_db(transaction=True)  # on_commit invalidation runs as in production
__all__ = ["figures"]


@pytest.fixture(autouse=True)
def local_memory_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "s"}}
    cache.clear()
    yield
    cache.clear()


def page(client, zone):
    with CaptureQueriesContext(connection) as ctx:
        text = client.get(reverse("assessments:scores", args=[zone.pk])).content.decode()
    return text, len(ctx)


def test_second_read_comes_from_the_cache(client, zone_a, office_a, figures):
    compute(zone_a)
    client.force_login(office_a)
    first, cold = page(client, zone_a)
    second, warm = page(client, zone_a)
    assert warm <= cold - 5  # score_page_details' five queries are skipped
    assert sub(second, "3") == sub(first, "3")


def test_figure_and_evidence_changes_show_at_once(client, zone_a, office_a, unit_x, figures):
    compute(zone_a)
    client.force_login(office_a)
    text = sub(page(client, zone_a)[0], "3")
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
    assert "佐证材料未采纳" not in sub(page(client, zone_a)[0], "3")
    value = DataValue.objects.get(zone=zone_a, metric__key="online_operators", year=2024)
    value.value = Decimal("22000")
    value.save()
    assert "计算后已修改" in sub(page(client, zone_a)[0], "3")


def test_a_judgement_and_a_new_computation_show_at_once(client, zone_a, office_a):
    compute(zone_a)
    client.force_login(office_a)
    assert "评审人：" not in sub(page(client, zone_a)[0], "24.1")
    item = ScoringItem.objects.get(indicator__system=zone_a.system, code="24.1")
    judgement_set(zone=zone_a, scoring_item=item, points=item.points, user=office_a)
    assert f"评审人：{office_a}" in sub(page(client, zone_a)[0], "24.1")


def test_the_links_are_not_shared_between_users(client, zone_a, office_a, figures):
    from tests.factories import MembershipFactory, UserFactory
    from zones.models import Membership

    compute(zone_a)
    history = reverse("data:history", args=[zone_a.pk])
    client.force_login(office_a)
    assert history in page(client, zone_a)[0]  # cached with the office's figure links
    evaluator = MembershipFactory(user=UserFactory(), role=Membership.Role.EVALUATOR, zone=zone_a).user
    client.force_login(evaluator)
    text = page(client, zone_a)[0]
    assert "21,840" in text and history not in text  # same figures, no link to the figure history


def test_a_renamed_judge_shows_at_once(client, zone_a, office_a):
    item = ScoringItem.objects.get(indicator__system=zone_a.system, code="24.1")
    judgement_set(zone=zone_a, scoring_item=item, points=item.points, user=office_a)
    compute(zone_a)
    client.force_login(office_a)
    assert "评审人：" in sub(page(client, zone_a)[0], "24.1")
    office_a.full_name = "新名字"
    office_a.save(update_fields=["full_name"])
    assert "评审人：新名字" in sub(page(client, zone_a)[0], "24.1")
