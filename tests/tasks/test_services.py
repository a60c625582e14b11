"""Task and assignment services: creation, progress rules, confirm / send back, history rows."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from indicators.models import Indicator
from tasks.models import Assignment, AssignmentEvent, ProgressReport, Task
from tasks.services import (
    assignment_change_due_date,
    assignment_confirm,
    assignment_report_progress,
    assignment_send_back,
    task_create,
    task_update,
)
from tests.tasks.conftest import DEADLINE
from zones.models import Stage

pytestmark = pytest.mark.django_db

Status = Assignment.Status
Kind = AssignmentEvent.Kind


def kinds(assignment):
    return list(assignment.events.order_by("at", "id").values_list("kind", flat=True))


# ------------------------------------------------------------------- creation


def test_creation_makes_one_assignment_per_unit_with_a_created_event(task_xy, unit_x, unit_y, office_a):
    assignments = {a.unit_id: a for a in task_xy.assignments.all()}
    assert set(assignments) == {unit_x.pk, unit_y.pk}
    assert assignments[unit_x.pk].is_lead and not assignments[unit_y.pk].is_lead
    for a in assignments.values():
        assert (a.status, a.progress, a.due_date) == (Status.NOT_STARTED, 0, DEADLINE)
        event = a.events.get()
        assert (event.kind, event.to_status, event.by) == (Kind.CREATED, Status.NOT_STARTED, office_a)
    assert sorted(task_xy.indicators.values_list("code", flat=True)) == ["1", "3"]
    assert task_xy.created_by == office_a


def test_lead_units_are_responsible_units_too(zone_a, unit_x, unit_y):
    task = task_create(zone=zone_a, title="任务", deadline=DEADLINE, unit_ids=[unit_y.pk], lead_unit_ids=[unit_x.pk])
    assert set(task.assignments.values_list("unit_id", "is_lead")) == {(unit_x.pk, True), (unit_y.pk, False)}


def test_a_unit_of_another_zone_is_refused_and_nothing_is_created(zone_a, unit_x, unit_b):
    with pytest.raises(ValidationError) as exc:
        task_create(zone=zone_a, title="任务", deadline=DEADLINE, unit_ids=[unit_x.pk, unit_b.pk])
    assert f"责任单位（编号 {unit_b.pk}）不存在。" in exc.value.messages
    assert not any("乙" in message for message in exc.value.messages)  # another zone's names stay unseen
    assert not Task.objects.exists() and not Assignment.objects.exists() and not AssignmentEvent.objects.exists()


def test_indicators_must_be_level_3_of_the_zones_system(zone_a, unit_x):
    level1 = Indicator.objects.filter(system=zone_a.system, level=1).first()
    with pytest.raises(ValidationError) as exc:
        task_create(zone=zone_a, title="任务", deadline=DEADLINE, unit_ids=[unit_x.pk], indicator_ids=[level1.pk])
    assert f"指标“{level1.code} {level1.name}”不是本创建对象所用指标体系的三级指标。" in exc.value.messages
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": " "}, "任务名称不能为空。"),
        ({"deadline": None}, "请填写完成时限。"),
        ({"unit_ids": []}, "请至少选择一个责任单位。"),
        ({"priority": "urgent"}, "优先级应为 高、中 或 低。"),
        ({"unit_ids": [987654]}, "责任单位（编号 987654）不存在。"),
    ],
)
def test_creation_rules(zone_a, unit_x, kwargs, message):
    data = {"zone": zone_a, "title": "任务", "deadline": DEADLINE, "unit_ids": [unit_x.pk], **kwargs}
    with pytest.raises(ValidationError) as exc:
        task_create(**data)
    assert message in exc.value.messages
    assert not Task.objects.exists()


def test_stage_defaults_from_the_deadline_and_must_be_the_zones(zone_a, zone_b, unit_x):
    Stage.objects.create(zone=zone_a, name="启动部署", start=date(2030, 1, 1), end=date(2030, 3, 31), position=1)
    organise = Stage.objects.create(
        zone=zone_a, name="组织实施", start=date(2030, 4, 1), end=date(2030, 12, 31), position=2
    )
    task = task_create(zone=zone_a, title="任务", deadline=date(2030, 6, 30), unit_ids=[unit_x.pk])
    assert task.stage == organise
    other = Stage.objects.create(zone=zone_b, name="组织实施", start=date(2030, 1, 1), end=date(2030, 12, 31))
    with pytest.raises(ValidationError, match="实施阶段不属于本创建对象"):
        task_create(zone=zone_a, title="任务二", deadline=DEADLINE, unit_ids=[unit_x.pk], stage=other)


# ---------------------------------------------------------------------- update


def test_update_adds_units_moves_due_dates_and_keeps_a_units_own_due_date(task_xy, zone_a, unit_x, unit_y, office_a):
    own = date(2030, 6, 30)
    assignment_change_due_date(
        assignment=task_xy.assignments.get(unit=unit_y), due_date=own, reason="提前", user=office_a
    )
    unit_z = zone_a.units.create(name="甲市财政局", short_name="财政局")
    new_deadline = date(2031, 3, 31)
    task_update(
        task=task_xy,
        title="加大政策扶持力度（修订）",
        deadline=new_deadline,
        unit_ids=[unit_x.pk, unit_y.pk, unit_z.pk],
        lead_unit_ids=[unit_x.pk],
        user=office_a,
    )
    due = dict(task_xy.assignments.values_list("unit_id", "due_date"))
    assert due == {unit_x.pk: new_deadline, unit_y.pk: own, unit_z.pk: new_deadline}
    x = task_xy.assignments.get(unit=unit_x)
    assert kinds(x) == [Kind.CREATED, Kind.DUE_CHANGED]
    assert x.events.last().due_date == new_deadline
    assert kinds(task_xy.assignments.get(unit=unit_z)) == [Kind.CREATED]
    assert list(task_xy.indicators.all()) == []


def test_a_unit_that_has_reported_cannot_be_removed(task_xy, assignment_y, liaison_y, unit_x):
    assignment_report_progress(assignment=assignment_y, user=liaison_y, percent=10, text="已启动")
    with pytest.raises(ValidationError, match="单位“甲市统计局”已填报进展，不能移出该任务。"):
        task_update(task=task_xy, title="任务", deadline=DEADLINE, unit_ids=[unit_x.pk])
    assert task_xy.assignments.count() == 2


def test_a_unit_without_reports_can_be_removed(task_xy, unit_x, unit_y):
    task_update(task=task_xy, title="任务", deadline=DEADLINE, unit_ids=[unit_x.pk])
    assert list(task_xy.assignments.values_list("unit_id", flat=True)) == [unit_x.pk]


# -------------------------------------------------------------------- progress


def test_liaison_reports_progress_and_history_records_it(assignment_x, liaison_x):
    report = assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=50, text="已起草政策")
    assignment_x.refresh_from_db()
    assert (assignment_x.status, assignment_x.progress) == (Status.IN_PROGRESS, 50)
    assert (report.percent, report.text, report.by) == (50, "已起草政策", liaison_x)
    event = assignment_x.events.order_by("id").last()
    assert (event.kind, event.from_status, event.to_status, event.percent, event.by, event.report) == (
        Kind.PROGRESS,
        Status.NOT_STARTED,
        Status.IN_PROGRESS,
        50,
        liaison_x,
        report,
    )


@pytest.mark.parametrize(
    ("percent", "text", "message"),
    [
        (101, "x", "进度应为 0 到 100 之间的整数。"),
        (-1, "x", "进度应为 0 到 100 之间的整数。"),
        ("abc", "x", "进度应为 0 到 100 之间的整数。"),
        (20, "  ", "请填写进展情况。"),
    ],
)
def test_progress_rules(assignment_x, liaison_x, percent, text, message):
    with pytest.raises(ValidationError) as exc:
        assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=percent, text=text)
    assert message in exc.value.messages
    assignment_x.refresh_from_db()
    assert assignment_x.progress == 0 and not ProgressReport.objects.exists()
    assert kinds(assignment_x) == [Kind.CREATED]


def test_progress_may_go_down_only_with_a_reason(assignment_x, liaison_x):
    assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=60, text="过半")
    with pytest.raises(ValidationError, match="进度低于上次填报的 60%，请说明原因。"):
        assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=40, text="重新评估")
    assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=40, text="重新评估", reason="方案调整")
    assignment_x.refresh_from_db()
    assert assignment_x.progress == 40
    assert assignment_x.events.order_by("id").last().reason == "方案调整"


def test_liaison_cannot_report_on_another_units_assignment(assignment_y, liaison_x):
    with pytest.raises(PermissionDenied):
        assignment_report_progress(assignment=assignment_y, user=liaison_x, percent=50, text="越权")
    assert not ProgressReport.objects.exists()


def test_office_does_not_report_for_a_unit(assignment_x, office_a):
    with pytest.raises(PermissionDenied):
        assignment_report_progress(assignment=assignment_x, user=office_a, percent=50, text="代填")


def test_100_percent_completes_pending_confirmation(assignment_x, liaison_x):
    assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=100, text="已完成")
    assignment_x.refresh_from_db()
    assert assignment_x.status == Status.COMPLETED and assignment_x.is_pending_confirmation
    assert kinds(assignment_x)[-1] == Kind.SUBMITTED


# ------------------------------------------------------------ confirm / back


def test_office_confirms_a_completed_assignment(assignment_x, liaison_x, office_a):
    assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=100, text="已完成")
    assignment_confirm(assignment=assignment_x, user=office_a)
    assignment_x.refresh_from_db()
    assert assignment_x.is_confirmed and assignment_x.confirmed_by == office_a
    event = assignment_x.events.order_by("id").last()
    assert (event.kind, event.from_status, event.to_status, event.by) == (
        Kind.CONFIRMED,
        Status.COMPLETED,
        Status.COMPLETED,
        office_a,
    )
    with pytest.raises(ValidationError, match="不能再填报进展"):
        assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=100, text="再报")


def test_only_a_pending_assignment_can_be_confirmed(assignment_x, office_a):
    with pytest.raises(ValidationError, match="只有已完成且待确认的任务分工可以确认。"):
        assignment_confirm(assignment=assignment_x, user=office_a)
    assert kinds(assignment_x) == [Kind.CREATED]


def test_send_back_needs_a_reason_and_keeps_the_progress(assignment_x, liaison_x, office_a):
    assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=100, text="已完成")
    with pytest.raises(ValidationError, match="退回须填写原因。"):
        assignment_send_back(assignment=assignment_x, user=office_a, reason=" ")
    assignment_send_back(assignment=assignment_x, user=office_a, reason="缺少佐证材料")
    assignment_x.refresh_from_db()
    assert (assignment_x.status, assignment_x.progress) == (Status.IN_PROGRESS, 100)
    event = assignment_x.events.order_by("id").last()
    assert (event.kind, event.from_status, event.to_status, event.reason, event.by) == (
        Kind.SENT_BACK,
        Status.COMPLETED,
        Status.IN_PROGRESS,
        "缺少佐证材料",
        office_a,
    )
    # The unit re-submits at 100% without needing a reason.
    assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=100, text="已补充材料")
    assignment_x.refresh_from_db()
    assert assignment_x.is_pending_confirmation


def test_a_confirmed_assignment_sent_back_is_reopened(assignment_x, liaison_x, office_a):
    assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=100, text="已完成")
    assignment_confirm(assignment=assignment_x, user=office_a)
    assignment_send_back(assignment=assignment_x, user=office_a, reason="复核发现问题")
    assignment_x.refresh_from_db()
    assert not assignment_x.is_confirmed and assignment_x.status == Status.IN_PROGRESS
    assert kinds(assignment_x) == [Kind.CREATED, Kind.SUBMITTED, Kind.CONFIRMED, Kind.REOPENED]


@pytest.mark.parametrize("persona", ["liaison_x", "reviewer_fujian", "evaluator_a", "office_b"])
def test_only_the_office_confirms_or_sends_back(request, assignment_x, liaison_x, persona):
    assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=100, text="已完成")
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        assignment_confirm(assignment=assignment_x, user=user)
    with pytest.raises(PermissionDenied):
        assignment_send_back(assignment=assignment_x, user=user, reason="越权")
    assignment_x.refresh_from_db()
    assert assignment_x.is_pending_confirmation
    assert kinds(assignment_x) == [Kind.CREATED, Kind.SUBMITTED]


# --------------------------------------------------------------------- overdue


def test_overdue_is_computed_for_display_when_due_passed(assignment_x, liaison_x, office_a):
    yesterday = timezone.localdate() - timedelta(days=1)
    assignment_change_due_date(assignment=assignment_x, due_date=yesterday, reason="压茬推进", user=office_a)
    assignment_x.refresh_from_db()
    assert assignment_x.status == Status.NOT_STARTED and assignment_x.is_overdue
    assert assignment_x.display_status == Status.OVERDUE
    assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=100, text="已完成")
    assignment_x.refresh_from_db()
    assert not assignment_x.is_overdue


def test_a_stored_overdue_clears_when_the_due_date_moves_ahead(assignment_x, office_a):
    Assignment.objects.filter(pk=assignment_x.pk).update(
        status=Status.OVERDUE, due_date=timezone.localdate() - timedelta(days=3)
    )
    assignment_change_due_date(assignment=assignment_x, due_date=DEADLINE, reason="延期", user=office_a)
    assignment_x.refresh_from_db()
    assert assignment_x.status == Status.NOT_STARTED and not assignment_x.is_overdue
    event = assignment_x.events.order_by("id").last()
    assert (event.kind, event.from_status, event.to_status, event.due_date, event.reason) == (
        Kind.DUE_CHANGED,
        Status.OVERDUE,
        Status.NOT_STARTED,
        DEADLINE,
        "延期",
    )


# ------------------------------------------------------------------ attachment


def test_a_report_attachment_is_stored_under_a_server_name(assignment_x, liaison_x, media_root):
    pdf = SimpleUploadedFile("../../进展 材料.pdf", b"%PDF-1.7\n...", content_type="application/pdf")
    report = assignment_report_progress(
        assignment=assignment_x, user=liaison_x, percent=30, text="附材料", attachment=pdf
    )
    assert report.attachment_type == "pdf" and report.attachment_size == len(b"%PDF-1.7\n...")
    assert "进展" not in report.attachment.name and report.attachment.name.startswith("tasks/reports/")
    assert (media_root / report.attachment.name).read_bytes().startswith(b"%PDF-")


def test_a_bad_attachment_changes_nothing(assignment_x, liaison_x, media_root):
    fake = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="不是有效的 PDF 文件"):
        assignment_report_progress(assignment=assignment_x, user=liaison_x, percent=30, text="附材料", attachment=fake)
    assignment_x.refresh_from_db()
    assert assignment_x.progress == 0 and not ProgressReport.objects.exists()
    assert not any(p.is_file() for p in media_root.rglob("*"))
