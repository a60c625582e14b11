"""The 驾驶舱's aggregates are cached per zone and day, and every write that changes them
(a progress report, a new or deleted task, a renamed unit, the overdue job) invalidates them:
change, then read, shows the new value."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tasks.dashboard import dashboard_for_zone
from tasks.services import assignment_report_progress, task_create
from tasks.supervision_services import assignments_mark_overdue

pytestmark = pytest.mark.django_db(transaction=True)  # on_commit invalidation runs as in production


@pytest.fixture(autouse=True)
def local_memory_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def task(zone_a, unit_x, unit_y, office_a):
    deadline = timezone.localdate() + timedelta(days=30)
    units = [unit_x.pk, unit_y.pk]
    return task_create(zone=zone_a, title="完善信用监管", deadline=deadline, unit_ids=units, user=office_a)


def queries(zone):
    with CaptureQueriesContext(connection) as ctx:
        data = dashboard_for_zone(zone=zone)
    return data, len(ctx)


def test_second_read_comes_from_the_cache(zone_a, task):
    first, cold = queries(zone_a)
    second, warm = queries(zone_a)
    assert warm < cold
    assert second.counts == first.counts and [u.unit.pk for u in second.units] == [u.unit.pk for u in first.units]


def test_a_progress_report_shows_at_once(zone_a, task, unit_x, liaison_x):
    before, _ = queries(zone_a)
    assert before.counts.completed == 0
    assignment = task.assignments.get(unit=unit_x)
    assignment_report_progress(assignment=assignment, user=liaison_x, percent=100, text="已完成")
    after, _ = queries(zone_a)
    assert after.counts.completed == 1 and after.counts.pending == 1


def test_a_new_task_and_a_deleted_task_show_at_once(zone_a, task, unit_x, office_a):
    assert queries(zone_a)[0].counts.tasks == 1
    task_create(
        zone=zone_a,
        title="打造精准执法模式",
        deadline=timezone.localdate() + timedelta(days=5),
        unit_ids=[unit_x.pk],
        user=office_a,
    )
    assert queries(zone_a)[0].counts.tasks == 2
    assert queries(zone_a)[0].counts.upcoming == 1
    task.delete()
    assert queries(zone_a)[0].counts.tasks == 1


def test_a_renamed_unit_shows_at_once(zone_a, task, unit_x):
    assert "甲市商务局" in [u.unit.name for u in queries(zone_a)[0].units]
    unit_x.name = "甲市商务和外事局"
    unit_x.save()
    assert "甲市商务和外事局" in [u.unit.name for u in queries(zone_a)[0].units]


def test_the_overdue_job_invalidates(zone_a, task):
    queries(zone_a)
    _, warm = queries(zone_a)
    task.assignments.update(due_date=timezone.localdate() - timedelta(days=1))  # no signal: as a raw change
    assert assignments_mark_overdue(today=timezone.localdate()) == 2
    data, cold = queries(zone_a)
    assert cold > warm
    assert data.counts.overdue == 2


def test_another_zone_keeps_its_cache(zone_a, zone_b, task, unit_x, liaison_x):
    queries(zone_b)
    _, warm_b = queries(zone_b)
    assignment_report_progress(assignment=task.assignments.get(unit=unit_x), user=liaison_x, percent=50, text="推进中")
    assert queries(zone_b)[1] == warm_b


def test_the_bulletin_ranking_is_cached_until_a_report(zone_a, unit_x, unit_y, office_a, liaison_x):
    from tasks.bulletin import bulletin_for_zone

    today = timezone.localdate()
    units = [unit_x.pk, unit_y.pk]
    task = task_create(zone=zone_a, title="建设监管平台", deadline=today, unit_ids=units, user=office_a)

    def read():
        with CaptureQueriesContext(connection) as ctx:
            bulletin = bulletin_for_zone(zone=zone_a, on=today, rows=False)
        return {r.unit.pk: r.on_time for r in bulletin.ranking}, len(ctx)

    before, cold = read()
    again, warm = read()
    assert warm < cold and again == before and before[unit_x.pk] == 0
    assignment_report_progress(assignment=task.assignments.get(unit=unit_x), user=liaison_x, percent=100, text="完成")
    after, _ = read()
    assert after[unit_x.pk] == 1  # completed on its due date: on time, shown at once
