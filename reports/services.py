"""Writes: request, render, retry reports; record downloads; opinions and answers.

Rendering happens only in ``report_render`` (called by the Celery job, or by
``render_report`` for operators): it claims the row with a conditional UPDATE,
writes the file under a temporary name, hashes it and renames it into place, and
marks the row ready with a second conditional UPDATE on its claim token. A worker
killed half-way leaves a ``.part`` file nobody can download and a row whose
heartbeat goes stale; the redelivered message takes the row over once the lease
has passed (``REPORTS_RENDER_LEASE_SECONDS``) and finishes it, once.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import AssessmentRound
from common.jobs import Resent, job_send, jobs_resend
from notifications.models import Notification
from notifications.services import notify
from zones.models import Membership, Zone

from .access import ReportAction, report_can
from .kinds import kind_get
from .models import DownloadRecord, OpinionReply, Report, ReviewOpinion

logger = logging.getLogger(__name__)
Status = Report.Status
PENDING = (Status.QUEUED, Status.RENDERING)
QUEUE_DOWN = "报告生成服务暂时不可用（无法连接任务队列），本次申请未创建任何报告，请稍后再试。"
CHUNK = 1024 * 1024


class ReportQueueError(Exception):
    """The broker refused the job: nothing was created (``str(error)`` is the Chinese message)."""


class ReportError(Exception):
    """A rendering failure a person can act on; ``str(error)`` is the Chinese message stored on the report."""


class Superseded(Exception):
    """The job lost its claim (another worker took the report over): stop quietly."""


def lease_seconds() -> int:
    return int(getattr(settings, "REPORTS_RENDER_LEASE_SECONDS", 60))


def reports_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "reports"


def report_path(report: Report) -> Path | None:
    """The finished file of ``report`` on disk (None if it has none or it is missing)."""
    if not report.stored_name:
        return None
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / report.stored_name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def _display(user) -> str:
    if user is None:
        return "—"
    return getattr(user, "full_name", "") or user.get_username()


# Requests ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Requested:
    report: Report
    outcome: str  # "queued" (new), "pending" (joined one in flight), "reused" (unchanged, served again)


def _send(report_id: int) -> None:
    """Hand the job to the broker (common.jobs: one quick try); if it refuses, remove the row so
    that nothing is left half-created, and say so. Without a broker the job runs in-process."""
    from .jobs import render_report

    if not job_send(render_report, report_id):
        Report.objects.filter(pk=report_id, status=Status.QUEUED).delete()
        raise ReportQueueError(QUEUE_DOWN)


def report_request(*, zone: Zone, round: AssessmentRound | None, kind: str, user) -> Requested:
    """Ask for a report of ``kind`` on the zone's live score (``round`` None) or a round.

    The same (zone, round, kind) already queued or rendering → that one. A finished
    report whose content digest equals today's → that one, not rendered again.
    Otherwise a new row, and the job is sent once the row is committed; a broker
    that cannot be reached raises ``ReportQueueError`` and leaves nothing behind.
    """
    report_kind = kind_get(kind)
    if report_kind is None:
        raise ValidationError(_("未知的报告类型。"))
    if round is not None and round.zone_id != zone.pk:
        raise ValidationError(_("评估轮次不属于该创建对象。"))
    refusal = report_kind.refusal(round=round)
    if refusal:
        raise ValidationError(refusal)
    subject = Report.objects.filter(zone=zone, round=round, kind=kind)
    pending = subject.filter(status__in=PENDING).first()
    if pending is not None:
        return Requested(pending, "pending")
    content = report_kind.content(zone=zone, round=round)
    key = report_kind.reuse_key(content)  # the data's digest and the kind's layout version
    for ready in subject.filter(status=Status.READY, source_digest=key).order_by("-finished_at")[:3]:
        if report_path(ready) is not None:
            return Requested(ready, "reused")
    try:
        with transaction.atomic():
            report = Report.objects.create(
                zone=zone,
                round=round,
                kind=kind,
                requested_by=user if getattr(user, "pk", None) else None,
                source_label=content.source_label,
                is_draft=content.is_draft,
                stage="排队等待生成",
            )
            transaction.on_commit(lambda: _send(report.pk))
    except IntegrityError:  # a concurrent request created the in-flight row first: join it
        pending = subject.filter(status__in=PENDING).first()
        if pending is None:
            raise
        return Requested(pending, "pending")
    report.refresh_from_db()
    return Requested(report, "queued")


def report_retry(*, report: Report, user) -> Requested:
    """Queue a failed report again (the same row); refused for one that has not failed."""
    if report.status != Status.FAILED:
        raise ValidationError(_("只有生成失败的报告可以重试。"))
    try:
        with transaction.atomic():
            moved = Report.objects.filter(pk=report.pk, status=Status.FAILED).update(
                status=Status.QUEUED,
                progress=0,
                stage="排队等待生成",
                error="",
                requested_by=user if getattr(user, "pk", None) else None,
                requested_at=timezone.now(),
                started_at=None,
                finished_at=None,
                claim_token="",
                heartbeat_at=None,
                attempts=0,  # the sweep counts interrupted renderings from here
            )
            if moved:
                transaction.on_commit(lambda: _send_retry(report.pk))
    except IntegrityError:  # another request of the same report is already in flight
        pending = Report.objects.filter(
            zone_id=report.zone_id, round_id=report.round_id, kind=report.kind, status__in=PENDING
        ).first()
        if pending is None:
            raise
        return Requested(pending, "pending")
    report.refresh_from_db()
    return Requested(report, "queued" if moved else "pending")


def _send_retry(report_id: int) -> None:
    from .jobs import render_report

    if not job_send(render_report, report_id):
        Report.objects.filter(pk=report_id, status=Status.QUEUED).update(
            status=Status.FAILED, error=QUEUE_DOWN, stage="失败"
        )
        raise ReportQueueError(QUEUE_DOWN)


def _send_again(report_id: int) -> bool:
    from .jobs import render_report

    return job_send(render_report, report_id)


def reports_resend_stuck(*, now: datetime | None = None) -> Resent:
    """The beat job's sweep (``resend_stuck_report_jobs``), so that no report stays 排队中 or
    生成中 for ever, as ``assessments`` does for score jobs.

    Sends the job again for a report queued more than ``JOBS_STUCK_SECONDS`` ago (its message
    was lost: Redis restarted without persistence, a purged queue) and for one rendering whose
    heartbeat is older than the lease (its worker died and no redelivery came): the job claims
    or takes it over (``report_claim``), and a duplicate message finds nothing to do. A report
    whose rendering was interrupted ``JOBS_MAX_ATTEMPTS`` times fails instead, with a Chinese
    error, so that 重试 starts it afresh. Rows the broker still refuses wait for the next sweep."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=lease_seconds())
    dead = Q(status=Status.RENDERING) & (Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True))
    failed = Report.objects.filter(dead, attempts__gte=settings.JOBS_MAX_ATTEMPTS).update(
        status=Status.FAILED,
        stage="失败",
        error=_("报告生成被中断 %(count)s 次（生成进程退出），未能完成，请点击“重试”。")
        % {"count": settings.JOBS_MAX_ATTEMPTS},
        finished_at=now,
    )
    lost = Q(status=Status.QUEUED, requested_at__lt=now - timedelta(seconds=settings.JOBS_STUCK_SECONDS))
    resend = Report.objects.filter(lost | dead).order_by("pk").values_list("pk", flat=True)
    return jobs_resend(resend, _send_again, failed=failed, what="report jobs")


# Rendering -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderOutcome:
    done: bool  # this call finished the report
    wait: float = 0  # another worker holds a fresh claim: try again after this many seconds


class _ProgressWriter:
    """Writes progress, stage and heartbeat on the row while this job's claim holds (throttled)."""

    def __init__(self, report_id: int, token: str, *, interval: float = 0.25):
        self.report_id, self.token, self.interval = report_id, token, interval
        self.last_write = 0.0
        self.last_percent = -1

    def __call__(self, percent: int, stage: str) -> None:
        now = time.monotonic()
        percent = max(0, min(99, int(percent)))
        if now - self.last_write < self.interval and percent - self.last_percent < 5:
            return
        self.last_write, self.last_percent = now, percent
        updated = Report.objects.filter(pk=self.report_id, claim_token=self.token, status=Status.RENDERING).update(
            progress=percent, stage=stage[:100], heartbeat_at=timezone.now()
        )
        if not updated:
            raise Superseded()


def report_claim(*, report_id: int) -> tuple[str | None, float]:
    """Claim a queued report, or take over one whose worker stopped sending heartbeats.

    Returns (token, 0) when claimed; (None, seconds) when another worker holds a
    fresh claim; (None, 0) when there is nothing to do (finished, failed, gone)."""
    token = uuid.uuid4().hex
    now = timezone.now()
    stale = now - timedelta(seconds=lease_seconds())
    claimed = (
        Report.objects.filter(pk=report_id)
        .filter(Q(status=Status.QUEUED) | Q(status=Status.RENDERING, heartbeat_at__lt=stale))
        .update(
            status=Status.RENDERING,
            claim_token=token,
            heartbeat_at=now,
            started_at=now,
            attempts=F("attempts") + 1,
            progress=0,
            stage="开始生成",
        )
    )
    if claimed:
        return token, 0
    row = Report.objects.filter(pk=report_id).values("status", "heartbeat_at").first()
    if row and row["status"] == Status.RENDERING and row["heartbeat_at"] is not None:
        remaining = (row["heartbeat_at"] - stale).total_seconds()
        return None, max(1.0, remaining + 0.5)
    return None, 0


def _sha256_and_size(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _failure_text(exc: BaseException) -> str:
    if isinstance(exc, ReportError):
        return str(exc)
    return f"生成报告时发生内部错误（{type(exc).__name__}: {exc}）。请点击“重试”；如仍失败，请联系系统管理员。"


def report_render(*, report_id: int) -> RenderOutcome:
    """Render a claimed report into its file (see the module docstring). Idempotent."""
    token, wait = report_claim(report_id=report_id)
    if token is None:
        return RenderOutcome(False, wait)
    report = Report.objects.select_related("zone__region__parent__parent", "zone__system", "round__system__scope").get(
        pk=report_id
    )
    kind = kind_get(report.kind)
    tmp_dir = reports_root() / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    for leftover in tmp_dir.glob(f"{report.pk}-*.part"):  # a killed worker's half file
        leftover.unlink(missing_ok=True)
    tmp = tmp_dir / f"{report.pk}-{token}.part"
    progress = _ProgressWriter(report.pk, token)
    final: Path | None = None
    try:
        if kind is None:
            raise ReportError("未知的报告类型，无法生成。")
        progress(1, "读取数据")
        content = kind.content(zone=report.zone, round=report.round)
        rendered = kind.render(content, tmp, progress)
        progress(99, "校验文件")
        sha256, size = _sha256_and_size(tmp)
        stored = f"reports/{report.zone_id}/{report.pk}-{token[:12]}.{kind.extension}"
        final = Path(settings.MEDIA_ROOT) / stored
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)  # atomic: the file appears complete or not at all
        finished = timezone.now()
        done = Report.objects.filter(pk=report.pk, claim_token=token, status=Status.RENDERING).update(
            status=Status.READY,
            progress=100,
            stage="已完成",
            stored_name=stored,
            download_name=kind.filename(zone=report.zone, round=report.round, when=timezone.localtime(finished)),
            content_type=kind.content_type,
            size=size,
            sha256=sha256,
            pages=rendered.pages,
            source_digest=kind.reuse_key(content),
            source_label=content.source_label[:200],
            snapshot=content.snapshot,
            is_draft=content.is_draft,
            finished_at=finished,
            heartbeat_at=finished,
        )
        if not done:
            raise Superseded()
        return RenderOutcome(True)
    except Superseded:
        logger.info("report %s: claim lost to another worker; this rendering is discarded", report_id)
        tmp.unlink(missing_ok=True)
        if final is not None:
            final.unlink(missing_ok=True)
        return RenderOutcome(False)
    except OperationalError:
        tmp.unlink(missing_ok=True)
        raise  # the database is away: the job retries with backoff
    except Exception as exc:
        logger.exception("report %s failed", report_id)
        tmp.unlink(missing_ok=True)
        Report.objects.filter(pk=report.pk, claim_token=token).update(
            status=Status.FAILED, stage="失败", error=_failure_text(exc), finished_at=timezone.now()
        )
        return RenderOutcome(False)


# Downloads --------------------------------------------------------------------------------


def _client_ip(request) -> str | None:
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def download_record_report(*, request, report: Report, via: str = DownloadRecord.Via.PAGE) -> DownloadRecord:
    return DownloadRecord.objects.create(
        user=request.user,
        username=request.user.get_username(),
        zone_id=report.zone_id,
        report=report,
        what=f"{report.get_kind_display()} #{report.pk}",
        file_name=report.download_name,
        size=report.size,
        sha256=report.sha256,
        via=via,
        sendfile=bool(getattr(settings, "SENDFILE_HEADER", "")),
        ip_address=_client_ip(request),
    )


def download_record_evidence(*, request, file, via: str) -> DownloadRecord:
    return DownloadRecord.objects.create(
        user=request.user,
        username=request.user.get_username(),
        zone_id=file.evidence.zone_id,
        evidence_file=file,
        what=f"佐证材料：{file.evidence.title}(v{file.version})"[:200],
        file_name=file.original_name,
        size=file.size,
        sha256=file.sha256,
        via=via,
        sendfile=bool(getattr(settings, "SENDFILE_HEADER", "")),
        ip_address=_client_ip(request),
    )


# Opinions --------------------------------------------------------------------------------


def _office_users(zone: Zone):
    from django.contrib.auth import get_user_model

    ids = Membership.objects.filter(zone=zone, role=Membership.Role.OFFICE).values("user_id")
    return get_user_model().objects.filter(pk__in=ids, is_active=True)


@transaction.atomic
def opinion_create(*, zone: Zone, round: AssessmentRound | None, conclusion: str, text: str, user) -> ReviewOpinion:
    """A reviewer's opinion on one of the zone's rounds; the zone's office is notified."""
    text = (text or "").strip()
    errors = []
    if round is None or round.zone_id != zone.pk:
        errors.append(_("请选择该创建对象的评估轮次。"))
    if conclusion not in ReviewOpinion.Conclusion.values:
        errors.append(_("请选择评审结论：通过、整改后复核或不通过。"))
    if not text:
        errors.append(_("请填写评审意见。"))
    if len(text) > 5000:
        errors.append(_("评审意见不能超过 5000 字。"))
    if errors:
        raise ValidationError(errors)
    opinion = ReviewOpinion.objects.create(
        zone=zone, round=round, conclusion=conclusion, text=text, author=user, author_name=_display(user)
    )
    # Inside the transaction: the notices are rows of the same database, so a rollback takes them too.
    opinion_created_notify(opinion_id=opinion.pk)
    return opinion


def opinion_created_notify(*, opinion_id: int) -> int:
    """A 评审意见 → the zone's office members who may answer it (after commit)."""
    opinion = (
        ReviewOpinion.objects.select_related("zone__region__parent__parent", "round").filter(pk=opinion_id).first()
    )
    if opinion is None:
        return 0
    zone = opinion.zone
    return notify(
        recipients=_office_users(zone),
        kind=Notification.Kind.OPINION_RECEIVED,
        title=f"{zone.name}收到评审意见：{opinion.get_conclusion_display()}",
        body=f"{opinion.author_name}对{opinion.round.get_kind_display()}的评审意见：{opinion.text[:200]}",
        url=reverse("reports:zone", args=[zone.pk]) + f"#opinion-{opinion.pk}",
        dedupe_key=f"opinion-{opinion.pk}",
        zone=zone,
        may_see=lambda user: report_can(user, zone, ReportAction.ANSWER_OPINION),
        actor=opinion.author_id,
    )


@transaction.atomic
def opinion_reply(*, opinion: ReviewOpinion, text: str, user) -> OpinionReply:
    """The office's answer to an opinion; the opinion's author is notified."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("请填写答复内容。"))
    if len(text) > 5000:
        raise ValidationError(_("答复不能超过 5000 字。"))
    reply = OpinionReply.objects.create(opinion=opinion, text=text, author=user, author_name=_display(user))
    opinion_replied_notify(reply_id=reply.pk)  # in the transaction, as above
    return reply


def opinion_replied_notify(*, reply_id: int) -> int:
    """The office's answer → the opinion's author, if they may still open the zone's report page."""
    reply = (
        OpinionReply.objects.select_related("opinion__zone__region__parent__parent", "opinion__author")
        .filter(pk=reply_id)
        .first()
    )
    if reply is None or reply.opinion.author is None:
        return 0
    opinion, zone = reply.opinion, reply.opinion.zone
    return notify(
        recipients=[opinion.author],
        kind=Notification.Kind.ZONE_REPLIED,
        title=f"{zone.name}办公室答复了您的评审意见",
        body=reply.text[:200],
        url=reverse("reports:zone", args=[zone.pk]) + f"#opinion-{opinion.pk}",
        dedupe_key=f"opinion-reply-{reply.pk}",
        zone=zone,
        may_see=lambda user: report_can(user, zone, ReportAction.VIEW),
        actor=reply.author_id,
    )
