"""Benchmark of the office's dashboard (驾驶舱). Run: ``python -m benchmarks.dashboard``.

One zone with 60 units, 500 tasks and 3,000 assignments (bulk_create), in every
state (completed, in progress, not started, overdue, due soon). Prints the median
time of the dashboard over 30 requests through Django's test Client, logged in as
the office, and its number of queries (target < 150 ms); the 督办通报 likewise.
"""

import argparse
import os
import random
import statistics
import time
from datetime import datetime, timedelta

from benchmarks._setup import django_with_temp_db


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--per-task", type=int, default=6, help="assignments per task")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    db_path = django_with_temp_db()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from indicators.models import IndicatorSystem
    from tasks.models import Assignment, AssignmentEvent, ProgressReport, Task
    from zones.models import Membership, Region, Stage, Unit, Zone

    setup_test_environment()  # the test Client's "testserver" host, locmem e-mail
    call_command("load_standard", verbosity=0, stdout=open(os.devnull, "w"))
    rng = random.Random(2024)
    today = timezone.localdate()

    province = Region.objects.create(name="基准省", level=Region.Level.PROVINCE, category="east")
    city = Region.objects.create(name="基准市", level=Region.Level.CITY, parent=province)
    zone = Zone.objects.create(name="基准创建对象", region=city, system=IndicatorSystem.objects.get(code="CN-2024"))
    for i, (name, months) in enumerate((("启动部署", 3), ("组织实施", 9), ("自评完善", 6), ("检查评估", 6))):
        start = today - timedelta(days=200) + timedelta(days=90 * i)
        Stage.objects.create(zone=zone, name=name, start=start, end=start + timedelta(days=30 * months), position=i)
    units = Unit.objects.bulk_create(
        Unit(zone=zone, name=f"基准单位{i:02d}", short_name=f"单位{i:02d}", position=i) for i in range(args.units)
    )
    office = User.objects.create_user(username="bench-office", password="Bench@2024!")
    Membership.objects.create(user=office, role=Membership.Role.OFFICE, zone=zone)

    tasks = Task.objects.bulk_create(
        Task(
            zone=zone,
            number=str(i + 1),
            title=f"基准任务{i + 1}",
            deadline=today + timedelta(days=rng.randint(-60, 90)),
            position=i + 1,
        )
        for i in range(args.tasks)
    )
    assignments = []
    for task in tasks:
        for unit in rng.sample(units, args.per_task):
            due = task.deadline
            state = rng.random()
            if state < 0.3:
                status, progress = Assignment.Status.COMPLETED, 100
            elif state < 0.6:
                status, progress = Assignment.Status.IN_PROGRESS, rng.randint(10, 90)
            elif due < today and state < 0.8:
                status, progress = Assignment.Status.OVERDUE, rng.randint(0, 60)
            else:
                status, progress = Assignment.Status.NOT_STARTED, 0
            assignments.append(Assignment(task=task, unit=unit, status=status, progress=progress, due_date=due))
    assignments = Assignment.objects.bulk_create(assignments, batch_size=1000)
    start_at = timezone.make_aware(datetime.combine(today - timedelta(days=120), datetime.min.time()))
    events, reports = [], []
    for a in assignments:
        events.append(AssignmentEvent(assignment=a, kind="created", to_status="not_started", percent=0, at=start_at))
        if a.progress:
            at = start_at + timedelta(days=rng.randint(1, 110))
            reports.append(ProgressReport(assignment=a, text="基准进展", percent=a.progress, at=at))
            kind = "submitted" if a.status == "completed" else "progress"
            events.append(AssignmentEvent(assignment=a, kind=kind, to_status=a.status, percent=a.progress, at=at))
    AssignmentEvent.objects.bulk_create(events, batch_size=2000)
    ProgressReport.objects.bulk_create(reports, batch_size=2000)

    client = Client()
    client.force_login(office)

    def measure(url: str) -> tuple[float, int]:
        client.get(url)  # warm
        timings, queries = [], 0
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
            queries = max(queries, len(ctx))
        return statistics.median(timings), queries

    dashboard_ms, dashboard_q = measure(reverse("tasks:dashboard", args=[zone.pk]))
    bulletin_ms, bulletin_q = measure(reverse("tasks:bulletin", args=[zone.pk]))

    print("驾驶舱基准（python -m benchmarks.dashboard）")
    print(
        f"  数据： {len(units)} 个责任单位， {len(tasks)} 项任务， {len(assignments)} 项分工， "
        f"{len(reports)} 条进展， {len(events)} 条记录"
    )
    print(f"  驾驶舱 {args.repeat} 次请求中位数： {dashboard_ms:.1f} ms，{dashboard_q} 次查询  [目标 < 150 ms]")
    print(f"  督办通报 {args.repeat} 次请求中位数： {bulletin_ms:.1f} ms，{bulletin_q} 次查询")
    if db_path:
        os.unlink(db_path)


if __name__ == "__main__":
    main()
