"""Writes of the 市级考评: the 考核考评组, units assigned to its members, results, methods, finishing.

Callers have checked access (inspections.access); these functions hold the rules.
Scores and grades come from ``grading`` (pure); a finished evaluation stores its score,
and its grade is read against the office's current thresholds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import eligible_for_team
from .grading import Thresholds, grade_for, score_of
from .models import (
    Campaign,
    Evaluation,
    EvaluationEvent,
    EvaluationMethod,
    EvaluationResult,
    Result,
    TeamMember,
)
from .services import row_keys

Status = Evaluation.Status
STEP = Decimal("0.5")


def thresholds_of(campaign: Campaign) -> Thresholds:
    return Thresholds(excellent=campaign.excellent_min, good=campaign.good_min, passing=campaign.pass_min)


def evaluation_grade(evaluation: Evaluation) -> str:
    """The grade of a finished evaluation under the campaign's thresholds ("" until finished)."""
    if evaluation.status != Status.DONE or evaluation.score is None:
        return ""
    return grade_for(evaluation.score, thresholds_of(evaluation.campaign))


# 考核考评组 -------------------------------------------------------------------------------


@transaction.atomic
def team_member_add(*, campaign: Campaign, member, role: str = TeamMember.Role.MEMBER, by) -> TeamMember:
    if role not in TeamMember.Role.values:
        raise ValidationError(_("未知的组内职务。"))
    if not eligible_for_team(member, campaign.zone):
        raise ValidationError(
            _(
                "“%(member)s”不是本创建对象的办公室工作人员或评审专家，不能加入考核考评组"
                "（评审专家须先由安全管理员授权）。"
            )
            % {"member": member}
        )
    if TeamMember.objects.filter(campaign=campaign, user=member).exists():
        raise ValidationError(_("“%(member)s”已在考核考评组中。") % {"member": member})
    return TeamMember.objects.create(campaign=campaign, user=member, role=role, added_by=by)


@transaction.atomic
def team_member_remove(*, member: TeamMember, by) -> None:
    if Evaluation.objects.filter(campaign_id=member.campaign_id, evaluator_id=member.user_id).exists():
        raise ValidationError(_("“%(member)s”还负责单位的考评，请先改派后再移出考评组。") % {"member": member.user})
    member.delete()


@transaction.atomic
def evaluation_assign(*, campaign: Campaign, unit_ids: Iterable[int], evaluator, by) -> int:
    """Assign units to a 考评组 member (``evaluator`` None: unassign). Finished evaluations keep theirs."""
    unit_ids = list(unit_ids)
    if evaluator is not None and not TeamMember.objects.filter(campaign=campaign, user=evaluator).exists():
        raise ValidationError(_("“%(member)s”不在考核考评组中，请先加入考评组。") % {"member": evaluator})
    rows = list(Evaluation.objects.select_for_update().filter(campaign=campaign, unit_id__in=unit_ids))
    if len(rows) != len(set(unit_ids)):
        raise ValidationError(_("所选单位不属于该自查考评。"))
    done = [e for e in rows if e.status == Status.DONE]
    if done:
        raise ValidationError(_("已完成考评的单位不能改派，请先重新打开。"))
    changed = 0
    for evaluation in rows:
        if evaluation.evaluator_id == getattr(evaluator, "pk", None):
            continue
        evaluation.evaluator = evaluator
        evaluation.save(update_fields=["evaluator"])
        who = f"分派给 {evaluator}" if evaluator else "取消分派"
        EvaluationEvent.objects.create(
            evaluation=evaluation, from_status=evaluation.status, to_status=evaluation.status, reason=who, by=by
        )
        changed += 1
    return changed


# Recording --------------------------------------------------------------------------------


def _editable_check(evaluation: Evaluation) -> None:
    """A finished evaluation is locked until the office reopens it. The end of the self-check phase
    (``campaign_close``) does not end the 市级考评 that follows it."""
    if evaluation.status == Status.DONE:
        raise ValidationError(_("该单位的考评已完成；如需修改，请办公室重新打开。"))


def evaluation_lock_reason(evaluation: Evaluation, *, may_evaluate: bool) -> str:
    """Why the viewer cannot change ``evaluation`` (a Chinese sentence), or "" when they can."""
    if not may_evaluate:
        return _("您可以查看该单位的考评，但不是它的考评人员，不能修改。")
    if evaluation.status == Status.DONE:
        return _("该单位的考评已完成；如需修改，请办公室重新打开。")
    return ""


def _points(value: Any, label: str, maximum: Decimal) -> Decimal:
    try:
        points = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(row)s：得分应为数字。") % {"row": label}) from None
    if not points.is_finite() or points < 0 or points > maximum:
        raise ValidationError(
            _("%(row)s：得分应在 0 到 %(max)s 分之间。") % {"row": label, "max": f"{maximum.normalize():f}"}
        )
    if points % STEP != 0:
        raise ValidationError(_("%(row)s：得分以 0.5 分为单位。") % {"row": label})
    return points


def _target(key: str) -> dict[str, int]:
    return {"indicator_id": int(key[1:])} if key.startswith("i") else {"assignment_id": int(key[1:])}


def _key(row) -> str:
    return f"i{row.indicator_id}" if row.indicator_id else f"a{row.assignment_id}"


@transaction.atomic
def evaluation_results_save(
    *, evaluation: Evaluation, user, results: dict[str, dict[str, Any]], summary: str | None = None
) -> Evaluation:
    """Per row key: ``result`` (完成/基本完成/未完成), ``points`` on a points scale, ``comment``.

    A row sent with no result clears it. Keys must be the unit's items and tasks.
    """
    locked = Evaluation.objects.select_for_update().select_related("campaign", "unit").get(pk=evaluation.pk)
    _editable_check(locked)
    campaign = locked.campaign
    keys = row_keys(campaign=campaign, unit=locked.unit)
    on_points = campaign.scale == Campaign.Scale.POINTS
    existing = {_key(r): r for r in EvaluationResult.objects.filter(evaluation=locked)}
    errors, new, changed, cleared = [], [], [], []
    for key, data in results.items():
        if key not in keys:
            raise ValidationError(_("所填事项不属于该单位的责任指标或任务，请刷新页面后重试。"))
        result = (data.get("result") or "").strip()
        comment = (data.get("comment") or "").strip()[:500]
        raw_points = data.get("points")
        if not result:
            if key in existing:
                cleared.append(existing[key].pk)
            continue
        if result not in Result.values:
            errors.append(_("%(row)s：未知的考评结果。") % {"row": keys[key]})
            continue
        points = None
        if on_points:
            if raw_points in (None, ""):
                errors.append(_("%(row)s：按分值计分，请填写得分。") % {"row": keys[key]})
                continue
            try:
                points = _points(raw_points, keys[key], campaign.row_points)
            except ValidationError as exc:
                errors.extend(exc.messages)
                continue
        row = existing.get(key)
        if row is None:
            new.append(
                EvaluationResult(
                    evaluation=locked, result=result, points=points, comment=comment, by=user, **_target(key)
                )
            )
        elif (row.result, row.points, row.comment) != (result, points, comment):
            row.result, row.points, row.comment, row.by = result, points, comment, user
            changed.append(row)
    if errors:
        raise ValidationError(errors)
    EvaluationResult.objects.filter(pk__in=cleared).delete()
    EvaluationResult.objects.bulk_create(new)
    for row in changed:
        row.save(update_fields=["result", "points", "comment", "by", "at"])
    fields = []
    if summary is not None:
        locked.summary = summary.strip()[:5000]
        fields.append("summary")
    if locked.status == Status.PENDING:
        EvaluationEvent.objects.create(
            evaluation=locked, from_status=Status.PENDING, to_status=Status.IN_PROGRESS, by=user
        )
        locked.status = Status.IN_PROGRESS
        fields.append("status")
    if fields:
        locked.save(update_fields=fields)
    evaluation.summary, evaluation.status = locked.summary, locked.status
    return evaluation


@transaction.atomic
def evaluation_method_add(
    *, evaluation: Evaluation, user, method: str, on: date | None, notes: str = ""
) -> EvaluationMethod:
    _editable_check(evaluation)
    if method not in EvaluationMethod.Method.values:
        raise ValidationError(_("请选择考评方式（听取汇报、查阅资料、问卷调查、明察暗访）。"))
    if not isinstance(on, date):
        raise ValidationError(_("请填写考评日期。"))
    if on > timezone.localdate():
        raise ValidationError(_("考评日期不能晚于今天。"))
    row = EvaluationMethod.objects.create(
        evaluation=evaluation, method=method, on=on, notes=(notes or "").strip()[:5000], by=user
    )
    if evaluation.status == Status.PENDING:
        Evaluation.objects.filter(pk=evaluation.pk).update(status=Status.IN_PROGRESS)
        EvaluationEvent.objects.create(
            evaluation=evaluation, from_status=Status.PENDING, to_status=Status.IN_PROGRESS, by=user
        )
        evaluation.status = Status.IN_PROGRESS
    return row


def evaluation_method_delete(*, method: EvaluationMethod) -> None:
    _editable_check(method.evaluation)
    method.delete()


@transaction.atomic
def evaluation_finish(*, evaluation: Evaluation, user) -> Evaluation:
    """Every item and task has a result (and points on a points scale), at least one method is
    recorded: the score is computed and stored; the grade follows from the thresholds."""
    locked = Evaluation.objects.select_for_update().select_related("campaign", "unit").get(pk=evaluation.pk)
    _editable_check(locked)
    campaign = locked.campaign
    keys = row_keys(campaign=campaign, unit=locked.unit)
    results = {_key(r): r for r in EvaluationResult.objects.filter(evaluation=locked)}
    missing = [label for key, label in keys.items() if key not in results]
    if missing:
        shown = "、".join(missing[:5]) + (_(" 等 %(count)s 项") % {"count": len(missing)} if len(missing) > 5 else "")
        raise ValidationError(_("以下事项尚未填写考评结果：%(rows)s。") % {"rows": shown})
    if campaign.scale == Campaign.Scale.POINTS:
        unscored = [keys[k] for k in keys if results[k].points is None]
        if unscored:
            raise ValidationError(_("按分值计分，以下事项尚未打分：%(rows)s。") % {"rows": "、".join(unscored[:5])})
    if not EvaluationMethod.objects.filter(evaluation=locked).exists():
        raise ValidationError(_("请至少记录一种考评方式（听取汇报、查阅资料、问卷调查或明察暗访）。"))
    score = score_of(
        scale=campaign.scale,
        row_points=campaign.row_points,
        rows=[(results[k].result, results[k].points) for k in keys],
    )
    source = locked.status
    Evaluation.objects.filter(pk=locked.pk).update(
        status=Status.DONE,
        score=score.percent,
        points=score.points,
        max_points=score.max_points,
        finished_by=user,
        finished_at=timezone.now(),
    )
    EvaluationEvent.objects.create(
        evaluation=locked, from_status=source, to_status=Status.DONE, reason=f"得分率 {score.percent}%", by=user
    )
    evaluation.refresh_from_db()
    return evaluation


@transaction.atomic
def evaluation_reopen(*, evaluation: Evaluation, user, reason: str) -> Evaluation:
    """The office reopens a finished evaluation, with a reason; its score is cleared until finished again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("重新打开考评时必须填写理由。"))
    changed = Evaluation.objects.filter(pk=evaluation.pk, status=Status.DONE).update(
        status=Status.IN_PROGRESS, score=None, points=None, max_points=None, finished_at=None, finished_by=None
    )
    if not changed:
        raise ValidationError(_("只有已完成的考评可以重新打开。"))
    EvaluationEvent.objects.create(
        evaluation=evaluation, from_status=Status.DONE, to_status=Status.IN_PROGRESS, reason=reason, by=user
    )
    evaluation.refresh_from_db()
    return evaluation
