"""benchmarks/load: the targets it prints (issue 9), its reading of /proc/stat, the pages it
browses and the progress report its liaisons send."""

from datetime import date

import pytest

from benchmarks.load.__main__ import CpuSampler, report


def row(name, requests=100, errors=0, median=20, p95=100):
    return {
        "Name": name,
        "Request Count": str(requests),
        "Failure Count": str(errors),
        "Median Response Time": str(median),
        "95%": str(p95),
        "Requests/s": "10.5",
    }


def test_twenty_users_every_page_under_150_ms_but_the_login_post_under_400(capsys):
    rows = [row("office 驾驶舱", p95=140), row("login POST", p95=390), row("office 佐证材料", p95=160)]
    missed = report(20, [*rows, row("Aggregated", p95=300)], 90, (55.0, 90.0))
    assert missed == ["20 users: office 佐证材料 p95 160 ms, 0 errors"]
    printed = capsys.readouterr().out
    assert "CPU 55 % average" in printed and "90 % in the busiest second" in printed
    assert "p95 < 400 ms, 0 errors: PASS" in printed and "p95 < 150 ms, 0 errors: FAIL" in printed


def test_twenty_users_no_error_allowed():
    assert report(20, [row("office 驾驶舱", errors=1), row("Aggregated", errors=1)], 90, (0, 0)) == [
        "20 users: office 驾驶舱 p95 100 ms, 1 errors"
    ]


def test_fifty_users_only_the_overall_p95_and_errors_count():
    assert report(50, [row("office 佐证材料", p95=900), row("Aggregated", p95=450)], 90, (0, 0)) == []
    assert report(50, [row("office 佐证材料", p95=900), row("Aggregated", p95=600)], 90, (0, 0)) == [
        "50 users: overall p95 600 ms, 0 errors"
    ]


def test_cpu_sampler_reads_a_busy_share():
    sampler = CpuSampler()
    sampler.start()
    sum(i * i for i in range(2_000_000))  # keep one core busy a little
    average, busiest = sampler.stop()
    assert 0 <= average <= 100 and 0 <= busiest <= 100


# --------------------------------------------------------- what the load sends


def test_every_page_of_the_load_reverses_and_the_reviewer_sees_the_dashboard_and_bulletin():
    from django.urls import reverse

    from benchmarks.load.build import PAGE_MAX, PAGES

    for _role, label, name, args, query, weight in PAGES:
        arguments = {"zone": [1], "unit": [1, 2], "": []}[args]
        assert reverse(name, args=arguments), label
        assert weight > 0 and (not query or query.startswith("?")), label
    names = {(role, name) for role, _label, name, *_rest in PAGES}
    assert {("reviewer", "tasks:dashboard"), ("reviewer", "tasks:bulletin")} <= names
    paged = [label for _role, label, _name, _args, query, _weight in PAGES if "{page}" in query]
    filtered = [label for _role, label, _name, _args, query, _weight in PAGES if "status=" in query]
    assert len(paged) >= 4 and filtered and PAGE_MAX >= 2
    assert len({label for _role, label, *_rest in PAGES}) == len(PAGES)  # one report row each


@pytest.mark.django_db
def test_the_progress_report_the_liaisons_send_passes_the_csrf_check(liaison_x, unit_x, office_a):
    """What the locust liaison does: open the report page, take the form's token, post it back."""
    from django.test import Client
    from django.urls import reverse

    from benchmarks.load.forms import csrf_token_in, progress_report_form
    from tasks.models import ProgressReport
    from tasks.services import task_create

    task = task_create(
        zone=unit_x.zone, title="压测任务", deadline=date(2030, 12, 31), unit_ids=[unit_x.pk], user=office_a
    )
    assignment = task.assignments.get()
    url = reverse("tasks:assignment-report", args=[assignment.pk])
    client = Client(enforce_csrf_checks=True)
    client.force_login(liaison_x)
    token = csrf_token_in(client.get(url).content.decode())
    assert token
    response = client.post(url, progress_report_form(token=token, percent=assignment.progress))
    assert response.status_code == 302
    assert ProgressReport.objects.filter(assignment=assignment).count() == 1
    # Without the token the same form is refused and nothing is saved.
    refused = client.post(url, {**progress_report_form(token="x" * 64, percent=0)})
    assert refused.status_code == 403
    assert ProgressReport.objects.filter(assignment=assignment).count() == 1


def test_the_slow_requests_are_read_from_gunicorns_access_log(tmp_path):
    from benchmarks.load.__main__ import slowest

    log = tmp_path / "access.log"
    lines = [
        '[02/Dec/2026:07:16:00 +0800] <11> 40000 "GET /tasks/mine/ HTTP/1.1" 200',  # before this run
        '[02/Dec/2026:07:16:10 +0800] <11> 330000 "POST /accounts/login/ HTTP/1.1" 302',
        '[02/Dec/2026:07:16:11 +0800] <12> 180000 "GET /tasks/mine/ HTTP/1.1" 200',
        '[02/Dec/2026:07:16:12 +0800] <11> 320000 "POST /accounts/login/ HTTP/1.1" 302',
        '[02/Dec/2026:07:16:40 +0800] <11> 210000 "GET /tasks/mine/ HTTP/1.1" 200',
        '[02/Dec/2026:07:16:41 +0800] <11> 60000 "GET /tasks/mine/?page=2 HTTP/1.1" 200',
        "a line of something else",
    ]
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = slowest(log, start=1)
    assert report[0] == (
        "2 of 3 page requests over 150 ms: 1 while users were still logging in (the first 2 s), "
        "1 a worker's first request for the path"
    )
    assert report[1] == "  210ms at  30 s, worker 11: /tasks/mine/"
    assert report[2] == "  180ms at   1 s, worker 12 (first time on this worker): /tasks/mine/"
    assert report[3] == "   60ms at  31 s, worker 11 (first time on this worker): /tasks/mine/?…"
    assert len(report) == 4  # the logins are left out


def test_the_benchmark_keeps_database_connections_as_the_deployment_does():
    from benchmarks.load.__main__ import env_example

    assert int(env_example("DATABASE_CONN_MAX_AGE")) > 0  # .env.example, which docker-compose.yml reads


def test_the_median_and_p95_come_from_every_recorded_time_not_the_rounded_csv():
    from benchmarks.load.__main__ import nearest_rank, with_exact_times

    times = {"office 驾驶舱": [40.0] * 18 + [146.2, 180.0], "login POST": [300.0, 310.0]}
    rows = with_exact_times([row("office 驾驶舱", p95=150), row("login POST"), row("Aggregated", p95=300)], times)
    assert rows[0]["95%"] == "146.2" and rows[0]["Median Response Time"] == "40.0"
    assert rows[2]["95%"] == "300.0"  # of all 22 times
    assert report(20, rows, 90, (0, 0)) == []  # 146 ms passes "< 150", which the CSV's 150 failed
    assert nearest_rank([1, 2, 3, 4], 0.5) == 2 and nearest_rank([5.0], 0.95) == 5.0
    assert with_exact_times([row("office 通知", p95=120)], {}) == [row("office 通知", p95=120)]
