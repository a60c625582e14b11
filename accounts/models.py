from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    """The portal's user. Custom from the first migration so it can grow.

    Roles are not fields here: a user holds any number of memberships
    (zones.Membership), each giving a role in a zone, unit or province.
    """

    full_name = models.CharField("姓名", max_length=60, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    # Set when someone else (the system admin) chose the password: the user must pick their
    # own before doing anything else (accounts.middleware.AccountGateMiddleware).
    password_change_required = models.BooleanField("下次登录须修改密码", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username


class LoginEvent(models.Model):
    """One login, failed login, logout or lockout (the 登录日志 the audit admin reads).

    Written by the signal receivers in accounts/signals.py, never edited.
    """

    class Kind(models.TextChoices):
        SUCCESS = "success", "登录成功"
        FAILURE = "failure", "登录失败"
        LOGOUT = "logout", "退出登录"
        LOCKED = "locked", "账号锁定"

    USER_AGENT_MAX = 255

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        # The record outlives the account (accounts are normally deactivated, not deleted).
        on_delete=models.SET_NULL,
        related_name="login_events",
    )
    username = models.CharField("输入的用户名", max_length=150, blank=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    user_agent = models.CharField("浏览器标识", max_length=USER_AGENT_MAX, blank=True)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "登录日志"
        verbose_name_plural = "登录日志"
        ordering = ["-at", "-pk"]
        indexes = [
            # The login-log page: newest first, optionally within a date range
            # (WHERE at >= … AND at < … ORDER BY at DESC).
            models.Index(fields=["-at"], name="loginevent_at_idx"),
            # The same page filtered by user (WHERE username = … ORDER BY at DESC).
            models.Index(fields=["username", "-at"], name="loginevent_username_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.username} · {self.at:%Y-%m-%d %H:%M:%S}"
