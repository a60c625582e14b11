"""驾驶舱: timeline, completion by unit, overdue and upcoming lists, score, counts; permissions; fixed queries."""

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import ScoreSnapshot
from tasks.dashboard import dashboard_for_zone, stage_timeline
from tasks.models import Assignment
from tasks.services import assignment_report_progress, task_create
from tests.factories import UnitFactory
from zones.models import Stage

pytestmark = pytest.mark.django_db

Status = Assignment.Status


def today():
    return timezone.localdate()


@pytest.fixture
def board(zone_a, unit_x, unit_y, office_a, liaison_x, liaison_y):
    """Zone A with stages around today and tasks in every state:

    X: "政策" 50% (due in 30 days), "平台" overdue by 3 days, "宣传" done (due in 5 days)
    Y: "政策" not started (due in 30 days), "培训" due in 10 days, 20%
    """
    t = today()
    Stage.objects.create(zone=zone_a, name="启动部署", start=t - timedelta(days=100), end=t - timedelta(days=51))
    Stage.objects.create(zone=zone_a, name="组织实施", start=t - timedelta(days=50), end=t + timedelta(days=49))
    Stage.objects.create(zone=zone_a, name="自评完善", start=t + timedelta(days=50), end=t + timedelta(days=99))

    def make(title, due, units):
        task = task_create(zone=zone_a, title=title, deadline=t + timedelta(days=due), unit_ids=units, user=office_a)
        return {a.unit_id: a for a in task.assignments.all()}

    policy = make("加大政策扶持力度", 30, [unit_x.pk, unit_y.pk])
    platform = make("建设监管平台", -3, [unit_x.pk])
    publicity = make("开展宣传活动", 5, [unit_x.pk])
    training = make("组织业务培训", 10, [unit_y.pk])
    assignment_report_progress(assignment=policy[unit_x.pk], user=liaison_x, percent=50, text="已起草")
    assignment_report_progress(assignment=publicity[unit_x.pk], user=liaison_x, percent=100, text="已完成")
    assignment_report_progress(assignment=training[unit_y.pk], user=liaison_y, percent=20, text="已制定计划")
    return {"policy": policy, "platform": platform, "publicity": publicity, "training": training}


def test_stage_timeline_bars_and_today():
    stages = [
        Stage(name="一", start=date(2024, 1, 1), end=date(2024, 1, 10)),
        Stage(name="二", start=date(2024, 1, 11), end=date(2024, 1, 20)),
    ]
    timeline = stage_timeline(stages=stages, today=date(2024, 1, 15))
    assert [(b.left, b.width, b.state) for b in timeline.bars] == [
        ("0.00", "50.00", "past"),
        ("50.00", "50.00", "current"),
    ]
    assert timeline.today_left == "72.50"  # the middle of day 15 of 20
    assert stage_timeline(stages=stages, today=date(2025, 1, 1)).today_left is None
    wider = stage_timeline(stages=stages, today=date(2024, 1, 1), start=date(2023, 12, 22), end=date(2024, 1, 20))
    assert wider.bars[0].left == "33.33" and wider.bars[0].state == "current"
    assert stage_timeline(stages=[], today=date(2024, 1, 1)).bars == []


def test_dashboard_content(zone_a, board, unit_x, unit_y):
    dash = dashboard_for_zone(zone=zone_a)
    units = {u.unit: u for u in dash.units}
    x, y = units[unit_x], units[unit_y]
    assert (x.total, x.completed, x.in_progress, x.not_started, x.overdue, x.progress) == (3, 1, 1, 0, 1, 50)
    assert (y.total, y.completed, y.in_progress, y.not_started, y.overdue, y.progress) == (2, 0, 1, 1, 0, 10)
    c = dash.counts
    assert (c.tasks, c.assignments, c.units, c.completed, c.pending, c.overdue, c.upcoming) == (4, 5, 2, 1, 1, 1, 1)
    assert c.completion_percent == 20
    assert [(a.task.title, a.days_overdue) for a in dash.overdue] == [("建设监管平台", 3)]
    assert [(a.task.title, a.unit, a.days_left) for a in dash.upcoming] == [("组织业务培训", unit_y, 10)]
    assert [b.state for b in dash.timeline.bars] == ["past", "current", "future"]
    assert dash.timeline.today_left is not None
    assert dash.snapshot is None


def test_page_shows_the_dashboard(client, zone_a, office_a, board, unit_x):
    ScoreSnapshot.objects.create(
        zone=zone_a,
        system=zone_a.system,
        status=ScoreSnapshot.Status.DONE,
        total=Decimal("78.50"),
        max_total=Decimal("100"),
        computed_at=timezone.now(),
    )
    client.force_login(office_a)
    response = client.get(reverse("tasks:dashboard", args=[zone_a.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    row = re.search(r'<tr class="unit-row" data-unit="甲市商务局">.*?</tr>', page, re.S).group(0)
    assert 'class="small num progress-value"' in row and ">50%<" in row
    assert 'id="count-overdue">1<' in page and 'id="count-tasks">4<' in page
    # Each card says what it counts (tasks or assignments) and its fragments never wrap inside.
    counts = page[page.index('id="dashboard-counts"') : page.index('id="dashboard-score"')]
    assert counts.count("项任务") == 1 and counts.count("项分工</span>") == 5
    nowrap = r'<span class="text-nowrap">分派为 \d+ 项分工</span> · <span class="text-nowrap">\d+ 个单位</span>'
    assert re.search(nowrap, counts)
    assert "建设监管平台" in page[page.index('id="overdue-list"') :]
    assert "组织业务培训" in page[page.index('id="upcoming-list"') :]
    score = page[page.index('id="dashboard-score"') :]
    assert (
        ">78.5<" in score[:600]
        and "78.50" not in score[:600]
        and reverse("assessments:scores", args=[zone_a.pk]) in score[:600]
    )
    assert re.search(r'<span class="text-nowrap">满分 100</span> · <span class="text-nowrap">[\d-]+ 计算</span>', score)
    assert page.count('class="timeline-row"') == 3 and 'class="timeline-today"' in page
    data = json.loads(re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', page).group(1))
    assert data["units"] == ["商务局", "统计局"]
    assert {s["key"]: s["data"] for s in data["series"]} == {
        "completed": [1, 0],
        "in_progress": [1, 1],
        "not_started": [0, 1],
        "overdue": [1, 0],
    }
    assert "vendor/echarts-5.6.0/echarts.min.js" in page and "js/dashboard.js" in page
    assert "cdn" not in page.lower()


def test_unit_names_in_the_chart_data_are_escaped(client, zone_a, office_a, unit_x):
    unit_x.short_name = "</script><script>alert(1)</script>"
    unit_x.save()
    task_create(zone=zone_a, title="任务", deadline=today(), unit_ids=[unit_x.pk], user=office_a)
    client.force_login(office_a)
    page = client.get(reverse("tasks:dashboard", args=[zone_a.pk])).content.decode()
    assert "<script>alert(1)" not in page


def test_empty_zone(client, zone_a, office_a):
    client.force_login(office_a)
    page = client.get(reverse("tasks:dashboard", args=[zone_a.pk])).content.decode()
    assert "尚未设置实施阶段。" in page and "还没有任务。" in page and "尚未计算。" in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office_a", 200),
        ("reviewer_fujian", 200),
        ("liaison_x", 302),  # to 我的任务, as the task list does
        ("evaluator_a", 403),
        ("office_b", 404),
        ("reviewer_zhejiang", 404),
        ("outsider", 404),
    ],
)
def test_permissions(request, client, zone_a, persona, status):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("tasks:dashboard", args=[zone_a.pk]))
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == reverse("tasks:mine")


def test_anonymous_users_go_to_the_login_page(client, zone_a):
    response = client.get(reverse("tasks:dashboard", args=[zone_a.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_nav_and_home_link_to_the_dashboard(client, zone_a, zone_b, office_a, evaluator_a, superuser):
    client.force_login(office_a)
    home = client.get(reverse("home")).content.decode()
    assert reverse("tasks:dashboard", args=[zone_a.pk]) in home
    assert reverse("tasks:dashboard-index") in home
    response = client.get(reverse("tasks:dashboard-index"))
    assert response.status_code == 302 and response["Location"] == reverse("tasks:dashboard", args=[zone_a.pk])

    client.force_login(evaluator_a)  # no task access: neither link
    home = client.get(reverse("home")).content.decode()
    assert reverse("tasks:dashboard", args=[zone_a.pk]) not in home and reverse("tasks:dashboard-index") not in home

    client.force_login(superuser)  # several zones: a chooser
    page = client.get(reverse("tasks:dashboard-index")).content.decode()
    assert reverse("tasks:dashboard", args=[zone_a.pk]) in page and reverse("tasks:dashboard", args=[zone_b.pk]) in page


def test_a_liaison_finds_no_dashboard_in_the_chooser(client, liaison_x):
    client.force_login(liaison_x)
    page = client.get(reverse("tasks:dashboard-index")).content.decode()
    assert "驾驶舱供创建对象的办公室和省级评审人员使用。" in page and reverse("tasks:mine") in page


def grow(zone, office, liaison, units, n):
    """n more units, each with n tasks shared with unit X, in every state."""
    t = today()
    new_units = [UnitFactory(zone=zone, name=f"单位{len(units) + i}") for i in range(n)]
    units += new_units
    for i, unit in enumerate(new_units):
        for j in range(n):
            task = task_create(
                zone=zone,
                title=f"任务{i}-{j}",
                deadline=t + timedelta(days=j * 7 - 10),
                unit_ids=[unit.pk],
                user=office,
            )
            if j % 3 == 0:
                assignment = task.assignments.get()
                Assignment.objects.filter(pk=assignment.pk).update(status=Status.IN_PROGRESS, progress=40)
    Stage.objects.create(zone=zone, name=f"阶段{len(units)}", start=t, end=t + timedelta(days=30))


def test_fixed_number_of_queries(client, zone_a, office_a, liaison_x, unit_x):
    client.force_login(office_a)
    url = reverse("tasks:dashboard", args=[zone_a.pk])
    units = [unit_x]

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx)

    grow(zone_a, office_a, liaison_x, units, 2)
    client.get(url)  # warm the session
    small = count()
    grow(zone_a, office_a, liaison_x, units, 6)  # 1× → 10× the assignments
    assert Assignment.objects.filter(task__zone=zone_a).count() >= 10 * 4
    assert count() == small
    with CaptureQueriesContext(connection) as ctx:
        dashboard_for_zone(zone=zone_a)
    assert len(ctx) == 6


def test_the_provinces_chooser_shows_each_zones_status_and_counts(client, zone_a, reviewer_fujian, task_xy):
    """Two zones in 福建省: the 驾驶舱 landing names each with its lifecycle status and counts
    (tasks, assignments, completed, overdue), not a bare list of names."""
    from tests.factories import CityFactory, ZoneFactory

    other = ZoneFactory(name="丙创建对象", region=CityFactory(name="丙市", parent=zone_a.region.parent))
    client.force_login(reviewer_fujian)
    page = client.get(reverse("tasks:dashboard-index")).content.decode()
    rows = re.findall(r'<li class="[^"]*dashboard-zone">.*?</li>', page, re.S)
    assert len(rows) == 2
    mine = next(r for r in rows if zone_a.name in r)
    assert zone_a.get_status_display() in mine and other.name not in mine
    assert "1 项任务" in mine and f"{task_xy.assignments.count()} 项分工" in mine and "逾期 0 项" in mine
    assert "0 项任务" in next(r for r in rows if other.name in r)
