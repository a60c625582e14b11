"""The responsibility grid at 1366 px with the demo's 34 units: the whole grid fits the window
(no scroll bar inside the card, none on the page), and the header row stays in view while the
page scrolls down (sticky), as does the first column in a narrow window."""

from playwright.sync_api import expect

from tests.factories import UnitFactory

PASSWORD = "Test@2024!"  # tests.factories.UserFactory
NAMES = "商务局 市场监管局 发改委 工信局 财政局 公安局 网信办 统计局 税务局 邮政管理局".split()


def test_the_grid_fits_34_units_at_1366_and_keeps_its_header_in_view(page, live_server, login, zone_a, office_a):
    for i in range(34):
        UnitFactory(zone=zone_a, name=f"甲市{NAMES[i % 10]}{i}", short_name=f"{NAMES[i % 10]}{i}", position=i)
    page.set_viewport_size({"width": 1366, "height": 768})
    login("office_a", PASSWORD)
    page.goto(f"{live_server.url}/zones/{zone_a.pk}/matrix/")
    expect(page.locator("#matrix thead th.unit-col")).to_have_count(34)
    scroll = page.evaluate(
        "(() => { const box = document.querySelector('.matrix-scroll');"
        " return [box.scrollWidth, box.clientWidth, box.scrollHeight, box.clientHeight,"
        " document.documentElement.scrollWidth, window.innerWidth]; })()"
    )
    box_width, box_client, box_height, box_client_height, doc_width, viewport = scroll
    assert box_width <= box_client and box_height <= box_client_height, scroll  # no inner scroll
    assert doc_width <= viewport, scroll  # nor a sideways one on the page

    page.mouse.wheel(0, 1500)
    page.wait_for_function("window.scrollY > 1000")
    top = page.evaluate("document.querySelector('#matrix thead th.unit-col').getBoundingClientRect().top")
    assert abs(top) < 2, top  # the header row sticks to the top of the window

    page.set_viewport_size({"width": 800, "height": 700})
    page.evaluate("document.querySelector('.matrix-scroll').scrollLeft = 400")
    left = page.evaluate(
        "document.querySelector('#matrix tbody th.item-col').getBoundingClientRect().left"
        " - document.querySelector('.matrix-scroll').getBoundingClientRect().left"
    )
    assert abs(left) < 2, left  # the first column stays in view when the grid scrolls sideways
