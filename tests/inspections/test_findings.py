"""Findings: recorded with a photo, answered by the unit, re-checked (销号 or 退回), overdue
reminders on the assignments' schedule, and the lifecycle refusing to leave 整改 with a 严重 one open."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from inspections import findings as fs
from inspections.models import Finding, FindingEvent, FindingFile
from inspections.reminders import inspection_reminders_send
from inspections.selectors import finding_state_table
from notifications.models import Notification
from tasks.supervision_services import supervision_run
from zones.models import Zone
from zones.services import zone_transition

from .conftest import upload

pytestmark = pytest.mark.django_db
Status = Finding.Status


def raise_finding(evaluation, user, severity="general", days=10, **kwargs):
    return fs.finding_create(
        evaluation=evaluation,
        user=user,
        title=kwargs.pop("title", "网络交易监测台账未按月更新"),
        severity=severity,
        deadline=timezone.localdate() + timedelta(days=days),
        **kwargs,
    )


def test_a_finding_with_a_photo_is_numbered_linked_and_told_to_the_unit(
    evaluation_x, evaluator_a, liaison_x, items, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        finding = raise_finding(
            evaluation_x, evaluator_a, location="市商务局三楼档案室", target=f"i{items['13'].pk}", files=[upload()]
        )
    assert (finding.number, finding.status, finding.indicator, finding.unit) == (
        1,
        Status.PENDING,
        items["13"],
        evaluation_x.unit,
    )
    photo = finding.files.get()
    assert (photo.purpose, photo.content_type, len(photo.sha256)) == ("finding", "image/png", 64)
    assert (Path(settings.MEDIA_ROOT) / photo.stored_name).is_file()
    assert Notification.objects.get(recipient=liaison_x).url == reverse("inspections:finding", args=[finding.pk])
    assert raise_finding(evaluation_x, evaluator_a).number == 2


def test_a_bad_photo_or_target_records_nothing(evaluation_x, evaluator_a, items, media_root):
    with pytest.raises(ValidationError, match="内容与扩展名不符"):
        raise_finding(evaluation_x, evaluator_a, files=[upload("照片.png", b"GIF89a not really")])
    with pytest.raises(ValidationError, match="不属于该单位"):
        raise_finding(evaluation_x, evaluator_a, target=f"i{items['20'].pk}")
    with pytest.raises(ValidationError, match="整改时限不能早于今天"):
        raise_finding(evaluation_x, evaluator_a, days=-1)
    assert not Finding.objects.exists() and not FindingFile.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]


def test_answer_recheck_and_close(evaluation_x, evaluator_a, liaison_x, django_capture_on_commit_callbacks):
    finding = raise_finding(evaluation_x, evaluator_a)
    fs.finding_answer(finding=finding, user=liaison_x, text="已安排专人更新台账", submit=False)
    assert finding.status == Status.RECTIFYING
    with pytest.raises(ValidationError, match="不能执行此操作"):
        fs.finding_recheck(finding=finding, user=evaluator_a, close=True)
    with django_capture_on_commit_callbacks(execute=True):
        fs.finding_answer(
            finding=finding,
            user=liaison_x,
            text="台账已补齐并建立月度更新制度",
            submit=True,
            files=[upload("台账.png")],
        )
    assert finding.status == Status.RECHECK and finding.response == "台账已补齐并建立月度更新制度"
    assert Notification.objects.filter(recipient=evaluator_a, title__startswith="待复核").exists()
    fs.finding_recheck(finding=finding, user=evaluator_a, close=True, reason="现场核实已整改")
    assert (finding.status, finding.closed_by) == (Status.CLOSED, evaluator_a)
    assert [e.kind for e in finding.events.order_by("at", "pk")] == ["raised", "progress", "answered", "closed"]
    assert finding.files.get(purpose="rectification").event.kind == FindingEvent.Kind.ANSWERED
    with pytest.raises(ValidationError, match="不能执行此操作"):
        fs.finding_answer(finding=finding, user=liaison_x, text="再补充", submit=True)


def test_recheck_sends_back_with_a_reason_and_the_unit_answers_again(
    evaluation_x, evaluator_a, liaison_x, django_capture_on_commit_callbacks
):
    finding = raise_finding(evaluation_x, evaluator_a)
    fs.finding_answer(finding=finding, user=liaison_x, text="已整改", submit=True)
    with pytest.raises(ValidationError, match="必须填写理由"):
        fs.finding_recheck(finding=finding, user=evaluator_a, close=False, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        fs.finding_recheck(finding=finding, user=evaluator_a, close=False, reason="缺少制度文件")
    assert finding.status == Status.RETURNED
    notice = Notification.objects.get(recipient=liaison_x, kind=Notification.Kind.FINDING_RETURNED)
    assert "缺少制度文件" in notice.body
    fs.finding_answer(finding=finding, user=liaison_x, text="已补充制度文件", submit=True)
    assert finding.status == Status.RECHECK


def test_the_state_table_counts_per_unit_and_item(evaluation_x, evaluator_a, liaison_x, campaign, items):
    one = raise_finding(evaluation_x, evaluator_a, target=f"i{items['13'].pk}")
    raise_finding(evaluation_x, evaluator_a, target=f"i{items['13'].pk}")
    fs.finding_answer(finding=one, user=liaison_x, text="已整改", submit=True)
    by_unit = finding_state_table(campaign=campaign, by="unit")
    assert [(r["label"], r["total"]) for r in by_unit] == [("甲市商务局", 2)]
    statuses = list(Finding.Status.values)
    assert by_unit[0]["cells"][statuses.index("recheck")] == 1
    assert by_unit[0]["cells"][statuses.index("pending")] == 1
    by_item = finding_state_table(campaign=campaign, by="item")
    assert by_item[0]["label"].startswith("13 ")


def test_the_zone_cannot_leave_rectification_while_a_serious_finding_is_open(
    evaluation_x, evaluator_a, liaison_x, zone_a, office_a
):
    serious = raise_finding(evaluation_x, evaluator_a, severity="serious", title="投诉处理超期未办结")
    raise_finding(evaluation_x, evaluator_a, severity="major")
    Zone.objects.filter(pk=zone_a.pk).update(status=Zone.Status.RECTIFICATION)
    zone_a.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        zone_transition(zone=zone_a, user=office_a, to_status=Zone.Status.PROVINCIAL_REVIEW)
    message = " ".join(refused.value.messages)
    assert "问题1" in message and "甲市商务局" in message and "投诉处理超期未办结" in message and "待整改" in message
    assert "问题2" not in message
    zone_a.refresh_from_db()
    assert zone_a.status == Zone.Status.RECTIFICATION and not zone_a.transitions.exists()
    fs.finding_answer(finding=serious, user=liaison_x, text="已办结", submit=True)
    fs.finding_recheck(finding=serious, user=evaluator_a, close=True)
    zone_transition(zone=zone_a, user=office_a, to_status=Zone.Status.PROVINCIAL_REVIEW)
    assert zone_a.status == Zone.Status.PROVINCIAL_REVIEW


def test_an_open_serious_finding_does_not_block_other_moves(evaluation_x, evaluator_a, zone_a, office_a):
    raise_finding(evaluation_x, evaluator_a, severity="serious")
    Zone.objects.filter(pk=zone_a.pk).update(status=Zone.Status.CREATING)
    zone_a.refresh_from_db()
    zone_transition(zone=zone_a, user=office_a, to_status=Zone.Status.SELF_ASSESSMENT)
    Zone.objects.filter(pk=zone_a.pk).update(status=Zone.Status.CITY_REVIEW)  # the 自评 round's move
    zone_transition(zone=zone_a, user=office_a, to_status=Zone.Status.RECTIFICATION)
    assert zone_a.status == Zone.Status.RECTIFICATION


def test_overdue_findings_and_late_self_checks_join_the_morning_supervision(
    evaluation_x, evaluator_a, liaison_x, campaign, selfcheck_x
):
    finding = raise_finding(evaluation_x, evaluator_a, days=7)
    due = finding.deadline
    today = timezone.localdate()
    # 7 days before: the first reminder, through the tasks app's morning job
    result = supervision_run(today=today)
    titles = list(Notification.objects.filter(recipient=liaison_x).values_list("title", flat=True))
    assert any("还有 7 天到整改时限" in t for t in titles)
    assert result.notifications >= 1
    assert inspection_reminders_send(today=today) == 0  # idempotent

    def finding_keys():
        return set(
            Notification.objects.filter(
                recipient=liaison_x, dedupe_key__startswith=f"finding:{finding.pk}:"
            ).values_list("dedupe_key", flat=True)
        )

    inspection_reminders_send(today=due)  # nothing on the day itself
    assert finding_keys() == {f"finding:{finding.pk}:{due}:due-7"}
    inspection_reminders_send(today=due + timedelta(days=1))
    inspection_reminders_send(today=due + timedelta(days=2))
    assert finding_keys() == {f"finding:{finding.pk}:{due}:due-7", f"finding:{finding.pk}:{due}:overdue-0"}
    overdue = Notification.objects.get(dedupe_key=f"finding:{finding.pk}:{due}:overdue-0")
    assert overdue.kind == Notification.Kind.FINDING_OVERDUE and "已逾期 1 天" in overdue.title
    # a closed finding is not reminded again
    fs.finding_answer(finding=finding, user=liaison_x, text="已整改", submit=True)
    fs.finding_recheck(finding=finding, user=evaluator_a, close=True)
    inspection_reminders_send(today=due + timedelta(days=4))
    assert f"finding:{finding.pk}:{due}:overdue-1" not in finding_keys()
    # the self-check, due in 10 days and not submitted, is overdue the day after
    inspection_reminders_send(today=campaign.due_date + timedelta(days=1))
    assert Notification.objects.filter(
        recipient=liaison_x, kind=Notification.Kind.OVERDUE, dedupe_key__startswith=f"selfcheck:{selfcheck_x.pk}:"
    ).exists()


def test_the_liaison_answers_and_the_evaluator_closes_through_the_pages(
    client, evaluation_x, evaluator_a, liaison_x, unit_y
):
    client.force_login(evaluator_a)
    response = client.post(
        reverse("inspections:finding-create", args=[evaluation_x.pk]),
        {
            "title": "宣传资料未更新",
            "severity": "general",
            "deadline": date(2030, 1, 1).isoformat(),
            "files": [upload()],
        },
    )
    finding = Finding.objects.get()
    assert response["Location"] == reverse("inspections:finding", args=[finding.pk])
    client.force_login(liaison_x)
    assert (
        client.post(reverse("inspections:finding-recheck", args=[finding.pk]), {"decision": "close"}).status_code == 403
    )
    client.post(reverse("inspections:finding-answer", args=[finding.pk]), {"text": "已更新", "action": "submit"})
    client.force_login(evaluator_a)
    client.post(reverse("inspections:finding-recheck", args=[finding.pk]), {"decision": "close"})
    finding.refresh_from_db()
    assert finding.status == Status.CLOSED
    page = client.get(reverse("inspections:finding", args=[finding.pk]))
    assert "已销号" in page.content.decode()
    photo = finding.files.get()
    assert client.get(reverse("inspections:finding-file", args=[finding.pk, photo.pk])).status_code == 200
