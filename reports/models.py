"""Reports of a zone (PDF, Excel, ZIP), who downloaded what, and reviewers' opinions.

A ``Report`` is one rendering of one kind (see ``reports/kinds``) for a zone's live
score or one of its rounds. A Celery job renders it into a private file under
MEDIA_ROOT (``reports/…``, never under a public URL) and records its size, sha256
and page count. Every download of a report or an evidence file is a
``DownloadRecord``. A provincial reviewer's opinion on a round is a
``ReviewOpinion``; the zone's office answers it with ``OpinionReply`` rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

USER = settings.AUTH_USER_MODEL


class Report(models.Model):
    class Kind(models.TextChoices):
        # One value per class in reports/kinds (tests check that they match).
        SELF = "self", "自评报告"
        EVALUATION = "evaluation", "评估报告"
        SCORES = "scores", "得分表"
        BUNDLE = "bundle", "佐证材料包"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RENDERING = "rendering", "生成中"
        READY = "ready", "已完成"
        FAILED = "failed", "失败"

    zone = models.ForeignKey("zones.Zone", verbose_name="创建对象", on_delete=models.CASCADE, related_name="reports")
    round = models.ForeignKey(
        "assessments.AssessmentRound",
        verbose_name="评估轮次",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
        help_text="为空表示按实时得分生成。",
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    stage = models.CharField("当前步骤", max_length=100, blank=True)
    # What the report scored, in words ("实时得分(计算于 …)", "自评 · 已提交 … · 评分快照 #3"),
    # and the frozen snapshot when there is one.
    source_label = models.CharField("评分来源", max_length=200, blank=True)
    snapshot = models.ForeignKey(
        "assessments.ScoreSnapshot",
        verbose_name="评分快照",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # sha256 of everything the rendering read and of the kind's layout version
    # (ReportKind.reuse_key): a finished report with the same digest is served again instead of
    # being rendered twice.
    source_digest = models.CharField("数据摘要", max_length=64, blank=True)
    is_draft = models.BooleanField("草稿", default=True, help_text="轮次提交前生成的报告带“草稿”水印。")
    stored_name = models.CharField("存储路径", max_length=200, blank=True, help_text="相对于 MEDIA_ROOT,由系统生成。")
    download_name = models.CharField("文件名", max_length=200, blank=True)
    content_type = models.CharField("文件类型", max_length=100, blank=True)
    size = models.PositiveBigIntegerField("大小（字节）", null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    pages = models.PositiveIntegerField("页数", null=True, blank=True)
    error = models.TextField("错误信息", blank=True)
    requested_by = models.ForeignKey(
        USER, verbose_name="申请人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # The worker that claimed the job writes its token and keeps ``heartbeat_at`` fresh;
    # a redelivered message takes over only once the heartbeat is older than the lease.
    claim_token = models.CharField("认领标记", max_length=32, blank=True)
    heartbeat_at = models.DateTimeField("心跳时间", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)

    class Meta:
        verbose_name = "报告"
        verbose_name_plural = "报告"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # One rendering at a time per (zone, round or live, kind): a second request joins it.
            models.UniqueConstraint(
                "zone",
                Coalesce("round", 0),
                "kind",
                condition=Q(status__in=["queued", "rendering"]),
                name="report_one_in_flight",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_0_100"),
            models.CheckConstraint(
                condition=~Q(status="ready") | (~Q(stored_name="") & Q(sha256__regex=r"^[0-9a-f]{64}$")),
                name="report_ready_has_file",
            ),
            models.CheckConstraint(condition=~Q(status="failed") | ~Q(error=""), name="report_failed_has_error"),
        ]
        indexes = [
            # The zone's report page and the reuse check: a zone's reports of one kind, newest first.
            models.Index(fields=["zone", "kind", "-requested_at"], name="report_zone_kind_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.zone} · {self.get_kind_display()} #{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RENDERING)

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY


class DownloadRecord(models.Model):
    """One download of a report or an evidence file: who, what, which file and hash, when, from where."""

    class Via(models.TextChoices):
        PAGE = "page", "页面"
        API = "api", "接口"
        PREVIEW = "preview", "在线预览"

    user = models.ForeignKey(USER, verbose_name="下载人", null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField("下载人用户名", max_length=150)
    zone = models.ForeignKey(
        "zones.Zone", verbose_name="创建对象", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    report = models.ForeignKey(
        Report, verbose_name="报告", null=True, blank=True, on_delete=models.SET_NULL, related_name="downloads"
    )
    evidence_file = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name="佐证材料文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    what = models.CharField("内容", max_length=200)
    file_name = models.CharField("文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小（字节）", null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64)
    via = models.CharField("方式", max_length=10, choices=Via.choices, default=Via.PAGE)
    sendfile = models.BooleanField("由 Web 服务器发送", default=False)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "下载记录"
        verbose_name_plural = "下载记录"
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=True) | Q(evidence_file__isnull=True), name="download_one_target"
            ),
        ]
        indexes = [
            # The audit admin's log: newest first (ORDER BY at DESC, paginated).
            models.Index(fields=["-at"], name="download_at_idx"),
            # A zone's downloads on the report page (WHERE zone_id = … ORDER BY at DESC).
            models.Index(fields=["zone", "-at"], name="download_zone_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.username} · {self.file_name} · {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


class ReviewOpinion(models.Model):
    """评审意见: a reviewer's opinion on a zone's round, seen and answered by the zone's office."""

    class Conclusion(models.TextChoices):
        PASS = "pass", "通过"
        RECHECK = "recheck", "整改后复核"
        FAIL = "fail", "不通过"

    zone = models.ForeignKey("zones.Zone", verbose_name="创建对象", on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(
        "assessments.AssessmentRound", verbose_name="评估轮次", on_delete=models.CASCADE, related_name="+"
    )
    conclusion = models.CharField("结论", max_length=10, choices=Conclusion.choices)
    text = models.TextField("意见")
    author = models.ForeignKey(USER, verbose_name="评审人", null=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField("评审人姓名", max_length=150)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "评审意见"
        verbose_name_plural = "评审意见"
        ordering = ["-at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="opinion_not_empty")]
        indexes = [
            # The zone's report page lists its opinions, newest first.
            models.Index(fields=["zone", "-at"], name="opinion_zone_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.zone} · {self.get_conclusion_display()} · {self.author_name}"


class OpinionReply(models.Model):
    """The office's answer to an opinion (several allowed, never edited)."""

    opinion = models.ForeignKey(
        ReviewOpinion, verbose_name="评审意见", on_delete=models.CASCADE, related_name="replies"
    )
    text = models.TextField("答复")
    author = models.ForeignKey(USER, verbose_name="答复人", null=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField("答复人姓名", max_length=150)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "意见答复"
        verbose_name_plural = "意见答复"
        ordering = ["at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="opinion_reply_not_empty")]

    def __str__(self) -> str:
        return f"{self.opinion_id} · {self.author_name}"
