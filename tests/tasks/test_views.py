"""The task pages: list, form, detail with confirm / send back, 我的任务, constant queries."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tasks.models import Assignment, AssignmentEvent, ProgressReport, Task
from tasks.services import assignment_report_progress, task_create
from tests.factories import UnitFactory
from tests.tasks.conftest import DEADLINE
from zones.models import IndicatorResponsibility, Stage

pytestmark = pytest.mark.django_db

Status = Assignment.Status


def list_url(zone):
    return reverse("tasks:task-list", args=[zone.pk])


def detail_url(task):
    return reverse("tasks:task-detail", args=[task.pk])


# ------------------------------------------------------------------------ list


def test_office_sees_every_task_with_units_and_progress(client, office_a, task_xy, task_y, liaison_x, assignment_x):
    assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=40, text="推进中")
    client.force_login(office_a)
    page = client.get(list_url(task_xy.zone)).content.decode()
    assert "加大政策扶持力度" in page and "打造精准执法模式" in page
    assert "★商务局 40%" in page and "统计局 0%" in page
    assert reverse("tasks:task-create", args=[task_xy.zone.pk]) in page
    assert reverse("tasks:ledger-export", args=[task_xy.zone.pk]) in page


def test_filters(client, office_a, task_xy, task_y, unit_x, liaison_x, assignment_x, zone_a):
    client.force_login(office_a)

    def titles(**params):
        page = client.get(list_url(zone_a), params).content.decode()
        return {title for title in ("加大政策扶持力度", "打造精准执法模式") if title in page}

    assert titles(unit=unit_x.pk) == {"加大政策扶持力度"}
    assert titles(status="in_progress") == set()
    assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=100, text="完成")
    assert titles(status="pending") == {"加大政策扶持力度"}
    assert titles(status="completed", unit=unit_x.pk) == {"加大政策扶持力度"}
    assert titles(overdue="1") == set()
    Assignment.objects.filter(task=task_y).update(due_date=timezone.localdate() - timedelta(days=1))
    assert titles(overdue="1") == {"打造精准执法模式"}
    assert titles(status="overdue") == {"打造精准执法模式"}
    stage = Stage.objects.create(zone=zone_a, name="组织实施", start=date(2030, 1, 1), end=date(2030, 12, 31))
    Task.objects.filter(pk=task_y.pk).update(stage=stage)
    assert titles(stage=stage.pk) == {"打造精准执法模式"}
    assert titles(q="精准") == {"打造精准执法模式"}


def test_liaison_is_sent_to_my_tasks(client, liaison_x, zone_a):
    client.force_login(liaison_x)
    response = client.get(list_url(zone_a))
    assert response.status_code == 302 and response["Location"] == reverse("tasks:mine")


def test_nav_index_sends_each_role_to_its_place(client, office_a, liaison_x, zone_a):
    client.force_login(office_a)
    assert client.get(reverse("tasks:index"))["Location"] == list_url(zone_a)
    client.force_login(liaison_x)
    assert client.get(reverse("tasks:index"))["Location"] == reverse("tasks:mine")
    assert "任务" in client.get(reverse("home")).content.decode()


# ------------------------------------------------------------------------ form


def test_office_creates_a_task_through_the_form(client, office_a, zone_a, unit_x, unit_y, level3):
    client.force_login(office_a)
    url = reverse("tasks:task-create", args=[zone_a.pk])
    page = client.get(url).content.decode()
    assert "甲市商务局" in page and "1 网上零售额同比增速" in page and "市直部门" in page
    response = client.post(
        url,
        {
            "number": "7",
            "title": "加强电商品牌培育",
            "description": "推广区域公用品牌。",
            "priority": "high",
            "deadline": "2030-06-30",
            "units": [unit_x.pk, unit_y.pk],
            "lead_units": [unit_y.pk],
            "indicators": [level3["21"].pk],
        },
    )
    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(task)
    assert (task.title, task.priority, task.deadline, task.created_by) == (
        "加强电商品牌培育",
        "high",
        date(2030, 6, 30),
        office_a,
    )
    assert set(task.assignments.values_list("unit_id", "is_lead")) == {(unit_x.pk, False), (unit_y.pk, True)}
    assert list(task.indicators.values_list("code", flat=True)) == ["21"]


def test_form_refuses_a_unit_of_another_zone(client, office_a, zone_a, unit_x, unit_b):
    client.force_login(office_a)
    response = client.post(
        reverse("tasks:task-create", args=[zone_a.pk]),
        {"title": "任务", "priority": "medium", "deadline": "2030-06-30", "units": [unit_x.pk, unit_b.pk]},
    )
    assert response.status_code == 200 and not Task.objects.exists()


def test_form_shows_the_services_message(client, office_a, zone_a):
    client.force_login(office_a)
    response = client.post(
        reverse("tasks:task-create", args=[zone_a.pk]),
        {"title": "任务", "priority": "medium", "deadline": "2030-06-30"},
    )
    assert "请至少选择一个责任单位。" in response.content.decode() and not Task.objects.exists()


def test_office_edits_a_task(client, office_a, task_xy, unit_x, unit_y):
    client.force_login(office_a)
    url = reverse("tasks:task-edit", args=[task_xy.pk])
    page = client.get(url).content.decode()
    assert 'value="加大政策扶持力度"' in page and f'id="lead-{unit_x.pk}" checked' in page
    response = client.post(
        url,
        {"title": "加大政策扶持力度", "priority": "low", "deadline": "2031-01-31", "units": [unit_x.pk, unit_y.pk]},
    )
    assert response.status_code == 302
    task_xy.refresh_from_db()
    assert task_xy.priority == "low" and task_xy.deadline == date(2031, 1, 31)
    assert not task_xy.assignments.filter(is_lead=True).exists()
    assert AssignmentEvent.objects.filter(kind="due_changed").count() == 2


# ---------------------------------------------------------------------- detail


def test_detail_shows_units_progress_and_history(client, office_a, task_xy, assignment_x, liaison_x):
    assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=50, text="已起草政策初稿")
    client.force_login(office_a)
    page = client.get(detail_url(task_xy)).content.decode()
    assert "甲市商务局" in page and "甲市统计局" in page
    assert 'style="width: 50%"' in page and "已起草政策初稿" in page
    assert "分派任务" in page and "填报进展" in page
    assert "1 网上零售额同比增速" in page or "网上零售额同比增速" in page
    assert "确认完成" not in page


def test_office_confirms_and_sends_back_on_the_detail_page(client, office_a, task_xy, assignment_x, liaison_x):
    assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=100, text="已完成")
    client.force_login(office_a)
    page = client.get(detail_url(task_xy)).content.decode()
    assert reverse("tasks:assignment-confirm", args=[assignment_x.pk]) in page
    response = client.post(reverse("tasks:assignment-send-back", args=[assignment_x.pk]), {"reason": ""})
    assert response.status_code == 302
    assignment_x.refresh_from_db()
    assert assignment_x.status == Status.COMPLETED  # no reason: nothing changed
    assert "退回须填写原因。" in client.get(detail_url(task_xy)).content.decode()
    client.post(reverse("tasks:assignment-confirm", args=[assignment_x.pk]))
    assignment_x.refresh_from_db()
    assert assignment_x.is_confirmed
    client.post(reverse("tasks:assignment-send-back", args=[assignment_x.pk]), {"reason": "复核发现问题"})
    assignment_x.refresh_from_db()
    assert assignment_x.status == Status.IN_PROGRESS
    page = client.get(detail_url(task_xy)).content.decode()
    assert "重新打开" in page and "复核发现问题" in page


# ----------------------------------------------------------------------- mine


def test_my_tasks_lists_the_units_assignments_due_soon_first(
    client, liaison_x, zone_a, unit_x, unit_y, task_xy, level3
):
    later = task_create(zone=zone_a, title="较晚的任务", deadline=DEADLINE + timedelta(days=30), unit_ids=[unit_x.pk])
    sooner = task_create(zone=zone_a, title="较早的任务", deadline=date(2030, 1, 31), unit_ids=[unit_x.pk])
    task_create(zone=zone_a, title="统计局的任务", deadline=DEADLINE, unit_ids=[unit_y.pk])
    client.force_login(liaison_x)
    page = client.get(reverse("tasks:mine")).content.decode()
    assert page.index(sooner.title) < page.index(task_xy.title) < page.index(later.title)
    assert "统计局的任务" not in page
    # No responsibility matrix yet: the indicators linked to the unit's tasks, with their criteria.
    assert "按任务关联的指标列出" in page and level3["3"].criteria[:20] in page


def test_my_tasks_shows_the_units_indicators_from_the_matrix(client, liaison_x, zone_a, unit_x, level3):
    IndicatorResponsibility.objects.create(zone=zone_a, indicator=level3["7"], unit=unit_x, is_lead=True)
    client.force_login(liaison_x)
    page = client.get(reverse("tasks:mine")).content.decode()
    assert level3["7"].name in page and "按任务关联的指标列出" not in page


def test_report_from_my_tasks_with_htmx_returns_the_card(client, liaison_x, assignment_x):
    client.force_login(liaison_x)
    url = reverse("tasks:assignment-report", args=[assignment_x.pk])
    card = client.post(url, {"percent": "50", "text": "已完成调研"}, HTTP_HX_REQUEST="true").content.decode()
    assert f'id="card-{assignment_x.pk}"' in card and "已填报进展" in card and "50%" in card
    bad = client.post(url, {"percent": "20", "text": "倒退"}, HTTP_HX_REQUEST="true").content.decode()
    assert "进度低于上次填报的 50%，请说明原因。" in bad
    assignment_x.refresh_from_db()
    assert assignment_x.progress == 50 and ProgressReport.objects.count() == 1


def test_report_without_htmx_redirects_back(client, liaison_x, assignment_x, task_xy):
    client.force_login(liaison_x)
    response = client.post(
        reverse("tasks:assignment-report", args=[assignment_x.pk]),
        {"percent": "30", "text": "推进中", "next": detail_url(task_xy)},
    )
    assert response.status_code == 302 and response["Location"] == detail_url(task_xy)
    response = client.post(
        reverse("tasks:assignment-report", args=[assignment_x.pk]),
        {"percent": "30", "text": "推进中", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("tasks:mine")


def test_attachment_is_downloaded_by_those_who_see_the_task(
    client, liaison_x, office_a, office_b, assignment_x, task_xy
):
    pdf = SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.7\n%%EOF", content_type="application/pdf")
    report = assignment_report_progress(
        assignment=assignment_x, user=liaison_x, percent=10, text="纪要", attachment=pdf
    )
    url = reverse("tasks:report-attachment", args=[report.pk])
    client.force_login(office_a)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert "filename*=UTF-8''%E4%BC%9A%E8%AE%AE%E7%BA%AA%E8%A6%81.pdf" in response["Content-Disposition"]
    client.force_login(office_b)
    assert client.get(url).status_code == 404


# -------------------------------------------------------------- query counts


def _grow(zone, units, n, *, user):
    for i in range(n):
        task = task_create(
            zone=zone, title=f"任务{i}", deadline=DEADLINE, unit_ids=[u.pk for u in units], indicator_ids=[]
        )
        for assignment in task.assignments.all():
            if user is not None and assignment.unit_id == units[0].pk:
                assignment_report_progress(assignment=assignment, user=user, percent=10 + i, text=f"进展{i}")


@pytest.mark.parametrize("scale", [1, 10])
def test_task_list_queries_are_constant(client, django_assert_max_num_queries, office_a, zone_a, unit_x, scale):
    units = [unit_x] + [UnitFactory(zone=zone_a) for _ in range(scale)]
    _grow(zone_a, units, scale, user=None)
    client.force_login(office_a)
    # 13 + the pager's count + the navigation's admin-link checks for a staff user (3)
    with django_assert_max_num_queries(17):
        response = client.get(list_url(zone_a))
    assert response.content.decode().count('class="task-row"') == scale


@pytest.mark.parametrize("scale", [1, 10])
def test_task_detail_queries_are_constant(
    client, django_assert_max_num_queries, office_a, zone_a, unit_x, liaison_x, level3, scale
):
    from tests.factories import MembershipFactory, UserFactory
    from zones.models import Membership

    units = [unit_x] + [UnitFactory(zone=zone_a) for _ in range(scale)]
    task = task_create(
        zone=zone_a,
        title="任务",
        deadline=DEADLINE,
        unit_ids=[u.pk for u in units],
        indicator_ids=[level3[str(i)].pk for i in range(1, scale + 1)],
    )
    for unit in units:
        liaison = MembershipFactory(user=UserFactory(), role=Membership.Role.LIAISON, zone=zone_a, unit=unit).user
        assignment = task.assignments.get(unit=unit)
        for i in range(scale):
            assignment_report_progress(assignment=assignment, user=liaison, percent=i + 1, text=f"进展{i}")
    client.force_login(office_a)
    with django_assert_max_num_queries(17):  # 14 + the navigation's admin-link checks for a staff user (3)
        response = client.get(detail_url(task))
    assert response.content.decode().count('class="assignment-row"') == scale + 1


@pytest.mark.parametrize("scale", [1, 10])
def test_my_tasks_queries_are_constant(client, django_assert_max_num_queries, liaison_x, zone_a, unit_x, level3, scale):
    for i in range(scale):
        task = task_create(
            zone=zone_a,
            title=f"任务{i}",
            deadline=DEADLINE,
            unit_ids=[unit_x.pk],
            indicator_ids=[level3[str(i + 1)].pk],
        )
        assignment_report_progress(assignment=task.assignments.get(), user=liaison_x, percent=20, text="推进中")
        IndicatorResponsibility.objects.create(zone=zone_a, indicator=level3[str(i + 10)], unit=unit_x)
    client.force_login(liaison_x)
    with django_assert_max_num_queries(14):  # 13 + the pager's count
        response = client.get(reverse("tasks:mine"))
    assert response.content.decode().count("assignment-card") == scale
