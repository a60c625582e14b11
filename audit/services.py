"""Writes of the audit log: ``audit_record`` (every app), ``audit_verify`` and ``audit_purge``.

``audit_record`` is called by the services of every app inside their own transaction, so a
change and its audit row commit or roll back together. Rows are chained: each carries
sha256(previous hash + row); on PostgreSQL a transaction-scoped advisory lock makes writers
take their turn, so the chain never forks.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import context
from .chain import GENESIS, canonical_json, row_hash
from .models import AuditAction, AuditEvent, AuditHead

# pg_advisory_xact_lock key: "audit" in ASCII. Held until the writer's transaction ends.
_CHAIN_LOCK = 0x6175646974
MIN_RETENTION_DAYS = 180  # 网络安全法 第二十一条: network logs are kept for at least six months


def _json(value: Any) -> str:
    if value in (None, "", {}, []):
        return ""
    # Through Django's encoder once (dates, decimals, UUIDs → text), then canonical.
    return canonical_json(json.loads(json.dumps(value, cls=DjangoJSONEncoder)))


def _ip(value: str | None) -> str:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return ""


def _label(obj: Any) -> str:
    return str(obj)[:200] if obj is not None else ""


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])


@transaction.atomic
def audit_record(
    *,
    action: str,
    actor=None,
    target=None,
    target_type: str = "",
    target_id: Any = "",
    target_label: str = "",
    zone=None,
    before: Any = None,
    after: Any = None,
    reason: str = "",
    ip: str | None = None,
) -> AuditEvent:
    """Append one row. ``target`` (a model instance) fills type, id and label; ``zone`` (any
    object with ``pk`` and ``name``) the zone columns. The actor and IP default to those of the
    current request (``audit.middleware.AuditMiddleware``); a job has neither."""
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}")
    current = context.current()
    if actor is None:
        actor = current.user
    if ip is None:
        ip = current.ip
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id if target_id not in ("", None) else target.pk
        target_label = target_label or _label(target)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    fields = {
        "at": timezone.now(),
        "actor_id": actor.pk if authenticated else None,
        "actor_username": actor.get_username()[:150] if authenticated else "",
        "action": action,
        "target_type": (target_type or "")[:60],
        "target_id": str(target_id if target_id is not None else "")[:64],
        "target_label": (target_label or "")[:200],
        "zone_id": getattr(zone, "pk", None),
        "zone_name": (getattr(zone, "name", "") or "")[:100],
        "before": _json(before),
        "after": _json(after),
        "reason": (reason or "").strip(),
        "ip": _ip(ip),
    }
    _lock_chain()
    last = AuditEvent.objects.order_by("-pk").values_list("hash", flat=True).first()
    prev_hash = last or GENESIS
    row = AuditEvent.objects.create(prev_hash=prev_hash, hash=row_hash(prev_hash, fields), **fields)
    if not AuditHead.objects.filter(pk=1).update(last_id=row.pk, last_hash=row.hash):
        AuditHead.objects.create(pk=1, last_id=row.pk, last_hash=row.hash)
    return row


# --- verification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    checked: int
    broken: AuditEvent | None  # the first row whose link or hash does not hold (or the last one left)
    problem: str = ""  # set whenever the chain does not hold, even with no row left to name


def audit_verify(*, chunk: int = 2000) -> Verification:
    """Walk the chain oldest first (constant memory). The first row may follow purged rows: its
    ``prev_hash`` is then taken as given (the purge's own row records the hash it left off at)."""
    checked, prev, last = 0, None, None
    last_pk = 0
    while True:
        rows = list(AuditEvent.objects.filter(pk__gt=last_pk).order_by("pk")[:chunk])
        if not rows:
            return _head_check(checked, last)
        for row in rows:
            if prev is not None and row.prev_hash != prev:
                return Verification(checked, row, _("上一条哈希与前一条记录不符（记录被删除、插入或调换）"))
            if row.expected_hash() != row.hash:
                return Verification(checked, row, _("记录内容与其哈希不符（记录被修改）"))
            prev, checked, last = row.hash, checked + 1, row
        last_pk = rows[-1].pk


def _head_check(checked: int, last: AuditEvent | None) -> Verification:
    """The newest row must be the one the head records: otherwise rows were cut off the end."""
    head = AuditHead.objects.filter(pk=1).first()
    if head is None or (last is not None and (last.pk, last.hash) == (head.last_id, head.last_hash)):
        return Verification(checked, None)
    problem = _("最新的记录应为第 %(id)s 条（链头记录），其后或其本身已被删除（链尾记录被截去）") % {"id": head.last_id}
    return Verification(checked, last, problem)


# --- retention --------------------------------------------------------------------------------


def audit_retention_days() -> int:
    return max(getattr(settings, "AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS), MIN_RETENTION_DAYS)


@transaction.atomic
def audit_purge(*, before: date, actor=None) -> int:
    """Delete rows older than ``before`` (a date, local midnight). Refuses a date that would
    delete anything younger than the retention period; the purge itself is audited, with the
    hash the remaining chain starts from."""
    earliest_allowed = timezone.localdate() - timedelta(days=audit_retention_days())
    if before > earliest_allowed:
        raise ValidationError(
            _("审计日志至少保留 %(days)s 天（网络安全法第二十一条）：只能清理 %(date)s 之前的记录。")
            % {"days": audit_retention_days(), "date": earliest_allowed.isoformat()}
        )
    cutoff = timezone.make_aware(datetime.combine(before, time.min))
    _lock_chain()
    doomed = AuditEvent.objects.filter(at__lt=cutoff)
    last = doomed.order_by("-pk").values_list("pk", "hash").first()
    deleted = 0
    if last is not None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The trigger lets a DELETE through only for old rows, in a purge (migration 0002).
                cursor.execute("SET LOCAL audit.purge = 'on'")
            cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE at < %s", [cutoff])
            deleted = cursor.rowcount
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL audit.purge = 'off'")
    audit_record(
        action=AuditAction.AUDIT_PURGED,
        actor=actor,
        target_type="audit.auditevent",
        after={"before": before.isoformat(), "deleted": deleted, "last_deleted_hash": last[1] if last else ""},
    )
    return deleted
