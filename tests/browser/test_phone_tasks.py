"""At 390 px (a phone) a liaison's 我的任务 and progress report page read without sideways
scrolling: the cards, the filters, the pager and the report form fit the screen; the report is
submitted from the phone and shows in the history."""

import re
from datetime import date

from playwright.sync_api import expect

from tasks.models import ProgressReport
from tasks.services import assignment_report_progress, task_create

PASSWORD = "Test@2024!"  # tests.factories.UserFactory
PHONE = {"width": 390, "height": 844}
LONG_TITLE = "推动网络交易平台落实主体责任并建立健全平台内经营者身份核验登记和定期核验更新制度"


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{page.url}: document {width} px wide in a {viewport} px window"


def test_my_tasks_and_the_report_page_fit_a_phone(page, live_server, login, zone_a, unit_x, liaison_x, office_a):
    tasks = [
        task_create(
            zone=zone_a,
            number=str(i),
            title=f"{LONG_TITLE}{i}",
            description="联络员在手机上填报进展。",
            deadline=date(2030, 12, i),
            unit_ids=[unit_x.pk],
            user=office_a,
        )
        for i in range(1, 23)  # more than one page of cards (20)
    ]
    first = tasks[0].assignments.get()
    assignment_report_progress(assignment=first, user=liaison_x, percent=30, text="已完成调研。" * 20)

    page.set_viewport_size(PHONE)
    login("liaison_x", PASSWORD)
    page.goto(f"{live_server.url}/tasks/mine/")
    expect(page.locator(".assignment-card")).to_have_count(20)
    expect(page.locator("#mine-count")).to_contain_text("22")
    no_sideways_scroll(page)
    page.locator(".assignment-card").first.get_by_text("填报进展").click()  # the form opens in the card
    no_sideways_scroll(page)

    page.locator(".pager").get_by_role("link", name="下一页").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".assignment-card")).to_have_count(2)
    no_sideways_scroll(page)

    page.goto(f"{live_server.url}/tasks/assignments/{first.pk}/report/")
    expect(page.locator("#report-history li")).to_have_count(1)
    no_sideways_scroll(page)
    page.fill("#percent", "60")
    page.fill("#text", "平台核验制度已起草，待审议。")
    with page.expect_navigation():
        page.get_by_role("button", name="提交进展").click()
    expect(page.locator("#report-history li")).to_have_count(2)
    expect(page.locator("#report-history")).to_contain_text("平台核验制度已起草")
    no_sideways_scroll(page)
    assert ProgressReport.objects.filter(assignment=first).count() == 2


def test_the_task_page_lists_its_units_as_cards_on_a_phone(
    page, live_server, login, zone_a, unit_x, unit_y, liaison_x, office_a
):
    """责任单位与进度 on /tasks/<id>/ at 390 px: a card per unit, 完成时限 and 操作 in view (no inner
    scroll hiding them, as the 856 px table in a 364 px box did)."""
    task = task_create(
        zone=zone_a,
        number="1",
        title=LONG_TITLE,
        description="联络员在手机上查看任务。",
        deadline=date(2030, 12, 31),
        unit_ids=[unit_x.pk, unit_y.pk],
        lead_unit_ids=[unit_x.pk],
        user=office_a,
    )
    mine = task.assignments.get(unit=unit_x)
    assignment_report_progress(assignment=mine, user=liaison_x, percent=30, text="已完成调研。" * 20)

    page.set_viewport_size(PHONE)
    login("liaison_x", PASSWORD)
    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    no_sideways_scroll(page)
    wrap = page.locator("#assignment-table").locator("xpath=..")
    assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth"), "the unit table scrolls inside its box"
    viewport = page.evaluate("window.innerWidth")
    row = page.locator(f"#assignment-{mine.pk}")
    for part in (row.locator(".assignment-due"), row.get_by_role("button", name="填报进展")):
        expect(part).to_be_visible()
        box = part.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport, box
    expect(row.locator(".assignment-due")).to_have_attribute("data-label", "完成时限")
    row.get_by_role("button", name="填报进展").click()  # the form opens below the card and fits
    expect(page.locator(f"#report-{mine.pk}")).to_be_visible()
    no_sideways_scroll(page)
