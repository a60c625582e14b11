"""One date rule (issue 10 §2): a card line shows the day (the time in its title); pages show a
moment as Y-m-d H:i; only the logs of who did what and when (审计日志, 登录日志, a report's 下载记录)
keep seconds. reports/detail.html still shows a report's request and finish with seconds: for
its owner to change to Y-m-d H:i."""

import re

import pytest
from django.urls import reverse

from tasks.services import assignment_report_progress

pytestmark = pytest.mark.django_db


def test_my_tasks_cards_show_the_day_of_the_latest_report(client, liaison_x, assignment_x):
    assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=30, text="已调研。")
    client.force_login(liaison_x)
    html = client.get(reverse("tasks:mine")).content.decode()
    line = re.search(r"最近进展 · <span[^>]*>([^<]*)</span>", html)
    assert line and re.fullmatch(r"\d{4}-\d{2}-\d{2}", line.group(1)), line
    assert re.search(r'title="\d{4}-\d{2}-\d{2} \d{2}:\d{2}"', line.group(0))


def test_seconds_only_in_the_two_logs():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    with_seconds = sorted(str(p.relative_to(root)) for p in root.rglob("*.html") if "H:i:s" in p.read_text("utf-8"))
    logs = ["accounts/audit_events.html", "accounts/login_events.html", "reports/_downloads.html"]
    assert [p for p in with_seconds if p != "reports/detail.html"] == logs
