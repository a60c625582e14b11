"""An evaluator scores three items on the review screen by keyboard; the province submits the round."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from assessments import services
from assessments.models import AssessmentRound, Judgement
from evidence.models import Evidence, EvidenceFile
from indicators.models import Indicator
from tests.factories import MembershipFactory, UserFactory
from zones.models import Membership, Zone

PASSWORD = "Test@2024!"  # tests.factories.UserFactory
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def logout(page):
    with page.expect_navigation():
        page.get_by_role("button", name="退出").click()


def add_evidence(zone, unit, item, title, name, content, by, media_root, status="accepted"):
    reviewed = {"reviewed_at": timezone.now(), "reviewed_by": by} if status == "accepted" else {}
    piece = Evidence.objects.create(zone=zone, indicator=item, unit=unit, title=title, status=status, **reviewed)
    stored = f"evidence/test/{piece.pk}-{name}"
    (media_root / "evidence" / "test").mkdir(parents=True, exist_ok=True)
    (media_root / stored).write_bytes(content)
    EvidenceFile.objects.create(
        evidence=piece,
        version=1,
        stored_name=stored,
        original_name=name,
        size=len(content),
        sha256="b" * 64,
        content_type="application/pdf",
        uploaded_by=by,
    )


def score(page, code: str, points: str, comment: str = "") -> None:
    block = page.locator("#score-" + code.replace(".", "\\."))
    block.locator("input[type=number]").fill(points)
    if comment:
        block.locator("textarea").fill(comment)


def test_an_evaluator_scores_by_keyboard_and_the_province_submits(
    page, live_server, login, zone_a, unit_x, office_a, reviewer_fujian, media_root
):
    Zone.objects.filter(pk=zone_a.pk).update(status=Zone.Status.PROVINCIAL_REVIEW)
    round = AssessmentRound.objects.create(
        zone=zone_a,
        kind="provincial",
        status="in_review",
        system=zone_a.system,
        reference_year_1=2023,
        reference_year_2=2024,
    )
    expert = MembershipFactory(
        user=UserFactory(username="expert_web", full_name="王专家"),
        role=Membership.Role.EVALUATOR,
        province=zone_a.region.province,
    ).user
    items = {code: Indicator.objects.get(system=zone_a.system, code=code) for code in ("12", "13", "28")}
    services.evaluator_assign(round=round, evaluator=expert, indicators=list(items.values()), user=reviewer_fujian)
    add_evidence(zone_a, unit_x, items["12"], "信用联合奖惩备忘录", "备忘录.pdf", PDF, office_a, media_root)
    add_evidence(zone_a, unit_x, items["12"], "信用修复工作方案", "方案.pdf", PDF, office_a, media_root, "submitted")

    # 评审任务 → the round → the review screen, at the first item to score.
    page.set_viewport_size({"width": 1366, "height": 768})
    login("expert_web", PASSWORD)
    page.locator("#portal-nav").get_by_role("link", name="评审任务").click()
    with page.expect_navigation():
        page.locator("#review-rounds a", has_text="甲创建对象").click()
    expect(page).to_have_url(re.compile(rf"/rounds/{round.pk}/review/{items['12'].pk}/$"))
    expect(page.locator("#review-title")).to_contain_text("发挥信用监管的基础作用")
    expect(page.locator("#review-progress")).to_have_text("已评 0 / 3 项")
    expect(page.locator(".review-evidence").first).to_contain_text("信用联合奖惩备忘录")  # accepted first
    expect(page.locator("#evidence-viewer iframe")).to_have_count(1)
    page.screenshot(path="/tmp/review.png")

    # Alt+→ / Alt+← move between the evaluator's items (13–27 but 13 are not theirs).
    page.keyboard.press("Alt+ArrowRight")
    expect(page).to_have_url(re.compile(rf"/review/{items['13'].pk}/$"))
    page.keyboard.press("Alt+ArrowLeft")
    expect(page).to_have_url(re.compile(rf"/review/{items['12'].pk}/$"))

    # Leaving with unsaved changes asks first; staying keeps the input.
    score(page, "12.1", "1")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.keyboard.press("Alt+ArrowRight")
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    expect(page).to_have_url(re.compile(rf"/review/{items['12'].pk}/$"))

    # Item 12: three checklists; Ctrl+Enter saves and goes to the next item.
    score(page, "12.2", "1")
    score(page, "12.3", "0.5", "信用分级分类监管尚在试点")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    expect(page).to_have_url(re.compile(rf"/review/{items['13'].pk}/$"))
    expect(page.get_by_text("已保存 3 个评分项的评分。")).to_be_visible()
    expect(page.locator("#review-progress")).to_have_text("已评 1 / 3 项")

    # Item 13.
    for code in ("13.1", "13.2", "13.3"):
        score(page, code, "1")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    expect(page).to_have_url(re.compile(rf"/review/{items['28'].pk}/$"))

    # Item 28: any one of the listed practices.
    page.locator("#score-28").get_by_label(re.compile("^2\\. 网络市场违法违规行为电子取证")).check()
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    # Everything scored: back to the round.
    expect(page).to_have_url(re.compile(rf"/rounds/{round.pk}/$"))
    expect(page.get_by_text("您在本轮的评审指标均已评分。")).to_be_visible()
    logout(page)

    stored = {
        j.scoring_item.code: (j.points, j.options, j.comment)
        for j in Judgement.objects.filter(round=round, judged_by=expert).select_related("scoring_item")
    }
    assert stored == {
        "12.1": (1, [], ""),
        "12.2": (1, [], ""),
        "12.3": (0.5, [], "信用分级分类监管尚在试点"),
        "13.1": (1, [], ""),
        "13.2": (1, [], ""),
        "13.3": (1, [], ""),
        "28": (3, [2], ""),
    }

    # The round manager (福建省's reviewer) submits the round on the round page.
    login("reviewer_fj", PASSWORD)
    page.goto(f"{live_server.url}/assessments/rounds/{round.pk}/")
    page.select_option("#conclusion", "passed")
    page.once("dialog", lambda dialog: dialog.accept())  # the form asks before it locks the round
    with page.expect_navigation():
        page.locator("#submit-round").click()
    expect(page.locator("#round-status")).to_have_text("已提交")
    round.refresh_from_db()
    assert round.status == AssessmentRound.Status.SUBMITTED
    assert round.snapshots.get().result["items"][11]["code"] == "12"
