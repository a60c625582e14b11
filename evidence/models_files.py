"""Evidence (佐证材料): uploaded documents backing a zone's claim on a level-3 indicator.

Files are versions and never overwritten: a returned piece of evidence gets a
new ``EvidenceFile`` with the next version number and is resubmitted. Every
status change is an ``EvidenceEvent`` row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

__all__ = ["Evidence", "EvidenceEvent", "EvidenceFile", "EvidenceStatus"]


class EvidenceStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    ACCEPTED = "accepted", "已采纳"
    RETURNED = "returned", "退回"


class Evidence(models.Model):
    """One piece of evidence a unit provides for a level-3 indicator of its zone."""

    Status = EvidenceStatus

    zone = models.ForeignKey("zones.Zone", verbose_name="创建对象", on_delete=models.CASCADE, related_name="evidence")
    indicator = models.ForeignKey(
        "indicators.Indicator", verbose_name="三级指标", on_delete=models.PROTECT, related_name="evidence"
    )
    scoring_item = models.ForeignKey(
        "indicators.ScoringItem",
        verbose_name="评分细则",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    # RESTRICT: a unit with evidence cannot be deleted on its own, but deleting the zone removes both.
    unit = models.ForeignKey("zones.Unit", verbose_name="责任单位", on_delete=models.RESTRICT, related_name="evidence")
    title = models.CharField("材料名称", max_length=200)
    description = models.TextField("说明", blank=True)
    effective_date = models.DateField("材料所属日期", null=True, blank=True, help_text="材料所反映情况的日期。")
    status = models.CharField("状态", max_length=12, choices=EvidenceStatus.choices, default=EvidenceStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    return_reason = models.TextField("退回原因", blank=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["-created_at", "-id"]
        constraints = [
            # A returned piece of evidence always tells the unit why.
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="evidence_returned_has_reason",
            ),
            # Accepted or returned means somebody reviewed it.
            models.CheckConstraint(
                condition=~Q(status__in=["accepted", "returned"]) | Q(reviewed_at__isnull=False),
                name="evidence_reviewed_has_time",
            ),
        ]
        indexes = [
            # The office review queue: a zone's evidence by status.
            models.Index(fields=["zone", "status"], name="evidence_zone_status"),
            # Completeness and per-indicator lists.
            models.Index(fields=["zone", "indicator"], name="evidence_zone_indicator"),
            # A liaison's list: their unit's evidence.
            models.Index(fields=["unit", "status"], name="evidence_unit_status"),
        ]

    def __str__(self) -> str:
        return self.title


class EvidenceFile(models.Model):
    """One version of the file of a piece of evidence; stored under a server-generated name."""

    evidence = models.ForeignKey(Evidence, verbose_name="佐证材料", on_delete=models.CASCADE, related_name="files")
    version = models.PositiveIntegerField("版本")
    stored_name = models.CharField("存储路径", max_length=200, unique=True, help_text="相对于 MEDIA_ROOT,由系统生成。")
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    content_type = models.CharField("文件类型", max_length=100, help_text="按文件内容识别。")
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name="与之重复的文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="同一指标下已有内容完全相同的文件。",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料文件"
        verbose_name_plural = "佐证材料文件"
        ordering = ["evidence", "version"]
        constraints = [
            # Versions are numbered 1, 2, … per evidence and never reused.
            models.UniqueConstraint(fields=["evidence", "version"], name="evidence_file_unique_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="evidence_file_version_positive"),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="evidence_file_sha256_hex"),
        ]
        indexes = [
            # Duplicate detection looks files up by content hash.
            models.Index(fields=["sha256"], name="evidence_file_sha256"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name}（v{self.version}）"


class EvidenceEvent(models.Model):
    """A status change of a piece of evidence (an audit trail row, never edited)."""

    evidence = models.ForeignKey(Evidence, verbose_name="佐证材料", on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField("原状态", max_length=12, choices=EvidenceStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=EvidenceStatus.choices)
    reason = models.TextField("原因", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料状态变更"
        verbose_name_plural = "佐证材料状态变更"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["evidence", "at"], name="evidence_event_evidence_at")]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"
