"""Assessment rounds of a zone and everything scored in them.

A zone has one running ("live") score, computed from its data and the office's
judgements, and a series of rounds (自评 → 省级评估 → 总局评估). A round pins the
zone's system and reference years, has evaluators assigned per item, one score
per evaluator for every judged sub-criterion, doubts (存疑) that zero a
quantitative sub-criterion, and written reasons where it differs from the
previous round. Submitting freezes a snapshot and locks the zone's data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

USER = settings.AUTH_USER_MODEL


class AssessmentRound(models.Model):
    class Kind(models.TextChoices):
        SELF = "self", "自评"
        PROVINCIAL = "provincial", "省级评估"
        NATIONAL = "national", "总局评估"

    class Status(models.TextChoices):
        PREPARING = "preparing", "准备中"
        IN_REVIEW = "in_review", "评审中"
        SUBMITTED = "submitted", "已提交"
        RETURNED = "returned", "已退回"
        REOPENED = "reopened", "已重开"

    class Aggregation(models.TextChoices):
        MEAN = "mean", "平均"
        MEDIAN = "median", "中位数"

    class Conclusion(models.TextChoices):
        NONE = "", "—"
        PASSED = "passed", "通过（推荐上报）"
        FAILED = "failed", "不通过（退回整改）"
        NAMED = "named", "命名"
        RECTIFY = "rectify", "退回整改"

    zone = models.ForeignKey("zones.Zone", verbose_name="创建对象", on_delete=models.CASCADE, related_name="rounds")
    kind = models.CharField("评估类型", max_length=12, choices=Kind.choices)
    system = models.ForeignKey(
        "indicators.IndicatorSystem", verbose_name="指标体系", on_delete=models.PROTECT, related_name="+"
    )
    reference_year_1 = models.PositiveSmallIntegerField("参考年度一")
    reference_year_2 = models.PositiveSmallIntegerField("参考年度二")
    aggregation = models.CharField(
        "多位专家评分汇总方式", max_length=8, choices=Aggregation.choices, default=Aggregation.MEAN
    )
    blind = models.BooleanField("背靠背评审", default=True, help_text="专家提交自己的评分前看不到其他专家的评分。")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PREPARING)
    conclusion = models.CharField("结论", max_length=10, choices=Conclusion.choices, blank=True, default="")
    conclusion_reason = models.TextField("结论说明", blank=True)
    opened_by = models.ForeignKey(USER, verbose_name="发起人", null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField("发起时间", default=timezone.now)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "评估轮次"
        verbose_name_plural = "评估轮次"
        ordering = ["zone", "opened_at", "pk"]
        constraints = [
            # One open round per zone at a time.
            models.UniqueConstraint(fields=["zone"], condition=~Q(status="submitted"), name="round_one_open_per_zone"),
            models.CheckConstraint(
                condition=Q(reference_year_2__gt=models.F("reference_year_1")), name="round_reference_years_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone} · {self.get_kind_display()}"

    @property
    def reference_years(self) -> tuple[int, int]:
        return (self.reference_year_1, self.reference_year_2)

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.IN_REVIEW, self.Status.RETURNED, self.Status.REOPENED)


class RoundEvent(models.Model):
    """A round's status change: who, when, from, to, why."""

    round = models.ForeignKey(AssessmentRound, verbose_name="评估轮次", on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField("原状态", max_length=12, choices=AssessmentRound.Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=AssessmentRound.Status.choices)
    reason = models.TextField("理由", blank=True)
    by = models.ForeignKey(USER, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "轮次状态记录"
        verbose_name_plural = "轮次状态记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.round} {self.from_status} → {self.to_status}"


class EvaluatorProfile(models.Model):
    """Where an evaluator works: the conflict-of-interest check reads it."""

    user = models.OneToOneField(USER, verbose_name="用户", on_delete=models.CASCADE, related_name="evaluator_profile")
    home_region = models.ForeignKey(
        "zones.Region",
        verbose_name="工作所在地",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="专家不能评审其所在地区（或下辖地区）的创建对象。",
    )
    organisation = models.CharField("工作单位", max_length=120, blank=True)

    class Meta:
        verbose_name = "评审专家信息"
        verbose_name_plural = "评审专家信息"

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation or self.home_region or ''}"


class EvaluatorAssignment(models.Model):
    """An evaluator assigned to score one third-level item in a round.

    A 回避 is kept: the recused row stays (when, why) and assigning the evaluator to the item
    again makes a new row, so the round keeps every assignment and recusal it had."""

    round = models.ForeignKey(
        AssessmentRound, verbose_name="评估轮次", on_delete=models.CASCADE, related_name="assignments"
    )
    evaluator = models.ForeignKey(USER, verbose_name="评审专家", on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(
        "indicators.Indicator", verbose_name="三级指标", on_delete=models.CASCADE, related_name="+"
    )
    assigned_by = models.ForeignKey(USER, verbose_name="分配人", null=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField("分配时间", default=timezone.now)
    recused_at = models.DateTimeField("回避时间", null=True, blank=True)
    recusal_reason = models.TextField("回避理由", blank=True)

    class Meta:
        verbose_name = "专家分工"
        verbose_name_plural = "专家分工"
        constraints = [
            # One active assignment per evaluator and item; recused ones stay as the record.
            models.UniqueConstraint(
                fields=["round", "evaluator", "indicator"],
                condition=Q(recused_at__isnull=True),
                name="assignment_unique_active",
            ),
            models.CheckConstraint(
                condition=Q(recused_at__isnull=True) | ~Q(recusal_reason=""), name="recusal_has_reason"
            ),
        ]
        indexes = [
            # the review screen: an evaluator's items in a round
            models.Index(fields=["evaluator", "round"], name="assignment_evaluator_round"),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.indicator.code} {self.evaluator}"

    @property
    def is_active(self) -> bool:
        return self.recused_at is None


class Judgement(models.Model):
    """A person's score of one judged sub-criterion.

    ``round`` empty: the office's running judgement behind the zone's live score.
    ``round`` set: one evaluator's score in that round (the office's in 自评)."""

    zone = models.ForeignKey("zones.Zone", verbose_name="创建对象", on_delete=models.CASCADE, related_name="judgements")
    round = models.ForeignKey(
        AssessmentRound,
        verbose_name="评估轮次",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="judgements",
    )
    scoring_item = models.ForeignKey(
        "indicators.ScoringItem", verbose_name="评分项", on_delete=models.CASCADE, related_name="judgements"
    )
    points = models.DecimalField("得分", max_digits=6, decimal_places=2, null=True, blank=True)
    options = models.JSONField(
        "符合的情形", default=list, blank=True, help_text="“符合一项即可”类指标：符合的情形序号。"
    )
    comment = models.TextField("评审意见", blank=True)
    judged_by = models.ForeignKey(
        USER, verbose_name="评审人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    judged_at = models.DateTimeField("评审时间", auto_now=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "评审评分"
        verbose_name_plural = "评审评分"
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "scoring_item"], condition=Q(round__isnull=True), name="judgement_unique_live"
            ),
            models.UniqueConstraint(
                fields=["round", "scoring_item", "judged_by"],
                condition=Q(round__isnull=False),
                name="judgement_unique_per_evaluator",
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0) | Q(points__isnull=True), name="judgement_points_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone} {self.scoring_item.code}"


class Doubt(models.Model):
    """存疑: an evaluator doubts a figure; the sub-criterion scores 0 in this round while open."""

    class Status(models.TextChoices):
        OPEN = "open", "存疑中"
        WITHDRAWN = "withdrawn", "已撤回"
        RESOLVED = "resolved", "已更正"

    round = models.ForeignKey(AssessmentRound, verbose_name="评估轮次", on_delete=models.CASCADE, related_name="doubts")
    scoring_item = models.ForeignKey(
        "indicators.ScoringItem", verbose_name="评分项", on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField("存疑理由")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    raised_by = models.ForeignKey(USER, verbose_name="提出人", null=True, on_delete=models.SET_NULL, related_name="+")
    raised_at = models.DateTimeField("提出时间", default=timezone.now)
    closed_by = models.ForeignKey(
        USER, verbose_name="处理人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField("处理时间", null=True, blank=True)
    close_note = models.TextField("处理说明", blank=True)

    class Meta:
        verbose_name = "存疑数据"
        verbose_name_plural = "存疑数据"
        ordering = ["raised_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "scoring_item"], condition=Q(status="open"), name="doubt_one_open_per_item"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="doubt_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.scoring_item.code} {self.get_status_display()}"


class DifferenceReason(models.Model):
    """差异说明: why a sub-criterion scores differently from the previous round."""

    round = models.ForeignKey(
        AssessmentRound, verbose_name="评估轮次", on_delete=models.CASCADE, related_name="difference_reasons"
    )
    scoring_item = models.ForeignKey(
        "indicators.ScoringItem", verbose_name="评分项", on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField("差异说明")
    by = models.ForeignKey(USER, verbose_name="填写人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("填写时间", auto_now=True)

    class Meta:
        verbose_name = "差异说明"
        verbose_name_plural = "差异说明"
        constraints = [
            models.UniqueConstraint(fields=["round", "scoring_item"], name="difference_reason_unique"),
            models.CheckConstraint(condition=~Q(text=""), name="difference_reason_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.scoring_item.code}"


class ScoreSnapshot(models.Model):
    """A computed score of a zone, kept as it was computed.

    ``round`` empty: the live score. ``round`` set: the round's frozen result,
    written when the round is submitted (never recomputed afterwards)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "计算中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    zone = models.ForeignKey(
        "zones.Zone", verbose_name="创建对象", on_delete=models.CASCADE, related_name="score_snapshots"
    )
    round = models.ForeignKey(
        AssessmentRound,
        verbose_name="评估轮次",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="snapshots",
    )
    system = models.ForeignKey(
        "indicators.IndicatorSystem", verbose_name="指标体系", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.DecimalField("总分", max_digits=6, decimal_places=2, null=True, blank=True)
    max_total = models.DecimalField("满分", max_digits=6, decimal_places=2, null=True, blank=True)
    result = models.JSONField("评分结果", default=dict, blank=True)
    error = models.TextField("错误信息", blank=True)
    requested_by = models.ForeignKey(
        USER, verbose_name="发起人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField("发起时间", auto_now_add=True)
    # The job's delivery (common/jobs.py): when it was last handed to the broker (empty: not yet,
    # the broker was unreachable), when a worker last took it, and how many times one did.
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    started_at = models.DateTimeField("开始计算时间", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("计算次数", default=0)
    computed_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "评分快照"
        verbose_name_plural = "评分快照"
        ordering = ["-requested_at", "-id"]
        indexes = [
            # score page: latest snapshot of a zone
            models.Index(fields=["zone", "-requested_at"], name="snapshot_zone_latest"),
            # the beat job's sweep for jobs not sent or not finished (score_snapshots_resend_stuck)
            models.Index(
                fields=["status"], condition=models.Q(status__in=["queued", "running"]), name="snapshot_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone} {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def reason(self) -> str:
        """Why it failed, for people: the first line of ``error`` (any technical detail follows)."""
        return self.error.partition("\n")[0]

    @property
    def waiting_for_queue(self) -> bool:
        """Queued, but the broker could not be reached yet: a beat job sends it once it can."""
        return self.status == self.Status.QUEUED and self.sent_at is None


class RectificationLink(models.Model):
    """A rectification task (整改任务) made from one gap of a round: the link is data, not the
    task's text, so editing the task's description never breaks it. Kept here: tasks never
    imports assessments. One task per round and sub-criterion (running twice makes nothing new)."""

    round = models.ForeignKey(
        AssessmentRound, verbose_name="评估轮次", on_delete=models.CASCADE, related_name="rectification_links"
    )
    code = models.CharField("评分项", max_length=20)
    task = models.OneToOneField("tasks.Task", verbose_name="整改任务", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField("生成时间", default=timezone.now)

    class Meta:
        verbose_name = "整改任务来源"
        verbose_name_plural = "整改任务来源"
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="rectification_link_unique")]

    def __str__(self) -> str:
        return f"{self.round} {self.code} → {self.task_id}"
