"""Notices end to end (issue 10 §1): a liaison submits evidence → the office's bell counts it and the
notice leads to the item; the office assigns a task → the liaison is told; the page at 390 px."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from evidence.services import evidence_create
from indicators.models import Indicator
from notifications.models import Notification
from tasks.models import Task
from tests.evidence.evidence_helpers import pdf_file
from zones.models import IndicatorResponsibility

PASSWORD = "Test@2024!"  # tests.factories.UserFactory


def logout(page):
    with page.expect_navigation():
        page.get_by_role("button", name="退出").click()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_submission_reaches_the_offices_bell_and_leads_to_the_item(
    page, live_server, login, zone_a, unit_x, liaison_x, office_a, office_b
):
    item = Indicator.objects.get(system=zone_a.system, code="12")
    IndicatorResponsibility.objects.create(zone=zone_a, indicator=item, unit=unit_x, is_lead=True)
    evidence = evidence_create(
        zone=zone_a, indicator=item, unit=unit_x, user=liaison_x, file=pdf_file(), title="联席会议纪要"
    )

    # The liaison submits the evidence from its page.
    login("liaison_x", PASSWORD)
    page.goto(f"{live_server.url}/evidence/{zone_a.pk}/{evidence.pk}/")
    with page.expect_navigation():
        page.locator("#submit-button").click()
    expect(page.locator("#nav-unread")).to_have_count(0)  # the liaison is not told of their own act
    logout(page)

    # The office's bell counts it; the notice names the unit and leads to the item.
    login("office_a", PASSWORD)
    expect(page.locator("#nav-unread")).to_have_text("1")
    page.locator("#nav-bell").click()
    notice = page.locator(".notice", has_text="联席会议纪要")
    expect(notice).to_contain_text("材料待审核")
    expect(notice).to_contain_text("甲市商务局")
    expect(notice).to_contain_text(zone_a.name)
    with page.expect_navigation():
        notice.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/evidence/{zone_a.pk}/{evidence.pk}/$"))
    expect(page.locator("#accept-button")).to_be_visible()  # where the office acts on it

    # Opening it marked it read (the page's beacon): the bell is empty on the next page.
    for _ in range(50):
        if Notification.objects.filter(recipient=office_a, read_at__isnull=True).count() == 0:
            break
        page.wait_for_timeout(100)
    page.reload()
    expect(page.locator("#nav-unread")).to_have_count(0)
    assert not Notification.objects.filter(recipient=office_b).exists()  # another zone's office


def test_an_assignment_reaches_the_liaison(page, live_server, login, zone_a, unit_x, unit_y, office_a, liaison_x):
    due = timezone.localdate() + timedelta(days=30)
    login("office_a", PASSWORD)
    page.goto(f"{live_server.url}/tasks/zones/{zone_a.pk}/new/")
    page.fill("#id_number", "7")
    page.fill("#id_title", "开展网络交易监测")
    page.fill("#id_deadline", due.isoformat())
    page.check(f"#unit-{unit_x.pk}")
    page.check(f"#lead-{unit_x.pk}")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    assignment = Task.objects.get(title="开展网络交易监测").assignments.get(unit=unit_x)
    expect(page.locator("#nav-unread")).to_have_count(0)  # the office is not told of its own act
    logout(page)

    login("liaison_x", PASSWORD)
    expect(page.locator("#nav-unread")).to_have_text("1")
    page.locator("#nav-bell").click()
    notice = page.locator(".notice", has_text="开展网络交易监测")
    expect(notice).to_contain_text("新任务")
    expect(notice).to_contain_text(f"{due:%Y-%m-%d}")
    with page.expect_navigation():
        notice.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/tasks/assignments/{assignment.pk}/report/$"))


def test_the_notices_page_on_a_phone(page, live_server, login, zone_a, liaison_x):
    for i in range(25):
        Notification.objects.create(
            recipient=liaison_x,
            kind=Notification.Kind.EVIDENCE_RETURNED,
            title=f"佐证材料被退回：关于推进网络市场监管与服务示范区创建工作的实施方案第{i}稿",
            body="退回原因：缺少盖章页，请补充加盖公章的扫描件后重新提交。" * 3,
            url="/tasks/mine/",
            zone_id=zone_a.pk,
            zone_name=zone_a.name,
        )
    page.set_viewport_size({"width": 390, "height": 844})
    login("liaison_x", PASSWORD)
    expect(page.locator("#nav-unread-phone")).to_be_visible()  # the bell stays outside the folded menu
    expect(page.locator("#nav-unread-phone")).to_contain_text("25")
    page.goto(f"{live_server.url}/notifications/?state=unread")
    expect(page.locator(".notice")).to_have_count(20)
    assert no_sideways_scroll(page)
    page.screenshot(path="/tmp/h4-notices-390.png", full_page=False)

    # Mark one read, then all: the unread tab empties and the bell goes.
    with page.expect_navigation():
        page.locator(".notice").first.get_by_role("button", name="标为已读").click()
    expect(page.locator("#notices-unread-tab .badge")).to_have_text("24")
    with page.expect_navigation():
        page.locator("#notices-read-all").click()
    expect(page.locator(".notice")).to_have_count(0)
    expect(page.get_by_text("没有未读消息。")).to_be_visible()
    expect(page.locator("#nav-unread-phone")).to_have_count(0)
    assert no_sideways_scroll(page)
