"""Evaluators of a round: conflicts of interest, assignments, 回避."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from indicators.models import Indicator
from notifications.services import notify_on_commit
from zones.models import Membership, Region, Zone

from ..models import (
    AssessmentRound,
    EvaluatorAssignment,
    EvaluatorProfile,
    Judgement,
)
from .notices import evaluator_assigned_notify
from .rounds import _user

Kind = AssessmentRound.Kind
Status = AssessmentRound.Status
ZS = Zone.Status


# Evaluators -------------------------------------------------------------------------


def _contains(ancestor: Region, region: Region) -> bool:
    node: Region | None = region
    while node is not None:
        if node.pk == ancestor.pk:
            return True
        node = node.parent
    return False


def conflict_of_interest(*, round: AssessmentRound, evaluator) -> str | None:
    """Why ``evaluator`` may not score ``round``'s zone (回避), or None."""
    zone = round.zone
    own = (
        Membership.objects.filter(user=evaluator, zone=zone, role__in=[Membership.Role.OFFICE, Membership.Role.LIAISON])
        .select_related("unit")
        .first()
    )
    if own is not None:
        where = own.unit.name if own.unit_id else f"{zone.name}办公室"
        return f"{evaluator}是本创建对象“{where}”的工作人员，须回避，不能担任本轮评审专家。"
    profile = EvaluatorProfile.objects.filter(user=evaluator).select_related("home_region").first()
    if profile is None or not profile.home_region_id:
        return None
    home = profile.home_region
    if _contains(home, zone.region):
        return f"{evaluator}的工作所在地“{home.name}”包含本创建对象“{zone.name}”，须回避，不能担任本轮评审专家。"
    if _contains(zone.region, home):
        return (
            f"{evaluator}的工作所在地“{home.name}”位于本创建对象“{zone.name}”（{zone.region.name}）辖区内，"
            "须回避，不能担任本轮评审专家。"
        )
    return None


def _items_under(indicator: Indicator) -> list[Indicator]:
    if indicator.level == 3:
        return [indicator]
    items = list(Indicator.objects.filter(system_id=indicator.system_id, level=3).select_related("parent"))
    return [i for i in items if i.parent_id == indicator.pk or (i.parent and i.parent.parent_id == indicator.pk)]


@transaction.atomic
def evaluator_assign(
    *, round: AssessmentRound, evaluator, indicators: list[Indicator], user
) -> list[EvaluatorAssignment]:
    """Assign ``evaluator`` to items of ``round`` (a dimension or second-level node stands for every item under it)."""
    if round.status == Status.SUBMITTED:
        raise ValidationError(_("“%(round)s”已提交，不能再分配专家。") % {"round": round})
    if round.kind == Kind.SELF:
        raise ValidationError(_("自评由办公室评分，不分配评审专家。"))
    if not evaluator.is_active:
        raise ValidationError(_("账号“%(evaluator)s”已停用。") % {"evaluator": evaluator})
    reason = conflict_of_interest(round=round, evaluator=evaluator)
    if reason:
        raise ValidationError(reason)
    created, new_codes = [], []
    for node in indicators:
        if node.system_id != round.system_id:
            raise ValidationError(_("指标“%(code)s”不属于本轮采用的指标体系。") % {"code": node.code})
        for item in _items_under(node):
            # A recused assignment stays as the record of the 回避: assigning again makes a new row.
            assignment, made = EvaluatorAssignment.objects.get_or_create(
                round=round,
                evaluator=evaluator,
                indicator=item,
                recused_at__isnull=True,
                defaults={"assigned_by": _user(user)},
            )
            if made:
                new_codes.append(item.code)
            created.append(assignment)
    if new_codes:
        audit_record(
            action=AuditAction.EVALUATOR_ASSIGNED,
            actor=_user(user),
            target=round,
            zone=round.zone,
            after={"evaluator": evaluator.get_username(), "items": new_codes},
        )
    notify_on_commit(
        evaluator_assigned_notify, round_id=round.pk, evaluator_id=evaluator.pk, actor_id=getattr(user, "pk", None)
    )
    return created


@transaction.atomic
def evaluator_unassign(*, assignment: EvaluatorAssignment, user) -> None:
    """Take back an assignment the evaluator has not scored yet (a recused one is the record: kept)."""
    if assignment.recused_at is not None:
        raise ValidationError(_("该专家已申请回避，回避记录须保留，不能删除。"))
    if assignment.round.status == Status.SUBMITTED:
        raise ValidationError(_("本轮已提交，不能调整专家分工。"))
    if Judgement.objects.filter(
        round=assignment.round, judged_by=assignment.evaluator, scoring_item__indicator=assignment.indicator
    ).exists():
        raise ValidationError(_("该专家已对此指标评分，不能取消分工；如需回避请由专家本人申请回避。"))
    before = {
        "evaluator": assignment.evaluator.get_username(),
        "item": assignment.indicator.code,
        "assigned_at": assignment.assigned_at.isoformat(),
    }
    assignment.delete()
    audit_record(
        action=AuditAction.EVALUATOR_UNASSIGNED,
        actor=_user(user),
        target=assignment.round,
        zone=assignment.round.zone,
        before=before,
    )


@transaction.atomic
def assignment_recuse(*, assignment: EvaluatorAssignment, user, reason: str) -> EvaluatorAssignment:
    """回避: the evaluator steps back from an item; their scores for it are withdrawn."""
    if assignment.evaluator_id != user.pk:
        raise PermissionDenied(_("只能由专家本人申请回避。"))
    if assignment.round.status == Status.SUBMITTED:
        raise ValidationError(_("本轮已提交，不能申请回避。"))
    if not (reason or "").strip():
        raise ValidationError(_("申请回避必须填写理由。"))
    if assignment.recused_at is not None:
        raise ValidationError(_("您已就该指标申请回避。"))
    assignment.recused_at, assignment.recusal_reason = timezone.now(), reason.strip()
    assignment.save(update_fields=["recused_at", "recusal_reason"])
    withdrawn = Judgement.objects.filter(
        round=assignment.round, judged_by=user, scoring_item__indicator=assignment.indicator
    )
    codes = sorted(withdrawn.values_list("scoring_item__code", flat=True))
    withdrawn.delete()
    audit_record(
        action=AuditAction.EVALUATOR_RECUSED,
        actor=_user(user),
        target=assignment.round,
        zone=assignment.round.zone,
        after={"evaluator": user.get_username(), "item": assignment.indicator.code, "withdrawn_scores": codes},
        reason=assignment.recusal_reason,
    )
    return assignment


@transaction.atomic
def evaluator_profile_save(*, user, home_region: Region | None, organisation: str, by=None) -> EvaluatorProfile:
    """Where an evaluator works (the conflict-of-interest check reads it): every path — the admin,
    the demo — saves it here, audited as a change to the account with what it was before."""
    profile = EvaluatorProfile.objects.select_for_update().filter(user=user).first()
    before = {"home_region": str(profile.home_region or ""), "organisation": profile.organisation} if profile else None
    profile, _created = EvaluatorProfile.objects.update_or_create(
        user=user, defaults={"home_region": home_region, "organisation": organisation.strip()}
    )
    after = {"home_region": str(home_region or ""), "organisation": profile.organisation}
    if before != after:
        audit_record(
            action=AuditAction.USER_CHANGED,
            actor=by,
            target=user,
            target_label=user.get_username(),
            before=before,
            after=after,
            reason=_("评审专家工作所在地与单位"),
        )
    return profile
