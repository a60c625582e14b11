"""The task-side lists a page at a time: the task list, 我的任务, a task's history, an assignment's
progress history and the tasks API. Page 2 keeps the filters, the count of what matched is shown,
a bad page number still gives a page, and the queries do not grow from 10 to 200 tasks."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator
from tasks.models import Assignment, AssignmentEvent, ProgressReport, Task
from tasks.services import assignment_report_progress, task_create
from tests.tasks.conftest import DEADLINE
from zones.access import ZoneAction, own_unit_ids_where

Status = Assignment.Status


def grow(zone, units, n: int, *, title: str = "任务", reports_by=None) -> list[Task]:
    """``n`` tasks for ``units`` (rows written in bulk: 200 tasks stay quick), each linked to an
    indicator; with ``reports_by`` a progress report on each assignment of the first unit."""
    indicator = Indicator.objects.filter(system=zone.system, level=3).order_by("position").first()
    start = Task.objects.filter(zone=zone).count()
    tasks = Task.objects.bulk_create(
        Task(zone=zone, number=str(start + i + 1), title=f"{title}{start + i}", deadline=DEADLINE, position=start + i)
        for i in range(n)
    )
    Task.indicators.through.objects.bulk_create(
        Task.indicators.through(task=task, indicator=indicator) for task in tasks
    )
    assignments = Assignment.objects.bulk_create(
        Assignment(task=task, unit=unit, is_lead=j == 0, due_date=DEADLINE - timedelta(days=i), progress=10)
        for i, task in enumerate(tasks)
        for j, unit in enumerate(units)
    )
    if reports_by is not None:
        ProgressReport.objects.bulk_create(
            ProgressReport(assignment=a, percent=10, text="推进中", by=reports_by)
            for a in assignments
            if a.unit_id == units[0].pk
        )
    return tasks


def count_queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_task_list_page_two_keeps_the_filters_and_shows_the_count(client, office_a, zone_a, unit_x, unit_y):
    grow(zone_a, [unit_x, unit_y], 60, title="平台治理")
    grow(zone_a, [unit_y], 5, title="统计监测")
    client.force_login(office_a)
    url = reverse("tasks:task-list", args=[zone_a.pk])

    first = client.get(url, {"unit": unit_x.pk, "q": "平台"}).content.decode()
    assert first.count('class="task-row"') == 50
    assert "符合条件的任务 60 项" in first and "第 1 / 2 页" in first
    next_link = re.search(r'rel="next" href="\?([^"]+)"', first).group(1).replace("&amp;", "&")
    assert f"unit={unit_x.pk}" in next_link and "q=" in next_link and next_link.endswith("page=2")

    second = client.get(f"{url}?{next_link}").content.decode()
    assert second.count('class="task-row"') == 10 and "第 2 / 2 页" in second
    assert "统计监测" not in second  # still filtered

    everything = client.get(url).content.decode()
    assert "共 65 项任务" in everything


@pytest.mark.parametrize("bad", ["abc", "0", "-1", "99999", "1.5", ""])
def test_a_bad_page_number_still_gives_a_page(client, office_a, liaison_x, zone_a, unit_x, bad):
    tasks = grow(zone_a, [unit_x], 3)
    assignment = tasks[0].assignments.get()
    client.force_login(office_a)
    for url in (
        reverse("tasks:task-list", args=[zone_a.pk]),
        reverse("tasks:task-detail", args=[tasks[0].pk]),
        reverse("tasks:assignment-report", args=[assignment.pk]),
    ):
        response = client.get(url, {"page": bad})
        assert response.status_code == 200, url
    client.force_login(liaison_x)
    response = client.get(reverse("tasks:mine"), {"page": bad})
    assert response.status_code == 200 and response.content.decode().count("assignment-card") == 3


def test_task_list_sorts_by_deadline_and_progress(client, office_a, zone_a, unit_x):
    late, early = grow(zone_a, [unit_x], 2)
    Task.objects.filter(pk=late.pk).update(deadline=DEADLINE)
    Task.objects.filter(pk=early.pk).update(deadline=DEADLINE - timedelta(days=30))
    Assignment.objects.filter(task=late).update(progress=5)
    Assignment.objects.filter(task=early).update(progress=80)
    client.force_login(office_a)
    url = reverse("tasks:task-list", args=[zone_a.pk])

    def order(sort: str) -> list[int]:
        html = client.get(url, {"sort": sort}).content.decode()
        return [int(pk) for pk in re.findall(r'class="task-row" data-task="(\d+)"', html)]

    assert order("") == [late.pk, early.pk]  # plan order
    assert order("deadline") == [early.pk, late.pk]
    assert order("progress") == [late.pk, early.pk]
    assert order("bogus") == [late.pk, early.pk]


@pytest.mark.parametrize(
    "name,url",
    [
        ("task list", lambda zone: reverse("tasks:task-list", args=[zone.pk])),
        ("api", lambda zone: reverse("api-task-list", args=[zone.pk])),
    ],
)
def test_office_lists_run_the_same_queries_at_10_and_200_tasks(client, office_a, zone_a, unit_x, unit_y, name, url):
    client.force_login(office_a)
    grow(zone_a, [unit_x, unit_y], 10)
    small, _html = count_queries(client, url(zone_a))
    grow(zone_a, [unit_x, unit_y], 190)
    large, html = count_queries(client, url(zone_a))
    assert small == large, name
    if name == "task list":
        assert html.count('class="task-row"') == 50 and len(html) < 300_000


def test_my_tasks_run_the_same_queries_at_10_and_200_tasks(client, liaison_x, zone_a, unit_x):
    client.force_login(liaison_x)
    grow(zone_a, [unit_x], 10, reports_by=liaison_x)
    small, _html = count_queries(client, reverse("tasks:mine"))
    grow(zone_a, [unit_x], 190, reports_by=liaison_x)
    large, html = count_queries(client, reverse("tasks:mine"))
    assert small == large
    assert html.count('class="card shadow-sm mb-3 assignment-card') == 20 and "共 200 项任务" in html


def test_my_tasks_filter_by_status_and_keyword_with_the_count(client, liaison_x, zone_a, unit_x):
    done = grow(zone_a, [unit_x], 3, title="已办")
    grow(zone_a, [unit_x], 25, title="在办")
    Assignment.objects.filter(task__in=done).update(status=Status.COMPLETED, progress=100)
    client.force_login(liaison_x)
    html = client.get(reverse("tasks:mine"), {"status": Status.COMPLETED}).content.decode()
    assert "符合条件的任务 3 项" in html and html.count("assignment-card") == 3 and "在办" not in html
    html = client.get(reverse("tasks:mine"), {"q": "在办", "page": "2"}).content.decode()
    assert "符合条件的任务 25 项" in html and html.count("assignment-card") == 5
    assert 'href="?q=%E5%9C%A8%E5%8A%9E&amp;page=1"' in html  # the pager keeps the keyword
    html = client.get(reverse("tasks:mine")).content.decode()
    # due soon first, completed last: the first card is the open task due earliest
    first = re.search(r'data-task="([^"]+)"', html).group(1)
    assert first.startswith("在办")


def test_the_task_history_is_paged(client, office_a, liaison_x, zone_a, unit_x):
    task = task_create(zone=zone_a, title="长期任务", deadline=DEADLINE, unit_ids=[unit_x.pk], user=office_a)
    assignment = task.assignments.get()
    for i in range(35):
        assignment_report_progress(assignment=assignment, user=liaison_x, percent=i + 1, text=f"第{i}次进展")
    assert AssignmentEvent.objects.filter(assignment=assignment).count() > 30
    client.force_login(office_a)
    url = reverse("tasks:task-detail", args=[task.pk])
    first = client.get(url).content.decode()
    history = first[first.index('id="task-history"') :]
    assert "第34次进展" in history and "第0次进展" not in history and 'rel="next"' in history
    second = client.get(url, {"page": 2}).content.decode()
    assert "第0次进展" in second[second.index('id="task-history"') :]


def test_the_report_page_pages_the_history_and_takes_a_report(client, office_a, liaison_x, zone_a, unit_x):
    task = task_create(zone=zone_a, title="填报任务", deadline=DEADLINE, unit_ids=[unit_x.pk], user=office_a)
    assignment = task.assignments.get()
    for i in range(32):
        assignment_report_progress(assignment=assignment, user=liaison_x, percent=i + 1, text=f"进展{i}号")
    url = reverse("tasks:assignment-report", args=[assignment.pk])

    client.force_login(office_a)  # the office reads the history, has no form
    page = client.get(url).content.decode()
    assert page.count('class="list-group-item small"') == 30 and "共 32 条" in page
    assert 'id="report-form"' not in page
    assert client.get(url, {"page": 2}).content.decode().count('class="list-group-item small"') == 2

    client.force_login(liaison_x)
    page = client.get(url).content.decode()
    assert 'id="report-form"' in page and "进展31号" in page
    response = client.post(url, {"from": "page", "percent": 10, "text": "回调", "next": url})
    assert response.status_code == 400  # below the last report without a reason: the page again, the message on it
    assert "原因" in response.content.decode() and ProgressReport.objects.filter(assignment=assignment).count() == 32
    response = client.post(url, {"from": "page", "percent": 40, "text": "新进展", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert ProgressReport.objects.filter(assignment=assignment).count() == 33


def test_tasks_api_lists_are_paged_with_the_count(client, office_a, zone_a, unit_x, unit_y):
    tasks = grow(zone_a, [unit_x, unit_y], 55)
    client.force_login(office_a)
    url = reverse("api-task-list", args=[zone_a.pk])
    body = client.get(url).json()
    assert body["count"] == 55 and len(body["results"]) == 50 and body["previous"] is None
    assert body["next"].endswith("page=2")
    second = client.get(url, {"page": 2}).json()
    assert len(second["results"]) == 5 and second["next"] is None
    assert len(client.get(url, {"page_size": 500}).json()["results"]) == 55  # capped at 200, here all
    assert client.get(url, {"page": 99}).status_code == 404  # DRF: an invalid page is a clear 404, not a 500
    assignments = client.get(reverse("api-task-assignments", args=[tasks[0].pk])).json()
    assert assignments["count"] == 2 and {a["unit"] for a in assignments["results"]} == {unit_x.pk, unit_y.pk}


def test_own_unit_ids_where_is_unit_can_for_a_whole_list(zone_a, unit_x, unit_y, liaison_x, office_a):
    assert own_unit_ids_where(liaison_x, zone_a, ZoneAction.REPORT_PROGRESS) == {unit_x.pk}
    assert own_unit_ids_where(office_a, zone_a, ZoneAction.REPORT_PROGRESS) == set()  # the office reports for no unit
    assert own_unit_ids_where(liaison_x, zone_a, ZoneAction.MANAGE_TASKS) == set()


PAGED_LISTS = (
    ("api-task-list", {"zone_id": 1}),
    ("api-task-assignments", {"task_id": 1}),
    ("api-round-list", {"zone_id": 1}),
    ("api-round-assignments", {"round_id": 1}),
    ("api-round-doubts", {"round_id": 1}),
    ("api-inspection-campaigns", {"zone_id": 1}),
    ("api-inspection-findings", {"campaign_id": 1}),
    ("api-report-list", {"zone_id": 1}),
    ("api-download-list", {"zone_id": 1}),
)


def test_the_schema_documents_the_api_lists_as_pages(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    for name, kwargs in PAGED_LISTS:
        path = reverse(name, kwargs=kwargs)
        for key, value in kwargs.items():
            path = path.replace(f"/{value}/", f"/{{{key}}}/", 1)
        answer = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        paged = components[answer["$ref"].rsplit("/", 1)[-1]]
        assert {"count", "next", "previous", "results"} <= set(paged["properties"]), name


def test_a_notice_link_to_a_card_opens_the_page_that_holds_it(client, liaison_x, zone_a, unit_x, unit_b):
    grow(zone_a, [unit_x], 45)
    wanted = Assignment.objects.filter(unit=unit_x).order_by("due_date", "pk")[41]  # due soon first: on page 3
    client.force_login(liaison_x)
    response = client.get(reverse("tasks:mine"), {"card": wanted.pk, "q": "任务"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('tasks:mine')}?q=%E4%BB%BB%E5%8A%A1&page=3#card-{wanted.pk}"
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert f'id="card-{wanted.pk}"' in page
    other = grow(unit_b.zone, [unit_b], 1)[0].assignments.get()  # not the liaison's: page 1, nothing revealed
    assert client.get(reverse("tasks:mine"), {"card": other.pk})["Location"].endswith(f"?page=1#card-{other.pk}")
    assert client.get(reverse("tasks:mine"), {"card": "x"}).status_code == 400  # common.params: a clear message
