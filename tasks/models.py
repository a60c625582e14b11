"""Tasks of a zone's work plan, split per responsible unit (Assignment), with history.

A Task is one line of the plan's 主要任务 (e.g. 001's "加大政策扶持力度"); each
responsible unit gets one Assignment whose status and progress the unit's liaison
reports and the zone's office confirms. Every change is an AssignmentEvent row
(who, when, from, to, why) — nothing is overwritten without a trace.

Names for the 牵头单位: a task may have several lead units (000 has tasks with two
or three), so "lead" is a flag on the assignment rather than one FK on the task.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Task(models.Model):
    class Priority(models.TextChoices):
        HIGH = "high", "高"
        MEDIUM = "medium", "中"
        LOW = "low", "低"

    zone = models.ForeignKey("zones.Zone", verbose_name="创建对象", on_delete=models.CASCADE, related_name="tasks")
    number = models.CharField("序号", max_length=20, blank=True, help_text="工作方案中的任务序号，如“1”。")
    title = models.CharField("任务", max_length=200)
    description = models.TextField("工作内容", blank=True)
    category = models.CharField("任务类别", max_length=100, blank=True, help_text="如“促进网络经济高效发展”。")
    units = models.ManyToManyField(
        "zones.Unit", verbose_name="责任单位", through="Assignment", related_name="tasks", blank=True
    )
    indicators = models.ManyToManyField(
        "indicators.Indicator",
        verbose_name="关联指标",
        related_name="tasks",
        blank=True,
        help_text="只能关联本创建对象所用指标体系的三级指标。",
    )
    stage = models.ForeignKey(
        "zones.Stage",
        verbose_name="实施阶段",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
        help_text="留空则按完成时限归入所在阶段。",
    )
    deadline = models.DateField("完成时限")
    priority = models.CharField("优先级", max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    position = models.PositiveIntegerField("排序", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = "任务"
        ordering = ["zone", "position", "id"]

    def __str__(self) -> str:
        return f"{self.number}.{self.title}" if self.number else self.title


class Assignment(models.Model):
    """One responsible unit's share of a task."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未开始"
        IN_PROGRESS = "in_progress", "进行中"
        COMPLETED = "completed", "已完成"
        OVERDUE = "overdue", "逾期"

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        "zones.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="assignments"
    )
    is_lead = models.BooleanField("牵头单位", default=False)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    due_date = models.DateField("完成时限")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "任务分工"
        verbose_name_plural = "任务分工"
        ordering = ["task", "-is_lead", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="assignment_unique_unit_in_task"),
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="assignment_progress_0_100"),
            # 已完成 means 100%; only a completed assignment can be confirmed.
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(progress=100), name="assignment_completed_is_100"
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(status="completed"),
                name="assignment_confirmed_is_completed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.unit}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_pending_confirmation(self) -> bool:
        return self.status == self.Status.COMPLETED and self.confirmed_at is None

    @property
    def is_overdue(self) -> bool:
        """Stored 逾期 (set by the supervision job), or past its due date and not completed."""
        if self.status == self.Status.COMPLETED:
            return False
        return self.status == self.Status.OVERDUE or self.due_date < timezone.localdate()

    @property
    def display_status(self) -> str:
        return self.Status.OVERDUE if self.is_overdue else self.status

    def get_display_status_display(self) -> str:
        if self.is_pending_confirmation:
            return "已完成（待确认）"
        return self.Status(self.display_status).label


def report_attachment_path(instance: ProgressReport, filename: str) -> str:
    """A server-generated name: the user's file name is kept only in ``attachment_name``."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"tasks/reports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ProgressReport(models.Model):
    """A liaison's report on an assignment: what was done, how far, optional evidence file."""

    assignment = models.ForeignKey(
        Assignment, verbose_name="任务分工", on_delete=models.CASCADE, related_name="reports"
    )
    text = models.TextField("进展情况")
    percent = models.PositiveSmallIntegerField("进度（%）")
    reason = models.CharField("进度下调原因", max_length=500, blank=True)
    attachment = models.FileField("附件", upload_to=report_attachment_path, blank=True, max_length=200)
    attachment_name = models.CharField("附件原名", max_length=200, blank=True)
    attachment_size = models.PositiveIntegerField("附件大小（字节）", null=True, blank=True)
    attachment_type = models.CharField("附件类型", max_length=10, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("填报时间", default=timezone.now)

    class Meta:
        verbose_name = "进展填报"
        verbose_name_plural = "进展填报"
        ordering = ["assignment", "-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__gte=0, percent__lte=100), name="progress_report_percent_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} {self.percent}%"


class AssignmentEvent(models.Model):
    """One change of an assignment: who, when, from which status to which, and why."""

    class Kind(models.TextChoices):
        CREATED = "created", "分派任务"
        PROGRESS = "progress", "填报进展"
        SUBMITTED = "submitted", "提交完成"
        CONFIRMED = "confirmed", "确认完成"
        SENT_BACK = "sent_back", "退回"
        REOPENED = "reopened", "重新打开"
        DUE_CHANGED = "due_changed", "调整完成时限"
        OVERDUE = "overdue", "逾期"  # set by the supervision job (tasks/supervision_services.py)

    assignment = models.ForeignKey(Assignment, verbose_name="任务分工", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事件", max_length=20, choices=Kind.choices)
    from_status = models.CharField("原状态", max_length=20, choices=Assignment.Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=Assignment.Status.choices, blank=True)
    percent = models.PositiveSmallIntegerField("进度（%）", null=True, blank=True)
    due_date = models.DateField("完成时限", null=True, blank=True, help_text="调整完成时限时记录新的时限。")
    reason = models.TextField("说明", blank=True)
    report = models.ForeignKey(
        ProgressReport, verbose_name="进展填报", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", default=timezone.now)

    class Notice(models.TextChoices):
        """The liaisons' notice of a send-back, a Celery job (tasks.jobs.notify_assignment_sent_back)."""

        NONE = "", "无需通知"
        WAITING = "waiting", "等待任务队列"  # the broker was unreachable: the beat job sends it
        SENT = "sent", "已发送"  # handed to the broker
        DONE = "done", "已通知"
        FAILED = "failed", "未能发送"  # sent again for a day without the job finishing

    notice = models.CharField("通知", max_length=10, choices=Notice.choices, default=Notice.NONE, blank=True)
    notice_at = models.DateTimeField("通知状态时间", null=True, blank=True)

    class Meta:
        verbose_name = "任务分工记录"
        verbose_name_plural = "任务分工记录"
        ordering = ["assignment", "at", "id"]
        indexes = [
            # the beat job's sweep for notices not sent or not finished (assignment_notices_resend)
            models.Index(
                fields=["notice"], condition=models.Q(notice__in=["waiting", "sent"]), name="event_notice_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} {self.get_kind_display()}"
