"""Who is told about a unit's 自查报告 (through notifications.notify, after commit).

- submitted → the zone's office members who may send it back (``selfcheck_can`` MANAGE), so the
  office knows a report waits to be read. A return already tells the unit's liaisons
  (``services.selfcheck_return``).
"""

from __future__ import annotations

from django.urls import reverse

from notifications.models import Notification
from notifications.services import notify
from zones.models import Membership

from .access import Action, selfcheck_can
from .models import SelfCheck


def selfcheck_submitted_notify(*, selfcheck_id: int, actor_id: int | None = None, at: str = "") -> int:
    """已报送 → the office (once per submission: a report sent back and submitted again is news)."""
    selfcheck = (
        SelfCheck.objects.select_related("campaign__zone__region__parent__parent", "unit")
        .filter(pk=selfcheck_id)
        .first()
    )
    if selfcheck is None or selfcheck.status != SelfCheck.Status.SUBMITTED:
        return 0
    zone = selfcheck.campaign.zone
    offices = Membership.objects.filter(role=Membership.Role.OFFICE, zone_id=zone.pk).select_related("user")
    return notify(
        recipients=[m.user for m in offices.order_by("user_id")],
        kind=Notification.Kind.SELFCHECK_SUBMITTED,
        title=f"{selfcheck.unit.name}报送了自查报告",
        body=selfcheck.campaign.title,
        url=reverse("inspections:selfcheck", args=[selfcheck.pk]),
        dedupe_key=f"selfcheck:{selfcheck.pk}:submitted:{at}",
        zone=zone,
        may_see=lambda user: selfcheck_can(user, selfcheck, Action.MANAGE),
        actor=actor_id,
    )
