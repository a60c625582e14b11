"""Findings (问题) through 整改 to 复核 and 销号, and the lifecycle rule they impose.

待整改 → 整改中 (the unit reports progress) → 待复核 (the unit submits what it did) →
已销号 (an evaluator closes it) or 退回 (sent back with a reason, answered again).
Every move is a conditional UPDATE plus a ``FindingEvent``; files go through the
evidence upload checks and are renamed into place only after the rows commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notify_on_commit
from zones.lifecycle import ZoneStatus

from . import notices
from .models import Campaign, Evaluation, Finding, FindingEvent, FindingFile, Severity
from .services import row_keys
from .uploads import Received, upload_receive

Status = Finding.Status
Kind = FindingEvent.Kind
MAX_FILES = 10
ANSWERABLE = (Status.PENDING, Status.RECTIFYING, Status.RETURNED)


def _receive_all(zone, files: Iterable[UploadedFile]) -> list[Received]:
    files = [f for f in files if f]
    if len(files) > MAX_FILES:
        raise ValidationError(_("一次最多上传 %(count)s 个文件。") % {"count": MAX_FILES})
    received: list[Received] = []
    try:
        for upload in files:
            received.append(upload_receive(zone=zone, upload=upload))
    except BaseException:
        for item in received:
            item.discard()
        raise
    return received


def _files_create(finding: Finding, event: FindingEvent, received: list[Received], purpose: str, user) -> None:
    FindingFile.objects.bulk_create(
        FindingFile(
            finding=finding,
            event=event,
            purpose=purpose,
            stored_name=r.stored_name,
            original_name=r.original_name,
            size=r.size,
            sha256=r.sha256,
            content_type=r.content_type,
            uploaded_by=user,
        )
        for r in received
    )


def _with_files(zone, files, write):
    """Receive and check the files, write the rows, then move the files into place."""
    received = _receive_all(zone, files or [])
    try:
        with transaction.atomic():
            result = write(received)
    except BaseException:
        for item in received:
            item.discard()
        raise
    for item in received:
        item.finish()
    return result


def finding_create(
    *,
    evaluation: Evaluation,
    user,
    title: str,
    severity: str,
    deadline: date | None,
    location: str = "",
    target: str = "",
    files: Iterable[UploadedFile] = (),
) -> Finding:
    """Record a finding of ``evaluation``'s unit; ``target`` is the row key of the item or task it concerns."""
    campaign = evaluation.campaign
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("请填写问题描述。"))
    if len(title) > 2000:
        raise ValidationError(_("问题描述不能超过 2000 个字。"))
    if severity not in Severity.values:
        raise ValidationError(_("请选择问题的严重程度（一般、较重、严重）。"))
    if not isinstance(deadline, date):
        raise ValidationError(_("请填写整改时限。"))
    if deadline < timezone.localdate():
        raise ValidationError(_("整改时限不能早于今天。"))
    link = {}
    if target:
        if target not in row_keys(campaign=campaign, unit=evaluation.unit):
            raise ValidationError(_("所选指标或任务不属于该单位。"))
        link = {"indicator_id": int(target[1:])} if target.startswith("i") else {"assignment_id": int(target[1:])}

    def write(received: list[Received]) -> Finding:
        # Numbered within the campaign: lock its row so that two evaluators never take the same number.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list("pk", flat=True).first()
        number = (Finding.objects.filter(campaign=campaign).aggregate(n=Max("number"))["n"] or 0) + 1
        finding = Finding.objects.create(
            campaign=campaign,
            evaluation=evaluation,
            unit=evaluation.unit,
            number=number,
            title=title,
            location=(location or "").strip()[:200],
            severity=severity,
            deadline=deadline,
            created_by=user,
            **link,
        )
        event = FindingEvent.objects.create(finding=finding, kind=Kind.RAISED, to_status=Status.PENDING, by=user)
        _files_create(finding, event, received, FindingFile.Purpose.FINDING, user)
        if evaluation.status == Evaluation.Status.PENDING:
            Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.IN_PROGRESS)
        notify_on_commit(notices.finding_raised_notify, finding_id=finding.pk, actor_id=_id(user))
        return finding

    return _with_files(campaign.zone, files, write)


def _id(user) -> int | None:
    return getattr(user, "pk", None)


def _stamp() -> str:
    return timezone.now().isoformat()


def _move(finding: Finding, allowed: tuple[str, ...], target: str, **fields) -> str:
    """Conditional UPDATE: from one of ``allowed`` to ``target``; returns the status it left."""
    current = Finding.objects.select_for_update().filter(pk=finding.pk).values_list("status", flat=True).first()
    if current not in allowed:
        shown = Status(current).label if current else "—"
        raise ValidationError(_("问题当前为“%(status)s”，不能执行此操作，请刷新页面后重试。") % {"status": shown})
    Finding.objects.filter(pk=finding.pk, status=current).update(status=target, **fields)
    return current


def finding_answer(*, finding: Finding, user, text: str, submit: bool, files: Iterable[UploadedFile] = ()) -> Finding:
    """The unit reports what it did: ``submit`` sends it for 复核 (待复核), otherwise it is 整改中."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("请填写整改情况。"))
    if len(text) > 5000:
        raise ValidationError(_("整改情况不能超过 5000 个字。"))
    target = Status.RECHECK if submit else Status.RECTIFYING

    def write(received: list[Received]) -> Finding:
        source = _move(finding, ANSWERABLE, target, response=text)
        event = FindingEvent.objects.create(
            finding=finding,
            kind=Kind.ANSWERED if submit else Kind.PROGRESS,
            from_status=source,
            to_status=target,
            text=text,
            by=user,
        )
        _files_create(finding, event, received, FindingFile.Purpose.RECTIFICATION, user)
        if submit:
            notify_on_commit(notices.finding_answered_notify, finding_id=finding.pk, actor_id=_id(user), at=_stamp())
        return finding

    _with_files(finding.campaign.zone, files, write)
    finding.refresh_from_db()
    return finding


@transaction.atomic
def finding_recheck(*, finding: Finding, user, close: bool, reason: str = "") -> Finding:
    """复核: close the finding (销号) or send it back to the unit with a reason (退回)."""
    reason = (reason or "").strip()
    if close:
        source = _move(finding, (Status.RECHECK,), Status.CLOSED, closed_by=user, closed_at=timezone.now())
        FindingEvent.objects.create(
            finding=finding, kind=Kind.CLOSED, from_status=source, to_status=Status.CLOSED, text=reason, by=user
        )
        notify_on_commit(notices.finding_closed_notify, finding_id=finding.pk, actor_id=_id(user))
    else:
        if not reason:
            raise ValidationError(_("退回整改时必须填写理由。"))
        source = _move(finding, (Status.RECHECK,), Status.RETURNED)
        FindingEvent.objects.create(
            finding=finding, kind=Kind.RETURNED, from_status=source, to_status=Status.RETURNED, text=reason, by=user
        )
        notify_on_commit(
            notices.finding_returned_notify, finding_id=finding.pk, reason=reason, actor_id=_id(user), at=_stamp()
        )
    finding.refresh_from_db()
    return finding


@transaction.atomic
def finding_deadline_set(*, finding: Finding, user, deadline: date | None, reason: str) -> Finding:
    """The office moves a finding's 整改时限, with a reason (the reminders follow the new date)."""
    reason = (reason or "").strip()
    if not isinstance(deadline, date):
        raise ValidationError(_("请填写新的整改时限。"))
    if not reason:
        raise ValidationError(_("调整整改时限时必须填写理由。"))
    source = Finding.objects.select_for_update().filter(pk=finding.pk).values_list("status", flat=True).first()
    if source == Status.CLOSED:
        raise ValidationError(_("问题已销号，不能再调整整改时限。"))
    Finding.objects.filter(pk=finding.pk).update(deadline=deadline)
    FindingEvent.objects.create(
        finding=finding,
        kind=Kind.DEADLINE,
        from_status=source,
        to_status=source,
        text=f"整改时限调整为 {deadline:%Y-%m-%d}：{reason}",
        by=user,
    )
    finding.refresh_from_db()
    return finding


# The lifecycle rule -------------------------------------------------------------------------


def zone_transition_blockers(*, zone, source: str, target: str) -> list[str]:
    """Moving forward out of 整改 is refused while a 严重 finding of the zone is open; names them."""
    if source != ZoneStatus.RECTIFICATION or target == ZoneStatus.CITY_REVIEW:
        return []
    open_serious = list(
        Finding.objects.filter(campaign__zone=zone, severity=Severity.SERIOUS)
        .exclude(status=Status.CLOSED)
        .select_related("unit", "campaign")
        .order_by("campaign_id", "number")
    )
    if not open_serious:
        return []
    names = "、".join(
        _("问题%(number)s（%(unit)s：%(title)s，%(status)s）")
        % {"number": f.number, "unit": f.unit.name, "title": f.short_title, "status": f.get_status_display()}
        for f in open_serious[:10]
    )
    more = _(" 等 %(count)s 个") % {"count": len(open_serious)} if len(open_serious) > 10 else ""
    return [
        _("仍有未销号的严重问题，不能离开“整改”阶段：%(names)s%(more)s。请先完成整改复核销号。")
        % {"names": names, "more": more}
    ]
