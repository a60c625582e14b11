"""Supervision end to end: a task for two units, a 50% report, the office's dashboard, an overdue reminder."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from notifications.models import Notification
from tasks.models import Task
from tasks.supervision_services import supervision_run

PASSWORD = "Test@2024!"  # tests.factories.UserFactory


def logout(page):
    with page.expect_navigation():
        page.get_by_role("button", name="退出").click()


def test_office_follows_progress_and_the_liaison_is_reminded_once(
    page, live_server, login, zone_a, office_a, liaison_x, unit_x, unit_y
):
    due = timezone.localdate() + timedelta(days=30)

    # The office creates a task for units X (lead) and Y through the form.
    login("office_a", PASSWORD)
    page.goto(f"{live_server.url}/tasks/zones/{zone_a.pk}/new/")
    page.fill("#id_number", "1")
    page.fill("#id_title", "加大政策扶持力度")
    page.fill("#id_deadline", due.isoformat())
    page.check(f"#unit-{unit_x.pk}")
    page.check(f"#lead-{unit_x.pk}")
    page.check(f"#unit-{unit_y.pk}")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    task = Task.objects.get()
    expect(page).to_have_url(re.compile(rf"/tasks/{task.pk}/$"))
    logout(page)

    # The liaison of X reports 50% from 我的任务.
    login("liaison_x", PASSWORD)
    page.goto(f"{live_server.url}/tasks/mine/")
    card = page.locator(".assignment-card", has_text="加大政策扶持力度")
    card.get_by_text("填报进展").click()
    card.locator("input[name=percent]").fill("50")
    card.locator("textarea[name=text]").fill("已起草电商扶持政策初稿")
    card.get_by_role("button", name="提交进展").click()
    expect(page.locator(".assignment-card", has_text="加大政策扶持力度").locator(".progress-value")).to_have_text("50%")
    logout(page)

    # The office's dashboard (from the nav) shows 50% for X, 0% for Y, and draws the chart.
    login("office_a", PASSWORD)
    page.get_by_role("link", name="驾驶舱", exact=True).first.click()
    expect(page).to_have_url(re.compile(rf"/tasks/zones/{zone_a.pk}/dashboard/$"))
    expect(page.locator(".unit-row", has_text="甲市商务局").locator(".progress-value")).to_have_text("50%")
    expect(page.locator(".unit-row", has_text="甲市统计局").locator(".progress-value")).to_have_text("0%")
    expect(page.locator("#count-tasks")).to_have_text("1")
    expect(page.locator("#unit-chart canvas")).to_have_count(1)
    logout(page)

    # The new task's notice (tests/browser/test_notices.py) has been read: the reminder is under test here.
    Notification.objects.filter(recipient=liaison_x).update(read_at=timezone.now())
    # The clock moves past the due date: the morning job runs (twice, as a redelivered job would).
    supervision_run(today=due + timedelta(days=1))
    login("liaison_x", PASSWORD)
    expect(page.locator("#nav-unread")).to_have_text("1")
    supervision_run(today=due + timedelta(days=1))
    page.reload()
    expect(page.locator("#nav-unread")).to_have_text("1")
    page.locator("#nav-bell").click()
    items = page.locator(".list-group-item", has_text="逾期提醒")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("逾期提醒")
    expect(items.first).to_contain_text("任务“加大政策扶持力度”已逾期 1 天")
    assert Notification.objects.filter(recipient=liaison_x, kind=Notification.Kind.OVERDUE).count() == 1

    # The reminder leads to the assignment in 我的任务.
    with page.expect_navigation():
        items.first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/tasks/mine/\?page=1#card-\d+$"))  # the page holding that card
    expect(page.locator(".assignment-card", has_text="加大政策扶持力度")).to_have_class(re.compile("border-danger"))
