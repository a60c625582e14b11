"""Rounds: open, start, scores in a round, 存疑, 差异说明, submit (freeze and lock), reopen, return; the lock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from indicators.models import ScoringItem
from indicators.scoring.rules import JUDGED_RULES
from notifications.services import notify_on_commit
from zones.lifecycle import label as status_label
from zones.models import Zone
from zones.services import zone_transition

from ..models import (
    AssessmentRound,
    DifferenceReason,
    Doubt,
    EvaluatorAssignment,
    Judgement,
    RoundEvent,
    ScoreSnapshot,
)
from .notices import difference_reason_notify, doubt_closed_resolve, doubt_raised_notify, doubt_resolved_notify
from .scores import STALE, _judgement_audit, _judgement_state, judgement_check

Kind = AssessmentRound.Kind
Status = AssessmentRound.Status
ZS = Zone.Status


# Rounds -----------------------------------------------------------------------------


def _event(round: AssessmentRound, source: str, target: str, user, reason: str = "") -> None:
    RoundEvent.objects.create(round=round, from_status=source, to_status=target, by=_user(user), reason=reason)


def _user(user):
    return user if getattr(user, "pk", None) else None


def _set_status(round: AssessmentRound, target: str, user, reason: str = "") -> None:
    source = round.status
    round.status = target
    round.version = F("version") + 1
    round.save(update_fields=["status", "version"])
    round.refresh_from_db(fields=["version"])
    _event(round, source, target, user, reason)


def round_editable_check(round: AssessmentRound) -> None:
    if round.status == Status.SUBMITTED:
        raise ValidationError(_("“%(round)s”已提交并锁定，不能修改；如需修改请先重开该轮次。") % {"round": round})
    if round.status == Status.PREPARING:
        raise ValidationError(_("“%(round)s”尚在准备中（分配评审专家），开始评审后才能评分。") % {"round": round})


# The zone's lifecycle status a round of each kind needs, and where opening moves it.
_OPEN_FROM = {
    Kind.SELF: {ZS.CREATING: ZS.SELF_ASSESSMENT, ZS.SELF_ASSESSMENT: None},
    Kind.PROVINCIAL: {ZS.PROVINCIAL_REVIEW: None},
    Kind.NATIONAL: {ZS.NATIONAL_REVIEW: None},
}


@transaction.atomic
def round_open(
    *,
    zone: Zone,
    kind: str,
    user,
    aggregation: str = AssessmentRound.Aggregation.MEAN,
    blind: bool = True,
) -> AssessmentRound:
    """Open a round of ``kind`` for ``zone``. 自评 opens for scoring at once (the office scores,
    starting from its live judgements) and moves the zone to 自评; 省级评估 and 总局评估 open
    in 准备中 for evaluators to be assigned."""
    zone = Zone.objects.select_for_update(of=("self",)).select_related("system").get(pk=zone.pk)
    if kind not in Kind.values:
        raise ValidationError(_("未知的评估类型。"))
    if aggregation not in AssessmentRound.Aggregation.values:
        raise ValidationError(_("汇总方式应为“平均”或“中位数”。"))
    open_round = AssessmentRound.objects.filter(zone=zone).exclude(status=Status.SUBMITTED).first()
    if open_round is not None:
        raise ValidationError(
            _("“%(open_round)s”尚未提交，同一创建对象同时只能有一个进行中的评估轮次。") % {"open_round": open_round}
        )
    allowed = _OPEN_FROM[kind]
    if zone.status not in allowed:
        needed = "、".join(f"“{ZS(s).label}”" for s in allowed)
        raise ValidationError(
            _("创建对象当前状态为“%(status)s”，%(label)s只能在 %(needed)s 阶段发起。")
            % {"status": zone.get_status_display(), "label": Kind(kind).label, "needed": needed}
        )
    if allowed[zone.status]:
        zone_transition(zone=zone, user=user, to_status=allowed[zone.status])
    round = AssessmentRound.objects.create(
        zone=zone,
        kind=kind,
        system=zone.system,
        reference_year_1=zone.reference_year_1,
        reference_year_2=zone.reference_year_2,
        aggregation=aggregation,
        blind=bool(blind) and kind != Kind.SELF,
        status=Status.IN_REVIEW if kind == Kind.SELF else Status.PREPARING,
        opened_by=_user(user),
    )
    _event(round, "", round.status, user)
    audit_record(action=AuditAction.ROUND_OPENED, actor=_user(user), target=round, zone=zone, after={"kind": kind})
    if kind == Kind.SELF:
        # The office starts from its running judgements.
        Judgement.objects.bulk_create(
            Judgement(
                zone=zone,
                round=round,
                scoring_item_id=j.scoring_item_id,
                points=j.points,
                options=j.options,
                comment=j.comment,
                judged_by=j.judged_by or _user(user),
            )
            for j in Judgement.objects.filter(zone=zone, round__isnull=True)
        )
    return round


@transaction.atomic
def round_start(*, round: AssessmentRound, user) -> AssessmentRound:
    """准备中 → 评审中, once at least one evaluator is assigned."""
    if round.status != Status.PREPARING:
        raise ValidationError(_("“%(round)s”不在准备阶段。") % {"round": round})
    if not round.assignments.filter(recused_at__isnull=True).exists():
        raise ValidationError(_("请先为本轮分配至少一位评审专家。"))
    _set_status(round, Status.IN_REVIEW, user)
    return round


# Scores in a round ------------------------------------------------------------------


def _may_score_item(round: AssessmentRound, user, indicator_id: int) -> bool:
    if round.kind == Kind.SELF:
        return True  # the office, checked by the caller through assessments.access
    return EvaluatorAssignment.objects.filter(
        round=round, evaluator=user, indicator_id=indicator_id, recused_at__isnull=True
    ).exists()


@transaction.atomic
def round_judgement_set(
    *,
    round: AssessmentRound,
    scoring_item: ScoringItem,
    user,
    points: Decimal | None = None,
    options: list[int] | None = None,
    comment: str = "",
    expected_version: int | None = None,
) -> Judgement:
    """One evaluator's score of a judged sub-criterion in ``round``.

    ``expected_version`` is the version the form was loaded with (0 for none yet): a save
    from a stale tab is refused rather than silently overwriting the later change."""
    round_editable_check(round)
    if scoring_item.indicator.system_id != round.system_id:
        raise ValidationError(_("评分项“%(code)s”不属于本轮采用的指标体系。") % {"code": scoring_item.code})
    if not _may_score_item(round, user, scoring_item.indicator_id):
        raise PermissionDenied(
            _("您未被分配评审指标“%(code)s”，或已申请回避。") % {"code": scoring_item.indicator.code}
        )
    points = judgement_check(scoring_item=scoring_item, points=points, options=options, comment=comment)
    mine = Judgement.objects.select_for_update().filter(round=round, scoring_item=scoring_item)
    if round.kind != Kind.SELF:
        mine = mine.filter(judged_by=user)  # one score per evaluator
    # In 自评 the office scores as one body: one row per sub-criterion, whoever saves it last.
    current = mine.first()
    have = current.version if current else 0
    if expected_version is not None and expected_version != have:
        raise ValidationError(STALE)
    values = {"points": points, "options": sorted(set(options or [])), "comment": (comment or "").strip()}
    if current is None:
        try:
            with transaction.atomic():
                created = Judgement.objects.create(
                    zone=round.zone, round=round, scoring_item=scoring_item, judged_by=user, **values
                )
        except IntegrityError:
            raise ValidationError(STALE) from None
        _judgement_audit(created, before=None, user=user)
        return created
    before = _judgement_state(current)
    for key, value in values.items():
        setattr(current, key, value)
    current.judged_by = user
    current.version = have + 1
    current.save()
    _judgement_audit(current, before=before, user=user)
    return current


# Doubts (存疑) ---------------------------------------------------------------------


def _doubt_audit(doubt: Doubt, action: str, user, before=None) -> None:
    audit_record(
        action=action,
        actor=_user(user),
        target=doubt,
        target_label=f"{doubt.round} · {doubt.scoring_item.code}",
        zone=doubt.round.zone,
        before=before,
        after={"code": doubt.scoring_item.code, "status": doubt.status},
        reason=doubt.reason if action == AuditAction.DOUBT_RAISED else doubt.close_note,
    )


@transaction.atomic
def doubt_raise(*, round: AssessmentRound, scoring_item: ScoringItem, user, reason: str) -> Doubt:
    round_editable_check(round)
    if scoring_item.rule_type in JUDGED_RULES:
        raise ValidationError(
            _("评分项“%(code)s”由专家评分，不适用存疑；请直接评分并填写意见。") % {"code": scoring_item.code}
        )
    if scoring_item.indicator.system_id != round.system_id:
        raise ValidationError(_("评分项“%(code)s”不属于本轮采用的指标体系。") % {"code": scoring_item.code})
    if round.kind == Kind.SELF or not _may_score_item(round, user, scoring_item.indicator_id):
        raise PermissionDenied(
            _("您未被分配评审指标“%(code)s”，不能对其数据提出存疑。") % {"code": scoring_item.indicator.code}
        )
    if not (reason or "").strip():
        raise ValidationError(_("提出存疑必须填写理由。"))
    if Doubt.objects.filter(round=round, scoring_item=scoring_item, status=Doubt.Status.OPEN).exists():
        raise ValidationError(_("评分项“%(code)s”的数据已被标记存疑，待办公室处理。") % {"code": scoring_item.code})
    doubt = Doubt.objects.create(round=round, scoring_item=scoring_item, reason=reason.strip(), raised_by=user)
    _doubt_audit(doubt, AuditAction.DOUBT_RAISED, user)
    notify_on_commit(doubt_raised_notify, doubt_id=doubt.pk)  # the office, who correct the figure
    return doubt


def _doubt_close(doubt: Doubt, status: str, user, note: str) -> Doubt:
    round_editable_check(doubt.round)
    if doubt.status != Doubt.Status.OPEN:
        raise ValidationError(_("该存疑已处理。"))
    doubt.status, doubt.closed_by, doubt.closed_at, doubt.close_note = status, user, timezone.now(), note.strip()
    doubt.save(update_fields=["status", "closed_by", "closed_at", "close_note"])
    action = AuditAction.DOUBT_RESOLVED if status == Doubt.Status.RESOLVED else AuditAction.DOUBT_WITHDRAWN
    _doubt_audit(doubt, action, user, before={"status": Doubt.Status.OPEN})
    doubt_closed_resolve(doubt=doubt)  # the office's 存疑 notices are done
    return doubt


@transaction.atomic
def doubt_withdraw(*, doubt: Doubt, user, note: str = "") -> Doubt:
    if doubt.raised_by_id != user.pk:
        raise PermissionDenied(_("只能由提出存疑的专家撤回。"))
    return _doubt_close(doubt, Doubt.Status.WITHDRAWN, user, note)


@transaction.atomic
def doubt_resolve(*, doubt: Doubt, user, note: str) -> Doubt:
    """The office says it corrected the data; the sub-criterion is computed again."""
    if not (note or "").strip():
        raise ValidationError(_("请说明数据如何更正。"))
    doubt = _doubt_close(doubt, Doubt.Status.RESOLVED, user, note)
    notify_on_commit(doubt_resolved_notify, doubt_id=doubt.pk)  # the zone's answer, to the evaluator
    return doubt


# Reasons, submit, reopen ------------------------------------------------------------


@transaction.atomic
def difference_reason_set(*, round: AssessmentRound, scoring_item: ScoringItem, user, text: str) -> DifferenceReason:
    """差异说明 of one sub-criterion: one per sub-criterion and round. The office and whoever runs
    the round write any; an evaluator only those of items assigned to them and not recused
    (a co-assigned evaluator may replace it: who wrote it last and when are kept, and audited)."""
    from ..access import explain_scope

    round_editable_check(round)
    scope = explain_scope(user, round)
    if scope is not None and scoring_item.indicator.code not in scope:
        raise PermissionDenied(
            _("您未被分配评审指标“%(code)s”，或已申请回避，不能填写其差异说明。")
            % {"code": scoring_item.indicator.code}
        )
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("差异说明不能为空。"))
    current = DifferenceReason.objects.select_for_update().filter(round=round, scoring_item=scoring_item).first()
    before = None
    if current is not None:
        if current.text == text and current.by_id == getattr(user, "pk", None):
            return current
        before = {"text": current.text, "by": str(current.by or ""), "at": current.at.isoformat()}
    reason, _created = DifferenceReason.objects.update_or_create(
        round=round, scoring_item=scoring_item, defaults={"text": text, "by": _user(user)}
    )
    audit_record(
        action=AuditAction.DIFFERENCE_REASON_SET,
        actor=_user(user),
        target=reason,
        target_label=f"{round} · {scoring_item.code}",
        zone=round.zone,
        before=before,
        after={"text": text},
    )
    notify_on_commit(difference_reason_notify, reason_id=reason.pk)  # the zone's answer, to the evaluators
    return reason


_CONCLUSIONS = {
    Kind.SELF: {"": ZS.CITY_REVIEW},
    Kind.PROVINCIAL: {
        AssessmentRound.Conclusion.PASSED: ZS.NATIONAL_REVIEW,
        AssessmentRound.Conclusion.FAILED: ZS.RECTIFICATION,
    },
    Kind.NATIONAL: {
        AssessmentRound.Conclusion.NAMED: ZS.NAMED,
        AssessmentRound.Conclusion.RECTIFY: ZS.RECTIFICATION,
    },
}


@transaction.atomic
def round_submit(*, round: AssessmentRound, user, conclusion: str = "", reason: str = "") -> ScoreSnapshot:
    """Freeze the round's result, lock the zone's data, and move the zone as the conclusion says.

    Refused while a sub-criterion differs from the previous round without a 差异说明,
    or (省级/总局) without a conclusion."""
    from ..selectors import round_differences, round_score

    round = (
        AssessmentRound.objects.select_for_update(of=("self",)).select_related("zone", "system__scope").get(pk=round.pk)
    )
    round_editable_check(round)
    targets = _CONCLUSIONS[round.kind]
    if conclusion not in targets:
        choices = "、".join(AssessmentRound.Conclusion(c).label for c in targets if c)
        raise ValidationError(_("请选择评估结论：%(choices)s。") % {"choices": choices})
    target = targets[conclusion]
    going_back = target == ZS.RECTIFICATION
    if going_back and not (reason or "").strip():
        raise ValidationError(_("退回整改必须填写理由。"))
    live = round_score(round=round)
    data = live.to_dict()
    missing = [d["code"] for d in round_differences(round=round, current=data) if d["reason"] is None]
    if missing:
        raise ValidationError(
            _("以下评分项与上一轮得分不同，提交前须填写差异说明：%(missing)s。") % {"missing": "、".join(missing)}
        )
    snapshot = ScoreSnapshot.objects.create(
        zone=round.zone,
        round=round,
        system=round.system,
        status=ScoreSnapshot.Status.DONE,
        total=live.result.total,
        max_total=live.result.max,
        result=data,
        requested_by=_user(user),
        computed_at=timezone.now(),
    )
    round.conclusion, round.conclusion_reason, round.submitted_at = conclusion, (reason or "").strip(), timezone.now()
    round.save(update_fields=["conclusion", "conclusion_reason", "submitted_at"])
    if round.kind == Kind.SELF:
        _live_judgements_from(round, user)
    _set_status(round, Status.SUBMITTED, user, reason)
    audit_record(
        action=AuditAction.ROUND_SUBMITTED,
        actor=_user(user),
        target=round,
        zone=round.zone,
        after={"total": snapshot.total, "max": snapshot.max_total, "conclusion": conclusion},
        reason=(reason or "").strip(),
    )
    if round.zone.status != target:
        with _round_moves_zone(round.zone, round.zone.status, target):
            zone_transition(zone=round.zone, user=user, to_status=target, reason=(reason or "").strip())
    return snapshot


def _live_judgements_from(round: AssessmentRound, user) -> None:
    """A submitted 自评's judged scores become the zone's live ones (round=None): the live score
    then shows what the office last submitted, and the next 自评 starts from it. Each change is
    audited like any judgement."""
    live = {j.scoring_item_id: j for j in Judgement.objects.filter(zone=round.zone, round__isnull=True)}
    for judged in Judgement.objects.filter(round=round).select_related("scoring_item", "zone"):
        current = live.get(judged.scoring_item_id)
        same = current is not None and (current.points, current.options, current.comment) == (
            judged.points,
            judged.options,
            judged.comment,
        )
        if same:
            continue
        before = _judgement_state(current)
        if current is None:
            current = Judgement(zone=round.zone, round=None, scoring_item=judged.scoring_item)
        else:
            current.version = (current.version or 0) + 1
        current.points, current.options, current.comment = judged.points, judged.options, judged.comment
        current.judged_by = judged.judged_by or _user(user)
        current.save()
        _judgement_audit(current, before=before, user=_user(user))


# The zone status each kind of round is held in (its stage).
STAGE = {Kind.SELF: ZS.SELF_ASSESSMENT, Kind.PROVINCIAL: ZS.PROVINCIAL_REVIEW, Kind.NATIONAL: ZS.NATIONAL_REVIEW}


def _stage_check(round: AssessmentRound, user, reason: str) -> None:
    """Reopening takes back a round's conclusion, so the zone goes back to the round's stage.

    The zone already there (sent back through the lifecycle), nothing moves. Still where this
    conclusion put it: moved back now, with the reason, if the lifecycle lets ``user`` make
    that step (the province takes a 总局评估 back to 省级评估). Otherwise, or once the zone has
    moved on, or a later round exists, the reopen is refused, naming the zone's status.
    A 自评 has one outcome (市级考评), which resubmitting repeats: the zone stays there."""
    zone = round.zone
    stage = STAGE[round.kind]
    later = AssessmentRound.objects.filter(zone=zone, opened_at__gt=round.opened_at).exclude(pk=round.pk).first()
    if later is not None:
        raise ValidationError(_("之后已发起“%(later)s”，不能再重开“%(round)s”。") % {"later": later, "round": round})
    concluded = _CONCLUSIONS[round.kind].get(round.conclusion)
    if zone.status == stage or (round.kind == Kind.SELF and zone.status == concluded):
        return
    refused = _(
        "%(zone)s当前处于“%(status)s”阶段，“%(round)s”的结论已生效，不能重开；"
        "如需改判，请先将创建对象按生命周期退回“%(stage)s”阶段（须填写理由），再重开本轮。"
    ) % {"zone": zone.name, "status": zone.get_status_display(), "round": round, "stage": status_label(stage)}
    if zone.status != concluded:
        raise ValidationError(refused)
    try:
        with transaction.atomic(), _round_moves_zone(zone, zone.status, stage):
            zone_transition(zone=zone, user=user, to_status=stage, reason=reason)
    except (ValidationError, PermissionDenied):
        raise ValidationError(refused) from None


def _unlock(round: AssessmentRound, user, reason: str, target: str) -> AssessmentRound:
    round = AssessmentRound.objects.select_for_update(of=("self",)).select_related("zone").get(pk=round.pk)
    if round.status != Status.SUBMITTED:
        raise ValidationError(_("“%(round)s”未提交，无需重开。") % {"round": round})
    if not (reason or "").strip():
        raise ValidationError(_("重开或退回评估轮次必须填写理由。"))
    other = AssessmentRound.objects.filter(zone=round.zone).exclude(status=Status.SUBMITTED).exclude(pk=round.pk)
    if other.exists():
        raise ValidationError(_("“%(first)s”正在进行，不能同时重开另一轮次。") % {"first": other.first()})
    round.zone.refresh_from_db(fields=["status"])
    _stage_check(round, user, reason.strip())
    before = {"status": Status.SUBMITTED, "conclusion": round.conclusion, "conclusion_reason": round.conclusion_reason}
    # The conclusion is taken back with the submission: the resubmission states it again.
    round.conclusion, round.conclusion_reason = "", ""
    round.save(update_fields=["conclusion", "conclusion_reason"])
    _set_status(round, target, user, reason.strip())
    audit_record(
        action=AuditAction.ROUND_REOPENED if target == Status.REOPENED else AuditAction.ROUND_RETURNED,
        actor=_user(user),
        target=round,
        zone=round.zone,
        before=before,
        after={"status": target},
        reason=reason.strip(),
    )
    return round


@transaction.atomic
def round_reopen(*, round: AssessmentRound, user, reason: str) -> AssessmentRound:
    """已提交 → 已重开 (by whoever runs the round), with a reason; unlocks the zone's data."""
    return _unlock(round, user, reason, Status.REOPENED)


@transaction.atomic
def round_return(*, round: AssessmentRound, user, reason: str) -> AssessmentRound:
    """已提交 → 已退回 (the province sends a self-assessment back), with a reason."""
    return _unlock(round, user, reason, Status.RETURNED)


def round_settings_update(*, round: AssessmentRound, aggregation: str, blind: bool, user) -> AssessmentRound:
    if round.status != Status.PREPARING:
        raise ValidationError(_("评审开始后不能再修改汇总方式和背靠背设置。"))
    if aggregation not in AssessmentRound.Aggregation.values:
        raise ValidationError(_("汇总方式应为“平均”或“中位数”。"))
    round.aggregation, round.blind = aggregation, bool(blind)
    round.save(update_fields=["aggregation", "blind"])
    return round


# The lock (registered as the ``zone_lock_reason`` hook) -----------------------------


def zone_lock_reason(*, zone: Zone, year: int | None = None) -> str | None:
    """A submitted round locks the zone's evidence, lists, judgements and the figures of the
    years it read, while it is the zone's latest round and the zone is not in 整改
    (rectification is changing the data). Reopening or the next round lifts it."""
    from ..selectors import round_latest, round_years_read

    latest = round_latest(zone=zone)
    if latest is None or latest.status != Status.SUBMITTED or zone.status == ZS.RECTIFICATION:
        return None
    if year is not None and year not in round_years_read(latest.reference_years):
        return None
    when = timezone.localtime(latest.submitted_at).strftime("%Y-%m-%d") if latest.submitted_at else ""
    return (
        f"{zone.name}的“{latest.get_kind_display()}”评估轮次已于 {when} 提交，"
        f"{years_label(round_years_read(latest.reference_years))} 年度的数据、佐证材料和评分已锁定；"
        "如需修改，请先重开该轮次。"
    )


def years_label(years) -> str:
    """Years as runs: {2022, 2023, 2024} → "2022—2024"; {2020, 2021, 2023, 2024} → "2020—2021、2023—2024"."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return "、".join(str(run[0]) if len(run) == 1 else f"{run[0]}—{run[-1]}" for run in runs)


def round_params(data: dict[str, Any]) -> dict[str, Any]:
    return {"aggregation": data.get("aggregation") or "mean", "blind": bool(data.get("blind"))}


# The lifecycle rule (registered as the ``zone_transition_blockers`` hook) ------------

# The zone moves that only a round's submission makes: its conclusion decides them.
ROUND_MOVES = {
    (ZS.SELF_ASSESSMENT, ZS.CITY_REVIEW): (Kind.SELF, ""),
    (ZS.PROVINCIAL_REVIEW, ZS.NATIONAL_REVIEW): (Kind.PROVINCIAL, AssessmentRound.Conclusion.PASSED),
    (ZS.PROVINCIAL_REVIEW, ZS.RECTIFICATION): (Kind.PROVINCIAL, AssessmentRound.Conclusion.FAILED),
    (ZS.NATIONAL_REVIEW, ZS.NAMED): (Kind.NATIONAL, AssessmentRound.Conclusion.NAMED),
    (ZS.NATIONAL_REVIEW, ZS.RECTIFICATION): (Kind.NATIONAL, AssessmentRound.Conclusion.RECTIFY),
}
# The move a round's service is making right now (zone id, from, to): the one the rule lets through.
_MOVING: ContextVar[tuple[int, str, str] | None] = ContextVar("round_moving_zone", default=None)


@contextmanager
def _round_moves_zone(zone: Zone, source: str, target: str) -> Iterator[None]:
    token = _MOVING.set((zone.pk, source, target))
    try:
        yield
    finally:
        _MOVING.reset(token)


def zone_transition_blockers(*, zone: Zone, source: str, target: str) -> list[str]:
    """Rounds drive the lifecycle: the moves out of 自评, 省级评估 and 总局评估 that a round's
    conclusion decides are made only by submitting that round, and while a round is open the
    zone stays where it is (any other move is refused until the round is submitted)."""
    if _MOVING.get() == (zone.pk, source, target):
        return []
    if (source, target) in ROUND_MOVES:
        kind, conclusion = ROUND_MOVES[(source, target)]
        how = (
            _("以“%(conclusion)s”结论提交%(kind)s轮次")
            % {"conclusion": AssessmentRound.Conclusion(conclusion).label, "kind": Kind(kind).label}
            if conclusion
            else _("提交%(kind)s轮次") % {"kind": Kind(kind).label}
        )
        return [
            _("由“%(source)s”变更为“%(target)s”只能通过%(how)s完成，不能直接变更阶段；请在“评估轮次”中办理。")
            % {"source": status_label(source), "target": status_label(target), "how": how}
        ]
    open_round = AssessmentRound.objects.filter(zone_id=zone.pk).exclude(status=Status.SUBMITTED).first()
    if open_round is not None:
        return [
            _("“%(round)s”正在进行（%(status)s），提交该轮次前创建对象不能变更阶段。")
            % {"round": open_round, "status": open_round.get_status_display()}
        ]
    return []
