"""督办通报: overdue assignments by unit, the on-time ranking, as of a date; Excel export; permissions."""

import io
from datetime import date
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tasks.bulletin import OVERDUE_HEADERS, RANKING_HEADERS, UnitRank, _rank, bulletin_for_zone
from tasks.services import _send_back_apply, task_create
from tests.tasks.conftest import at_local, report_on
from zones.models import Unit

pytestmark = pytest.mark.django_db

T = date(2030, 7, 10)


@pytest.fixture
def plan(zone_a, unit_x, unit_y, unit_z, office_a, liaison_x, liaison_y):
    """Four tasks for X and Y around T (Z has none):

    1 due 06-30: X done 06-25 (on time); Y 40% on 06-20, 60% on 07-12 (after T) → overdue 10 days
    2 due 07-05: X done 07-08 (late); Y never reported → overdue 5 days
    3 due 07-10 (= T): X open (not counted yet); Y done 07-09 (on time)
    4 due 08-31: both open (not due)
    """

    def make(number, title, deadline):
        task = task_create(
            zone=zone_a, number=number, title=title, deadline=deadline, unit_ids=[unit_x.pk, unit_y.pk], user=office_a
        )
        return task.assignments.get(unit=unit_x), task.assignments.get(unit=unit_y)

    x1, y1 = make("1", "加大政策扶持力度", date(2030, 6, 30))
    x2, y2 = make("2", '=HYPERLINK("http://evil")', date(2030, 7, 5))
    x3, y3 = make("3", "打造精准执法模式", T)
    make("4", "完善信用监管", date(2030, 8, 31))
    report_on(x1, user=liaison_x, percent=100, day=date(2030, 6, 25))
    report_on(y1, user=liaison_y, percent=40, day=date(2030, 6, 20), text="已起草方案")
    report_on(y1, user=liaison_y, percent=60, day=date(2030, 7, 12), text="方案已报审")
    report_on(x2, user=liaison_x, percent=100, day=date(2030, 7, 8))
    report_on(y3, user=liaison_y, percent=100, day=date(2030, 7, 9))
    return {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "x3": x3, "y3": y3}


def test_overdue_assignments_grouped_by_unit(zone_a, plan, unit_y):
    bulletin = bulletin_for_zone(zone=zone_a, on=T)
    assert [g.unit for g in bulletin.groups] == [unit_y]
    rows = bulletin.groups[0].rows
    assert [(r.assignment.task.number, r.days_overdue, r.progress) for r in rows] == [("1", 10, 40), ("2", 5, 0)]
    assert rows[0].last_report.text == "已起草方案"  # the 07-12 report is after T
    assert rows[1].last_report is None
    assert bulletin.overdue_count == 2


def test_ranking_by_on_time_rate(zone_a, plan, unit_x, unit_y, unit_z):
    ranking = bulletin_for_zone(zone=zone_a, on=T).ranking
    assert [(r.unit, r.rank, r.on_time, r.late, r.overdue, r.settled) for r in ranking] == [
        (unit_x, 1, 1, 1, 0, 2),  # 1/2 = 50%; task 3 is due today and still open: not counted
        (unit_y, 2, 1, 0, 2, 3),  # 1/3 = 33.3%; task 3 done on its due date counts
        (unit_z, None, 0, 0, 0, 0),  # nothing due: no rate, last
    ]
    assert [r.rate_percent for r in ranking] == [50.0, 33.3, None]


def test_an_earlier_date_reads_the_history(zone_a, plan, unit_x, unit_y):
    bulletin = bulletin_for_zone(zone=zone_a, on=date(2030, 7, 1))
    assert [(r.assignment.task.number, r.days_overdue) for g in bulletin.groups for r in g.rows] == [("1", 1)]
    ranking = {r.unit: r for r in bulletin.ranking}
    assert (ranking[unit_x].on_time, ranking[unit_x].settled) == (1, 1)
    assert (ranking[unit_y].overdue, ranking[unit_y].settled) == (1, 1)


def test_a_completion_sent_back_afterwards_still_counts_on_the_earlier_date(zone_a, plan, office_a, unit_x):
    x1 = plan["x1"]
    x1.refresh_from_db()
    _send_back_apply(x1, user=office_a, reason="材料不全", at=at_local(date(2030, 7, 2)))
    before = {r.unit: r for r in bulletin_for_zone(zone=zone_a, on=date(2030, 7, 1)).ranking}
    after = bulletin_for_zone(zone=zone_a, on=T)
    assert before[unit_x].on_time == 1
    assert [(g.unit, len(g.rows)) for g in after.groups][0] == (unit_x, 1)


def test_assignments_created_after_the_date_are_left_out(zone_a, plan):
    # Every assignment was created today (before 2030): a date before that shows nothing.
    bulletin = bulletin_for_zone(zone=zone_a, on=date(2020, 1, 1))
    assert bulletin.groups == [] and all(r.settled == 0 for r in bulletin.ranking)


def test_ties_go_to_fewer_overdue_and_equal_pairs_share_a_rank():
    def unit(pk):
        return Unit(pk=pk, name=f"单位{pk}", position=pk)

    a = UnitRank(unit=unit(1), on_time=1, late=1, overdue=0)  # 50%, 0 overdue
    b = UnitRank(unit=unit(2), on_time=1, late=0, overdue=1)  # 50%, 1 overdue
    c = UnitRank(unit=unit(3), on_time=2, late=0, overdue=2)  # 50%, 2 overdue
    d = UnitRank(unit=unit(4), on_time=2, late=2, overdue=0)  # 50%, 0 overdue: same as a
    e = UnitRank(unit=unit(5), on_time=3, late=0, overdue=0)  # 100%
    f = UnitRank(unit=unit(6))  # nothing due
    ranked = _rank([f, c, b, a, d, e])
    assert [(r.unit.pk, r.rank) for r in ranked] == [(5, 1), (1, 2), (4, 2), (2, 4), (3, 5), (6, None)]


def test_page_shows_groups_and_ranking(client, zone_a, office_a, plan):
    client.force_login(office_a)
    response = client.get(reverse("tasks:bulletin", args=[zone_a.pk]), {"date": "2030-07-10"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "截至 2030-07-10" in page
    assert 'data-unit="甲市统计局"' in page and "已起草方案" in page
    assert page.count('class="bulletin-row"') == 2
    assert page.index('data-unit="甲市商务局"', page.index('id="bulletin-ranking"')) < page.index(
        'data-unit="甲市统计局"', page.index('id="bulletin-ranking"')
    )
    assert ">50%<" in page and ">33.3%<" in page  # |num: no trailing zero
    assert f"{reverse('tasks:bulletin-export', args=[zone_a.pk])}?date=2030-07-10" in page


def test_page_defaults_to_today_and_refuses_a_bad_date(client, zone_a, office_a):
    from django.utils import timezone

    client.force_login(office_a)
    page = client.get(reverse("tasks:bulletin", args=[zone_a.pk])).content.decode()
    assert f"截至 {timezone.localdate():%Y-%m-%d}" in page
    page = client.get(reverse("tasks:bulletin", args=[zone_a.pk]), {"date": "2030-13-45"}).content.decode()
    assert "日期“2030-13-45”无效" in page and f"截至 {timezone.localdate():%Y-%m-%d}" in page


def test_export_has_both_sheets_with_safe_cells(client, zone_a, office_a, plan):
    client.force_login(office_a)
    response = client.get(reverse("tasks:bulletin-export", args=[zone_a.pk]), {"date": "2030-07-10"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"filename*=UTF-8''{quote('督办通报-2030-07-10.xlsx')}" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["逾期任务", "按时完成率排名"]

    overdue = workbook["逾期任务"]
    assert overdue["A1"].value == "甲创建对象督办通报（截至 2030-07-10）"
    assert [c.value for c in overdue[2]] == list(OVERDUE_HEADERS)
    rows = [list(r) for r in overdue.iter_rows(min_row=3, values_only=True)]
    assert [(r[0], r[1], r[4], r[5], r[6]) for r in rows] == [
        ("甲市统计局", "1", 10, 40, "已起草方案"),
        (None, "2", 5, 0, None),  # the unit cell is merged down its group
    ]
    assert rows[0][3].date() == date(2030, 6, 30)
    assert "A3:A4" in {str(r) for r in overdue.merged_cells.ranges}
    title = overdue.cell(row=4, column=3)
    assert title.value == '=HYPERLINK("http://evil")' and title.data_type == "s" and title.quotePrefix

    ranking = workbook["按时完成率排名"]
    assert [c.value for c in ranking[2]] == list(RANKING_HEADERS)
    assert [list(r) for r in ranking.iter_rows(min_row=3, values_only=True)] == [
        [1, "甲市商务局", 2, 1, 1, 0, 50],
        [2, "甲市统计局", 3, 1, 0, 2, 33.3],
        ["—", "甲市财政局", 0, 0, 0, 0, "—"],
    ]


def test_export_without_overdue_says_so(client, zone_a, office_a, unit_x):
    client.force_login(office_a)
    response = client.get(reverse("tasks:bulletin-export", args=[zone_a.pk]), {"date": "2030-07-10"})
    sheet = load_workbook(io.BytesIO(response.content))["逾期任务"]
    assert sheet["A3"].value == "无逾期任务。"


def test_fixed_number_of_queries(zone_a, plan, unit_x, unit_y, office_a):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            bulletin_for_zone(zone=zone_a, on=T)
        return len(ctx)

    small = count()
    for i in range(10):
        task = task_create(
            zone=zone_a, title=f"任务{i}", deadline=date(2030, 6, 1), unit_ids=[unit_x.pk, unit_y.pk], user=office_a
        )
        report_on(task.assignments.get(unit=unit_y), user=None, percent=20, day=date(2030, 6, 2))
    assert count() == small == 5  # the events, the assignments, units, the overdue rows' assignments and reports


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office_a", 200),
        ("reviewer_fujian", 200),  # read-only: the page has no actions
        ("liaison_x", 403),
        ("evaluator_a", 403),
        ("office_b", 404),
        ("reviewer_zhejiang", 404),
        ("outsider", 404),
    ],
)
@pytest.mark.parametrize("name", ["tasks:bulletin", "tasks:bulletin-export"])
def test_permissions(request, client, zone_a, persona, status, name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(name, args=[zone_a.pk])).status_code == status


@pytest.mark.parametrize("name", ["tasks:bulletin", "tasks:bulletin-export"])
def test_anonymous_users_go_to_the_login_page(client, zone_a, name):
    response = client.get(reverse(name, args=[zone_a.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]
