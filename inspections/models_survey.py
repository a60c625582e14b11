"""问卷调查: a short questionnaire attached to a campaign, and the answers the office collected.

No public survey site: the office enters answers one by one or imports a workbook.
A multiple-choice answer is one ``SurveyAnswer`` row per option chosen, so the summary
is one GROUP BY however many answers there are.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

__all__ = ["Question", "Questionnaire", "SurveyAnswer", "SurveyResponse"]

USER = settings.AUTH_USER_MODEL


class Questionnaire(models.Model):
    campaign = models.OneToOneField(
        "inspections.Campaign", verbose_name="自查考评", on_delete=models.CASCADE, related_name="questionnaire"
    )
    title = models.CharField("问卷名称", max_length=200)
    intro = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "调查问卷"
        verbose_name_plural = "调查问卷"

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "单选"
        MULTIPLE = "multiple", "多选"
        TEXT = "text", "填空"

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name="调查问卷", on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveIntegerField("题号")
    kind = models.CharField("题型", max_length=10, choices=Kind.choices)
    text = models.CharField("题目", max_length=300)
    options = models.JSONField("选项", default=list, blank=True, help_text="选择题的选项，按 A、B、C… 排列。")

    class Meta:
        verbose_name = "问卷题目"
        verbose_name_plural = "问卷题目"
        ordering = ["questionnaire", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "position"], name="question_position_once")]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"

    @property
    def is_choice(self) -> bool:
        return self.kind != self.Kind.TEXT


class SurveyResponse(models.Model):
    """One respondent's answers (a paper form typed in, or a row of an imported workbook)."""

    class Source(models.TextChoices):
        MANUAL = "manual", "手工录入"
        IMPORT = "import", "Excel 导入"

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name="调查问卷", on_delete=models.CASCADE, related_name="responses"
    )
    respondent = models.CharField("答卷编号", max_length=100, blank=True)
    unit = models.ForeignKey(
        "zones.Unit", verbose_name="调查对象单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.MANUAL)
    entered_by = models.ForeignKey(USER, verbose_name="录入人", null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField("录入时间", default=timezone.now)

    class Meta:
        verbose_name = "问卷答卷"
        verbose_name_plural = "问卷答卷"
        ordering = ["questionnaire", "-entered_at", "-pk"]

    def __str__(self) -> str:
        return self.respondent or f"答卷{self.pk}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, verbose_name="答卷", on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name="题目", on_delete=models.CASCADE, related_name="answers")
    option = models.PositiveSmallIntegerField("选项序号", null=True, blank=True, help_text="从 0 开始。")
    text = models.TextField("填空内容", blank=True)

    class Meta:
        verbose_name = "问卷回答"
        verbose_name_plural = "问卷回答"
        ordering = ["response", "question", "option"]
        constraints = [
            models.CheckConstraint(
                condition=Q(option__isnull=False, text="") | Q(option__isnull=True), name="survey_answer_option_or_text"
            ),
            models.UniqueConstraint(
                fields=["response", "question", "option"], condition=Q(option__isnull=False), name="survey_option_once"
            ),
        ]
        indexes = [
            # The summary: answers counted per question and option.
            models.Index(fields=["question", "option"], name="survey_answer_question_option"),
        ]

    def __str__(self) -> str:
        return self.text or str(self.option)
