"""The report page: request, live progress, download with size and sha256, the download log;
every download path writes a record; who may see what."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import DownloadRecord, Report
from tests.factories import MembershipFactory, UserFactory
from zones.models import Membership

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture
def ready_report(zone_a, office_a, django_capture_on_commit_callbacks):
    from reports.services import report_request

    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(zone=zone_a, round=None, kind="scores", user=office_a).report
    report.refresh_from_db()
    assert report.status == Report.Status.READY
    return report


@pytest.fixture
def audit_admin(db):
    return MembershipFactory(user=UserFactory(username="auditor", is_staff=True), role=Role.AUDIT_ADMIN).user


def detail_url(report):
    return reverse("reports:detail", args=[report.zone_id, report.pk])


def download_url(report):
    return reverse("reports:download", args=[report.zone_id, report.pk])


def test_office_requests_a_report_and_lands_on_its_page(client, zone_a, office_a, django_capture_on_commit_callbacks):
    client.force_login(office_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:request", args=[zone_a.pk]), {"kind": "scores", "subject": "live"})
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(report)
    page = client.get(detail_url(report)).content.decode()
    assert report.sha256 in page and f"{report.size} 字节" in page and download_url(report) in page


def test_the_status_block_polls_while_pending_and_stops_when_ready(client, zone_a, office_a, ready_report):
    client.force_login(office_a)
    pending = Report.objects.create(
        zone=zone_a, kind="self", status=Report.Status.RENDERING, progress=37, stage="编排第 15/41 项"
    )
    status = client.get(reverse("reports:status", args=[zone_a.pk, pending.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in status and "37%" in status and "编排第 15/41 项" in status
    assert download_url(pending) not in status
    done = client.get(reverse("reports:status", args=[zone_a.pk, ready_report.pk])).content.decode()
    assert "hx-get" not in done and ready_report.sha256 in done


def test_a_failed_report_shows_the_chinese_error_and_a_retry_button(client, zone_a, office_a):
    client.force_login(office_a)
    failed = Report.objects.create(
        zone=zone_a, kind="scores", status=Report.Status.FAILED, error="报告生成失败：磁盘已满。"
    )
    page = client.get(detail_url(failed)).content.decode()
    assert "报告生成失败：磁盘已满。" in page and reverse("reports:retry", args=[zone_a.pk, failed.pk]) in page
    assert client.get(download_url(failed)).status_code == 404


def test_a_download_is_recorded_with_who_what_hash_and_address(client, zone_a, office_a, ready_report):
    client.force_login(office_a)
    response = client.get(download_url(ready_report), REMOTE_ADDR="10.1.2.3")
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and hashlib.sha256(body).hexdigest() == ready_report.sha256
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    record = DownloadRecord.objects.get()
    assert (record.user, record.report, record.sha256, record.ip_address, record.via) == (
        office_a,
        ready_report,
        ready_report.sha256,
        "10.1.2.3",
        DownloadRecord.Via.PAGE,
    )
    assert record.file_name == ready_report.download_name and record.size == ready_report.size
    page = client.get(detail_url(ready_report)).content.decode()
    assert "10.1.2.3" in page and 'id="download-records"' in page


def test_x_accel_redirect_downloads_are_recorded_too(client, zone_a, office_a, ready_report, settings):
    settings.SENDFILE_HEADER = "X-Accel-Redirect"
    client.force_login(office_a)
    response = client.get(download_url(ready_report))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{ready_report.stored_name}"
    record = DownloadRecord.objects.get()
    assert record.sendfile is True and record.sha256 == ready_report.sha256


@pytest.mark.parametrize("sendfile", ["", "X-Accel-Redirect"])
def test_every_evidence_download_path_writes_a_record(
    client, zone_a, reviewer_fujian, accepted_evidence, sendfile, settings
):
    settings.SENDFILE_HEADER = sendfile
    evidence, file = accepted_evidence[1]
    client.force_login(reviewer_fujian)
    urls = {
        DownloadRecord.Via.PAGE: reverse("evidence:file-download", args=[zone_a.pk, file.pk]),
        DownloadRecord.Via.PREVIEW: reverse("evidence:file-inline", args=[zone_a.pk, file.pk]),
        DownloadRecord.Via.API: reverse("api-evidence-file-download", args=[zone_a.pk, file.pk]),
    }
    for via, url in urls.items():
        assert client.get(url, REMOTE_ADDR="192.168.9.9").status_code == 200, url
        record = DownloadRecord.objects.latest("pk")
        assert (record.via, record.evidence_file, record.sha256, record.user) == (
            via,
            file,
            file.sha256,
            reviewer_fujian,
        )
        assert record.zone == zone_a and record.ip_address == "192.168.9.9" and record.sendfile == bool(sendfile)
        assert record.file_name == "制度.pdf" and "信用监管制度" in record.what and "v2" in record.what
    assert DownloadRecord.objects.count() == 3


def test_a_refused_evidence_download_records_nothing(client, zone_b, office_b, accepted_evidence):
    _, file = accepted_evidence[0]
    client.force_login(office_b)
    assert client.get(reverse("evidence:file-download", args=[zone_b.pk, file.pk])).status_code == 404
    assert not DownloadRecord.objects.exists()


def test_the_office_sees_the_zones_download_log_the_reviewer_does_not(
    client, zone_a, office_a, reviewer_fujian, ready_report
):
    client.force_login(reviewer_fujian)
    assert client.get(download_url(ready_report)).status_code == 200  # a reviewer may download
    page = client.get(reverse("reports:zone", args=[zone_a.pk])).content.decode()
    assert 'id="download-records"' not in page
    client.force_login(office_a)
    page = client.get(reverse("reports:zone", args=[zone_a.pk])).content.decode()
    assert 'id="download-records"' in page and "reviewer_fj" in page


def test_the_audit_admin_reads_every_download_and_nobody_else(client, office_a, audit_admin, ready_report):
    client.force_login(office_a)
    client.get(download_url(ready_report))
    assert client.get(reverse("reports:downloads")).status_code == 403
    client.force_login(audit_admin)
    page = client.get(reverse("reports:downloads")).content.decode()
    assert "office_a" in page and ready_report.sha256[:16] in page and "甲创建对象" in page
    assert client.get(reverse("reports:zone", args=[ready_report.zone_id])).status_code == 404
    assert "下载记录</a>" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("persona", ["liaison_x", "evaluator_a", "office_b", "reviewer_zhejiang", "outsider"])
def test_who_may_not_see_a_zones_reports_gets_404(client, request, persona, zone_a, ready_report):
    client.force_login(request.getfixturevalue(persona))
    for url in (reverse("reports:zone", args=[zone_a.pk]), detail_url(ready_report), download_url(ready_report)):
        assert client.get(url).status_code == 404, url
    assert not DownloadRecord.objects.exists()


def test_the_reviewer_may_request_but_not_answer_and_the_office_may_not_write_opinions(
    client, zone_a, office_a, reviewer_fujian, self_round
):
    client.force_login(office_a)
    response = client.post(
        reverse("reports:opinion-create", args=[zone_a.pk]),
        {"round": self_round.pk, "conclusion": "pass", "text": "好"},
    )
    assert response.status_code == 403


def test_nav_link_for_office_and_reviewer_only(client, office_a, reviewer_fujian, liaison_x):
    for user, shown in ((office_a, True), (reviewer_fujian, True), (liaison_x, False)):
        client.force_login(user)
        page = client.get(reverse("home")).content.decode()
        assert (f'href="{reverse("reports:home")}"' in page) is shown, user


def test_zone_page_queries_do_not_grow_with_reports_or_downloads(
    client, zone_a, office_a, ready_report, django_assert_max_num_queries
):
    client.force_login(office_a)
    url = reverse("reports:zone", args=[zone_a.pk])
    client.get(download_url(ready_report))  # one of everything first
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    count = len(small)  # now: every request empties the connection's query log
    assert 0 < count <= 25, [q["sql"] for q in small.captured_queries]
    for n in range(15):
        Report.objects.create(zone=zone_a, kind="bundle", status=Report.Status.FAILED, error=f"失败{n}")
        client.get(download_url(ready_report))
    with django_assert_max_num_queries(count):
        assert client.get(url).status_code == 200
