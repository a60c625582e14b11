"""The business audit log (审计日志): append-only and hash-chained.

A ground-floor app: it names no other app's model. Who did it, to what and in which zone are
stored as plain values (ids and the names as they were), never as foreign keys, so that no
deletion elsewhere can ever rewrite a row, and the trigger that refuses UPDATE and DELETE on
PostgreSQL (migration 0002) never meets a cascade.
"""

from __future__ import annotations

import json

from django.db import models
from django.utils import timezone

from .chain import row_hash


class AuditAction(models.TextChoices):
    # Sign-in
    LOGIN = "login", "登录成功"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出登录"
    LOCKED = "locked", "账号锁定"
    OTP_FAILED = "otp_failed", "动态验证码错误"
    # Accounts and roles
    USER_CREATED = "user_created", "创建账号"
    USER_CHANGED = "user_changed", "修改账号"
    USER_ACTIVATED = "user_activated", "启用账号"
    USER_DEACTIVATED = "user_deactivated", "停用账号"
    PASSWORD_RESET = "password_reset", "重置密码"
    PASSWORD_CHANGED = "password_changed", "修改密码"
    OTP_ENABLED = "otp_enabled", "启用双因素认证"
    OTP_RESET = "otp_reset", "重置双因素认证"
    RECOVERY_CODE_USED = "recovery_code_used", "使用恢复码"
    ROLE_GRANTED = "role_granted", "授予角色"
    ROLE_REVOKED = "role_revoked", "撤销角色"
    # Zones
    ZONE_CHANGED = "zone_changed", "修改创建对象"
    ZONE_TRANSITION = "zone_transition", "生命周期变更"
    # Scores
    JUDGEMENT_SAVED = "judgement_saved", "评分"
    SCORE_CHANGED = "score_changed", "得分变化"
    ROUND_OPENED = "round_opened", "发起评估轮次"
    ROUND_SUBMITTED = "round_submitted", "提交评估轮次"
    ROUND_REOPENED = "round_reopened", "重新打开评估轮次"
    ROUND_RETURNED = "round_returned", "退回评估轮次"
    EVALUATOR_ASSIGNED = "evaluator_assigned", "分配评审专家"
    EVALUATOR_UNASSIGNED = "evaluator_unassigned", "取消专家分工"
    EVALUATOR_RECUSED = "evaluator_recused", "专家申请回避"
    DOUBT_RAISED = "doubt_raised", "提出存疑"
    DOUBT_WITHDRAWN = "doubt_withdrawn", "撤回存疑"
    DOUBT_RESOLVED = "doubt_resolved", "处理存疑"
    DIFFERENCE_REASON_SET = "difference_reason_set", "填写差异说明"
    # Evidence and figures
    EVIDENCE_ACCEPTED = "evidence_accepted", "采纳佐证材料"
    EVIDENCE_RETURNED = "evidence_returned", "退回佐证材料"
    DATA_CHANGED = "data_changed", "修改统计数据"
    # Reading
    DOWNLOAD = "download", "下载"
    ACCESS_DENIED = "access_denied", "拒绝访问"
    # The log itself
    AUDIT_EXPORTED = "audit_exported", "导出审计日志"
    AUDIT_PURGED = "audit_purged", "清理过期审计日志"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("审计日志只能追加，不能修改。")

    def delete(self):
        raise TypeError("审计日志只能追加，不能删除（过期记录用 purge_audit 清理）。")


class AuditEvent(models.Model):
    """One audited act. Written only by ``audit.services.audit_record``; never changed."""

    at = models.DateTimeField("时间", default=timezone.now)
    actor_id = models.BigIntegerField("操作人编号", null=True, blank=True)
    actor_username = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("操作", max_length=30, choices=AuditAction.choices)
    target_type = models.CharField("对象类型", max_length=60, blank=True)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    target_label = models.CharField("对象", max_length=200, blank=True)
    zone_id = models.BigIntegerField("创建对象编号", null=True, blank=True)
    zone_name = models.CharField("创建对象", max_length=100, blank=True)
    # Canonical JSON text (sorted keys), stored as text so that it reads back byte for byte.
    before = models.TextField("变更前", blank=True)
    after = models.TextField("变更后", blank=True)
    reason = models.TextField("原因", blank=True)
    ip = models.CharField("IP 地址", max_length=45, blank=True)
    prev_hash = models.CharField("上一条哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-pk"]
        indexes = [
            # The audit page and the export: newest first within a date range
            # (WHERE at >= … AND at < … ORDER BY id DESC).
            models.Index(fields=["at"], name="audit_at_idx"),
            # The same, for one zone (WHERE zone_id = … ORDER BY id DESC).
            models.Index(fields=["zone_id", "at"], name="audit_zone_at_idx"),
            # The same, for one person (WHERE actor_username = …).
            models.Index(fields=["actor_username", "at"], name="audit_actor_at_idx"),
        ]

    def __str__(self) -> str:
        who = self.actor_username or "—"
        return f"{self.at:%Y-%m-%d %H:%M:%S} {who} {self.get_action_display()} {self.target_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("审计日志只能追加，不能删除。")

    @property
    def before_data(self):
        return json.loads(self.before) if self.before else None

    @property
    def after_data(self):
        return json.loads(self.after) if self.after else None

    def hashed_fields(self) -> dict:
        return {name: getattr(self, name) for name in ("at", "actor_id", "actor_username", "action", "target_type",
                "target_id", "target_label", "zone_id", "zone_name", "before", "after", "reason", "ip")}  # fmt: skip

    def expected_hash(self) -> str:
        return row_hash(self.prev_hash, self.hashed_fields())


class AuditHead(models.Model):
    """The chain's newest row, as ``audit_record`` left it (one row, written in the same
    transaction): ``verify_audit`` compares it with the newest row, so rows deleted from the
    end of the chain — which leave no broken link behind them — are seen too."""

    last_id = models.BigIntegerField("最新记录编号")
    last_hash = models.CharField("最新记录哈希", max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "审计日志链头"

    def __str__(self) -> str:
        return f"第 {self.last_id} 条 {self.last_hash[:16]}…"
