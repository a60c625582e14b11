"""自查自纠 and 市级考评: a campaign of a zone, its units' self-checks, the city's evaluation of each
unit, findings (问题) tracked through 整改 to 复核 and 销号, and a questionnaire.

A campaign pins the zone's indicator system (the standard the units check themselves
against). Each unit has one self-check and one evaluation per campaign. Status changes
are event rows (who, when, from, to, why); nothing is overwritten without a trace.
Findings live in ``models_findings``, the questionnaire in ``models_survey``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

USER = settings.AUTH_USER_MODEL


class Campaign(models.Model):
    """A self-check campaign (自查自纠) and the city's evaluation (市级考评) that follows it.

    ``status`` is the self-check phase's: once closed, units no longer fill in or submit their
    self-checks (a report sent back may still be answered), while the 市级考评 — results, methods,
    findings, 整改 and 复核 — goes on; it has no close of its own.
    """

    class Status(models.TextChoices):
        OPEN = "open", "进行中"
        CLOSED = "closed", "自查已结束"

    class Scale(models.TextChoices):
        RESULTS = "results", "按考评结果（完成得每项满分，基本完成得一半，未完成不得分）"
        POINTS = "points", "按分值（每项由考评人员打分）"

    zone = models.ForeignKey("zones.Zone", verbose_name="创建对象", on_delete=models.CASCADE, related_name="+")
    title = models.CharField("名称", max_length=200)
    system = models.ForeignKey(
        "indicators.IndicatorSystem",
        verbose_name="对照标准",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="发起时取创建对象所用的评估指标体系。",
    )
    due_date = models.DateField("自查报告报送截止日期")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    scale = models.CharField("考评计分方式", max_length=10, choices=Scale.choices, default=Scale.RESULTS)
    row_points = models.DecimalField(
        "每项满分",
        max_digits=5,
        decimal_places=1,
        default=Decimal(10),
        help_text=(
            "每个指标或任务的满分：按考评结果计分时完成得满分、基本完成得一半；按分值计分时由考评人员在此范围内打分。"
        ),
    )
    excellent_min = models.DecimalField("优秀（得分率不低于 %）", max_digits=5, decimal_places=2, default=Decimal(90))
    good_min = models.DecimalField("良好（得分率不低于 %）", max_digits=5, decimal_places=2, default=Decimal(80))
    pass_min = models.DecimalField("合格（得分率不低于 %）", max_digits=5, decimal_places=2, default=Decimal(60))
    opened_by = models.ForeignKey(USER, verbose_name="发起人", null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField("发起时间", default=timezone.now)
    closed_by = models.ForeignKey(
        USER, verbose_name="结束人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "自查考评"
        verbose_name_plural = "自查考评"
        ordering = ["zone", "-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["zone"], condition=Q(status="open"), name="campaign_one_open_per_zone"),
            models.CheckConstraint(
                condition=Q(pass_min__gte=0)
                & Q(good_min__gte=F("pass_min"))
                & Q(excellent_min__gte=F("good_min"))
                & Q(excellent_min__lte=100),
                name="campaign_thresholds_ordered",
                violation_error_message="等次分数线须满足 0 ≤ 合格 ≤ 良好 ≤ 优秀 ≤ 100。",
            ),
            models.CheckConstraint(condition=Q(row_points__gt=0), name="campaign_row_points_positive"),
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_at__isnull=False), name="campaign_closed_has_time"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class TeamMember(models.Model):
    """A member of the campaign's 考核考评组: office staff or an invited evaluator, each an account."""

    class Role(models.TextChoices):
        LEADER = "leader", "组长"
        MEMBER = "member", "成员"

    campaign = models.ForeignKey(Campaign, verbose_name="自查考评", on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(USER, verbose_name="考评人员", on_delete=models.CASCADE, related_name="+")
    role = models.CharField("组内职务", max_length=10, choices=Role.choices, default=Role.MEMBER)
    added_by = models.ForeignKey(USER, verbose_name="添加人", null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField("添加时间", default=timezone.now)

    class Meta:
        verbose_name = "考核考评组成员"
        verbose_name_plural = "考核考评组成员"
        ordering = ["campaign", "role", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="team_member_once")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.user}"


class SelfStatus(models.TextChoices):
    """A unit's own verdict on an item or task in its self-check."""

    DONE = "done", "已完成"
    MOSTLY = "mostly", "基本完成"
    NOT_DONE = "not_done", "未完成"
    NOT_APPLICABLE = "na", "不适用"


class SelfCheck(models.Model):
    """One unit's self-check (自查自纠) in a campaign, and its 自查报告 once submitted."""

    class Status(models.TextChoices):
        DRAFT = "draft", "填写中"
        SUBMITTED = "submitted", "已报送"
        RETURNED = "returned", "已退回"

    class PdfStatus(models.TextChoices):
        NONE = "", "未生成"
        QUEUED = "queued", "排队中"
        RENDERING = "rendering", "生成中"
        READY = "ready", "已生成"
        FAILED = "failed", "生成失败"

    campaign = models.ForeignKey(Campaign, verbose_name="自查考评", on_delete=models.CASCADE, related_name="selfchecks")
    unit = models.ForeignKey("zones.Unit", verbose_name="责任单位", on_delete=models.CASCADE, related_name="+")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField("总体情况", blank=True)
    submitted_by = models.ForeignKey(
        USER, verbose_name="报送人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    return_reason = models.TextField("退回原因", blank=True)
    pdf_status = models.CharField("报告状态", max_length=10, choices=PdfStatus.choices, blank=True, default="")
    pdf_name = models.CharField("报告存储路径", max_length=200, blank=True)
    pdf_sha256 = models.CharField("报告 SHA-256", max_length=64, blank=True)
    pdf_at = models.DateTimeField("报告生成时间", null=True, blank=True)
    # The PDF job's delivery (common/jobs.py): when it was last queued or handed to the broker, when
    # a worker last took it and how many times one did; the beat job's sweep sends again a job lost
    # or left by a dead worker (report.selfcheck_reports_resend_stuck).
    pdf_sent_at = models.DateTimeField("报告任务发送时间", null=True, blank=True)
    pdf_started_at = models.DateTimeField("报告开始生成时间", null=True, blank=True)
    pdf_attempts = models.PositiveSmallIntegerField("报告生成次数", default=0)
    scan_name = models.CharField("签字扫描件存储路径", max_length=200, blank=True)
    scan_original = models.CharField("签字扫描件原文件名", max_length=200, blank=True)
    scan_sha256 = models.CharField("签字扫描件 SHA-256", max_length=64, blank=True)
    scan_content_type = models.CharField("签字扫描件类型", max_length=100, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "单位自查"
        verbose_name_plural = "单位自查"
        ordering = ["campaign", "unit__position", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="selfcheck_once_per_unit"),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False), name="selfcheck_submitted_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""), name="selfcheck_returned_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.unit}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_editable(self) -> bool:
        """The unit may fill in and submit: while the campaign is open, and after it has closed
        only a report the office sent back (it is still owed; a draft is not, the deadline ended it)."""
        if self.is_locked:
            return False
        return self.campaign.is_open or self.status == self.Status.RETURNED

    @property
    def is_late(self) -> bool:
        """Submitted after the due date, or not submitted and the due date has passed."""
        due = self.campaign.due_date
        if self.submitted_at is not None and self.status == self.Status.SUBMITTED:
            return timezone.localdate(self.submitted_at) > due
        return timezone.localdate() > due


class SelfCheckEntry(models.Model):
    """The unit's answer for one item it is responsible for, or one task assigned to it."""

    selfcheck = models.ForeignKey(SelfCheck, verbose_name="单位自查", on_delete=models.CASCADE, related_name="entries")
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name="三级指标",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    assignment = models.ForeignKey(
        "tasks.Assignment", verbose_name="任务分工", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    done_text = models.TextField("开展情况", blank=True)
    status = models.CharField("自评状态", max_length=10, choices=SelfStatus.choices, blank=True, default="")
    na_reason = models.CharField("不适用理由", max_length=500, blank=True)
    gaps = models.TextField("存在的问题与不足", blank=True)
    updated_by = models.ForeignKey(USER, verbose_name="填写人", null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("填写时间", auto_now=True)

    class Meta:
        verbose_name = "自查事项"
        verbose_name_plural = "自查事项"
        constraints = [
            models.CheckConstraint(
                condition=Q(indicator__isnull=False, assignment__isnull=True)
                | Q(indicator__isnull=True, assignment__isnull=False),
                name="selfcheck_entry_item_or_task",
            ),
            models.UniqueConstraint(
                fields=["selfcheck", "indicator"], condition=Q(indicator__isnull=False), name="selfcheck_entry_item"
            ),
            models.UniqueConstraint(
                fields=["selfcheck", "assignment"], condition=Q(assignment__isnull=False), name="selfcheck_entry_task"
            ),
            models.CheckConstraint(
                condition=~Q(status="na") | ~Q(na_reason=""),
                name="selfcheck_entry_na_has_reason",
                violation_error_message="选择“不适用”时必须说明理由。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.selfcheck} · {self.indicator_id or self.assignment_id}"


class SelfCheckEvent(models.Model):
    """A self-check's status change or file: who, when, from, to, why."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "报送自查报告"
        RETURNED = "returned", "退回"
        SCAN = "scan", "上传签字扫描件"

    selfcheck = models.ForeignKey(SelfCheck, verbose_name="单位自查", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事件", max_length=10, choices=Kind.choices)
    from_status = models.CharField("原状态", max_length=10, choices=SelfCheck.Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=10, choices=SelfCheck.Status.choices, blank=True)
    reason = models.TextField("说明", blank=True)
    by = models.ForeignKey(USER, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "单位自查记录"
        verbose_name_plural = "单位自查记录"
        ordering = ["selfcheck", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.selfcheck} {self.get_kind_display()}"


class Result(models.TextChoices):
    """The evaluator's verdict on an item or task (市级考评)."""

    DONE = "done", "完成"
    MOSTLY = "mostly", "基本完成"
    NOT_DONE = "not_done", "未完成"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class Evaluation(models.Model):
    """The city's evaluation of one unit in a campaign, by the 考评组 member assigned to it."""

    class Status(models.TextChoices):
        PENDING = "pending", "待考评"
        IN_PROGRESS = "in_progress", "考评中"
        DONE = "done", "已完成"

    campaign = models.ForeignKey(
        Campaign, verbose_name="自查考评", on_delete=models.CASCADE, related_name="evaluations"
    )
    unit = models.ForeignKey("zones.Unit", verbose_name="责任单位", on_delete=models.CASCADE, related_name="+")
    evaluator = models.ForeignKey(
        USER, verbose_name="考评人员", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING)
    summary = models.TextField("考评意见", blank=True)
    score = models.DecimalField(
        "得分率（%）", max_digits=5, decimal_places=2, null=True, blank=True, help_text="完成考评时按计分方式计算。"
    )
    points = models.DecimalField("得分", max_digits=8, decimal_places=1, null=True, blank=True)
    max_points = models.DecimalField("满分", max_digits=8, decimal_places=1, null=True, blank=True)
    finished_by = models.ForeignKey(
        USER, verbose_name="完成人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "单位考评"
        verbose_name_plural = "单位考评"
        ordering = ["campaign", "unit__position", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="evaluation_once_per_unit"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(score__isnull=False, finished_at__isnull=False),
                name="evaluation_done_has_score",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100), name="evaluation_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.unit}"


class EvaluationResult(models.Model):
    """The evaluator's result (and points, on a points scale) for one of the unit's items or tasks."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="单位考评", on_delete=models.CASCADE, related_name="results"
    )
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name="三级指标",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    assignment = models.ForeignKey(
        "tasks.Assignment", verbose_name="任务分工", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    result = models.CharField("考评结果", max_length=10, choices=Result.choices)
    points = models.DecimalField("得分", max_digits=5, decimal_places=1, null=True, blank=True)
    comment = models.CharField("说明", max_length=500, blank=True)
    by = models.ForeignKey(USER, verbose_name="考评人员", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间", auto_now=True)

    class Meta:
        verbose_name = "考评结果"
        verbose_name_plural = "考评结果"
        constraints = [
            models.CheckConstraint(
                condition=Q(indicator__isnull=False, assignment__isnull=True)
                | Q(indicator__isnull=True, assignment__isnull=False),
                name="evaluation_result_item_or_task",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "indicator"], condition=Q(indicator__isnull=False), name="evaluation_result_item"
            ),
            models.UniqueConstraint(
                fields=["evaluation", "assignment"],
                condition=Q(assignment__isnull=False),
                name="evaluation_result_task",
            ),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__gte=0), name="evaluation_result_points_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.get_result_display()}"


class EvaluationMethod(models.Model):
    """How the evaluator looked at the unit: 听取汇报 / 查阅资料 / 问卷调查 / 明察暗访, with date and notes."""

    class Method(models.TextChoices):
        REPORT = "report", "听取汇报"
        DOCUMENTS = "documents", "查阅资料"
        SURVEY = "survey", "问卷调查"
        VISIT = "visit", "明察暗访"

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="单位考评", on_delete=models.CASCADE, related_name="methods"
    )
    method = models.CharField("考评方式", max_length=10, choices=Method.choices)
    on = models.DateField("日期")
    notes = models.TextField("情况记录", blank=True)
    by = models.ForeignKey(USER, verbose_name="记录人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "考评方式记录"
        verbose_name_plural = "考评方式记录"
        ordering = ["evaluation", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.on}"


class EvaluationEvent(models.Model):
    """An evaluation's status change: assigned, finished, reopened — who, when, why."""

    evaluation = models.ForeignKey(Evaluation, verbose_name="单位考评", on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField("原状态", max_length=12, choices=Evaluation.Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=Evaluation.Status.choices, blank=True)
    reason = models.TextField("说明", blank=True)
    by = models.ForeignKey(USER, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "单位考评记录"
        verbose_name_plural = "单位考评记录"
        ordering = ["evaluation", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.evaluation} {self.from_status} → {self.to_status}"


from .models_findings import *  # noqa: E402, F401, F403
from .models_survey import *  # noqa: E402, F401, F403
