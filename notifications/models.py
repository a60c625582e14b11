from django.conf import settings
from django.db import models
from django.db.models import Q


class Notification(models.Model):
    """One message to one person, shown under the bell and sent in the daily e-mail digest."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "到期提醒"
        OVERDUE = "overdue", "逾期提醒"
        SENT_BACK = "sent_back", "进展退回"
        EVIDENCE_RETURNED = "evidence_returned", "材料退回"
        INFO = "info", "系统通知"  # only what no kind below names (a maintenance notice)
        # The office's to-dos, the liaisons' news, the evaluators' rounds.
        EVIDENCE_SUBMITTED = "evidence_submitted", "材料待审核"
        PROGRESS_COMPLETED = "progress_completed", "进展待确认"
        ASSIGNED = "assigned", "新任务"
        DUE_CHANGED = "due_changed", "时限调整"
        EVIDENCE_ACCEPTED = "evidence_accepted", "材料已采纳"
        ROUND_ASSIGNED = "round_assigned", "评审分工"
        ZONE_REPLIED = "zone_replied", "创建对象答复"
        DOUBT_RAISED = "doubt_raised", "数据存疑"
        SELFCHECK_SUBMITTED = "selfcheck_submitted", "自查报告待阅"
        OPINION_RECEIVED = "opinion_received", "评审意见"
        # 自查自纠 and 市级考评 (inspections): a unit's report sent back, its findings to 整改.
        SELFCHECK_RETURNED = "selfcheck_returned", "自查报告退回"
        FINDING_RAISED = "finding_raised", "考评问题"
        FINDING_ANSWERED = "finding_answered", "整改待复核"
        FINDING_RETURNED = "finding_returned", "整改退回"
        FINDING_CLOSED = "finding_closed", "问题已销号"
        FINDING_OVERDUE = "finding_overdue", "整改逾期"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.INFO)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    # The zone the notice is about, by number and name (a ground-floor app names no other app's
    # model, as audit does): the digest groups by it and the page shows it.
    zone_id = models.BigIntegerField("创建对象编号", null=True, blank=True)
    zone_name = models.CharField("创建对象", max_length=100, blank=True)
    dedupe_key = models.CharField(
        "去重键", max_length=200, blank=True, help_text="同一接收人同一去重键只发送一次（例如“某任务到期前 3 天”）。"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        constraints = [
            # "never the same reminder twice"
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], condition=~Q(dedupe_key=""), name="notification_once_per_key"
            ),
        ]
        indexes = [
            # the bell: a user's unread count and latest messages
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox"),
            # the daily digest: messages not yet e-mailed
            models.Index(fields=["emailed_at", "recipient"], name="notification_digest"),
        ]

    def __str__(self) -> str:
        return self.title
