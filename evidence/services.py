"""Writes for evidence (佐证材料): uploads, versions and the review flow.

Callers have checked access (zones.access, evidence.selectors); these functions
hold the rules: what a file may be, and which status may follow which.

How a file reaches the disk:

1. Django has streamed the upload to a temporary file (TemporaryFileUploadHandler).
2. ``_upload_receive`` copies it in 1 MB chunks to ``MEDIA_ROOT/evidence/<zone>/<uuid>.part``
   while hashing and counting, then checks it by content (common/uploads.py, the pipeline
   every upload goes through). A refused file is deleted there.
3. The rows are written in a transaction; only after it commits is the ``.part`` renamed
   (atomically, same directory) to its final server-generated name. Any failure before
   removes the ``.part``: a refused or interrupted upload leaves neither a row nor a file.
"""

from __future__ import annotations

import logging
import os
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from common.files import KINDS, human_size  # noqa: F401 (human_size: the upload page shows the limit)
from common.uploads import Received, UploadPolicy, upload_receive
from common.uploads import too_large_message as upload_too_large_message
from indicators.models import Indicator, ScoringItem
from notifications.services import notify_on_commit
from zones.locks import zone_lock_check
from zones.models import Unit, Zone

from .models import Evidence, EvidenceEvent, EvidenceFile, EvidenceStatus
from .notices import evidence_decided_notify, evidence_submitted_notify

logger = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024
ALLOWED_LABELS = "PDF、OFD、DOC、DOCX、XLSX、JPG、PNG"
ALLOWED_EXTENSIONS = frozenset(ext for kind in KINDS.values() for ext in kind.extensions)
ACCEPT_ATTR = ",".join(sorted(ALLOWED_EXTENSIONS))
MAX_REASON_LENGTH = 1000


def evidence_max_upload_bytes() -> int:
    return settings.EVIDENCE_MAX_UPLOAD_BYTES


def evidence_max_unpacked_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_UNPACKED_BYTES", 0) or settings.EVIDENCE_MAX_UPLOAD_BYTES * 10


def evidence_upload_policy() -> UploadPolicy:
    """Evidence files: the project's one upload pipeline (common/uploads.py) with these kinds and limits."""
    return UploadPolicy(
        kinds=tuple(KINDS), max_bytes=evidence_max_upload_bytes(), max_unpacked_bytes=evidence_max_unpacked_bytes()
    )


def too_large_message(name: str) -> str:
    return upload_too_large_message(name, evidence_max_upload_bytes())


# --- receiving a file -------------------------------------------------------------------------

_Received = Received


def _upload_receive(*, zone: Zone, upload: UploadedFile) -> Received:
    """Copy, hash and check an upload; raise ValidationError (and leave nothing) if refused."""
    return upload_receive(upload, policy=evidence_upload_policy(), folder=f"evidence/{zone.pk}")


def _file_row_create(*, evidence: Evidence, received: _Received, version: int, user) -> EvidenceFile:
    # The same content already on this indicator (any unit, any version) is flagged, not refused.
    duplicate = (
        EvidenceFile.objects.filter(
            sha256=received.sha256, evidence__zone_id=evidence.zone_id, evidence__indicator_id=evidence.indicator_id
        )
        .order_by("pk")
        .first()
    )
    return EvidenceFile.objects.create(
        evidence=evidence,
        version=version,
        stored_name=received.stored_name,
        original_name=received.original_name,
        size=received.size,
        sha256=received.sha256,
        content_type=received.content_type,
        duplicate_of=duplicate,
        uploaded_by=user,
    )


def _upload_finish(received: _Received, undo) -> None:
    """Rename the ``.part`` now that the rows are committed; on failure undo the rows.

    Inside a caller's transaction (a test, a bulk import) the rename happens now,
    as Django has no rollback hook; the caller's transaction then decides the rows.
    """
    try:
        os.replace(received.part, received.final)
    except OSError:
        received.discard()
        undo()
        raise


# --- services ---------------------------------------------------------------------------------


def _target_check(*, zone: Zone, indicator: Indicator, scoring_item: ScoringItem | None, unit: Unit) -> None:
    if indicator.system_id != zone.system_id or indicator.level != 3:
        raise ValidationError(_("请选择本创建对象指标体系中的三级指标。"))
    if scoring_item is not None and scoring_item.indicator_id != indicator.pk:
        raise ValidationError(_("所选评分细则不属于该指标。"))
    if unit.zone_id != zone.pk:
        raise ValidationError(_("责任单位不属于该创建对象。"))


def evidence_create(
    *,
    zone: Zone,
    indicator: Indicator,
    unit: Unit,
    user,
    file: UploadedFile,
    title: str = "",
    scoring_item: ScoringItem | None = None,
    description: str = "",
    effective_date: date | None = None,
) -> Evidence:
    """A new piece of evidence (草稿) with ``file`` as its version 1. Refused while a round locks the zone."""
    zone_lock_check(zone=zone)
    _target_check(zone=zone, indicator=indicator, scoring_item=scoring_item, unit=unit)
    received = _upload_receive(zone=zone, upload=file)
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                zone=zone,
                indicator=indicator,
                scoring_item=scoring_item,
                unit=unit,
                title=(title.strip() or os.path.splitext(received.original_name)[0])[:200],
                description=description.strip(),
                effective_date=effective_date,
                created_by=user,
            )
            EvidenceEvent.objects.create(evidence=evidence, from_status="", to_status=EvidenceStatus.DRAFT, by=user)
            _file_row_create(evidence=evidence, received=received, version=1, user=user)
    except BaseException:
        received.discard()
        raise
    _upload_finish(received, undo=lambda: Evidence.objects.filter(pk=evidence.pk).delete())
    logger.info(
        "evidence %s created by user %s: %s (%s bytes)", evidence.pk, user.pk, received.stored_name, received.size
    )
    return evidence


def evidence_file_add(*, evidence: Evidence, user, file: UploadedFile) -> EvidenceFile:
    """The next version of ``evidence``'s file; earlier versions are kept. Only 草稿 or 退回, and not while locked."""
    zone_lock_check(zone=evidence.zone)
    if evidence.status not in (EvidenceStatus.DRAFT, EvidenceStatus.RETURNED):
        raise ValidationError(_("“%(status)s”的材料不能再上传新版本。") % {"status": evidence.get_status_display()})
    received = _upload_receive(zone=evidence.zone, upload=file)
    try:
        with transaction.atomic():
            locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
            if locked.status not in (EvidenceStatus.DRAFT, EvidenceStatus.RETURNED):
                raise ValidationError(
                    _("“%(status)s”的材料不能再上传新版本。") % {"status": locked.get_status_display()}
                )
            version = (locked.files.aggregate(latest=Max("version"))["latest"] or 0) + 1
            row = _file_row_create(evidence=locked, received=received, version=version, user=user)
    except BaseException:
        received.discard()
        raise
    _upload_finish(received, undo=lambda: EvidenceFile.objects.filter(pk=row.pk).delete())
    logger.info("evidence %s version %s added by user %s: %s", evidence.pk, version, user.pk, received.stored_name)
    return row


def _transition(
    *, evidence: Evidence, allowed_from: tuple[str, ...], to: str, user, reason: str = "", check=None, **fields
) -> Evidence:
    """Move ``evidence`` to ``to`` if it is still in ``allowed_from`` (a conditional UPDATE), with an event row.

    ``check(current)`` may refuse with a ValidationError after the row is locked.
    Refused, with nothing written, while a submitted round locks the zone's data.
    """
    with transaction.atomic():
        current = Evidence.objects.select_for_update().get(pk=evidence.pk)
        zone_lock_check(zone=current.zone)
        if current.status not in allowed_from:
            raise ValidationError(
                _("材料当前为“%(status)s”，不能执行此操作，请刷新页面后重试。")
                % {"status": current.get_status_display()}
            )
        if check is not None:
            check(current)
        changed = Evidence.objects.filter(pk=current.pk, status=current.status).update(status=to, **fields)
        if changed != 1:
            raise ValidationError(_("材料状态已变化，请刷新页面后重试。"))
        EvidenceEvent.objects.create(evidence=current, from_status=current.status, to_status=to, reason=reason, by=user)
    evidence.refresh_from_db()
    return evidence


def evidence_submit(*, evidence: Evidence, user) -> Evidence:
    """草稿 → 已提交; 退回 → 已提交 once a new version has been uploaded since the return.

    The return reason stays in the event rows; the field holds only a current one.
    """

    def new_version_since_return(current: Evidence) -> None:
        if current.status == EvidenceStatus.RETURNED:
            if not current.files.filter(uploaded_at__gt=current.reviewed_at).exists():
                raise ValidationError(_("材料已被退回：请先按退回原因上传新版本的文件，再重新提交。"))

    _transition(
        evidence=evidence,
        allowed_from=(EvidenceStatus.DRAFT, EvidenceStatus.RETURNED),
        to=EvidenceStatus.SUBMITTED,
        user=user,
        check=new_version_since_return,
        return_reason="",
    )
    # The office members who review it are told once the submission commits (once per submission).
    notify_on_commit(
        evidence_submitted_notify,
        evidence_id=evidence.pk,
        actor_id=getattr(user, "pk", None),
        at=timezone.now().isoformat(),
    )
    return evidence


@transaction.atomic
def evidence_accept(*, evidence: Evidence, user) -> Evidence:
    """已提交 → 已采纳."""
    _transition(
        evidence=evidence,
        allowed_from=(EvidenceStatus.SUBMITTED,),
        to=EvidenceStatus.ACCEPTED,
        user=user,
        reviewed_by=user,
        reviewed_at=timezone.now(),
    )
    _review_audit(evidence, user=user, action=AuditAction.EVIDENCE_ACCEPTED)
    notify_on_commit(evidence_decided_notify, evidence_id=evidence.pk)  # the unit's liaisons
    return evidence


def _review_audit(evidence: Evidence, *, user, action: str, reason: str = "") -> None:
    audit_record(
        action=action,
        actor=user,
        target=evidence,
        zone=evidence.zone,
        before={"status": EvidenceStatus.SUBMITTED},
        after={"status": evidence.status, "unit": evidence.unit_id, "indicator": evidence.indicator_id},
        reason=reason,
    )


@transaction.atomic
def evidence_return(*, evidence: Evidence, user, reason: str) -> Evidence:
    """已提交 → 退回, with the reason the unit will read. The unit is notified."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("退回材料时必须填写退回原因。"))
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            _("退回原因不能超过 %(max_reason_length)s 个字。") % {"max_reason_length": MAX_REASON_LENGTH}
        )
    _transition(
        evidence=evidence,
        allowed_from=(EvidenceStatus.SUBMITTED,),
        to=EvidenceStatus.RETURNED,
        user=user,
        reason=reason,
        reviewed_by=user,
        reviewed_at=timezone.now(),
        return_reason=reason,
    )
    _review_audit(evidence, user=user, action=AuditAction.EVIDENCE_RETURNED, reason=reason)
    transaction.on_commit(lambda: evidence_returned_notify(evidence))
    return evidence


def evidence_returned_notify(evidence: Evidence) -> None:
    """Tell the liaisons of the evidence's unit that it came back, with the reason (once per return)."""
    evidence_decided_notify(evidence_id=evidence.pk)
    logger.info("evidence %s returned to unit %s", evidence.pk, evidence.unit_id)
