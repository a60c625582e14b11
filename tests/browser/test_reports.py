"""The office requests the self-assessment report and watches it render; the provincial reviewer
compares zones, downloads the report and writes an opinion; the office reads the opinion and
sees who downloaded what."""

from __future__ import annotations

import hashlib
import threading
import time
from decimal import Decimal

import pytest
from django.db import OperationalError, connections
from playwright.sync_api import expect

from assessments.models import AssessmentRound, ScoreSnapshot
from assessments.selectors import zone_score
from reports import services
from reports.models import DownloadRecord, Report
from tests.factories import CityFactory, ZoneFactory
from tests.reports.report_helpers import evidence_with_file
from zones.models import Region

PASSWORD = "Test@2024!"  # tests.factories.UserFactory


@pytest.fixture
def worker_thread(monkeypatch, settings):
    """Jobs go to a background thread (a stand-in for the Celery worker) instead of running inside
    the request, so the page has something to watch; the thread shares the test's database.

    It retries as reports.jobs.render_report does: on OperationalError (here SQLite's "table is
    locked" while the live server's thread uses the shared connection) with a backoff, and after
    the lease when its own earlier attempt still holds a claim (the lease is short here)."""
    settings.REPORTS_RENDER_LEASE_SECONDS = 2
    shared = connections["default"]
    threads: list[threading.Thread] = []

    def send(task, *args, countdown=None) -> bool:
        def run() -> None:
            connections["default"] = shared  # as Django's live server thread does
            try:
                for attempt in range(20):
                    try:
                        outcome = services.report_render(report_id=args[0])
                    except OperationalError:
                        time.sleep(0.2 * (attempt + 1))
                        continue
                    if not outcome.wait:
                        return
                    time.sleep(outcome.wait)
            finally:
                shared.dec_thread_sharing()

        shared.inc_thread_sharing()

        thread = threading.Thread(target=run, daemon=True)
        threads.append(thread)
        thread.start()
        return True

    monkeypatch.setattr(services, "job_send", send)
    yield threads
    for thread in threads:
        thread.join(timeout=60)


def _live_score(zone, total: str | None = None) -> None:
    result = zone_score(zone=zone).to_dict()
    if total is not None:
        result["total"] = float(total)
    ScoreSnapshot.objects.create(
        zone=zone, system=zone.system, status="done", total=Decimal(str(result["total"])), result=result
    )


def _another_fujian_zone():
    province = Region.objects.get(name="福建省", parent=None)
    zone = ZoneFactory(name="丙创建对象", region=CityFactory(name="丙市", parent=province))
    _live_score(zone, "71.5")
    return zone


def test_office_reports_reviewer_compares_downloads_and_answers(
    page, live_server, login, zone_a, unit_x, office_a, reviewer_fujian, worker_thread
):
    evidence_with_file(zone_a, unit_x, "12", title="信用监管制度汇编", name="制度.pdf")
    AssessmentRound.objects.create(
        zone=zone_a, kind="self", status="in_review", system=zone_a.system, reference_year_1=2023, reference_year_2=2024
    )
    _live_score(zone_a)
    _another_fujian_zone()

    # The office asks for the self-assessment report and watches it render, without a reload.
    login("office_a", PASSWORD)
    page.locator("#portal-nav").get_by_role("link", name="报告", exact=True).click()
    page.get_by_role("link", name="报告与意见").first.click()
    page.select_option("#id_kind", "self")
    page.select_option("#id_subject", "live")
    page.locator("#report-request").click()
    page.evaluate("window.__stayed = true")
    expect(page.locator("#report-progress")).to_be_visible()
    expect(page.locator("#report-stage")).to_contain_text("生成中")
    expect(page.locator("#report-download")).to_be_visible(timeout=60_000)
    assert page.evaluate("window.__stayed === true")  # progress came by htmx, not a reload
    sha = page.locator("#report-sha256").inner_text().strip()
    with page.expect_download() as download:
        page.locator("#report-download").click()
    body = open(download.value.path(), "rb").read()
    assert body.startswith(b"%PDF") and hashlib.sha256(body).hexdigest() == sha
    report = Report.objects.get(kind="self")
    assert report.sha256 == sha and report.pages > 20

    # The provincial reviewer compares the province's zones, downloads the report, writes an opinion.
    page.context.clear_cookies()
    login("reviewer_fj", PASSWORD)
    page.locator("#portal-nav").get_by_role("link", name="报告", exact=True).click()
    page.locator("#compare-link").click()
    expect(page.locator("#comparison-table")).to_contain_text("丙创建对象")
    expect(page.locator("#comparison-table")).to_contain_text("71.5")
    expect(page.locator("#comparison-radar svg polygon[fill-opacity='0.18']")).to_have_count(2)
    page.get_by_role("link", name="甲创建对象").first.click()
    with page.expect_download() as download:
        page.locator("#report-list").get_by_role("link", name="下载").first.click()
    assert hashlib.sha256(open(download.value.path(), "rb").read()).hexdigest() == sha
    page.select_option("#id_conclusion", "recheck")
    page.fill("#id_text", "第 12 项材料不足，整改后复核。")
    asked = []  # the form asks before the conclusion goes to the zone's office
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="提交评审意见").click()
    expect(page.locator(".opinion-text")).to_contain_text("第 12 项材料不足")
    assert asked and "办公室" in asked[0]

    # The office reads the opinion, answers it and sees who downloaded the report.
    page.context.clear_cookies()
    login("office_a", PASSWORD)
    page.goto(f"{live_server.url}/reports/zones/{zone_a.pk}/")
    expect(page.locator(".opinion-text")).to_contain_text("第 12 项材料不足，整改后复核。")
    reviewer_fujian.refresh_from_db()
    expect(page.locator("#download-records .downloader").first).to_have_attribute("title", "reviewer_fj")
    expect(page.locator("#download-records")).to_contain_text(str(reviewer_fujian))  # the name, not the login
    expect(page.locator("#download-records")).to_contain_text(sha[:16])
    page.locator("textarea[name=text]").fill("已补充 12 项材料。")
    page.get_by_role("button", name="答复", exact=True).click()
    expect(page.locator(".opinion-reply")).to_contain_text("已补充 12 项材料。")
    assert DownloadRecord.objects.filter(report=report).count() == 2
