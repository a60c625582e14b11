"""Writes: create notifications (deduplicated, only for whom may see them), mark them read,
send daily e-mail digests grouped by zone and kind.

Who is told what is decided by the app that made the change (tasks, evidence, assessments,
reports …): it calls ``notify`` once its transaction has committed (``notify_on_commit``), with
the people who may act and a ``may_see`` check built from its permission functions
(zones.access, assessments.access). This app imports none of them: it sits on the ground floor.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification
from .selectors import notifications_of

logger = logging.getLogger(__name__)

# How many titles a digest lists under one zone and kind before it says "… and N more".
DIGEST_TITLES_PER_GROUP = 5

_muted: ContextVar[bool] = ContextVar("notifications_muted", default=False)


@contextmanager
def notifications_muted() -> Iterator[None]:
    """No notice from ``notify``/``notify_on_commit`` inside the block: for loaders that replay
    history (the demo), whose events are not news to anyone."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def notification_create(
    *,
    recipient,
    title: str,
    body: str = "",
    url: str = "",
    kind: str = Notification.Kind.INFO,
    dedupe_key: str = "",
    zone=None,
) -> Notification | None:
    """Create a notification; with a ``dedupe_key`` already used for this recipient, do nothing (None).

    ``zone`` (anything with ``pk`` and ``name``) is kept by number and name, for the digest's groups.
    """
    if dedupe_key and Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            return Notification.objects.create(
                recipient=recipient,
                title=title[:200],
                body=body,
                url=url,
                kind=kind,
                dedupe_key=dedupe_key[:200],
                zone_id=getattr(zone, "pk", None),
                zone_name=(getattr(zone, "name", "") or "")[:100],
            )
    except IntegrityError:  # a concurrent job created the same one first
        return None


def notify(
    *,
    recipients: Iterable,
    title: str,
    kind: str,
    url: str = "",
    body: str = "",
    dedupe_key: str = "",
    zone=None,
    may_see: Callable[[Any], bool] | None = None,
    actor=None,
) -> int:
    """Tell each of ``recipients`` (users) once; returns how many notices were created.

    Skipped: inactive accounts, the person who made the change (``actor``), and anyone for whom
    ``may_see(user)`` is false — the caller's permission check on the object the notice names,
    so no notice shows a title, a unit or a reason its reader could not open.
    """
    if _muted.get():
        return 0
    created = 0
    seen: set[int] = set()
    actor_id = getattr(actor, "pk", actor)  # a user or an id
    for user in recipients:
        if user.pk in seen or user.pk == actor_id or not user.is_active:
            continue
        seen.add(user.pk)
        if may_see is not None and not may_see(user):
            continue
        notice = notification_create(
            recipient=user, title=title, body=body, url=url, kind=kind, dedupe_key=dedupe_key, zone=zone
        )
        created += notice is not None
    return created


def notify_on_commit(func: Callable[..., Any], /, **kwargs: Any) -> None:
    """Run ``func(**kwargs)`` once the current transaction commits (at once outside one).

    A change rolled back sends nothing; a notice that fails is logged and never undoes nor
    refuses the change that was committed (``robust``).
    """
    if not _muted.get():
        transaction.on_commit(partial(func, **kwargs), robust=True)


def notifications_resolve(*, recipient_ids: Iterable[int], kind: str, key_prefix: str) -> int:
    """A to-do someone has done (the evidence reviewed, the report confirmed, the 存疑 answered):
    its notices are marked read for every one of ``recipient_ids`` who got them, so the bell counts
    only what still waits. Runs in the caller's transaction; returns how many were marked."""
    ids = list(recipient_ids)
    if not ids or not key_prefix:
        return 0
    # recipient IN (…) AND read_at IS NULL: the inbox index; then kind and key on those few rows.
    unread = Notification.objects.filter(recipient_id__in=ids, read_at__isnull=True, kind=kind)
    return unread.filter(dedupe_key__startswith=key_prefix).update(read_at=timezone.now())


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all when ``ids`` is None). Others' ids are ignored."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def digest_groups(items: list[Notification]) -> list[tuple[str, str, list[Notification]]]:
    """A person's pending notices grouped by zone and kind: (zone name, kind label, items),
    zones in name order (notices about no zone last), kinds in the order of ``Notification.Kind``."""
    order = {value: index for index, value in enumerate(Notification.Kind.values)}
    groups: dict[tuple[str, str], list[Notification]] = defaultdict(list)
    for item in items:
        groups[(item.zone_name, item.kind)].append(item)
    keys = sorted(groups, key=lambda key: (key[0] == "", key[0], order.get(key[1], len(order))))
    labels = dict(Notification.Kind.choices)
    return [(zone, str(labels.get(kind, kind)), groups[(zone, kind)]) for zone, kind in keys]


def _digest_text(user, items: list[Notification]) -> str:
    lines = [f"{user}：您好！示范区创建管理平台有 {len(items)} 条新消息：", ""]
    for zone, label, group in digest_groups(items):
        heading = f"{zone} · {label}" if zone else label
        lines.append(f"【{heading}】{len(group)} 条")
        for item in group[:DIGEST_TITLES_PER_GROUP]:
            lines.append(f"  · {item.title}")
        if len(group) > DIGEST_TITLES_PER_GROUP:
            lines.append(f"  · 另有 {len(group) - DIGEST_TITLES_PER_GROUP} 条")
        lines.append("")
    lines.append("请登录平台，在“消息”页查看详情并处理。此邮件由系统自动发送，请勿回复。")
    return "\n".join(lines)


def notifications_send_digests(*, now=None) -> int:
    """One e-mail per person with everything not yet e-mailed, grouped by zone and kind (a line
    per group with its count and the first titles, not a line per event); returns the number of
    e-mails sent. Run once a day by Celery beat; running it twice sends nothing new.
    """
    now = now or timezone.now()
    pending = list(
        Notification.objects.filter(emailed_at__isnull=True, recipient__is_active=True)
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("recipient_id", "created_at", "id")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for item in pending:
        by_user[item.recipient_id].append(item)
    messages = []
    for items in by_user.values():
        user = items[0].recipient
        visible = set(notifications_of(user).filter(pk__in=[item.pk for item in items]).values_list("pk", flat=True))
        items = [item for item in items if item.pk in visible]  # none about a zone they no longer see
        if not items:
            continue
        subject = f"【示范区创建管理平台】{timezone.localdate(now):%Y-%m-%d} 消息汇总（{len(items)} 条）"
        messages.append((subject, _digest_text(user, items), settings.DEFAULT_FROM_EMAIL, [user.email]))
    if messages:
        send_mass_mail(messages, fail_silently=False)
        Notification.objects.filter(pk__in=[item.pk for item in pending]).update(emailed_at=now)
    logger.info("notification digests sent: %s", len(messages))
    return len(messages)
