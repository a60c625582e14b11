"""自查自纠: the unit's rows from the matrix and its tasks, saving, submitting (locked), sending back,
the generated 自查报告 read back with pdftotext, the signed scan."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from inspections import services
from inspections.models import SelfCheck, SelfCheckEvent
from inspections.selectors import unit_rows
from notifications.models import Notification

from .conftest import PDF, answer_all, upload

pytestmark = pytest.mark.django_db


def labels(rows):
    return [r.label for r in rows]


def test_the_self_check_lists_exactly_the_units_items_lead_first_and_its_tasks(campaign, unit_x, unit_y, items):
    rows = unit_rows(campaign=campaign, unit=unit_x)
    assert [r.kind for r in rows] == ["item", "item", "item", "task", "task"]
    # lead item 13 first, then 12 and 40 in the system's order; 20 was removed by hand; Y's rows absent
    assert [r.indicator.code for r in rows if r.kind == "item"] == ["13", "12", "40"]
    assert rows[0].is_lead
    assert labels(rows)[3:] == ["1.加大政策扶持力度", "2.培育网络经营主体"]
    rows_y = unit_rows(campaign=campaign, unit=unit_y)
    assert [r.indicator.code for r in rows_y if r.kind == "item"] == ["12", "20"]
    assert labels(rows_y)[2:] == ["1.加大政策扶持力度", "3.统计监测体系建设"]
    assert [r.is_lead for r in rows_y if r.kind == "task"] == [True, False]


def test_the_rows_show_the_units_submitted_evidence_with_its_hash_not_drafts(campaign, unit_x, evidence_x):
    rows = {r.key: r for r in unit_rows(campaign=campaign, unit=unit_x)}
    item13 = rows[f"i{evidence_x.indicator_id}"]
    assert [line.evidence.title for line in item13.evidence] == ["监管平台建设方案"]
    assert item13.evidence[0].sha256 == evidence_x.files.get().sha256
    assert all(not r.evidence for key, r in rows.items() if key != f"i{evidence_x.indicator_id}")


def test_saving_answers_keeps_them_and_not_applicable_needs_a_reason(selfcheck_x, liaison_x, items):
    key = f"i{items['12'].pk}"
    with pytest.raises(ValidationError, match="不适用"):
        services.selfcheck_save(selfcheck=selfcheck_x, user=liaison_x, answers={key: {"status": "na"}})
    assert not selfcheck_x.entries.exists()
    services.selfcheck_save(
        selfcheck=selfcheck_x,
        user=liaison_x,
        answers={key: {"status": "na", "na_reason": "本单位不承担该项职能", "done_text": "", "gaps": ""}},
    )
    entry = selfcheck_x.entries.get()
    assert (entry.indicator_id, entry.status, entry.na_reason) == (items["12"].pk, "na", "本单位不承担该项职能")


def test_a_row_of_another_unit_is_refused(selfcheck_x, liaison_x, items):
    with pytest.raises(ValidationError, match="不属于本单位"):
        services.selfcheck_save(
            selfcheck=selfcheck_x, user=liaison_x, answers={f"i{items['20'].pk}": {"status": "done"}}
        )


def test_submitting_needs_every_row_then_locks_and_records_an_event(selfcheck_x, liaison_x, items):
    services.selfcheck_save(selfcheck=selfcheck_x, user=liaison_x, answers={f"i{items['12'].pk}": {"status": "done"}})
    with pytest.raises(ValidationError, match="尚未填写自评状态"):
        services.selfcheck_submit(selfcheck=selfcheck_x, user=liaison_x, render=False)
    answer_all(selfcheck_x, liaison_x)
    services.selfcheck_submit(selfcheck=selfcheck_x, user=liaison_x, render=False)
    selfcheck_x.refresh_from_db()
    assert selfcheck_x.status == SelfCheck.Status.SUBMITTED and selfcheck_x.submitted_by == liaison_x
    assert selfcheck_x.events.get().kind == SelfCheckEvent.Kind.SUBMITTED
    with pytest.raises(ValidationError, match="已报送并锁定"):
        services.selfcheck_save(
            selfcheck=selfcheck_x, user=liaison_x, answers={f"i{items['12'].pk}": {"status": "mostly"}}
        )
    assert selfcheck_x.entries.get(indicator=items["12"]).status == "done"


def test_the_office_sends_a_report_back_with_a_reason_and_the_unit_can_edit_again(
    selfcheck_x, liaison_x, office_a, items, django_capture_on_commit_callbacks
):
    answer_all(selfcheck_x, liaison_x)
    services.selfcheck_submit(selfcheck=selfcheck_x, user=liaison_x, render=False)
    with pytest.raises(ValidationError, match="退回原因"):
        services.selfcheck_return(selfcheck=selfcheck_x, user=office_a, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.selfcheck_return(selfcheck=selfcheck_x, user=office_a, reason="任务2的开展情况过于简略")
    selfcheck_x.refresh_from_db()
    assert (selfcheck_x.status, selfcheck_x.return_reason) == ("returned", "任务2的开展情况过于简略")
    notice = Notification.objects.get(recipient=liaison_x)
    assert "任务2的开展情况过于简略" in notice.body and notice.kind == Notification.Kind.SENT_BACK
    services.selfcheck_save(selfcheck=selfcheck_x, user=liaison_x, answers={f"i{items['12'].pk}": {"status": "mostly"}})
    with pytest.raises(ValidationError, match="只有已报送"):
        services.selfcheck_return(selfcheck=selfcheck_x, user=office_a, reason="再退一次")


def test_a_closed_campaign_refuses_changes(campaign, selfcheck_x, liaison_x, office_a, items):
    services.campaign_close(campaign=campaign, user=office_a)
    selfcheck_x.refresh_from_db()
    with pytest.raises(ValidationError, match="已经结束"):
        services.selfcheck_save(
            selfcheck=selfcheck_x, user=liaison_x, answers={f"i{items['12'].pk}": {"status": "done"}}
        )


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_generated_report_reads_back_with_unit_items_statuses_and_an_evidence_hash(
    selfcheck_x, liaison_x, evidence_x, items, django_capture_on_commit_callbacks
):
    answer_all(selfcheck_x, liaison_x)
    services.selfcheck_save(
        selfcheck=selfcheck_x,
        user=liaison_x,
        answers={f"i{items['40'].pk}": {"status": "na", "na_reason": "本单位无培训职能", "done_text": ""}},
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.selfcheck_submit(selfcheck=selfcheck_x, user=liaison_x)
    selfcheck_x.refresh_from_db()
    assert selfcheck_x.pdf_status == SelfCheck.PdfStatus.READY
    path = Path(settings.MEDIA_ROOT) / selfcheck_x.pdf_name
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert "甲市商务局自查报告" in flat
    assert items["13"].name.replace(" ", "")[:12] in flat
    assert "已完成" in flat and "不适用" in flat and "本单位无培训职能" in flat
    assert "加大政策扶持力度" in flat and "培育网络经营主体" in flat
    assert evidence_x.files.get().sha256 in flat
    assert "单位负责人（签字）" in flat
    assert "第1页共" in flat
    import hashlib

    assert selfcheck_x.pdf_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_pdf_job_claims_its_row_once(selfcheck_x, liaison_x, monkeypatch):
    from inspections import report

    answer_all(selfcheck_x, liaison_x)
    services.selfcheck_submit(selfcheck=selfcheck_x, user=liaison_x, render=False)
    services.selfcheck_pdf_request(selfcheck=selfcheck_x)  # queued; the job runs on commit, not here
    calls = []
    monkeypatch.setattr(report, "selfcheck_report_pdf", lambda **kw: calls.append(1) or PDF)
    assert report.selfcheck_report_render(selfcheck_id=selfcheck_x.pk) is True
    assert report.selfcheck_report_render(selfcheck_id=selfcheck_x.pk) is False
    assert calls == [1]


def test_the_signed_scan_is_checked_like_evidence(selfcheck_x, liaison_x):
    with pytest.raises(ValidationError, match="内容与扩展名不符"):
        services.selfcheck_scan_upload(
            selfcheck=selfcheck_x, user=liaison_x, file=upload("签字版.pdf", b"not a pdf at all")
        )
    assert not selfcheck_x.events.exists()
    services.selfcheck_scan_upload(selfcheck=selfcheck_x, user=liaison_x, file=upload("签字版.png"))
    selfcheck_x.refresh_from_db()
    assert selfcheck_x.scan_original == "签字版.png" and len(selfcheck_x.scan_sha256) == 64
    assert (Path(settings.MEDIA_ROOT) / selfcheck_x.scan_name).is_file()


def test_the_liaison_fills_in_and_submits_through_the_page(client, selfcheck_x, liaison_x):
    client.force_login(liaison_x)
    url = reverse("inspections:selfcheck", args=[selfcheck_x.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "加大政策扶持力度" in page.content.decode()
    keys = services.row_keys(campaign=selfcheck_x.campaign, unit=selfcheck_x.unit)
    data = {"summary": "总体良好", "action": "submit"}
    for key in keys:
        data[f"{key}-status"] = "done"
        data[f"{key}-done_text"] = "已完成"
    response = client.post(url, data)
    assert response.status_code == 302
    selfcheck_x.refresh_from_db()
    assert selfcheck_x.status == "submitted" and selfcheck_x.summary == "总体良好"


def test_the_office_sees_progress_with_the_late_ones(client, campaign, office_a, selfcheck_x, selfcheck_y, liaison_x):
    answer_all(selfcheck_x, liaison_x)
    services.selfcheck_submit(selfcheck=selfcheck_x, user=liaison_x, render=False)
    SelfCheck.objects.filter(pk=selfcheck_x.pk).update(submitted_at=campaign.opened_at.replace(year=2100))
    client.force_login(office_a)
    page = client.get(reverse("inspections:campaign", args=[campaign.pk]))
    assert page.status_code == 200
    assert page.context["progress"].submitted == 1
    assert page.context["progress"].total == 2
    assert page.context["progress"].late == 1


def test_a_broker_that_refuses_the_pdf_job_leaves_the_report_submitted_and_the_button_back(
    selfcheck_x, liaison_x, monkeypatch, django_capture_on_commit_callbacks
):
    import common.jobs

    monkeypatch.setattr(common.jobs, "job_send", lambda task, *args, **kwargs: False)
    answer_all(selfcheck_x, liaison_x)
    with django_capture_on_commit_callbacks(execute=True):
        services.selfcheck_submit(selfcheck=selfcheck_x, user=liaison_x)
    selfcheck_x.refresh_from_db()
    assert (selfcheck_x.status, selfcheck_x.pdf_status) == ("submitted", SelfCheck.PdfStatus.NONE)


def test_a_submitted_report_tells_its_zones_office_once_and_no_other_zone(
    selfcheck_x, liaison_x, office_a, office_b, items, django_capture_on_commit_callbacks
):
    answer_all(selfcheck_x, liaison_x)
    with django_capture_on_commit_callbacks(execute=True):
        services.selfcheck_submit(selfcheck=selfcheck_x, user=liaison_x, render=False)
    notice = Notification.objects.get(kind=Notification.Kind.SELFCHECK_SUBMITTED)
    assert notice.recipient == office_a and notice.url == reverse("inspections:selfcheck", args=[selfcheck_x.pk])
    assert notice.title == f"{selfcheck_x.unit.name}报送了自查报告"
    assert not Notification.objects.filter(recipient__in=[office_b, liaison_x]).exists()
