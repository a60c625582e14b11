"""Evidence pages at the sizes people use them: a liaison's phone (390×844) — the evidence list as
cards and the upload page with the camera, without sideways scrolling — and the completeness grid
of the demo's 34 units on a 1366 px screen, whole, with its header row and first column in view."""

import re

from playwright.sync_api import expect

from evidence.models import Evidence
from indicators.models import Indicator
from tests.evidence.test_lists import bulk_evidence
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from zones.models import IndicatorResponsibility, Membership

PASSWORD = "Test@2024!"
PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{page.url}: the page is {width} px wide in a {viewport} px window"


def test_the_liaison_works_on_a_phone(page, live_server, login, zone_a, unit_x, tmp_path):
    liaison = UserFactory(username="liaison_phone")
    MembershipFactory(user=liaison, role=Membership.Role.LIAISON, zone=zone_a, unit=unit_x)
    item_12 = Indicator.objects.get(system=zone_a.system, code="12")
    IndicatorResponsibility.objects.create(zone=zone_a, indicator=item_12, unit=unit_x, is_lead=True)
    bulk_evidence(zone_a, unit_x, item_12, 60, title="关于推进网络市场监管与服务示范区创建工作的联席会议纪要")
    page.set_viewport_size(PHONE)
    login("liaison_phone", PASSWORD)

    # The list: a card per row, the title on whole lines, a pager, nothing wider than the phone.
    page.goto(f"{live_server.url}/evidence/{zone_a.pk}/")
    rows = page.locator(".evidence-row")
    expect(rows).to_have_count(50)
    expect(page.locator("#evidence-count")).to_contain_text("共 60 条材料")
    no_sideways_scroll(page)
    title = rows.first.locator(".evidence-cell-title a")
    box = title.bounding_box()
    assert box["width"] > 250, f"the title is squeezed into {box['width']} px"
    # A line of the title holds many characters (not two): its height is a few lines at most.
    assert box["height"] < 4 * 24
    assert rows.first.locator("td[data-label]").first.evaluate("e => getComputedStyle(e, '::before').content") != "none"
    page.get_by_role("link", name="下一页").click()
    expect(rows).to_have_count(10)
    no_sideways_scroll(page)
    # A row's page (where a returned piece gets its new version) fits too.
    rows.first.locator(".evidence-cell-title a").click()
    page.wait_for_load_state()
    expect(page.locator("#evidence-version-file")).to_be_attached()
    no_sideways_scroll(page)

    # The upload page, with an indicator chosen: the form fits, and a photo can come from the camera.
    page.goto(f"{live_server.url}/evidence/{zone_a.pk}/upload/?indicator={item_12.pk}")
    page.wait_for_load_state()
    no_sideways_scroll(page)
    camera = page.locator("input.evidence-camera-input")
    expect(camera).to_have_attribute("capture", "environment")
    expect(camera).to_have_attribute("accept", re.compile(r"image/\*"))
    expect(page.get_by_text("拍照上传")).to_be_visible()
    # The file field itself still takes documents, several at once.
    expect(page.locator("#evidence-files")).to_have_attribute("accept", re.compile(r"\.pdf"))
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 2_000)
    fake = tmp_path / "不是照片.png"
    fake.write_bytes(b"<html>not an image</html>")
    camera.set_input_files(str(photo))
    camera.set_input_files(str(fake))
    expect(page.locator(".evidence-upload-item")).to_have_count(2)
    page.get_by_role("button", name="开始上传").click()
    expect(page.locator(".evidence-upload-ok")).to_have_count(1)
    # The server checks a photo's content as any file's: the fake is refused with a message.
    expect(page.locator(".evidence-upload-failed")).to_have_count(1)
    expect(page.locator(".evidence-upload-failed .evidence-upload-message")).not_to_be_empty()
    no_sideways_scroll(page)
    assert Evidence.objects.filter(zone=zone_a, files__original_name="现场照片.png").count() == 1


def test_the_completeness_grid_of_34_units_fits_1366_px_and_keeps_its_headers(page, live_server, login, zone_a):
    MembershipFactory(user=UserFactory(username="office_grid"), role=Membership.Role.OFFICE, zone=zone_a)
    items = list(Indicator.objects.filter(system=zone_a.system, level=3).order_by("position"))
    units = [UnitFactory(zone=zone_a, name=f"甲市第{i}责任单位", short_name=f"单位{i}") for i in range(34)]
    IndicatorResponsibility.objects.bulk_create(
        IndicatorResponsibility(zone=zone_a, indicator=items[i % len(items)], unit=unit, is_lead=True)
        for i, unit in enumerate(units)
    )
    page.set_viewport_size({"width": 1366, "height": 768})
    login("office_grid", PASSWORD)
    page.goto(f"{live_server.url}/data/zones/{zone_a.pk}/completeness/")
    grid = page.locator("#completeness-matrix")
    expect(grid.locator("th.cm-unit")).to_have_count(34)
    # Whole: no scrolling box around it wider than it shows, and no sideways scroll of the page.
    box = page.locator(".cm-scroll")
    assert box.evaluate("e => e.scrollWidth <= e.clientWidth"), "the grid scrolls inside its card at 1366 px"
    no_sideways_scroll(page)
    # The header row stays at the top of the window while the page scrolls down.
    page.evaluate("window.scrollTo(0, 1500)")
    assert page.evaluate("window.scrollY") > 1000
    top = grid.locator("thead th").first.evaluate("e => e.getBoundingClientRect().top")
    assert abs(top) < 2, f"the header row scrolled away (top {top})"

    # In a narrower window the grid scrolls in its box, and the first column stays at its left.
    page.set_viewport_size({"width": 900, "height": 768})
    page.evaluate("window.scrollTo(0, 0)")
    left = box.evaluate("e => e.getBoundingClientRect().left")
    box.evaluate("e => { e.scrollLeft = 400; }")
    name = grid.locator("td.cm-name").first.evaluate("e => e.getBoundingClientRect().left")
    assert box.evaluate("e => e.scrollLeft") > 0 and abs(name - left) < 2
    no_sideways_scroll(page)
