"""The score page and its API: who sees what, recompute via the job, constant queries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import ScoreSnapshot
from assessments.services import judgement_set
from indicators.models import ScoringItem

pytestmark = pytest.mark.django_db


def scores_url(zone):
    return reverse("assessments:scores", args=[zone.pk])


def test_office_recomputes_and_sees_the_tree(client, zone_a, office_a, django_capture_on_commit_callbacks):
    client.force_login(office_a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("assessments:scores-recompute", args=[zone_a.pk]))
    assert response.status_code == 302
    assert len(callbacks) == 1
    snapshot = ScoreSnapshot.objects.get(zone=zone_a)
    assert snapshot.status == ScoreSnapshot.Status.DONE
    assert len(snapshot.result["items"]) == 41

    page = client.get(scores_url(zone_a)).content.decode()
    assert "总分" in page
    for name in ("促进发展", "规范监管", "优化服务", "探索创新", "综合保障", "发展规模", "工作基础保障"):
        assert name in page
    assert "网上零售额同比增速" in page
    assert "缺少数据" in page  # an empty zone is missing its figures, and says so


def test_recompute_requests_are_coalesced_while_queued(client, zone_a, office_a, django_capture_on_commit_callbacks):
    client.force_login(office_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("assessments:scores-recompute", args=[zone_a.pk]))
        client.post(reverse("assessments:scores-recompute", args=[zone_a.pk]))
    snapshot = ScoreSnapshot.objects.get(zone=zone_a)  # the second request joined the first
    # Not sent yet (the callbacks have not run), so the second press sends the same snapshot
    # again (common/jobs.py: a press retries a broker that was down); it is computed once.
    assert len(callbacks) == 2
    for callback in callbacks:
        callback()
    snapshot.refresh_from_db()
    assert snapshot.status == ScoreSnapshot.Status.DONE and snapshot.attempts == 1


def test_pending_snapshot_shows_progress_and_polls(client, zone_a, office_a):
    ScoreSnapshot.objects.create(zone=zone_a, system=zone_a.system, sent_at=timezone.now())  # in the queue
    client.force_login(office_a)
    page = client.get(scores_url(zone_a)).content.decode()
    assert "评分计算已排队" in page
    assert reverse("assessments:scores-status", args=[zone_a.pk]) in page
    status = client.get(reverse("assessments:scores-status", args=[zone_a.pk]))
    assert "HX-Refresh" not in status


@pytest.mark.parametrize("persona", ["liaison_x", "evaluator_a", "reviewer_fujian"])
def test_other_roles_of_the_zone_read_but_cannot_recompute(client, request, zone_a, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(scores_url(zone_a)).status_code == 200
    assert client.post(reverse("assessments:scores-recompute", args=[zone_a.pk])).status_code == 403
    assert not ScoreSnapshot.objects.exists()


@pytest.mark.parametrize("persona", ["office_b", "reviewer_zhejiang", "outsider"])
def test_people_of_another_zone_or_province_get_404(client, request, zone_a, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(scores_url(zone_a)).status_code == 404
    assert client.post(reverse("assessments:scores-recompute", args=[zone_a.pk])).status_code == 404
    assert client.get(reverse("api-zone-score", args=[zone_a.pk])).status_code == 404
    assert client.post(reverse("api-zone-score", args=[zone_a.pk])).status_code == 404
    assert not ScoreSnapshot.objects.exists()


def test_anonymous_is_sent_to_login(client, zone_a):
    response = client.get(scores_url(zone_a))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_api_returns_the_latest_snapshot(client, zone_a, office_a, django_capture_on_commit_callbacks):
    client.force_login(office_a)
    assert client.get(reverse("api-zone-score", args=[zone_a.pk])).json()["message"] == "尚未计算评分。"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("api-zone-score", args=[zone_a.pk]))
    assert response.status_code == 202
    data = client.get(reverse("api-zone-score", args=[zone_a.pk])).json()
    assert data["status"] == "done" and data["result"]["max"] == 100


def test_score_page_runs_a_fixed_number_of_queries(client, zone_a, office_a, django_assert_max_num_queries):
    """The page reads one stored snapshot, however many items are judged."""
    from assessments.services import score_snapshot_compute

    client.force_login(office_a)
    snapshot = ScoreSnapshot.objects.create(zone=zone_a, system=zone_a.system)
    score_snapshot_compute(snapshot_id=snapshot.pk)
    # 12, plus 5 for what each sub-criterion shows (scoring items, judgements, accepted evidence,
    # metrics, figures: assessments.selectors.score_page_details).
    with django_assert_max_num_queries(17) as few:
        client.get(scores_url(zone_a))
    for item in ScoringItem.objects.filter(rule_type="checklist"):
        judgement_set(zone=zone_a, scoring_item=item, points=item.points, user=office_a)
    snapshot = ScoreSnapshot.objects.create(zone=zone_a, system=zone_a.system)
    score_snapshot_compute(snapshot_id=snapshot.pk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(scores_url(zone_a))


def test_draft_systems_are_hidden_from_non_staff(client, standard, liaison_x, admin_client):
    from indicators.models import IndicatorSystem
    from indicators.services import indicator_system_revise

    draft = indicator_system_revise(system=IndicatorSystem.objects.get(code="CN-2024"), code="CN-DRAFT", version="x")
    client.force_login(liaison_x)
    assert "CN-DRAFT" not in client.get(reverse("indicators:system-list")).content.decode()
    assert client.get(reverse("indicators:system-detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("indicators:system-export", args=[draft.pk])).status_code == 404
    assert "CN-DRAFT" not in str(client.get(reverse("api-system-list")).json())
    assert "CN-DRAFT" in admin_client.get(reverse("indicators:system-list")).content.decode()
