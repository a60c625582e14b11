"""督办 reminders for this app, sent by the morning supervision job through the
``supervision_extra_reminders`` hook, on the assignments' own schedule (tasks/supervision.py):
7, 3 and 1 days before the date, nothing on it, then every 3 days after.

- an open finding (not 已销号) against its 整改时限;
- a self-check not yet submitted (or sent back) in an open campaign, or sent back in a closed one,
  against the due date.

Reminders go to the unit's liaisons, once per person and slot (the dedupe key names the
finding or self-check, the date and the slot, so a moved date gets its own), through
notifications.notify: with the campaign's zone, and only to whom the inspections access
functions let open the finding or self-check (an overdue finding is 整改逾期).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notify
from tasks.supervision import BEFORE_DAYS, Reminder, reminder_for
from tasks.supervision_services import liaisons_by_unit

from .models import Campaign, Finding, SelfCheck
from .notices import finding_may_see, selfcheck_may_see


def _reminder(pk: int, due: date, today: date) -> Reminder | None:
    # The rule is the assignments' (the key it builds is replaced by ours below).
    return reminder_for(assignment_id=pk, due_date=due, today=today)


def _horizon(today: date) -> date:
    return today + timedelta(days=BEFORE_DAYS[0])


Message = tuple  # (unit id, dedupe key, kind, title, body, url, zone, may_see)


def _finding_messages(today: date) -> list[Message]:
    rows = (
        Finding.objects.exclude(status=Finding.Status.CLOSED)
        .filter(deadline__lte=_horizon(today))
        .exclude(deadline=today)
        .select_related("unit__zone", "campaign__zone__region__parent__parent")
        .order_by("deadline", "pk")
    )
    messages = []
    for finding in rows:
        reminder = _reminder(finding.pk, finding.deadline, today)
        if reminder is None:
            continue
        key = f"finding:{finding.pk}:{finding.deadline:%Y-%m-%d}:{reminder.slot}"
        what = f"问题{finding.number}“{finding.short_title}”"
        facts = f"{finding.unit.name}：整改时限 {finding.deadline:%Y-%m-%d}，当前状态“{finding.get_status_display()}”。"
        if reminder.is_overdue:
            kind, title = Notification.Kind.FINDING_OVERDUE, f"{what}整改已逾期 {reminder.days} 天"
        else:
            kind, title = Notification.Kind.REMINDER, f"{what}还有 {reminder.days} 天到整改时限"
        url = reverse("inspections:finding", args=[finding.pk])
        zone = finding.campaign.zone
        messages.append((finding.unit_id, key, kind, title, facts, url, zone, finding_may_see(finding)))
    return messages


def _selfcheck_messages(today: date) -> list[Message]:
    rows = (
        SelfCheck.objects.filter(
            # a report sent back is still owed once the campaign has closed (SelfCheck.is_editable)
            Q(campaign__status=Campaign.Status.OPEN) | Q(status=SelfCheck.Status.RETURNED),
            campaign__due_date__lte=_horizon(today),
        )
        .exclude(status=SelfCheck.Status.SUBMITTED)
        .exclude(campaign__due_date=today)
        .select_related("campaign__zone__region__parent__parent", "unit__zone")
        .order_by("campaign__due_date", "pk")
    )
    messages = []
    for selfcheck in rows:
        due = selfcheck.campaign.due_date
        reminder = _reminder(selfcheck.pk, due, today)
        if reminder is None:
            continue
        key = f"selfcheck:{selfcheck.pk}:{due:%Y-%m-%d}:{reminder.slot}"
        what = f"自查报告“{selfcheck.campaign.title}”"
        facts = f"{selfcheck.unit.name}：报送截止 {due:%Y-%m-%d}，尚未报送。"
        if reminder.is_overdue:
            kind, title = Notification.Kind.OVERDUE, f"{what}已逾期 {reminder.days} 天未报送"
        else:
            kind, title = Notification.Kind.REMINDER, f"{what}还有 {reminder.days} 天截止报送"
        url = reverse("inspections:selfcheck", args=[selfcheck.pk])
        zone = selfcheck.campaign.zone
        messages.append((selfcheck.unit_id, key, kind, title, facts, url, zone, selfcheck_may_see(selfcheck)))
    return messages


def inspection_reminders_send(*, today: date) -> int:
    """Create the reminders in force on ``today``; returns how many were new (idempotent)."""
    messages = _finding_messages(today) + _selfcheck_messages(today)
    if not messages:
        return 0
    liaisons = liaisons_by_unit(unit_ids=[m[0] for m in messages])
    sent = set(
        Notification.objects.filter(dedupe_key__in=[m[1] for m in messages]).values_list("recipient_id", "dedupe_key")
    )
    created = 0
    for unit_id, key, kind, title, body, url, zone, may_see in messages:
        created += notify(
            recipients=[user for user in liaisons.get(unit_id, ()) if (user.pk, key) not in sent],
            title=title,
            body=body,
            url=url,
            kind=kind,
            dedupe_key=key,
            zone=zone,
            may_see=may_see,
        )
    return created
