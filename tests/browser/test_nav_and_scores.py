"""Every demo role's navigation leads somewhere it may go, and the score page can be checked:
a judged sub-criterion shows its text and who judged it, a figure without accepted evidence is
flagged 佐证材料未采纳."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from zones.models import Zone

DEMO_PASSWORD = "Demo@2024!"
DEMO_USERS = ("office", "liaison", "expert", "province", "national", "sysadmin", "secadmin", "auditor")


@pytest.fixture
def sanming(standard):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return Zone.objects.get(name="三明市")


def test_no_role_is_offered_a_link_that_refuses_it(page, live_server, login, sanming):
    for username in DEMO_USERS:
        page.context.clear_cookies()
        login(username, DEMO_PASSWORD)
        expect(page.locator("#home-roles .home-role").first).to_be_visible()
        expect(page.locator("body")).not_to_contain_text("联系系统管理员")
        hrefs = page.locator("#portal-nav a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert len(hrefs) >= 4, (username, hrefs)
        # ... and the first steps of the home page's role cards: no link answers 4xx (a refusal,
        # a missing page or a bad request is a dead end just as much as a 403).
        hrefs += page.locator("#home-roles a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        for href in dict.fromkeys(h for h in hrefs if h.startswith("/")):
            status = page.request.get(f"{live_server.url}{href}").status
            assert not 400 <= status < 500, f"{username}: {href} answers {status}"
        labels = page.locator("#portal-nav .nav-link").all_inner_texts()
        if username == "liaison":
            assert "驾驶舱" not in labels
        if username == "secadmin":
            assert "管理后台" not in labels


def test_score_page_shows_judged_text_and_the_evidence_flag(page, live_server, login, sanming):
    login("office", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/assessments/zones/{sanming.pk}/scores/")
    judged = page.locator('[id="sub-24.1"]')
    expect(judged.locator(".score-sub-label")).not_to_be_empty()
    expect(judged).to_contain_text("评审认定符合")
    expect(judged.locator(".score-judged")).to_contain_text("评审人：")
    expect(page.locator(".evidence-missing").first).to_have_text("佐证材料未采纳")
    expect(page.locator("#open-completeness")).to_be_visible()
    evidence = page.locator("#item-24").get_by_role("link", name="查看佐证材料")
    expect(evidence).to_have_attribute(
        "href", f"/evidence/{sanming.pk}/?indicator={sanming.system.indicators.get(code='24').pk}"
    )


def test_the_offices_dozen_sections_and_its_account_links_fit_one_row_at_1280(page, live_server, login, sanming):
    page.set_viewport_size({"width": 1280, "height": 800})
    login("office", DEMO_PASSWORD)
    brand = page.locator(".navbar-brand").bounding_box()
    for selector in ("#portal-nav .nav-link >> nth=-1", "#nav-user", "#nav-security", ".btn-logout"):
        box = page.locator(selector).bounding_box()
        assert box["height"] < 2 * 24, (selector, box)  # one line, not a label stacked a character a line
        assert abs((box["y"] + box["height"] / 2) - (brand["y"] + brand["height"] / 2)) < 12, (selector, box)
        assert box["x"] + box["width"] <= 1280, (selector, box)
    expect(page.locator("#nav-user")).to_have_attribute("title", "市创建办工作人员（演示）（office）")
