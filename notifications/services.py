"""Writes: create notifications (deduplicated), mark them read, send daily e-mail digests."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification

logger = logging.getLogger(__name__)


def notification_create(
    *, recipient, title: str, body: str = "", url: str = "", kind: str = Notification.Kind.INFO, dedupe_key: str = ""
) -> Notification | None:
    """Create a notification; with a ``dedupe_key`` already used for this recipient, do nothing (None)."""
    if dedupe_key and Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            return Notification.objects.create(
                recipient=recipient, title=title, body=body, url=url, kind=kind, dedupe_key=dedupe_key
            )
    except IntegrityError:  # a concurrent job created the same one first
        return None


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all when ``ids`` is None). Others' ids are ignored."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def notifications_send_digests(*, now=None) -> int:
    """One e-mail per person with everything not yet e-mailed; returns the number of e-mails sent.

    Run once a day by Celery beat; running it twice sends nothing new.
    """
    now = now or timezone.now()
    pending = list(
        Notification.objects.filter(emailed_at__isnull=True, recipient__is_active=True)
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("recipient_id", "created_at")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for item in pending:
        by_user[item.recipient_id].append(item)
    messages = []
    for items in by_user.values():
        user = items[0].recipient
        lines = [f"{user}:您好!示范区创建管理平台有 {len(items)} 条新消息:", ""]
        for item in items:
            lines.append(f"· {item.title}")
            if item.body:
                lines.append(f"  {item.body}")
        lines += ["", "请登录平台查看详情。此邮件由系统自动发送,请勿回复。"]
        subject = f"【示范区创建管理平台】{timezone.localdate(now):%Y-%m-%d} 消息汇总({len(items)} 条)"
        messages.append((subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [user.email]))
    if messages:
        send_mass_mail(messages, fail_silently=False)
        Notification.objects.filter(pk__in=[item.pk for item in pending]).update(emailed_at=now)
    logger.info("notification digests sent: %s", len(messages))
    return len(messages)
