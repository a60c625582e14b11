"""Reads of the audit log: the filtered list (one query per page) and the export rows."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AuditEvent


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_event_list(
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    actor: str = "",
    action: str = "",
    zone_id: int | None = None,
    target: str = "",
) -> QuerySet[AuditEvent]:
    """Newest first; dates are whole local days, both inclusive; ``target`` matches the
    object's type, id or name."""
    events = AuditEvent.objects.all()
    if date_from:
        events = events.filter(at__gte=_start_of(date_from))
    if date_to:
        events = events.filter(at__lt=_start_of(date_to + timedelta(days=1)))
    if actor:
        events = events.filter(actor_username=actor)
    if action:
        events = events.filter(action=action)
    if zone_id:
        events = events.filter(zone_id=zone_id)
    if target:
        events = events.filter(Q(target_label__icontains=target) | Q(target_id=target) | Q(target_type=target))
    return events.order_by("-pk")
