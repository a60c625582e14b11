"""The office follows a 省级评估 against its own 自评: side by side, differences with reasons, the gaps."""

from decimal import Decimal

from playwright.sync_api import expect

from assessments import services
from tests.assessments.round_helpers import item, pool_evaluator, score, zone_at
from zones.models import Zone

PASSWORD = "Test@2024!"  # tests.factories.UserFactory


def test_office_sees_the_side_by_side_page_and_the_gaps(
    page, live_server, login, zone_a, unit_x, office_a, reviewer_fujian
):
    from zones.models import IndicatorResponsibility

    IndicatorResponsibility.objects.create(zone=zone_a, indicator=item(zone_a, "10"), unit=unit_x, is_lead=True)
    zone_at(zone_a, Zone.Status.CREATING)
    own = services.round_open(zone=zone_a, kind="self", user=office_a)
    score(own, office_a, "10", 2)
    services.round_submit(round=own, user=office_a)
    zone_at(zone_a, Zone.Status.PROVINCIAL_REVIEW)
    provincial = services.round_open(zone=zone_a, kind="provincial", user=reviewer_fujian, blind=False)
    expert = pool_evaluator(zone_a, "expert_b")
    services.evaluator_assign(round=provincial, evaluator=expert, indicators=[item(zone_a, "10")], user=reviewer_fujian)
    services.round_start(round=provincial, user=reviewer_fujian)
    services.round_judgement_set(
        round=provincial,
        scoring_item=item(zone_a, "10").scoring_items.get(),
        user=expert,
        points=Decimal("1.5"),
        comment="特色产业带动作用有限",
    )

    login("office_a", PASSWORD)
    page.goto(f"{live_server.url}/assessments/zones/{zone_a.pk}/rounds/")
    page.get_by_role("link", name="省级评估").click()
    side = page.locator("#side-by-side")
    expect(side).to_contain_text("自评")
    row = side.locator("tr", has_text="发展质量")
    expect(row).to_contain_text("-0.5")
    diff = page.locator("#diff-10")
    expect(diff).to_contain_text("1.5")
    diff.locator("input[name=text]").fill("省级现场核查：特色产业带动作用有限")
    diff.get_by_role("button", name="保存").click()
    expect(page.locator("#diff-10")).to_contain_text("省级现场核查")

    page.locator("#open-gaps").click()
    expect(page.locator("body")).to_contain_text("失分")
    expect(page.locator("body")).to_contain_text("甲市商务局")
    expect(page.locator("body")).to_contain_text("特色产业带动作用有限")
