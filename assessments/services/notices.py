"""Who is told about a round, and what (through notifications.notify, after commit).

- an evaluator assigned to items of a round → that evaluator (link: their review screen);
- an evaluator marks a figure 存疑 → the zone's office, who correct it (link: the round's doubts);
- the office answers a 存疑 (更正) → the evaluator who raised it (link: the item on the review screen);
- the office writes a 差异说明 in an evaluators' round → the evaluators of that item (same link).

Each recipient is checked with assessments.access (``round_can``), so nobody is told about a round
they could not open. The office's answer to a 评审意见 is announced by reports.services.
"""

from __future__ import annotations

from django.urls import reverse

from notifications.models import Notification
from notifications.services import notifications_resolve, notify
from zones.access import ZoneAction, zone_can
from zones.models import Membership

from ..access import RoundAction, round_can
from ..models import AssessmentRound, DifferenceReason, Doubt, EvaluatorAssignment


def _round(round_id: int) -> AssessmentRound | None:
    return AssessmentRound.objects.select_related("zone__region__parent__parent").filter(pk=round_id).first()


def _may(round: AssessmentRound, action: RoundAction):
    return lambda user: round_can(user, round, action)


def evaluator_assigned_notify(*, round_id: int, evaluator_id: int, actor_id: int | None = None) -> int:
    """The evaluator hears which round and how many items are theirs (again when the count changes)."""
    round = _round(round_id)
    if round is None:
        return 0
    mine = EvaluatorAssignment.objects.filter(round=round, evaluator_id=evaluator_id, recused_at__isnull=True)
    items = list(mine.select_related("evaluator", "indicator").order_by("indicator__position", "indicator_id"))
    if not items:
        return 0
    codes = "、".join(a.indicator.code for a in items[:8]) + (f" 等 {len(items)} 项" if len(items) > 8 else "")
    return notify(
        recipients=[items[0].evaluator],
        kind=Notification.Kind.ROUND_ASSIGNED,
        title=f"您被分配评审{round.zone.name}{round.get_kind_display()}的 {len(items)} 项指标",
        body=f"指标：{codes}。",
        url=reverse("assessments:review", args=[round.pk]),
        dedupe_key=f"round:{round.pk}:assigned:{evaluator_id}:{len(items)}",
        zone=round.zone,
        may_see=_may(round, RoundAction.SCORE),
        actor=actor_id,
    )


def _doubt(doubt_id: int) -> Doubt | None:
    return (
        Doubt.objects.select_related("round__zone__region__parent__parent", "scoring_item__indicator", "raised_by")
        .filter(pk=doubt_id)
        .first()
    )


def doubt_raised_notify(*, doubt_id: int) -> int:
    """存疑 → the zone's office members who may correct the figure."""
    doubt = _doubt(doubt_id)
    if doubt is None or doubt.status != Doubt.Status.OPEN:
        return 0
    round = doubt.round
    office = Membership.objects.filter(role=Membership.Role.OFFICE, zone_id=round.zone_id).select_related("user")
    return notify(
        recipients=[m.user for m in office.order_by("user_id")],
        kind=Notification.Kind.DOUBT_RAISED,
        title=f"{round.get_kind_display()}：评分项 {doubt.scoring_item.code} 的数据被标记存疑",
        body=f"存疑理由：{doubt.reason[:200]}",
        url=f"{reverse('assessments:round', args=[round.pk])}#doubts",
        dedupe_key=f"doubt:{doubt.pk}:raised",
        zone=round.zone,
        may_see=_may(round, RoundAction.RESOLVE_DOUBT),
        actor=doubt.raised_by_id,
    )


def doubt_resolved_notify(*, doubt_id: int) -> int:
    """The office's answer to a 存疑 (更正) → the evaluator who raised it."""
    doubt = _doubt(doubt_id)
    if doubt is None or doubt.status != Doubt.Status.RESOLVED or doubt.raised_by is None:
        return 0
    round = doubt.round
    return notify(
        recipients=[doubt.raised_by],
        kind=Notification.Kind.ZONE_REPLIED,
        title=f"{round.zone.name}已处理您对评分项 {doubt.scoring_item.code} 的存疑",
        body=f"处理说明：{doubt.close_note[:200]}",
        url=reverse("assessments:review-item", args=[round.pk, doubt.scoring_item.indicator_id]),
        dedupe_key=f"doubt:{doubt.pk}:resolved",
        zone=round.zone,
        may_see=_may(round, RoundAction.VIEW),
        actor=doubt.closed_by_id,
    )


def doubt_closed_resolve(*, doubt: Doubt) -> int:
    """Withdrawn or resolved: the office's "数据存疑" notices of it no longer wait."""
    office = Membership.objects.filter(role=Membership.Role.OFFICE, zone_id=doubt.round.zone_id)
    return notifications_resolve(
        recipient_ids=office.values_list("user_id", flat=True),
        kind=Notification.Kind.DOUBT_RAISED,
        key_prefix=f"doubt:{doubt.pk}:raised",
    )


def difference_reason_notify(*, reason_id: int) -> int:
    """The zone's 差异说明 on a sub-criterion of an evaluators' round → the evaluators of its item."""
    reason = (
        DifferenceReason.objects.select_related("round__zone__region__parent__parent", "scoring_item", "by")
        .filter(pk=reason_id)
        .first()
    )
    if reason is None or reason.by is None or reason.round.kind == AssessmentRound.Kind.SELF:
        return 0
    round = reason.round
    if not zone_can(reason.by, round.zone, ZoneAction.MANAGE_SELF_ROUND):
        return 0  # an evaluator's own note is not the zone's answer
    assigned = EvaluatorAssignment.objects.filter(
        round=round, indicator_id=reason.scoring_item.indicator_id, recused_at__isnull=True
    ).select_related("evaluator")
    return notify(
        recipients=[a.evaluator for a in assigned.order_by("evaluator_id")],
        kind=Notification.Kind.ZONE_REPLIED,
        title=f"{round.zone.name}对评分项 {reason.scoring_item.code} 填写了差异说明",
        body=reason.text[:200],
        url=reverse("assessments:review-item", args=[round.pk, reason.scoring_item.indicator_id]),
        dedupe_key=f"reason:{reason.pk}:{reason.at.isoformat()}",
        zone=round.zone,
        may_see=_may(round, RoundAction.VIEW),
        actor=reason.by_id,
    )
