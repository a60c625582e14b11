"""自查自纠 and 市级考评 in a real browser: a liaison completes and submits the self-check (the PDF
appears), an evaluator records a finding with a photo, the liaison answers it, the evaluator closes it."""

import io
import re
from datetime import date, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from indicators.models import Indicator
from inspections import evaluation as ev
from inspections import services
from inspections.models import Finding, SelfCheck
from tasks.services import task_create
from tests.factories import MembershipFactory, UserFactory
from zones.matrix import indicator_responsibility_set
from zones.models import Membership

PASSWORD = "Test@2024!"
Role = Membership.Role


def logout(page):
    page.locator(".btn-logout").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def photo_file(tmp_path):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (180, 40, 40)).save(buffer, format="PNG")
    path = tmp_path / "现场照片.png"
    path.write_bytes(buffer.getvalue())
    return path


def test_self_check_then_a_finding_through_rectification_to_closure(page, live_server, login, zone_a, unit_x, tmp_path):
    office = MembershipFactory(user=UserFactory(username="office_web"), role=Role.OFFICE, zone=zone_a).user
    MembershipFactory(user=UserFactory(username="liaison_web"), role=Role.LIAISON, zone=zone_a, unit=unit_x)
    evaluator = MembershipFactory(user=UserFactory(username="expert_web"), role=Role.EVALUATOR, zone=zone_a).user
    for code, state in (("13", "lead"), ("12", "responsible")):
        indicator = Indicator.objects.get(system=zone_a.system, code=code)
        indicator_responsibility_set(zone=zone_a, indicator=indicator, unit=unit_x, state=state)
    task_create(zone=zone_a, number="2", title="培育网络经营主体", deadline=date(2030, 12, 31), unit_ids=[unit_x.pk])
    campaign = services.campaign_open(
        zone=zone_a, user=office, title="2025年自查自纠", due_date=timezone.localdate() + timedelta(days=10)
    )
    ev.team_member_add(campaign=campaign, member=evaluator, by=office)
    ev.evaluation_assign(campaign=campaign, unit_ids=[unit_x.pk], evaluator=evaluator, by=office)

    # The liaison fills in every row of the unit's self-check and submits it; the PDF is generated.
    login("liaison_web", PASSWORD)
    page.get_by_role("link", name="自查考评", exact=True).first.click()
    page.locator("#campaign-table").get_by_role("link", name=re.compile("商务局")).click()
    rows = page.locator(".selfcheck-row")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("牵头")
    page.fill("#summary", "对照创建标准逐项自查，总体进展顺利。")
    for i in range(3):
        row = rows.nth(i)
        row.locator("textarea[name$='-done_text']").fill("已制定工作方案并按月推进")
        row.locator("select[name$='-status']").select_option(label="已完成")
    page.locator("#selfcheck-submit").click()
    expect(page.get_by_role("alert").filter(has_text="自查报告已报送并锁定")).to_be_visible()
    expect(page.locator("#pdf-download")).to_be_visible(timeout=30_000)
    pdf = page.request.get(live_server.url + page.locator("#pdf-download").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    expect(page.locator("#selfcheck-form")).to_have_count(0)  # locked
    assert SelfCheck.objects.get(campaign=campaign, unit=unit_x).status == "submitted"
    logout(page)

    # The evaluator opens the unit's evaluation and records a finding with a photo.
    login("expert_web", PASSWORD)
    page.goto(f"{live_server.url}/inspections/campaigns/{campaign.pk}/")
    page.locator("#unit-lines").get_by_role("link", name="待考评").click()
    page.fill("#finding-title", "电商企业培育台账未按季度更新")
    page.fill("#finding-location", "市商务局电子商务科")
    page.select_option("#finding-severity", label="严重")
    page.fill("#finding-deadline", (timezone.localdate() + timedelta(days=15)).isoformat())
    page.set_input_files("#finding-files", str(photo_file(tmp_path)))
    page.locator("#finding-submit").click()
    expect(page.locator("#finding-status")).to_contain_text("待整改")
    expect(page.locator("#finding-files img")).to_be_visible()
    finding_url = page.url
    logout(page)

    # The liaison answers it (the bell links to it).
    login("liaison_web", PASSWORD)
    page.locator("#nav-bell").click()
    page.get_by_text(re.compile("新的考评问题")).first.click()
    page.wait_for_url(finding_url)
    page.fill("#answer-text", "已补齐2024年第四季度数据并建立季度更新制度")
    page.locator("#answer-submit").click()
    expect(page.locator("#finding-status")).to_contain_text("待复核")
    logout(page)

    # The evaluator re-checks and closes it.
    login("expert_web", PASSWORD)
    page.goto(finding_url)
    page.fill("#recheck-reason", "现场核实已整改到位")
    page.locator("#recheck-close").click()
    expect(page.locator("#finding-status")).to_contain_text("已销号")
    expect(page.locator("#finding-events")).to_contain_text("复核通过（销号）")
    assert Finding.objects.get().status == "closed"
