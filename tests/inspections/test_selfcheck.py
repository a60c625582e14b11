"""自查自纠: the unit's rows from the matrix and its tasks, saving, submitting (locked), sending back,
the generated 自查报告 read back with pdftotext, the signed scan."""

import re
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
    assert "任务2的开展情况过于简略" in notice.body and notice.kind == Notification.Kind.SELFCHECK_RETURNED
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


# Task evidence, a report sent back after closing, the report's layout ----------------------------


def report_text(selfcheck, django_capture_on_commit_callbacks, user) -> str:
    """Submit ``selfcheck`` (the job runs on commit) and read its PDF back with pdftotext -layout."""
    with django_capture_on_commit_callbacks(execute=True):
        services.selfcheck_submit(selfcheck=selfcheck, user=user)
    selfcheck.refresh_from_db()
    assert selfcheck.pdf_status == SelfCheck.PdfStatus.READY
    path = Path(settings.MEDIA_ROOT) / selfcheck.pdf_name
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_task_rows_link_the_files_of_the_units_progress_reports_and_the_report_lists_their_hash(
    client, selfcheck_x, liaison_x, tasks, django_capture_on_commit_callbacks
):
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tasks.services import assignment_report_progress

    own = tasks["own"].assignments.get(unit=selfcheck_x.unit)
    content = PDF + b"%progress"
    report = assignment_report_progress(
        assignment=own,
        user=liaison_x,
        percent=40,
        text="已走访重点企业",
        attachment=SimpleUploadedFile("走访记录.pdf", content, content_type="application/pdf"),
    )
    assignment_report_progress(assignment=own, user=liaison_x, percent=50, text="无附件的进展")

    rows = {r.key: r for r in unit_rows(campaign=selfcheck_x.campaign, unit=selfcheck_x.unit)}
    assert [line.report.pk for line in rows[f"a{own.pk}"].attachments] == [report.pk]
    client.force_login(liaison_x)
    page = client.get(reverse("inspections:selfcheck", args=[selfcheck_x.pk])).content.decode()
    assert reverse("tasks:report-attachment", args=[report.pk]) in page and "走访记录.pdf" in page

    answer_all(selfcheck_x, liaison_x)
    flat = "".join(report_text(selfcheck_x, django_capture_on_commit_callbacks, liaison_x).split())
    assert "走访记录.pdf" in flat
    assert hashlib.sha256(content).hexdigest() in flat


def test_a_report_sent_back_is_still_answered_after_the_campaign_closes(selfcheck_x, selfcheck_y, liaison_x, office_a):
    """Closing ends the drafts, not a report the office sent back: the unit is not left stuck."""
    from datetime import timedelta

    from inspections.reminders import _selfcheck_messages

    answer_all(selfcheck_x, liaison_x)
    services.selfcheck_submit(selfcheck=selfcheck_x, user=liaison_x, render=False)
    services.selfcheck_return(selfcheck=selfcheck_x, user=office_a, reason="补充具体措施")
    services.campaign_close(campaign=selfcheck_x.campaign, user=office_a)
    selfcheck_x.refresh_from_db()
    selfcheck_y.refresh_from_db()
    assert selfcheck_x.is_editable and not selfcheck_y.is_editable

    key = next(iter(services.row_keys(campaign=selfcheck_x.campaign, unit=selfcheck_x.unit)))
    services.selfcheck_save(selfcheck=selfcheck_x, user=liaison_x, answers={key: {"status": "done", "gaps": "已补充"}})
    services.selfcheck_submit(selfcheck=selfcheck_x, user=liaison_x, render=False)
    selfcheck_x.refresh_from_db()
    assert selfcheck_x.status == SelfCheck.Status.SUBMITTED
    with pytest.raises(ValidationError, match="已经结束"):  # a draft of a closed campaign is not
        services.selfcheck_save(selfcheck=selfcheck_y, user=liaison_x, answers={})
    # A report sent back once the campaign has closed can be answered too, and is reminded of.
    services.selfcheck_return(selfcheck=selfcheck_x, user=office_a, reason="再补充成效")
    due = selfcheck_x.campaign.due_date
    reminded = {m[5] for m in _selfcheck_messages(due + timedelta(days=3))}
    assert reverse("inspections:selfcheck", args=[selfcheck_x.pk]) in reminded
    assert reverse("inspections:selfcheck", args=[selfcheck_y.pk]) not in reminded


def test_a_returned_report_in_a_closed_campaign_shows_its_form(client, selfcheck_x, liaison_x, office_a):
    answer_all(selfcheck_x, liaison_x)
    services.selfcheck_submit(selfcheck=selfcheck_x, user=liaison_x, render=False)
    services.selfcheck_return(selfcheck=selfcheck_x, user=office_a, reason="补充具体措施")
    services.campaign_close(campaign=selfcheck_x.campaign, user=office_a)
    client.force_login(liaison_x)
    page = client.get(reverse("inspections:selfcheck", args=[selfcheck_x.pk])).content.decode()
    assert 'id="selfcheck-form"' in page and "退回的报告仍可修改后重新报送" in page


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_answers_get_the_width_of_the_report_not_the_status(
    selfcheck_x, liaison_x, django_capture_on_commit_callbacks
):
    """开展情况 runs in lines of 15 characters or more, not 4 or 5 (A4, 10 pt), beside a gap of the same
    length and a 不适用 with its reason (the status column once widened to the reason's length)."""
    done, gaps = "措施落实到位" * 6, "台账资料有待完善" * 4
    keys = services.row_keys(campaign=selfcheck_x.campaign, unit=selfcheck_x.unit)
    answers = {key: {"status": "done", "done_text": done, "gaps": gaps} for key in keys}
    answers[next(iter(keys))].update(status="na", na_reason="本单位不承担该项具体职能（演示数据）。")
    services.selfcheck_save(selfcheck=selfcheck_x, user=liaison_x, answers=answers)
    text = report_text(selfcheck_x, django_capture_on_commit_callbacks, liaison_x)
    longest = max(len(run) for line in text.splitlines() for run in re.findall("[措施落实到位]+", line))
    assert longest >= 15, text[:2000]
