"""Who is told about a piece of evidence, and what (through notifications.notify, after commit).

- submitted (已提交, waiting for review) → the zone's office members who may review it;
- accepted or returned (the reviewer's decision) → the liaisons of the evidence's unit.

Each recipient is checked with the permission functions the pages use (zones.access and
``evidence_visible``), so a liaison of another unit, or an office of another zone, hears nothing.
"""

from __future__ import annotations

from django.urls import reverse

from notifications.models import Notification
from notifications.services import notifications_resolve, notify
from zones.access import ZoneAction, zone_can
from zones.models import Membership

from .models import Evidence, EvidenceStatus
from .selectors import evidence_visible

TITLE_MAX = 60


def _short(title: str) -> str:
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"


def _get(evidence_id: int) -> Evidence | None:
    return (
        Evidence.objects.select_related("zone__region__parent__parent", "unit", "indicator")
        .filter(pk=evidence_id)
        .first()
    )


def _may_open(evidence: Evidence, action: ZoneAction | None = None):
    """``user`` may open the evidence's page (and, with ``action``, act on it)."""

    def check(user) -> bool:
        zone = evidence.zone
        if not zone_can(user, zone, ZoneAction.VIEW) or (action is not None and not zone_can(user, zone, action)):
            return False
        return evidence_visible(user=user, zone=zone).filter(pk=evidence.pk).exists()

    return check


def _url(evidence: Evidence) -> str:
    return reverse("evidence:detail", args=[evidence.zone_id, evidence.pk])


def _members(role: str, **where) -> list:
    memberships = Membership.objects.filter(role=role, **where).select_related("user").order_by("user_id")
    return [m.user for m in memberships]


def _item(evidence: Evidence) -> str:
    return f"{evidence.indicator.code} {evidence.indicator.name}" if evidence.indicator_id else ""


def evidence_submitted_notify(*, evidence_id: int, actor_id: int | None = None, at: str = "") -> int:
    """已提交 → the office members who may review it (once per submission)."""
    evidence = _get(evidence_id)
    if evidence is None or evidence.status != EvidenceStatus.SUBMITTED:
        return 0
    return notify(
        recipients=_members(Membership.Role.OFFICE, zone_id=evidence.zone_id),
        kind=Notification.Kind.EVIDENCE_SUBMITTED,
        title=f"{evidence.unit.name}提交了佐证材料，待审核：{_short(evidence.title)}",
        body=_item(evidence),
        url=_url(evidence),
        dedupe_key=f"evidence:{evidence.pk}:submitted:{at}",
        zone=evidence.zone,
        may_see=_may_open(evidence, ZoneAction.REVIEW_EVIDENCE),
        actor=actor_id,
    )


def evidence_decided_notify(*, evidence_id: int) -> int:
    """采纳 or 退回 → the liaisons of the evidence's unit (once per decision; a return with its reason)."""
    evidence = _get(evidence_id)
    if evidence is None or evidence.status not in (EvidenceStatus.ACCEPTED, EvidenceStatus.RETURNED):
        return 0
    returned = evidence.status == EvidenceStatus.RETURNED
    at = evidence.reviewed_at.isoformat() if evidence.reviewed_at else ""
    # Reviewed: the office's "待审核" notices of it no longer wait for anyone.
    notifications_resolve(
        recipient_ids=[u.pk for u in _members(Membership.Role.OFFICE, zone_id=evidence.zone_id)],
        kind=Notification.Kind.EVIDENCE_SUBMITTED,
        key_prefix=f"evidence:{evidence.pk}:submitted:",
    )
    return notify(
        recipients=_members(Membership.Role.LIAISON, zone_id=evidence.zone_id, unit_id=evidence.unit_id),
        kind=Notification.Kind.EVIDENCE_RETURNED if returned else Notification.Kind.EVIDENCE_ACCEPTED,
        title=f"佐证材料被退回：{_short(evidence.title)}" if returned else f"佐证材料已采纳：{_short(evidence.title)}",
        body=f"退回原因：{evidence.return_reason}" if returned else _item(evidence),
        url=_url(evidence),
        dedupe_key=f"evidence:{evidence.pk}:{'returned' if returned else 'accepted'}:{at}",
        zone=evidence.zone,
        may_see=_may_open(evidence),
        actor=evidence.reviewed_by_id,
    )
