"""The office logs in, opens the zone's score page, recomputes and reads the tree."""

import re

from playwright.sync_api import expect

from tests.factories import MembershipFactory, UserFactory
from zones.models import Membership


def test_office_reads_and_recomputes_the_score_page(page, live_server, login, zone_a):
    MembershipFactory(user=UserFactory(username="office_web"), role=Membership.Role.OFFICE, zone=zone_a)
    login("office_web", "Test@2024!")

    page.get_by_role("link", name="评分").first.click()
    expect(page).to_have_url(re.compile(rf"/assessments/zones/{zone_a.pk}/scores/$"))
    expect(page.get_by_text("尚未计算评分")).to_be_visible()

    page.get_by_role("button", name="重新计算").click()  # jobs run eagerly in tests
    expect(page.locator("#score-total")).to_have_text("0")
    for name in ("促进发展", "规范监管", "优化服务", "探索创新", "综合保障"):
        expect(page.locator("section h2", has_text=name)).to_be_visible()
    item = page.locator("#item-1")
    expect(item).to_contain_text("网上零售额同比增速")
    expect(item).to_contain_text("缺少")
    expect(page.locator(".score-item")).to_have_count(41)
