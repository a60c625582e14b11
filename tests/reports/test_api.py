"""The reports API: request, poll, download (recorded), retry, download records, opinions; same permissions."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from reports.models import DownloadRecord, Report, ReviewOpinion

pytestmark = pytest.mark.django_db


def api(name, *args):
    return reverse(name, args=args)


def test_request_poll_download_and_list_downloads(client, zone_a, office_a, django_capture_on_commit_callbacks):
    client.force_login(office_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(api("api-report-list", zone_a.pk), {"kind": "scores", "round": None}, "application/json")
    assert response.status_code == 202 and response.json()["outcome"] == "queued"
    report_id = response.json()["id"]
    status = client.get(api("api-report", zone_a.pk, report_id)).json()
    assert status["status"] == "ready" and status["progress"] == 100 and len(status["sha256"]) == 64
    download = client.get(api("api-report-download", zone_a.pk, report_id), REMOTE_ADDR="10.9.8.7")
    body = b"".join(download.streaming_content)
    assert download.status_code == 200 and hashlib.sha256(body).hexdigest() == status["sha256"]
    record = DownloadRecord.objects.get()
    assert record.via == DownloadRecord.Via.API and record.ip_address == "10.9.8.7"
    listed = client.get(api("api-download-list", zone_a.pk)).json()
    assert listed["count"] == 1 and listed["results"][0]["sha256"] == status["sha256"]
    again = client.post(api("api-report-list", zone_a.pk), {"kind": "scores"}, "application/json")
    assert again.status_code == 200 and again.json()["outcome"] == "reused" and again.json()["id"] == report_id
    assert client.get(api("api-report-list", zone_a.pk)).json()["count"] == 1


def test_a_pending_report_cannot_be_downloaded_and_a_failed_one_is_retried(
    client, zone_a, office_a, fake_kind, django_capture_on_commit_callbacks
):
    fake_kind()
    client.force_login(office_a)
    pending = Report.objects.create(zone=zone_a, kind="scores", status=Report.Status.RENDERING)
    assert client.get(api("api-report-download", zone_a.pk, pending.pk)).status_code == 404
    failed = Report.objects.create(zone=zone_a, kind="self", status=Report.Status.FAILED, error="失败了")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(api("api-report-retry", zone_a.pk, failed.pk))
    assert response.status_code == 202 and response.json()["status"] == "queued"
    assert not DownloadRecord.objects.exists()


def test_bad_requests_get_one_error_shape(client, zone_a, office_a, self_round):
    client.force_login(office_a)
    unknown = client.post(api("api-report-list", zone_a.pk), {"kind": "poster"}, "application/json")
    assert unknown.status_code == 400 and "message" in unknown.json()
    refused = client.post(
        api("api-report-list", zone_a.pk), {"kind": "evaluation", "round": self_round.pk}, "application/json"
    )
    assert refused.status_code == 400 and "评估报告只能按" in refused.json()["message"]


def test_permissions_are_the_pages(client, zone_a, liaison_x, reviewer_zhejiang, reviewer_fujian, office_a, self_round):
    report = Report.objects.create(zone=zone_a, kind="scores", status=Report.Status.FAILED, error="x")
    for user in (liaison_x, reviewer_zhejiang):
        client.force_login(user)
        assert client.get(api("api-report-list", zone_a.pk)).status_code == 404
        assert client.get(api("api-report", zone_a.pk, report.pk)).status_code == 404
        assert client.post(api("api-report-list", zone_a.pk), {"kind": "scores"}, "application/json").status_code == 404
    client.force_login(reviewer_fujian)
    assert client.get(api("api-download-list", zone_a.pk)).status_code == 403  # the office's log
    created = client.post(
        api("api-opinion-list", zone_a.pk),
        {"round": self_round.pk, "conclusion": "pass", "text": "同意通过。"},
        "application/json",
    )
    assert created.status_code == 201 and created.json()["conclusion_label"] == "通过"
    opinion = ReviewOpinion.objects.get()
    assert (
        client.post(api("api-opinion-reply", zone_a.pk, opinion.pk), {"text": "x"}, "application/json").status_code
        == 403
    )
    client.force_login(office_a)
    reply = client.post(api("api-opinion-reply", zone_a.pk, opinion.pk), {"text": "收到。"}, "application/json")
    assert reply.status_code == 201
    listed = client.get(api("api-opinion-list", zone_a.pk)).json()["results"]
    assert listed[0]["text"] == "同意通过。" and listed[0]["replies"][0]["text"] == "收到。"


def test_render_report_command_prints_pages_size_sha256_and_seconds(zone_a, tmp_path):
    output = tmp_path / "out" / "得分表.xlsx"
    printed = io.StringIO()
    call_command("render_report", zone=zone_a.name, kind="scores", output=str(output), stdout=printed)
    text = printed.getvalue()
    digest = hashlib.sha256(output.read_bytes()).hexdigest()
    assert f"SHA-256：{digest}" in text and f"大小：{output.stat().st_size} 字节" in text
    assert f"：{output}" in text  # 「得分表：/path」, Chinese colon
    assert "页数：—" in text and "用时：" in text and "实时得分" in text
    assert not list(output.parent.glob("*.part")) and not Report.objects.exists()  # synchronous, nothing queued


def test_render_report_command_refuses_what_it_cannot_make(zone_a, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有省级评估轮次"):
        call_command(
            "render_report", zone=str(zone_a.pk), round="provincial", kind="evaluation", output=str(tmp_path / "x.pdf")
        )
    with pytest.raises(CommandError, match="评估报告须选择评估轮次"):
        call_command("render_report", zone=str(zone_a.pk), kind="evaluation", output=str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="找不到创建对象"):
        call_command("render_report", zone="不存在", kind="self", output=str(tmp_path / "x.pdf"))
