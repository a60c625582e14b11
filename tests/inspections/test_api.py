"""The API: self-checks, evaluations, findings and re-checks, with the pages' permissions and the
project's one error shape."""

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from inspections.models import Finding
from tests.factories import MembershipFactory, UserFactory

from .conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_authenticate(user)
    return api


def test_the_liaison_saves_and_submits_their_self_check(api, selfcheck_x, selfcheck_y, liaison_x, items):
    as_user(api, liaison_x)
    url = reverse("api-inspection-selfcheck", args=[selfcheck_x.pk])
    body = api.get(url).json()
    keys = [r["key"] for r in body["rows"]]
    assert [r["kind"] for r in body["rows"]] == ["item", "item", "item", "task", "task"]
    refused = api.post(url, {"answers": [{"key": keys[0], "status": "na"}]}, format="json")
    assert refused.status_code == 400 and "不适用" in refused.json()["message"]
    saved = api.post(
        url,
        {"summary": "良好", "answers": [{"key": k, "status": "done", "done_text": "已完成"} for k in keys]},
        format="json",
    )
    assert saved.status_code == 200 and all(r["status"] == "done" for r in saved.json()["rows"])
    submitted = api.post(reverse("api-inspection-selfcheck-submit", args=[selfcheck_x.pk]))
    assert submitted.status_code == 200
    selfcheck_x.refresh_from_db()
    assert selfcheck_x.status == "submitted"
    assert api.get(reverse("api-inspection-selfcheck", args=[selfcheck_y.pk])).status_code == 404
    assert (
        api.post(reverse("api-inspection-selfcheck-return", args=[selfcheck_x.pk]), {"reason": "x"}).status_code == 403
    )


def test_the_evaluator_records_results_a_method_a_finding_and_rechecks(api, evaluation_x, evaluator_a, liaison_x):
    as_user(api, evaluator_a)
    url = reverse("api-inspection-evaluation", args=[evaluation_x.pk])
    keys = [r["key"] for r in api.get(url).json()["rows"]]
    saved = api.post(url, {"results": [{"key": k, "result": "done"} for k in keys]}, format="json")
    assert saved.status_code == 200
    method = api.post(
        reverse("api-inspection-methods", args=[evaluation_x.pk]),
        {"method": "visit", "on": "2025-01-02", "notes": "暗访"},
    )
    assert method.status_code == 201
    finding = api.post(
        reverse("api-inspection-finding-create", args=[evaluation_x.pk]),
        {"title": "门店公示缺失", "severity": "serious", "deadline": date(2030, 1, 1).isoformat(), "files": [upload()]},
        format="multipart",
    )
    assert finding.status_code == 201, finding.content
    body = finding.json()
    assert body["severity_label"] == "严重" and body["events"][0]["files"][0]["sha256"]
    finished = api.post(reverse("api-inspection-finish", args=[evaluation_x.pk])).json()
    assert (finished["status"], finished["score"], finished["grade"]) == ("done", "100.00", "excellent")

    finding_id = body["id"]
    early = api.post(reverse("api-inspection-finding-recheck", args=[finding_id]), {"close": True}, format="json")
    assert early.status_code == 400 and "待整改" in early.json()["message"]
    as_user(api, liaison_x)
    answered = api.post(
        reverse("api-inspection-finding-answer", args=[finding_id]),
        {"text": "已补齐公示", "submit": True},
        format="json",
    )
    assert answered.json()["status"] == "recheck"
    as_user(api, evaluator_a)
    back = api.post(
        reverse("api-inspection-finding-recheck", args=[finding_id]),
        {"close": False, "reason": "照片不清晰"},
        format="json",
    )
    assert back.json()["status"] == "returned"
    as_user(api, liaison_x)
    api.post(
        reverse("api-inspection-finding-answer", args=[finding_id]),
        {"text": "已重新拍照", "submit": True},
        format="json",
    )
    as_user(api, evaluator_a)
    closed = api.post(reverse("api-inspection-finding-recheck", args=[finding_id]), {"close": True}, format="json")
    assert closed.json()["status"] == "closed"
    assert [e.kind for e in Finding.objects.get().events.order_by("at", "pk")] == [
        "raised",
        "answered",
        "returned",
        "answered",
        "closed",
    ]

    ranking = api.get(reverse("api-inspection-ranking", args=[evaluation_x.campaign_id])).json()
    assert ranking["units"] == [
        {
            "rank": 1,
            "unit": evaluation_x.unit_id,
            "unit_name": "甲市商务局",
            "grade": "excellent",
            "grade_label": "优秀",
            "score": "100.00",
            "findings_open": 0,
            "findings_closed": 1,
        }
    ]


def test_findings_list_is_scoped_and_paginated(api, evaluation_x, evaluator_a, liaison_x, office_a, unit_y):
    from inspections import findings as fs

    for i in range(3):
        fs.finding_create(
            evaluation=evaluation_x, user=evaluator_a, title=f"问题{i}", severity="general", deadline=date(2030, 1, 1)
        )
    url = reverse("api-inspection-findings", args=[evaluation_x.campaign_id])
    as_user(api, office_a)
    body = api.get(url, {"status": "pending"}).json()
    assert body["count"] == 3 and [r["number"] for r in body["results"]] == [1, 2, 3]
    as_user(api, liaison_x)
    assert api.get(url).json()["count"] == 3
    liaison_y = MembershipFactory(
        user=UserFactory(username="liaison_y"), role="liaison", zone=unit_y.zone, unit=unit_y
    ).user
    as_user(api, liaison_y)
    assert api.get(url).json()["count"] == 0


def test_the_office_opens_a_campaign_and_reads_progress(
    api, zone_a, office_a, unit_x, unit_y, matrix, tasks, liaison_x
):
    as_user(api, office_a)
    created = api.post(
        reverse("api-inspection-campaigns", args=[zone_a.pk]),
        {"title": "自查", "due_date": "2030-06-30"},
        format="json",
    )
    assert created.status_code == 201
    again = api.post(
        reverse("api-inspection-campaigns", args=[zone_a.pk]),
        {"title": "再来", "due_date": "2030-06-30"},
        format="json",
    )
    assert again.status_code == 400 and "进行中" in again.json()["message"]
    detail = api.get(reverse("api-inspection-campaign", args=[created.json()["id"]])).json()
    assert detail["progress"] == {"total": 2, "submitted": 0, "late": 0, "evaluated": 0}
    as_user(api, liaison_x)
    assert (
        api.post(
            reverse("api-inspection-campaigns", args=[zone_a.pk]),
            {"title": "x", "due_date": "2030-06-30"},
            format="json",
        ).status_code
        == 403
    )
    assert [
        u["unit"] for u in api.get(reverse("api-inspection-campaign", args=[created.json()["id"]])).json()["units"]
    ] == [unit_x.pk]
