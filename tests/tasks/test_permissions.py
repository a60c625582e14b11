"""Who may do what with tasks: every role against zone A's tasks, on the pages and the API.

Unseen objects answer 404, seen-but-not-allowed 403, and in either case nothing changes.
"""

import pytest
from django.urls import reverse

from tasks.models import Assignment, AssignmentEvent, ProgressReport, Task
from tasks.services import assignment_report_progress

pytestmark = pytest.mark.django_db


def snapshot():
    """Everything a write could change."""
    return (
        list(Task.objects.order_by("pk").values()),
        list(Assignment.objects.order_by("pk").values()),
        AssignmentEvent.objects.count(),
        ProgressReport.objects.count(),
    )


@pytest.fixture
def pending_x(assignment_x, liaison_x):
    """Unit X has reported 100%: waiting for the office's confirmation."""
    assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=100, text="已完成")
    return assignment_x


def read_urls(task, zone):
    return [
        reverse("tasks:task-list", args=[zone.pk]),
        reverse("tasks:task-detail", args=[task.pk]),
        reverse("tasks:ledger-export", args=[zone.pk]),
        reverse("api-task-list", args=[zone.pk]),
        reverse("api-task-detail", args=[task.pk]),
        reverse("api-task-assignments", args=[task.pk]),
    ]


def send(client, url, data):
    """POST as the page's form does, or as JSON to the API."""
    if url.startswith("/api/"):
        return client.post(url, data, content_type="application/json")
    return client.post(url, data)


def writes(task, zone, assignment, unit_ids):
    """(url, data) of every write on zone A's task."""
    task_data = {"title": "越权任务", "priority": "medium", "deadline": "2030-12-31", "units": unit_ids}
    return [
        (reverse("tasks:task-create", args=[zone.pk]), task_data),
        (reverse("tasks:task-edit", args=[task.pk]), task_data),
        (reverse("tasks:assignment-report", args=[assignment.pk]), {"percent": 50, "text": "越权"}),
        (reverse("tasks:assignment-confirm", args=[assignment.pk]), {}),
        (reverse("tasks:assignment-send-back", args=[assignment.pk]), {"reason": "越权"}),
        (reverse("api-task-create", args=[zone.pk]), {**task_data, "unit_ids": unit_ids}),
        (reverse("api-assignment-progress", args=[assignment.pk]), {"percent": 50, "text": "越权"}),
        (reverse("api-assignment-confirm", args=[assignment.pk]), {}),
        (reverse("api-assignment-send-back", args=[assignment.pk]), {"reason": "越权"}),
    ]


@pytest.mark.parametrize("persona", ["office_b", "reviewer_zhejiang", "outsider"])
def test_people_of_another_zone_or_province_get_404_and_change_nothing(
    client, request, zone_a, task_xy, pending_x, unit_x, persona
):
    client.force_login(request.getfixturevalue(persona))
    for url in read_urls(task_xy, zone_a):
        assert client.get(url).status_code == 404, url
    report = pending_x.reports.get()
    assert client.get(reverse("tasks:report-attachment", args=[report.pk])).status_code == 404
    before = snapshot()
    for url, data in writes(task_xy, zone_a, pending_x, [unit_x.pk]):
        assert send(client, url, data).status_code == 404, url
    assert snapshot() == before


def test_api_404_uses_the_one_error_shape(client, office_b, task_xy):
    client.force_login(office_b)
    response = client.get(reverse("api-task-detail", args=[task_xy.pk]))
    assert response.json() == {"message": "对象不存在或无权访问。", "extra": {}}


def test_liaison_of_unit_x_cannot_report_on_unit_ys_assignment(client, liaison_x, assignment_y):
    client.force_login(liaison_x)
    before = snapshot()
    page = client.post(reverse("tasks:assignment-report", args=[assignment_y.pk]), {"percent": 50, "text": "越权"})
    api = client.post(
        reverse("api-assignment-progress", args=[assignment_y.pk]),
        {"percent": 50, "text": "越权"},
        content_type="application/json",
    )
    assert (page.status_code, api.status_code) == (403, 403)
    assert snapshot() == before


def test_liaison_does_not_see_tasks_of_other_units(client, liaison_x, task_y, zone_a):
    client.force_login(liaison_x)
    assignment = task_y.assignments.get()
    before = snapshot()
    assert client.get(reverse("tasks:task-detail", args=[task_y.pk])).status_code == 404
    assert client.get(reverse("api-task-detail", args=[task_y.pk])).status_code == 404
    report_url = reverse("tasks:assignment-report", args=[assignment.pk])
    assert client.post(report_url, {"percent": 5, "text": "x"}).status_code == 404
    assert snapshot() == before
    listed = client.get(reverse("api-task-list", args=[zone_a.pk])).json()
    assert listed["count"] == 0 and listed["results"] == []


def test_liaison_reads_own_tasks_and_reports(client, liaison_x, task_xy, assignment_x, zone_a):
    client.force_login(liaison_x)
    assert client.get(reverse("tasks:task-detail", args=[task_xy.pk])).status_code == 200
    listed = client.get(reverse("api-task-list", args=[zone_a.pk])).json()
    assert [t["id"] for t in listed["results"]] == [task_xy.pk]
    response = client.post(
        reverse("api-assignment-progress", args=[assignment_x.pk]),
        {"percent": 30, "text": "推进中"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["percent"] == 30


def test_liaison_cannot_create_edit_confirm_or_export(client, liaison_x, zone_a, task_xy, pending_x, unit_x):
    client.force_login(liaison_x)
    before = snapshot()
    for url, data in writes(task_xy, zone_a, pending_x, [unit_x.pk]):
        if "report" in url or "progress" in url:
            continue  # reporting on their own unit is what a liaison does
        assert send(client, url, data).status_code == 403, url
    assert client.get(reverse("tasks:task-create", args=[zone_a.pk])).status_code == 403
    assert client.get(reverse("tasks:ledger-export", args=[zone_a.pk])).status_code == 403
    assert snapshot() == before


def test_provincial_reviewer_reads_but_cannot_write(client, reviewer_fujian, zone_a, task_xy, pending_x, unit_x):
    client.force_login(reviewer_fujian)
    for url in read_urls(task_xy, zone_a):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("tasks:task-detail", args=[task_xy.pk])).content.decode()
    assert "确认完成" not in page and "编辑任务" not in page
    before = snapshot()
    for url, data in writes(task_xy, zone_a, pending_x, [unit_x.pk]):
        assert send(client, url, data).status_code == 403, url
    assert snapshot() == before


def test_evaluator_has_no_task_access(client, evaluator_a, zone_a, task_xy):
    client.force_login(evaluator_a)
    assert client.get(reverse("tasks:task-list", args=[zone_a.pk])).status_code == 403
    assert client.get(reverse("tasks:task-detail", args=[task_xy.pk])).status_code == 403


def test_anonymous_is_sent_to_login(client, zone_a, task_xy):
    for url in (reverse("tasks:task-list", args=[zone_a.pk]), reverse("tasks:mine")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(reverse("api-task-list", args=[zone_a.pk])).status_code in (401, 403)
