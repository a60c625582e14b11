"""The report page's text: the download log names the person (their display name), and the size,
hash and kind descriptions are in Chinese punctuation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import DownloadRecord, Report
from tests.factories import MembershipFactory, UserFactory
from zones.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_report(zone_a, office_a, django_capture_on_commit_callbacks):
    from reports.services import report_request

    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(zone=zone_a, round=None, kind="scores", user=office_a).report
    report.refresh_from_db()
    assert report.status == Report.Status.READY
    return report


def test_the_download_log_shows_the_persons_name_not_the_login(client, zone_a, office_a, ready_report):
    office_a.full_name = "王办公"
    office_a.save(update_fields=["full_name"])
    client.force_login(office_a)
    client.get(reverse("reports:download", args=[zone_a.pk, ready_report.pk]))
    assert DownloadRecord.objects.get().username == "office_a"
    for url in (
        reverse("reports:detail", args=[zone_a.pk, ready_report.pk]),
        reverse("reports:zone", args=[zone_a.pk]),
    ):
        page = client.get(url).content.decode()
        log = page[page.index('id="download-records"') :]
        assert ">王办公</td>" in log and ">office_a</td>" not in log


def test_the_download_log_keeps_the_login_of_a_deleted_account_and_a_fixed_query_count(
    client, zone_a, office_a, ready_report
):
    gone = UserFactory(username="departed")
    MembershipFactory(user=gone, role=Membership.Role.OFFICE, zone=zone_a)
    client.force_login(gone)
    client.get(reverse("reports:download", args=[zone_a.pk, ready_report.pk]))
    gone.delete()
    client.force_login(office_a)
    url = reverse("reports:detail", args=[zone_a.pk, ready_report.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert ">departed</td>" in page[page.index('id="download-records"') :]
    for _ in range(3):
        client.get(reverse("reports:download", args=[zone_a.pk, ready_report.pk]))
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more.captured_queries) == len(few.captured_queries)


def test_size_hash_and_kinds_read_in_chinese_punctuation(client, zone_a, office_a, ready_report):
    client.force_login(office_a)
    page = client.get(reverse("reports:detail", args=[zone_a.pk, ready_report.pk])).content.decode()
    assert "大小：" in page and f"（{ready_report.size} 字节）" in page and "SHA-256：" in page
    assert "SHA-256:" not in page and f"({ready_report.size} 字节)" not in page
    page = client.get(reverse("reports:zone", args=[zone_a.pk])).content.decode()
    assert "自评报告</strong>：" in page and "</strong>:" not in page
