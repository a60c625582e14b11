"""Writes: live judgements and scores, rounds, assignments, round scores, doubts, reasons.

Every path that changes these (pages, API, admin, commands, demo) calls a
function here; the rules for a judged score exist once (``judgement_check``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from common.jobs import Resent, job_send, jobs_resend
from indicators.models import Indicator, ScoringItem
from indicators.scoring.figures import plain
from indicators.scoring.rules import JUDGED_RULES
from zones.locks import zone_lock_check
from zones.models import Membership, Region, Zone
from zones.services import zone_transition

from .models import (
    AssessmentRound,
    DifferenceReason,
    Doubt,
    EvaluatorAssignment,
    EvaluatorProfile,
    Judgement,
    RoundEvent,
    ScoreSnapshot,
)

Kind = AssessmentRound.Kind
Status = AssessmentRound.Status
SNAPSHOT_PENDING = (ScoreSnapshot.Status.QUEUED, ScoreSnapshot.Status.RUNNING)
ZS = Zone.Status
STEP = Decimal("0.5")
STALE = "该评分已在别处(其他窗口或其他人)修改,请刷新页面核对后再保存。"


# Judged scores: the one set of rules ------------------------------------------------


def judgement_check(
    *, scoring_item: ScoringItem, points: Decimal | None, options: list[int] | None, comment: str
) -> Decimal:
    """The points a judged score stands for, or a Chinese ValidationError.

    checklist / expert: 0 … the sub-criterion's points, in steps of 0.5.
    any_one: the options met (1-based); any one → full points.
    Below full marks a comment is required."""
    code = scoring_item.code
    if scoring_item.rule_type not in JUDGED_RULES:
        raise ValidationError(f"评分项“{code}”由系统按数据自动计算,不能人工评分。")
    maximum = scoring_item.points
    if scoring_item.rule_type == "any_one":
        count = len(scoring_item.params.get("options", []))
        bad = [o for o in options or [] if not (isinstance(o, int) and not isinstance(o, bool) and 1 <= o <= count)]
        if bad:
            raise ValidationError(f"评分项“{code}”:情形序号应在 1–{count} 之间。")
        points = maximum if options else Decimal(0)
    else:
        if points is None:
            raise ValidationError(f"评分项“{code}”:请填写得分。")
        try:
            points = Decimal(str(points))
        except ArithmeticError:
            raise ValidationError(f"评分项“{code}”:得分应为数字。") from None
        if not points.is_finite() or points < 0 or points > maximum:
            raise ValidationError(f"评分项“{code}”:得分应在 0 到 {plain(maximum)} 分之间。")
        if points % STEP != 0:
            raise ValidationError(f"评分项“{code}”:得分以 0.5 分为单位(如 1、1.5)。")
    if points < maximum and not (comment or "").strip():
        raise ValidationError(f"评分项“{code}”:未得满分时必须填写评审意见,说明扣分理由。")
    return points


@transaction.atomic
def judgement_set(
    *,
    zone: Zone,
    scoring_item: ScoringItem,
    points: Decimal | None = None,
    options: list[int] | None = None,
    comment: str = "",
    user=None,
) -> Judgement:
    """The office's live judgement of a judged sub-criterion (behind the live score)."""
    if scoring_item.indicator.system_id != zone.system_id:
        raise ValidationError(f"评分项“{scoring_item.code}”不属于该创建对象采用的指标体系。")
    points = judgement_check(scoring_item=scoring_item, points=points, options=options, comment=comment)
    zone_lock_check(zone=zone)
    before = Judgement.objects.filter(zone=zone, round=None, scoring_item=scoring_item).first()
    judgement, created = Judgement.objects.get_or_create(
        zone=zone,
        round=None,
        scoring_item=scoring_item,
        defaults={"points": points, "options": sorted(set(options or [])), "comment": comment, "judged_by": user},
    )
    if not created:
        judgement.points, judgement.options, judgement.comment = points, sorted(set(options or [])), comment
        judgement.judged_by = user
        judgement.version = F("version") + 1
        judgement.save()
        judgement.refresh_from_db()
    _judgement_audit(judgement, before=_judgement_state(before), user=user)
    return judgement


def _judgement_state(judgement: Judgement | None) -> dict | None:
    if judgement is None:
        return None
    points = None if judgement.points is None else f"{Decimal(judgement.points):.2f}"
    return {"points": points, "options": judgement.options, "comment": judgement.comment}


def _judgement_audit(judgement: Judgement, *, before: dict | None, user, deleted: bool = False) -> None:
    """Every judged score, set, changed or removed (the audit log's "judgements and any score change")."""
    audit_record(
        action=AuditAction.JUDGEMENT_SAVED,
        actor=user,
        target=judgement,
        target_label=f"{judgement.scoring_item.code}" + (f" · {judgement.round}" if judgement.round_id else ""),
        zone=judgement.zone,
        before=before,
        after={"deleted": True} if deleted else _judgement_state(judgement),
    )


@transaction.atomic
def judgement_delete(*, judgement: Judgement, user=None) -> None:
    if judgement.round_id is not None:
        round_editable_check(judgement.round)
    else:
        zone_lock_check(zone=judgement.zone)
    _judgement_audit(judgement, before=_judgement_state(judgement), user=user, deleted=True)
    judgement.delete()


# Live scores ------------------------------------------------------------------------


def _score_job_send(snapshot_id: int, *, countdown: int | None = None) -> bool:
    """Hand the snapshot's job to the broker; mark it sent if the broker took it."""
    from .jobs import compute_zone_score

    sent = job_send(compute_zone_score, snapshot_id, countdown=countdown)
    if sent:
        ScoreSnapshot.objects.filter(pk=snapshot_id, status__in=SNAPSHOT_PENDING).update(sent_at=timezone.now())
    return sent


def score_snapshot_request(*, zone: Zone, user=None, countdown: int | None = None) -> ScoreSnapshot:
    """Queue a live score computation; requests while one is queued are coalesced.

    ``countdown`` (seconds) holds the job back so that further requests in that
    window join the queued snapshot (data entry sends one after every save).

    The job is sent once the request commits. A broker that cannot be reached leaves the
    snapshot queued and not sent (``waiting_for_queue``): the request still succeeds, the next
    request tries to send it again, and the beat job ``resend_stuck_score_jobs`` sends it once
    the broker is back (``score_snapshots_resend_stuck``)."""
    queued = ScoreSnapshot.objects.filter(zone=zone, round__isnull=True, status=ScoreSnapshot.Status.QUEUED).first()
    if queued is not None:
        if queued.sent_at is None:  # the broker was down when it was asked for: try again now
            transaction.on_commit(lambda: _score_job_send(queued.pk))
        return queued
    snapshot = ScoreSnapshot.objects.create(zone=zone, system_id=zone.system_id, requested_by=user)
    transaction.on_commit(lambda: _score_job_send(snapshot.pk, countdown=countdown))
    return snapshot


def score_snapshot_compute(*, snapshot_id: int) -> bool:
    """Compute a queued snapshot. Idempotent: only the worker that claims it works.

    A snapshot left running past ``JOBS_STUCK_SECONDS`` (its worker died) may be claimed again
    by a redelivered or re-sent message; a running one that is still fresh may not."""
    from . import selectors

    now = timezone.now()
    lease_over = now - timedelta(seconds=settings.JOBS_STUCK_SECONDS)
    claimable = Q(status=ScoreSnapshot.Status.QUEUED) | Q(
        Q(started_at__lt=lease_over) | Q(started_at__isnull=True), status=ScoreSnapshot.Status.RUNNING
    )
    claimed = ScoreSnapshot.objects.filter(claimable, pk=snapshot_id).update(
        status=ScoreSnapshot.Status.RUNNING, started_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    snapshot = ScoreSnapshot.objects.select_related("zone__system__scope").get(pk=snapshot_id)
    try:
        result = selectors.zone_score(zone=snapshot.zone)
    except OperationalError:
        # The database failed for a moment: give the claim back so that the job's retry can take it.
        ScoreSnapshot.objects.filter(pk=snapshot_id, status=ScoreSnapshot.Status.RUNNING).update(
            status=ScoreSnapshot.Status.QUEUED
        )
        raise
    except Exception as exc:  # stored for the page, then re-raised for the worker's log
        snapshot.status = ScoreSnapshot.Status.FAILED
        # First line for the page (ScoreSnapshot.reason), the technical detail below for the admin.
        snapshot.error = _("评分计算出错,请稍后重试或联系系统管理员。") + f"\n{type(exc).__name__}: {exc}"
        snapshot.computed_at = timezone.now()
        snapshot.save(update_fields=["status", "error", "computed_at"])
        raise
    previous = (
        ScoreSnapshot.objects.filter(zone=snapshot.zone, round__isnull=True, status=ScoreSnapshot.Status.DONE)
        .exclude(pk=snapshot.pk)
        .order_by("-computed_at", "-pk")
        .values_list("total", flat=True)
        .first()
    )
    with transaction.atomic():
        snapshot.status = ScoreSnapshot.Status.DONE
        snapshot.total = result.total
        snapshot.max_total = result.max
        snapshot.result = result.to_dict()
        snapshot.computed_at = timezone.now()
        snapshot.save(update_fields=["status", "total", "max_total", "result", "computed_at"])
        if previous is None or previous != snapshot.total:
            audit_record(
                action=AuditAction.SCORE_CHANGED,
                actor=snapshot.requested_by,
                target=snapshot,
                target_label=f"{snapshot.zone} 实时得分",
                zone=snapshot.zone,
                before={"total": previous} if previous is not None else None,
                after={"total": snapshot.total, "max": snapshot.max_total},
            )
    return True


def score_snapshots_resend_stuck(*, now: datetime | None = None) -> Resent:
    """The beat job's sweep, so that no score stays queued or running for ever.

    Sends again: a snapshot never sent (the broker was down), a queued one sent more than
    ``JOBS_STUCK_SECONDS`` ago (its message was lost, e.g. Redis restarted without persistence)
    and a running one claimed that long ago (its worker died). A running one whose computation
    was interrupted ``JOBS_MAX_ATTEMPTS`` times fails with a reason the score page shows."""
    now = now or timezone.now()
    stuck_before = now - timedelta(seconds=settings.JOBS_STUCK_SECONDS)
    S = ScoreSnapshot.Status
    dead = Q(Q(started_at__lt=stuck_before) | Q(started_at__isnull=True), status=S.RUNNING)
    failed = ScoreSnapshot.objects.filter(dead, attempts__gte=settings.JOBS_MAX_ATTEMPTS).update(
        status=S.FAILED,
        error=_("评分计算被中断 %(count)s 次(计算进程退出),未能完成,请重新计算。")
        % {"count": settings.JOBS_MAX_ATTEMPTS},
        computed_at=now,
    )
    lost = Q(Q(sent_at__isnull=True) | Q(sent_at__lt=stuck_before), status=S.QUEUED)
    resend = ScoreSnapshot.objects.filter(lost | dead).values_list("pk", flat=True)
    return jobs_resend(resend, _score_job_send, failed=failed, what="score jobs")


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
        raise ValidationError(f"“{round}”已提交并锁定,不能修改;如需修改请先重开该轮次。")
    if round.status == Status.PREPARING:
        raise ValidationError(f"“{round}”尚在准备中(分配评审专家),开始评审后才能评分。")


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
        raise ValidationError("未知的评估类型。")
    if aggregation not in AssessmentRound.Aggregation.values:
        raise ValidationError("汇总方式应为“平均”或“中位数”。")
    open_round = AssessmentRound.objects.filter(zone=zone).exclude(status=Status.SUBMITTED).first()
    if open_round is not None:
        raise ValidationError(f"“{open_round}”尚未提交,同一创建对象同时只能有一个进行中的评估轮次。")
    allowed = _OPEN_FROM[kind]
    if zone.status not in allowed:
        needed = "、".join(f"“{ZS(s).label}”" for s in allowed)
        raise ValidationError(
            f"创建对象当前状态为“{zone.get_status_display()}”,{Kind(kind).label}只能在 {needed} 阶段发起。"
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
        raise ValidationError(f"“{round}”不在准备阶段。")
    if not round.assignments.filter(recused_at__isnull=True).exists():
        raise ValidationError("请先为本轮分配至少一位评审专家。")
    _set_status(round, Status.IN_REVIEW, user)
    return round


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
        return f"{evaluator}是本创建对象“{where}”的工作人员,须回避,不能担任本轮评审专家。"
    profile = EvaluatorProfile.objects.filter(user=evaluator).select_related("home_region").first()
    if profile is not None and profile.home_region_id and _contains(profile.home_region, zone.region):
        return (
            f"{evaluator}的工作所在地“{profile.home_region.name}”包含本创建对象“{zone.name}”,"
            "须回避,不能担任本轮评审专家。"
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
        raise ValidationError(f"“{round}”已提交,不能再分配专家。")
    if round.kind == Kind.SELF:
        raise ValidationError("自评由办公室评分,不分配评审专家。")
    if not evaluator.is_active:
        raise ValidationError(f"账号“{evaluator}”已停用。")
    reason = conflict_of_interest(round=round, evaluator=evaluator)
    if reason:
        raise ValidationError(reason)
    created = []
    for node in indicators:
        if node.system_id != round.system_id:
            raise ValidationError(f"指标“{node.code}”不属于本轮采用的指标体系。")
        for item in _items_under(node):
            assignment, made = EvaluatorAssignment.objects.get_or_create(
                round=round, evaluator=evaluator, indicator=item, defaults={"assigned_by": _user(user)}
            )
            if not made and assignment.recused_at is not None:
                assignment.recused_at, assignment.recusal_reason = None, ""
                assignment.assigned_by, assignment.assigned_at = _user(user), timezone.now()
                assignment.save()
            created.append(assignment)
    return created


def evaluator_unassign(*, assignment: EvaluatorAssignment, user) -> None:
    if assignment.round.status == Status.SUBMITTED:
        raise ValidationError("本轮已提交,不能调整专家分工。")
    if Judgement.objects.filter(
        round=assignment.round, judged_by=assignment.evaluator, scoring_item__indicator=assignment.indicator
    ).exists():
        raise ValidationError("该专家已对此指标评分,不能取消分工;如需回避请由专家本人申请回避。")
    assignment.delete()


@transaction.atomic
def assignment_recuse(*, assignment: EvaluatorAssignment, user, reason: str) -> EvaluatorAssignment:
    """回避: the evaluator steps back from an item; their scores for it are withdrawn."""
    if assignment.evaluator_id != user.pk:
        raise PermissionDenied("只能由专家本人申请回避。")
    if assignment.round.status == Status.SUBMITTED:
        raise ValidationError("本轮已提交,不能申请回避。")
    if not (reason or "").strip():
        raise ValidationError("申请回避必须填写理由。")
    assignment.recused_at, assignment.recusal_reason = timezone.now(), reason.strip()
    assignment.save(update_fields=["recused_at", "recusal_reason"])
    Judgement.objects.filter(
        round=assignment.round, judged_by=user, scoring_item__indicator=assignment.indicator
    ).delete()
    return assignment


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
        raise ValidationError(f"评分项“{scoring_item.code}”不属于本轮采用的指标体系。")
    if not _may_score_item(round, user, scoring_item.indicator_id):
        raise PermissionDenied(f"您未被分配评审指标“{scoring_item.indicator.code}”,或已申请回避。")
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


def doubt_raise(*, round: AssessmentRound, scoring_item: ScoringItem, user, reason: str) -> Doubt:
    round_editable_check(round)
    if scoring_item.rule_type in JUDGED_RULES:
        raise ValidationError(f"评分项“{scoring_item.code}”由专家评分,不适用存疑;请直接评分并填写意见。")
    if scoring_item.indicator.system_id != round.system_id:
        raise ValidationError(f"评分项“{scoring_item.code}”不属于本轮采用的指标体系。")
    if round.kind == Kind.SELF or not _may_score_item(round, user, scoring_item.indicator_id):
        raise PermissionDenied(f"您未被分配评审指标“{scoring_item.indicator.code}”,不能对其数据提出存疑。")
    if not (reason or "").strip():
        raise ValidationError("提出存疑必须填写理由。")
    if Doubt.objects.filter(round=round, scoring_item=scoring_item, status=Doubt.Status.OPEN).exists():
        raise ValidationError(f"评分项“{scoring_item.code}”的数据已被标记存疑,待办公室处理。")
    return Doubt.objects.create(round=round, scoring_item=scoring_item, reason=reason.strip(), raised_by=user)


def _doubt_close(doubt: Doubt, status: str, user, note: str) -> Doubt:
    round_editable_check(doubt.round)
    if doubt.status != Doubt.Status.OPEN:
        raise ValidationError("该存疑已处理。")
    doubt.status, doubt.closed_by, doubt.closed_at, doubt.close_note = status, user, timezone.now(), note.strip()
    doubt.save(update_fields=["status", "closed_by", "closed_at", "close_note"])
    return doubt


def doubt_withdraw(*, doubt: Doubt, user, note: str = "") -> Doubt:
    if doubt.raised_by_id != user.pk:
        raise PermissionDenied("只能由提出存疑的专家撤回。")
    return _doubt_close(doubt, Doubt.Status.WITHDRAWN, user, note)


def doubt_resolve(*, doubt: Doubt, user, note: str) -> Doubt:
    """The office says it corrected the data; the sub-criterion is computed again."""
    if not (note or "").strip():
        raise ValidationError("请说明数据如何更正。")
    return _doubt_close(doubt, Doubt.Status.RESOLVED, user, note)


# Reasons, submit, reopen ------------------------------------------------------------


def difference_reason_set(*, round: AssessmentRound, scoring_item: ScoringItem, user, text: str) -> DifferenceReason:
    round_editable_check(round)
    text = (text or "").strip()
    if not text:
        raise ValidationError("差异说明不能为空。")
    reason, _created = DifferenceReason.objects.update_or_create(
        round=round, scoring_item=scoring_item, defaults={"text": text, "by": _user(user)}
    )
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
    from .selectors import round_differences, round_score

    round = (
        AssessmentRound.objects.select_for_update(of=("self",)).select_related("zone", "system__scope").get(pk=round.pk)
    )
    round_editable_check(round)
    targets = _CONCLUSIONS[round.kind]
    if conclusion not in targets:
        choices = "、".join(AssessmentRound.Conclusion(c).label for c in targets if c)
        raise ValidationError(f"请选择评估结论:{choices}。")
    target = targets[conclusion]
    going_back = target == ZS.RECTIFICATION
    if going_back and not (reason or "").strip():
        raise ValidationError("退回整改必须填写理由。")
    live = round_score(round=round)
    data = live.to_dict()
    missing = [d["code"] for d in round_differences(round=round, current=data) if d["reason"] is None]
    if missing:
        raise ValidationError(f"以下评分项与上一轮得分不同,提交前须填写差异说明:{'、'.join(missing)}。")
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
        zone_transition(zone=round.zone, user=user, to_status=target, reason=(reason or "").strip())
    return snapshot


def _unlock(round: AssessmentRound, user, reason: str, target: str) -> AssessmentRound:
    round = AssessmentRound.objects.select_for_update(of=("self",)).select_related("zone").get(pk=round.pk)
    if round.status != Status.SUBMITTED:
        raise ValidationError(f"“{round}”未提交,无需重开。")
    if not (reason or "").strip():
        raise ValidationError("重开或退回评估轮次必须填写理由。")
    other = AssessmentRound.objects.filter(zone=round.zone).exclude(status=Status.SUBMITTED).exclude(pk=round.pk)
    if other.exists():
        raise ValidationError(f"“{other.first()}”正在进行,不能同时重开另一轮次。")
    _set_status(round, target, user, reason.strip())
    audit_record(
        action=AuditAction.ROUND_REOPENED if target == Status.REOPENED else AuditAction.ROUND_RETURNED,
        actor=_user(user),
        target=round,
        zone=round.zone,
        before={"status": Status.SUBMITTED},
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
        raise ValidationError("评审开始后不能再修改汇总方式和背靠背设置。")
    if aggregation not in AssessmentRound.Aggregation.values:
        raise ValidationError("汇总方式应为“平均”或“中位数”。")
    round.aggregation, round.blind = aggregation, bool(blind)
    round.save(update_fields=["aggregation", "blind"])
    return round


# The lock (registered as the ``zone_lock_reason`` hook) -----------------------------


def zone_lock_reason(*, zone: Zone, year: int | None = None) -> str | None:
    """A submitted round locks the zone's evidence, lists, judgements and the figures of the
    years it read, while it is the zone's latest round and the zone is not in 整改
    (rectification is changing the data). Reopening or the next round lifts it."""
    from .selectors import round_latest, round_years_read

    latest = round_latest(zone=zone)
    if latest is None or latest.status != Status.SUBMITTED or zone.status == ZS.RECTIFICATION:
        return None
    if year is not None and year not in round_years_read(latest.reference_years):
        return None
    when = timezone.localtime(latest.submitted_at).strftime("%Y-%m-%d") if latest.submitted_at else ""
    return (
        f"{zone.name}的“{latest.get_kind_display()}”评估轮次已于 {when} 提交,"
        f"{latest.reference_year_1}—{latest.reference_year_2} 年度的数据、佐证材料和评分已锁定;"
        "如需修改,请先重开该轮次。"
    )


def round_params(data: dict[str, Any]) -> dict[str, Any]:
    return {"aggregation": data.get("aggregation") or "mean", "blind": bool(data.get("blind"))}
