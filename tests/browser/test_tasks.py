"""The office splits a task to two units; one unit's liaison reports 50%; the task page shows it."""

import re

from playwright.sync_api import expect

from tasks.models import Task

PASSWORD = "Test@2024!"  # tests.factories.UserFactory


def test_office_creates_a_task_and_a_liaison_reports_progress(
    page, live_server, login, zone_a, office_a, liaison_x, unit_x, unit_y
):
    login("office_a", PASSWORD)
    page.locator("#portal-nav").get_by_role("link", name="任务", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/tasks/zones/{zone_a.pk}/$"))
    page.get_by_role("link", name="新建任务").click()

    page.fill("#id_number", "1")
    page.fill("#id_title", "加大政策扶持力度")
    page.fill("#id_description", "出台促进和规范网络市场发展的政策。")
    page.fill("#id_deadline", "2030-12-31")
    page.check(f"#unit-{unit_x.pk}")
    page.check(f"#lead-{unit_x.pk}")
    page.check(f"#unit-{unit_y.pk}")
    page.select_option("#id_indicators", label="1 网上零售额同比增速")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()

    task = Task.objects.get()
    expect(page).to_have_url(re.compile(rf"/tasks/{task.pk}/$"))
    expect(page.locator("#task-title")).to_contain_text("加大政策扶持力度")
    expect(page.locator(".assignment-row")).to_have_count(2)

    with page.expect_navigation():
        page.get_by_role("button", name="退出").click()
    login("liaison_x", PASSWORD)
    page.locator("#portal-nav").get_by_role("link", name="任务", exact=True).click()
    expect(page).to_have_url(re.compile(r"/tasks/mine/$"))

    card = page.locator(".assignment-card", has_text="加大政策扶持力度")
    card.get_by_text("填报进展").click()
    card.locator("input[name=percent]").fill("50")
    card.locator("textarea[name=text]").fill("已起草电商扶持政策初稿")
    card.get_by_role("button", name="提交进展").click()  # htmx swaps the card in place
    card = page.locator(".assignment-card", has_text="加大政策扶持力度")
    expect(card.get_by_text("已填报进展。")).to_be_visible()
    expect(card.locator(".progress-value")).to_have_text("50%")

    card.get_by_role("link", name=re.compile("加大政策扶持力度")).click()
    expect(page).to_have_url(re.compile(rf"/tasks/{task.pk}/$"))
    row_x = page.locator(".assignment-row", has_text="甲市商务局")
    expect(row_x.locator(".progress-value")).to_have_text("50%")
    expect(row_x).to_contain_text("进行中")
    row_y = page.locator(".assignment-row", has_text="甲市统计局")
    expect(row_y.locator(".progress-value")).to_have_text("0%")
    expect(page.locator("#task-history")).to_contain_text("已起草电商扶持政策初稿")
