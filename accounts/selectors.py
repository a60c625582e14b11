"""Reads for the user pages and the login log. Each returns a queryset that runs
a fixed number of queries however many rows there are."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from zones.models import Membership, Region, Unit, Zone

from .models import LoginEvent


def zone_membership_list(*, zone: Zone) -> QuerySet[Membership]:
    """Everyone with a role in ``zone`` or one of its units."""
    return (
        Membership.objects.filter(zone=zone)
        .select_related("user", "unit")
        .order_by("role", "unit__name", "user__username", "pk")
    )


def zone_unit_list(*, zone: Zone) -> QuerySet[Unit]:
    return zone.units.order_by("name")


def membership_list(*, username: str = "", role: str = "") -> QuerySet[Membership]:
    """Every membership (the security admin's page), optionally filtered."""
    memberships = Membership.objects.select_related("user", "zone", "unit", "province")
    if username:
        memberships = memberships.filter(user__username__icontains=username)
    if role:
        memberships = memberships.filter(role=role)
    return memberships.order_by("user__username", "role", "pk")


def grant_scope_choices() -> tuple[QuerySet[Zone], QuerySet[Unit], QuerySet[Region]]:
    """Zones, units (with their zone) and provinces for the security admin's grant form."""
    return (
        Zone.objects.order_by("name"),
        Unit.objects.select_related("zone").order_by("zone__name", "name"),
        Region.objects.filter(level=Region.Level.PROVINCE).order_by("name"),
    )


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def login_event_list(
    *, username: str = "", kind: str = "", date_from: date | None = None, date_to: date | None = None
) -> QuerySet[LoginEvent]:
    """The login log, newest first; dates are whole local days, both inclusive."""
    events = LoginEvent.objects.select_related("user")
    if username:
        events = events.filter(username=username)
    if kind:
        events = events.filter(kind=kind)
    if date_from:
        events = events.filter(at__gte=_start_of(date_from))
    if date_to:
        events = events.filter(at__lt=_start_of(date_to + timedelta(days=1)))
    return events.order_by("-at", "-pk")
