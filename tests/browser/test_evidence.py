"""Evidence in a real browser: upload with progress bars, preview, return with a reason, new version, accept."""

import re

from playwright.sync_api import expect

from evidence.models import Evidence
from indicators.models import Indicator
from tests.factories import MembershipFactory, UserFactory
from zones.models import IndicatorResponsibility, Membership

PASSWORD = "Test@2024!"


def logout(page):
    page.locator(".btn-logout").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_upload_review_return_new_version_accept(page, live_server, login, zone_a, unit_x, tmp_path):
    MembershipFactory(user=UserFactory(username="liaison_web"), role=Membership.Role.LIAISON, zone=zone_a, unit=unit_x)
    MembershipFactory(user=UserFactory(username="office_web"), role=Membership.Role.OFFICE, zone=zone_a)
    item_12 = Indicator.objects.get(system=zone_a.system, code="12")
    IndicatorResponsibility.objects.create(zone=zone_a, indicator=item_12, unit=unit_x, is_lead=True)
    minutes = tmp_path / "联席会议纪要.pdf"
    minutes.write_bytes(b"%PDF-1.4\n" + b"0" * 200_000 + b"\n%%EOF\n")
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50_000)

    # The liaison uploads two files for item 12: a progress bar each, both reaching 100%.
    login("liaison_web", PASSWORD)
    page.locator("#portal-nav").get_by_role("link", name="佐证材料").click()
    page.get_by_role("link", name="上传材料").first.click()
    page.wait_for_load_state()  # evidence-upload.js listens for the choice
    with page.expect_navigation(url=re.compile(rf"indicator={item_12.pk}")):
        page.select_option("#pick-indicator", str(item_12.pk))
    page.wait_for_load_state()
    expect(page.locator("#indicator-criteria")).not_to_be_empty()
    page.select_option("#id_scoring_item", index=1)
    expect(page.locator("#scoring-item-label")).not_to_be_empty()
    page.set_input_files("#evidence-files", [str(minutes), str(photo)])
    items = page.locator(".evidence-upload-item")
    expect(items).to_have_count(2)
    page.get_by_role("button", name="开始上传").click()
    for i in range(2):
        expect(items.nth(i).locator(".progress")).to_have_attribute("aria-valuenow", "100")
        expect(items.nth(i).locator(".progress-bar")).to_have_text("100%")
    expect(page.locator(".evidence-upload-ok")).to_have_count(2)

    # … and submits both from the list.
    page.get_by_role("link", name="材料列表", exact=True).click()
    expect(page.locator(".evidence-row")).to_have_count(2)
    for _ in range(2):
        page.locator(".evidence-row").get_by_role("button", name="提交").first.click()
        page.wait_for_load_state()
    expect(page.locator('.evidence-status[data-status="submitted"]')).to_have_count(2)
    logout(page)

    # The office previews the minutes and returns them with a reason.
    login("office_web", PASSWORD)
    page.locator("#portal-nav").get_by_role("link", name="佐证材料").click()
    page.get_by_role("link", name=re.compile("审核队列")).first.click()
    page.locator(".evidence-row", has_text="联席会议纪要").get_by_role("link", name="审核").click()
    frame = page.locator("#evidence-preview iframe")
    expect(frame).to_be_visible()
    preview = page.request.get(live_server.url + frame.get_attribute("src"))
    assert preview.status == 200 and preview.headers["content-type"] == "application/pdf"
    assert preview.headers["content-disposition"].startswith("inline;")
    page.fill("#id_reason", "缺少盖章页，请补充后重新提交")
    page.get_by_role("button", name="退回").click()
    expect(page.locator(".alert-success")).to_contain_text("已退回")
    logout(page)

    # The liaison reads the reason, uploads a new version and resubmits.
    login("liaison_web", PASSWORD)
    page.locator("#portal-nav").get_by_role("link", name="佐证材料").click()
    row = page.locator(".evidence-row", has_text="联席会议纪要")
    expect(row.locator(".evidence-return-reason")).to_contain_text("缺少盖章页")
    row.get_by_role("link", name="上传新版本").click()
    page.wait_for_load_state()
    expect(page.locator("#return-reason")).to_contain_text("缺少盖章页")
    stamped = tmp_path / "联席会议纪要（盖章）.pdf"
    stamped.write_bytes(b"%PDF-1.4\n" + b"1" * 100_000 + b"\n%%EOF\n")
    page.set_input_files("#evidence-version-file", str(stamped))
    page.get_by_role("button", name="上传新版本").click()
    upload = page.locator(".evidence-upload-item")
    expect(upload.locator(".progress")).to_have_attribute("aria-valuenow", "100")
    expect(upload.locator(".evidence-upload-message")).to_contain_text("v2")
    page.get_by_role("button", name="重新提交").click()
    expect(page.locator('.evidence-status[data-status="submitted"]').first).to_be_visible()
    logout(page)

    # The office accepts the new version.
    login("office_web", PASSWORD)
    page.locator("#portal-nav").get_by_role("link", name="佐证材料").click()
    page.get_by_role("link", name=re.compile("审核队列")).first.click()
    page.locator(".evidence-row", has_text="联席会议纪要").get_by_role("link", name="审核").click()
    expect(page.locator("#evidence-files li")).to_have_count(2)
    page.get_by_role("button", name="采纳").click()
    expect(page.locator(".alert-success")).to_contain_text("已采纳")

    evidence = Evidence.objects.get(title="联席会议纪要")
    assert evidence.status == "accepted" and evidence.files.count() == 2
    assert list(evidence.events.values_list("to_status", flat=True)) == [
        "draft",
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]

    # The other file uploaded for item 12 is accepted too …
    page.locator("#portal-nav").get_by_role("link", name="佐证材料").click()
    page.get_by_role("link", name=re.compile("审核队列")).first.click()
    page.locator(".evidence-row").first.get_by_role("link", name="审核").click()
    page.get_by_role("button", name="采纳").click()
    expect(page.locator(".alert-success")).to_contain_text("已采纳")

    # … so in the completeness matrix item 12's cell for unit X has turned complete (已采纳).
    page.get_by_role("link", name="完整性").click()
    column = page.locator(f'#completeness-matrix th[data-unit="{unit_x.pk}"]').evaluate("th => th.cellIndex")
    cell = page.locator('tr[data-code="12"] > td').nth(column)
    expect(cell).to_have_class(re.compile(r"^a\b"))  # a: accepted (static/css/completeness.css)
    expect(cell).to_have_attribute("title", re.compile(r"：已采纳 \d+$"))  # static/js/grid-tips.js
