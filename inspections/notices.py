"""Who is told about a unit's 自查报告 and its findings (through notifications.notify, after commit).

- a self-check submitted → the zone's office members who may send it back (``selfcheck_can``
  MANAGE), so the office knows a report waits to be read;
- a self-check sent back → the unit's liaisons (自查报告退回);
- a finding raised, sent back after 复核, closed (销号) → the unit's liaisons (考评问题, 整改退回,
  问题已销号);
- a finding's rectification submitted → its evaluator, or the office when no evaluator is
  assigned (整改待复核).

Each notice carries the campaign's zone (badge, digest group, hidden once the reader no longer
sees the zone) and is created only for whom the inspections access functions let open what it
names; the person who made the change is never told. The 督办 reminders are in ``reminders``.
"""

from __future__ import annotations

from django.urls import reverse

from notifications.models import Notification
from notifications.services import notify
from zones.models import Membership

from .access import Action, finding_can, selfcheck_can
from .models import Evaluation, Finding, SelfCheck

Kind = Notification.Kind


def _liaisons(unit_id: int) -> list:
    memberships = Membership.objects.filter(role=Membership.Role.LIAISON, unit_id=unit_id).select_related("user")
    return [m.user for m in memberships.order_by("user_id")]


def _office(zone_id: int) -> list:
    memberships = Membership.objects.filter(role=Membership.Role.OFFICE, zone_id=zone_id).select_related("user")
    return [m.user for m in memberships.order_by("user_id")]


def _selfcheck(selfcheck_id: int) -> SelfCheck | None:
    return (
        SelfCheck.objects.select_related("campaign__zone__region__parent__parent", "unit__zone")
        .filter(pk=selfcheck_id)
        .first()
    )


def _finding(finding_id: int) -> Finding | None:
    return (
        Finding.objects.select_related("campaign__zone__region__parent__parent", "unit__zone")
        .filter(pk=finding_id)
        .first()
    )


def finding_may_see(finding: Finding, action: Action = Action.VIEW):
    """``may_see`` for a notice naming ``finding``: the reader may open it (and do ``action``)."""
    if action == Action.VIEW:
        return lambda user: finding_can(user, finding, Action.VIEW)
    return lambda user: finding_can(user, finding, Action.VIEW) and finding_can(user, finding, action)


def selfcheck_may_see(selfcheck: SelfCheck, action: Action = Action.VIEW):
    if action == Action.VIEW:
        return lambda user: selfcheck_can(user, selfcheck, Action.VIEW)
    return lambda user: selfcheck_can(user, selfcheck, Action.VIEW) and selfcheck_can(user, selfcheck, action)


def selfcheck_submitted_notify(*, selfcheck_id: int, actor_id: int | None = None, at: str = "") -> int:
    """已报送 → the office (once per submission: a report sent back and submitted again is news)."""
    selfcheck = _selfcheck(selfcheck_id)
    if selfcheck is None or selfcheck.status != SelfCheck.Status.SUBMITTED:
        return 0
    zone = selfcheck.campaign.zone
    return notify(
        recipients=_office(zone.pk),
        kind=Kind.SELFCHECK_SUBMITTED,
        title=f"{selfcheck.unit.name}报送了自查报告",
        body=selfcheck.campaign.title,
        url=reverse("inspections:selfcheck", args=[selfcheck.pk]),
        dedupe_key=f"selfcheck:{selfcheck.pk}:submitted:{at}",
        zone=zone,
        may_see=selfcheck_may_see(selfcheck, Action.MANAGE),
        actor=actor_id,
    )


def selfcheck_returned_notify(*, selfcheck_id: int, reason: str, actor_id: int | None = None, at: str = "") -> int:
    """退回 → the unit's liaisons, who fill it in again (SELF_CHECK on their unit)."""
    selfcheck = _selfcheck(selfcheck_id)
    if selfcheck is None:
        return 0
    campaign = selfcheck.campaign
    return notify(
        recipients=_liaisons(selfcheck.unit_id),
        kind=Kind.SELFCHECK_RETURNED,
        title=f"自查报告被退回：{campaign.title}",
        body=f"{selfcheck.unit.name}：退回原因：{reason}。请修改后重新报送。",
        url=reverse("inspections:selfcheck", args=[selfcheck.pk]),
        dedupe_key=f"selfcheck:{selfcheck.pk}:returned:{at}",
        zone=campaign.zone,
        may_see=selfcheck_may_see(selfcheck, Action.SELF_CHECK),
        actor=actor_id,
    )


def _finding_url(finding: Finding) -> str:
    return reverse("inspections:finding", args=[finding.pk])


def _tell_unit(finding: Finding, *, kind: str, what: str, detail: str, key: str, actor_id: int | None) -> int:
    return notify(
        recipients=_liaisons(finding.unit_id),
        kind=kind,
        title=f"{what}：问题{finding.number} {finding.short_title}",
        body=f"{finding.unit.name}：{detail}",
        url=_finding_url(finding),
        dedupe_key=f"finding:{finding.pk}:{key}",
        zone=finding.campaign.zone,
        may_see=finding_may_see(finding),
        actor=actor_id,
    )


def finding_raised_notify(*, finding_id: int, actor_id: int | None = None) -> int:
    """A new finding → the unit's liaisons, who answer it (考评问题)."""
    finding = _finding(finding_id)
    if finding is None:
        return 0
    return _tell_unit(
        finding,
        kind=Kind.FINDING_RAISED,
        what="新的考评问题",
        detail=f"整改时限 {finding.deadline:%Y-%m-%d}。",
        key="raised",
        actor_id=actor_id,
    )


def finding_returned_notify(*, finding_id: int, reason: str, actor_id: int | None = None, at: str = "") -> int:
    """复核退回 → the unit's liaisons, who answer it again (整改退回)."""
    finding = _finding(finding_id)
    if finding is None:
        return 0
    return _tell_unit(
        finding,
        kind=Kind.FINDING_RETURNED,
        what="整改被退回",
        detail=f"退回理由：{reason}",
        key=f"returned:{at}",
        actor_id=actor_id,
    )


def finding_closed_notify(*, finding_id: int, actor_id: int | None = None) -> int:
    """复核通过, 销号 → the unit's liaisons (问题已销号): nothing more to do on it."""
    finding = _finding(finding_id)
    if finding is None or finding.status != Finding.Status.CLOSED:
        return 0
    return _tell_unit(
        finding,
        kind=Kind.FINDING_CLOSED,
        what="问题已销号",
        detail="复核通过，该问题已销号。",
        key="closed",
        actor_id=actor_id,
    )


def finding_answered_notify(*, finding_id: int, actor_id: int | None = None, at: str = "") -> int:
    """整改情况 submitted → the evaluator of the unit (or the office when none is assigned), who
    may re-check it (整改待复核)."""
    finding = _finding(finding_id)
    if finding is None or finding.status != Finding.Status.RECHECK:
        return 0
    evaluation = Evaluation.objects.select_related("evaluator").filter(pk=finding.evaluation_id).first()
    evaluator = evaluation.evaluator if evaluation is not None else None
    recipients = [evaluator] if evaluator is not None else _office(finding.campaign.zone_id)
    return notify(
        recipients=recipients,
        kind=Kind.FINDING_ANSWERED,
        title=f"待复核：问题{finding.number} {finding.short_title}",
        body=f"{finding.unit.name}已提交整改情况，请复核。",
        url=_finding_url(finding),
        dedupe_key=f"finding:{finding.pk}:recheck:{at}",
        zone=finding.campaign.zone,
        may_see=finding_may_see(finding, Action.EVALUATE),
        actor=actor_id,
    )
