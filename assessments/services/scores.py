"""Judged scores (the one set of rules), the office's live judgements and live score snapshots."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from common.jobs import Resent, job_send, jobs_resend
from indicators.models import ScoringItem
from indicators.scoring.figures import plain
from indicators.scoring.rules import JUDGED_RULES
from zones.locks import zone_lock_check
from zones.models import Zone

from ..models import (
    AssessmentRound,
    Judgement,
    ScoreSnapshot,
)

Kind = AssessmentRound.Kind
Status = AssessmentRound.Status
SNAPSHOT_PENDING = (ScoreSnapshot.Status.QUEUED, ScoreSnapshot.Status.RUNNING)
ZS = Zone.Status
STEP = Decimal("0.5")
STALE = "该评分已在别处（其他窗口或其他人）修改，请刷新页面核对后再保存。"


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
        raise ValidationError(_("评分项“%(code)s”由系统按数据自动计算，不能人工评分。") % {"code": code})
    maximum = scoring_item.points
    if scoring_item.rule_type == "any_one":
        count = len(scoring_item.params.get("options", []))
        bad = [o for o in options or [] if not (isinstance(o, int) and not isinstance(o, bool) and 1 <= o <= count)]
        if bad:
            raise ValidationError(
                _("评分项“%(code)s”：情形序号应在 1–%(count)s 之间。") % {"code": code, "count": count}
            )
        points = maximum if options else Decimal(0)
    else:
        if points is None:
            raise ValidationError(_("评分项“%(code)s”：请填写得分。") % {"code": code})
        try:
            points = Decimal(str(points))
        except ArithmeticError:
            raise ValidationError(_("评分项“%(code)s”：得分应为数字。") % {"code": code}) from None
        if not points.is_finite() or points < 0 or points > maximum:
            raise ValidationError(
                _("评分项“%(code)s”：得分应在 0 到 %(maximum)s 分之间。") % {"code": code, "maximum": plain(maximum)}
            )
        if points % STEP != 0:
            raise ValidationError(_("评分项“%(code)s”：得分以 0.5 分为单位（如 1、1.5）。") % {"code": code})
    if points < maximum and not (comment or "").strip():
        raise ValidationError(_("评分项“%(code)s”：未得满分时必须填写评审意见，说明扣分理由。") % {"code": code})
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
        raise ValidationError(_("评分项“%(code)s”不属于该创建对象采用的指标体系。") % {"code": scoring_item.code})
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
        from .rounds import round_editable_check  # rounds builds on this module

        round_editable_check(judgement.round)
    else:
        zone_lock_check(zone=judgement.zone)
    _judgement_audit(judgement, before=_judgement_state(judgement), user=user, deleted=True)
    judgement.delete()


# Live scores ------------------------------------------------------------------------


def _score_job_send(snapshot_id: int, *, countdown: int | None = None) -> bool:
    """Hand the snapshot's job to the broker; mark it sent if the broker took it."""
    from ..jobs import compute_zone_score

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
    from .. import selectors

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
        snapshot.error = _("评分计算出错，请稍后重试或联系系统管理员。") + f"\n{type(exc).__name__}: {exc}"
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
        error=_("评分计算被中断 %(count)s 次（计算进程退出），未能完成，请重新计算。")
        % {"count": settings.JOBS_MAX_ATTEMPTS},
        computed_at=now,
    )
    lost = Q(Q(sent_at__isnull=True) | Q(sent_at__lt=stuck_before), status=S.QUEUED)
    resend = ScoreSnapshot.objects.filter(lost | dead).values_list("pk", flat=True)
    return jobs_resend(resend, _score_job_send, failed=failed, what="score jobs")
