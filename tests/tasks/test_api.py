"""The tasks API: list/create, detail, assignments, progress, confirm / send back, schema."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks.models import Assignment, ProgressReport, Task

pytestmark = pytest.mark.django_db


def post_json(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_office_creates_and_lists_tasks(client, office_a, zone_a, unit_x, unit_y, level3):
    client.force_login(office_a)
    response = post_json(
        client,
        reverse("api-task-create", args=[zone_a.pk]),
        {
            "title": "推动数字经济做大做强",
            "deadline": "2030-12-31",
            "unit_ids": [unit_x.pk, unit_y.pk],
            "lead_unit_ids": [unit_x.pk],
            "indicator_ids": [level3["23"].pk],
            "priority": "high",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["title"] == "推动数字经济做大做强" and body["indicators"] == ["23"] and body["progress"] == 0
    assert {(u["name"], u["is_lead"], u["status"]) for u in body["units"]} == {
        ("甲市商务局", True, "not_started"),
        ("甲市统计局", False, "not_started"),
    }
    listed = client.get(reverse("api-task-list", args=[zone_a.pk])).json()
    assert listed["count"] == 1 and [t["id"] for t in listed["results"]] == [body["id"]]
    detail = client.get(reverse("api-task-detail", args=[body["id"]])).json()
    assert detail["description"] == "" and detail["deadline"] == "2030-12-31"


def test_create_errors_are_chinese_and_create_nothing(client, office_a, zone_a, unit_x, unit_b):
    client.force_login(office_a)
    response = post_json(
        client,
        reverse("api-task-create", args=[zone_a.pk]),
        {"title": "任务", "deadline": "2030-12-31", "unit_ids": [unit_x.pk, unit_b.pk]},
    )
    assert response.status_code == 400
    assert f"责任单位（编号 {unit_b.pk}）不存在。" in str(response.json())
    assert "乙" not in str(response.json())  # another zone's names stay unseen
    assert not Task.objects.exists()


def test_assignments_progress_confirm_and_send_back(client, office_a, liaison_x, task_xy, assignment_x):
    client.force_login(liaison_x)
    url = reverse("api-assignment-progress", args=[assignment_x.pk])
    bad = post_json(client, url, {"percent": 100, "text": ""})
    assert bad.status_code == 400 and "请填写进展情况。" in str(bad.json())
    pdf = SimpleUploadedFile("总结.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf")
    done = client.post(url, {"percent": 100, "text": "已完成", "attachment": pdf})
    assert done.status_code == 201 and done.json()["has_attachment"] is True

    assignments = client.get(reverse("api-task-assignments", args=[task_xy.pk])).json()["results"]
    mine = next(a for a in assignments if a["id"] == assignment_x.pk)
    assert (mine["status"], mine["progress"], mine["last_report"]["text"]) == ("completed", 100, "已完成")

    client.force_login(office_a)
    back = post_json(client, reverse("api-assignment-send-back", args=[assignment_x.pk]), {"reason": ""})
    assert back.status_code == 400 and "退回须填写原因。" in str(back.json())
    back = post_json(client, reverse("api-assignment-send-back", args=[assignment_x.pk]), {"reason": "缺少附件说明"})
    assert back.status_code == 200 and back.json()["status"] == "in_progress"
    twice = post_json(client, reverse("api-assignment-confirm", args=[assignment_x.pk]), {})
    assert twice.status_code == 400 and "只有已完成且待确认的任务分工可以确认。" in str(twice.json())

    client.force_login(liaison_x)
    post_json(client, url, {"percent": 100, "text": "已补充说明"})
    client.force_login(office_a)
    confirmed = post_json(client, reverse("api-assignment-confirm", args=[assignment_x.pk]), {})
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_at"]
    assert Assignment.objects.get(pk=assignment_x.pk).confirmed_by == office_a
    assert ProgressReport.objects.count() == 2


def test_the_endpoints_are_in_the_openapi_schema(client, office_a):
    client.force_login(office_a)
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    paths = set(schema["paths"])
    for path in (
        "/api/tasks/zones/{zone_id}/tasks/",
        "/api/tasks/zones/{zone_id}/tasks/create/",
        "/api/tasks/{task_id}/",
        "/api/tasks/{task_id}/assignments/",
        "/api/tasks/assignments/{assignment_id}/progress/",
        "/api/tasks/assignments/{assignment_id}/confirm/",
        "/api/tasks/assignments/{assignment_id}/send-back/",
    ):
        assert path in paths, path
