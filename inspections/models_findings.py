"""Findings (问题) of the 市级考评 and their way through 整改 to 复核 and 销号.

待整改 (raised) → 整改中 (the unit has started) → 待复核 (the unit answered) → 已销号
(an evaluator closed it) or 退回 (sent back with a reason; the unit answers again).
Every move is a ``FindingEvent``; photos and documents are ``FindingFile`` rows, checked
by content exactly as evidence uploads are.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

__all__ = ["Finding", "FindingEvent", "FindingFile", "Severity"]

USER = settings.AUTH_USER_MODEL


class Severity(models.TextChoices):
    GENERAL = "general", "一般"
    MAJOR = "major", "较重"
    SERIOUS = "serious", "严重"


class Finding(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待整改"
        RECTIFYING = "rectifying", "整改中"
        RECHECK = "recheck", "待复核"
        CLOSED = "closed", "已销号"
        RETURNED = "returned", "退回"

    OPEN = (Status.PENDING, Status.RECTIFYING, Status.RECHECK, Status.RETURNED)

    campaign = models.ForeignKey(
        "inspections.Campaign", verbose_name="自查考评", on_delete=models.CASCADE, related_name="findings"
    )
    evaluation = models.ForeignKey(
        "inspections.Evaluation", verbose_name="单位考评", on_delete=models.CASCADE, related_name="findings"
    )
    unit = models.ForeignKey("zones.Unit", verbose_name="责任单位", on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name="三级指标",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assignment = models.ForeignKey(
        "tasks.Assignment", verbose_name="任务", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    number = models.PositiveIntegerField("编号", help_text="在本次考评中的顺序号。")
    title = models.TextField("问题描述")
    location = models.CharField("发现地点", max_length=200, blank=True)
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    deadline = models.DateField("整改时限")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING)
    response = models.TextField("整改情况", blank=True, help_text="单位最近一次填写的整改情况。")
    created_by = models.ForeignKey(USER, verbose_name="发现人", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("发现时间", default=timezone.now)
    closed_by = models.ForeignKey(
        USER, verbose_name="销号人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)

    class Meta:
        verbose_name = "考评问题"
        verbose_name_plural = "考评问题"
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="finding_number_once"),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="finding_closed_has_time"
            ),
            models.CheckConstraint(
                condition=Q(indicator__isnull=True) | Q(assignment__isnull=True), name="finding_item_or_task"
            ),
        ]
        indexes = [
            # The findings list and counts: a campaign's findings by unit and status.
            models.Index(fields=["campaign", "unit", "status"], name="finding_campaign_unit_status"),
            # The supervision job: open findings by deadline.
            models.Index(fields=["status", "deadline"], name="finding_status_deadline"),
        ]

    def __str__(self) -> str:
        return f"问题{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline < timezone.localdate()

    @property
    def short_title(self) -> str:
        return self.title if len(self.title) <= 40 else self.title[:39] + "…"


class FindingEvent(models.Model):
    class Kind(models.TextChoices):
        RAISED = "raised", "提出问题"
        PROGRESS = "progress", "填报整改进展"
        ANSWERED = "answered", "提交整改情况"
        CLOSED = "closed", "复核通过（销号）"
        RETURNED = "returned", "复核退回"
        DEADLINE = "deadline", "调整整改时限"

    finding = models.ForeignKey(Finding, verbose_name="考评问题", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事件", max_length=10, choices=Kind.choices)
    from_status = models.CharField("原状态", max_length=12, choices=Finding.Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=Finding.Status.choices, blank=True)
    text = models.TextField("说明", blank=True)
    by = models.ForeignKey(USER, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "考评问题记录"
        verbose_name_plural = "考评问题记录"
        ordering = ["finding", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="returned") | ~Q(text=""),
                name="finding_event_return_has_reason",
                violation_error_message="退回必须填写理由。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.finding} {self.get_kind_display()}"


class FindingFile(models.Model):
    """A photo or document: of the finding (by the evaluator) or of the rectification (by the unit)."""

    class Purpose(models.TextChoices):
        FINDING = "finding", "问题照片或材料"
        RECTIFICATION = "rectification", "整改佐证"

    finding = models.ForeignKey(Finding, verbose_name="考评问题", on_delete=models.CASCADE, related_name="files")
    event = models.ForeignKey(
        FindingEvent, verbose_name="所属记录", null=True, blank=True, on_delete=models.SET_NULL, related_name="files"
    )
    purpose = models.CharField("用途", max_length=15, choices=Purpose.choices)
    stored_name = models.CharField("存储路径", max_length=200, unique=True)
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    content_type = models.CharField("文件类型", max_length=100)
    uploaded_by = models.ForeignKey(USER, verbose_name="上传人", null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "考评问题附件"
        verbose_name_plural = "考评问题附件"
        ordering = ["finding", "uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="finding_file_sha256_hex"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
