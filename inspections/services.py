"""Writes: campaigns and the units' self-checks (自查自纠).

Callers have checked access (inspections.access). Every function validates and raises
``ValidationError`` with a Chinese message, writing nothing when it does. The 考评组,
evaluations and findings have their own modules (``evaluation``, ``findings``).
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.jobs import job_send_on_commit
from notifications.services import notify_on_commit
from tasks.models import Assignment
from zones.models import IndicatorResponsibility, Unit, Zone

from .models import Campaign, Evaluation, SelfCheck, SelfCheckEntry, SelfCheckEvent, SelfStatus
from .uploads import upload_receive

logger = logging.getLogger(__name__)

Status = SelfCheck.Status
MAX_TEXT = 5000
CAMPAIGN_FIELDS = ("title", "due_date", "scale", "row_points", "excellent_min", "good_min", "pass_min")


# Campaigns ----------------------------------------------------------------------------


def _decimal(value: Any, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(label)s应为数字。") % {"label": label}) from None
    if not number.is_finite():
        raise ValidationError(_("%(label)s应为数字。") % {"label": label})
    return number


def _campaign_check(data: dict[str, Any]) -> dict[str, Any]:
    clean = dict(data)
    if "title" in clean:
        clean["title"] = (clean["title"] or "").strip()
        if not clean["title"]:
            raise ValidationError(_("请填写自查考评的名称。"))
    if "due_date" in clean and not isinstance(clean["due_date"], date):
        raise ValidationError(_("请填写自查报告报送截止日期。"))
    if "scale" in clean and clean["scale"] not in Campaign.Scale.values:
        raise ValidationError(_("未知的考评计分方式。"))
    for name, label in (
        ("row_points", "每项满分"),
        ("excellent_min", "优秀分数线"),
        ("good_min", "良好分数线"),
        ("pass_min", "合格分数线"),
    ):
        if name in clean:
            clean[name] = _decimal(clean[name], label)
    if "row_points" in clean and not (0 < clean["row_points"] <= 1000):
        raise ValidationError(_("每项满分应大于 0 且不超过 1000。"))
    return clean


def _thresholds_check(campaign: Campaign) -> None:
    if not (0 <= campaign.pass_min <= campaign.good_min <= campaign.excellent_min <= 100):
        raise ValidationError(
            _(
                "等次分数线须满足 0 ≤ 合格 ≤ 良好 ≤ 优秀 ≤ 100"
                "（当前：合格 %(pass)s、良好 %(good)s、优秀 %(excellent)s）。"
            )
            % {"pass": campaign.pass_min, "good": campaign.good_min, "excellent": campaign.excellent_min}
        )


def campaign_units_sync(*, campaign: Campaign) -> int:
    """A self-check and an evaluation row for every unit of the zone (units added later included)."""
    units = list(Unit.objects.filter(zone=campaign.zone).values_list("pk", flat=True))
    have = set(SelfCheck.objects.filter(campaign=campaign).values_list("unit_id", flat=True))
    SelfCheck.objects.bulk_create(SelfCheck(campaign=campaign, unit_id=u) for u in units if u not in have)
    evaluated = set(Evaluation.objects.filter(campaign=campaign).values_list("unit_id", flat=True))
    Evaluation.objects.bulk_create(Evaluation(campaign=campaign, unit_id=u) for u in units if u not in evaluated)
    return len(units) - len(have)


@transaction.atomic
def campaign_open(*, zone: Zone, user, title: str, due_date: date, **options: Any) -> Campaign:
    """Open a self-check campaign against the zone's system; one open campaign per zone."""
    unknown = set(options) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValueError(f"未知的字段：{', '.join(sorted(unknown))}")
    data = _campaign_check({"title": title, "due_date": due_date, **options})
    if Campaign.objects.filter(zone=zone, status=Campaign.Status.OPEN).exists():
        raise ValidationError(_("该创建对象已有进行中的自查考评，请先结束后再发起新的。"))
    campaign = Campaign(zone=zone, system_id=zone.system_id, opened_by=user, **data)
    _thresholds_check(campaign)
    try:
        with transaction.atomic():
            campaign.save()
    except IntegrityError:
        raise ValidationError(_("该创建对象已有进行中的自查考评，请先结束后再发起新的。")) from None
    campaign_units_sync(campaign=campaign)
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, data: dict[str, Any]) -> Campaign:
    """Title, due date, scale and thresholds. The scale is fixed once a unit's evaluation is finished."""
    unknown = set(data) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValueError(f"未知的字段：{', '.join(sorted(unknown))}")
    clean = _campaign_check(data)
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    scale_changes = any(k in clean and clean[k] != getattr(locked, k) for k in ("scale", "row_points"))
    if scale_changes and Evaluation.objects.filter(campaign=locked, status=Evaluation.Status.DONE).exists():
        raise ValidationError(_("已有单位完成考评，不能再修改计分方式或每项满分。"))
    for name, value in clean.items():
        setattr(locked, name, value)
    _thresholds_check(locked)
    locked.save()
    for name in clean:
        setattr(campaign, name, getattr(locked, name))
    return campaign


@transaction.atomic
def campaign_close(*, campaign: Campaign, user) -> Campaign:
    """End the self-check phase: units can no longer fill in or submit their self-checks (a report sent
    back may still be answered). The 市级考评 goes on: evaluations, findings and re-checks are not closed."""
    changed = Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.OPEN).update(
        status=Campaign.Status.CLOSED, closed_by=user, closed_at=timezone.now()
    )
    if not changed:
        raise ValidationError(_("该自查考评已经结束。"))
    campaign.refresh_from_db()
    return campaign


# Self-checks -----------------------------------------------------------------------------


def selfcheck_ensure(*, campaign: Campaign, unit: Unit) -> SelfCheck:
    """The unit's self-check in ``campaign``, created if the unit joined the zone later."""
    if unit.zone_id != campaign.zone_id:
        raise ValidationError(_("责任单位不属于该创建对象。"))
    selfcheck, _created = SelfCheck.objects.get_or_create(campaign=campaign, unit=unit)
    Evaluation.objects.get_or_create(campaign=campaign, unit=unit)
    return selfcheck


def row_keys(*, campaign: Campaign, unit: Unit) -> dict[str, str]:
    """The keys of the unit's rows (``i<indicator>`` / ``a<assignment>``) → their labels (2 queries)."""
    keys: dict[str, str] = {}
    duties = IndicatorResponsibility.objects.filter(
        zone_id=campaign.zone_id, unit=unit, removed=False, indicator__system_id=campaign.system_id
    ).values_list("indicator_id", "indicator__code", "indicator__name")
    for pk, code, name in duties:
        keys[f"i{pk}"] = f"指标 {code} {name}"
    tasks = Assignment.objects.filter(task__zone_id=campaign.zone_id, unit=unit).values_list("pk", "task__title")
    for pk, title in tasks:
        keys[f"a{pk}"] = f"任务“{title}”"
    return keys


def _target(key: str) -> dict[str, int]:
    return {"indicator_id": int(key[1:])} if key.startswith("i") else {"assignment_id": int(key[1:])}


def _editable_check(selfcheck: SelfCheck) -> None:
    """A submitted report is locked; a closed campaign takes no more drafts, but a report the office
    sent back may still be answered (SelfCheck.is_editable), so that no unit is left stuck."""
    if selfcheck.status == Status.SUBMITTED:
        raise ValidationError(_("自查报告已报送并锁定；如需修改，请联系办公室退回。"))
    if not selfcheck.is_editable:
        raise ValidationError(_("该自查考评已经结束，不能再修改自查。"))


def _text(value: Any, label: str, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise ValidationError(_("%(label)s不能超过 %(limit)s 个字。") % {"label": label, "limit": limit})
    return text


@transaction.atomic
def selfcheck_save(
    *, selfcheck: SelfCheck, user, answers: dict[str, dict[str, str]], summary: str | None = None
) -> SelfCheck:
    """Save the unit's answers: per row key, ``done_text``, ``status``, ``na_reason`` and ``gaps``.

    Rows not in ``answers`` are left as they are; a key that is not one of the unit's
    items or tasks is refused. 不适用 needs a reason.
    """
    locked = SelfCheck.objects.select_for_update().select_related("campaign", "unit").get(pk=selfcheck.pk)
    _editable_check(locked)
    keys = row_keys(campaign=locked.campaign, unit=locked.unit)
    errors = []
    clean: dict[str, dict[str, str]] = {}
    for key, answer in answers.items():
        if key not in keys:
            raise ValidationError(_("所填事项不属于本单位的责任指标或任务，请刷新页面后重试。"))
        status = (answer.get("status") or "").strip()
        if status and status not in SelfStatus.values:
            errors.append(_("%(row)s：未知的自评状态。") % {"row": keys[key]})
            continue
        row = {
            "done_text": _text(answer.get("done_text"), f"{keys[key]}的开展情况"),
            "status": status,
            "na_reason": _text(answer.get("na_reason"), f"{keys[key]}的不适用理由", 500),
            "gaps": _text(answer.get("gaps"), f"{keys[key]}的存在问题"),
        }
        if status == SelfStatus.NOT_APPLICABLE and not row["na_reason"]:
            errors.append(_("%(row)s：选择“不适用”时必须说明理由。") % {"row": keys[key]})
        if status != SelfStatus.NOT_APPLICABLE:
            row["na_reason"] = ""
        clean[key] = row
    if errors:
        raise ValidationError(errors)
    existing = {
        (f"i{e.indicator_id}" if e.indicator_id else f"a{e.assignment_id}"): e
        for e in SelfCheckEntry.objects.filter(selfcheck=locked)
    }
    new, changed = [], []
    for key, row in clean.items():
        entry = existing.get(key)
        if entry is None:
            if any(row.values()):
                new.append(SelfCheckEntry(selfcheck=locked, updated_by=user, **_target(key), **row))
            continue
        if any(getattr(entry, name) != value for name, value in row.items()):
            for name, value in row.items():
                setattr(entry, name, value)
            entry.updated_by = user
            entry.updated_at = timezone.now()
            changed.append(entry)
    SelfCheckEntry.objects.bulk_create(new)
    SelfCheckEntry.objects.bulk_update(
        changed, ["done_text", "status", "na_reason", "gaps", "updated_by", "updated_at"]
    )
    if summary is not None:
        locked.summary = _text(summary, "总体情况")
        locked.save(update_fields=["summary", "updated_at"])
    selfcheck.summary = locked.summary
    return selfcheck


def _event(selfcheck: SelfCheck, kind: str, source: str, target: str, user, reason: str = "") -> SelfCheckEvent:
    return SelfCheckEvent.objects.create(
        selfcheck=selfcheck, kind=kind, from_status=source, to_status=target, reason=reason, by=user
    )


@transaction.atomic
def selfcheck_submit(*, selfcheck: SelfCheck, user, render: bool = True) -> SelfCheck:
    """Submit the 自查报告: every row needs a status; the report is locked and its PDF generated.

    ``render=False`` leaves the PDF to be generated when first asked for (bulk loads).
    """
    locked = SelfCheck.objects.select_for_update().select_related("campaign", "unit").get(pk=selfcheck.pk)
    _editable_check(locked)
    keys = row_keys(campaign=locked.campaign, unit=locked.unit)
    answered = {
        (f"i{e.indicator_id}" if e.indicator_id else f"a{e.assignment_id}")
        for e in SelfCheckEntry.objects.filter(selfcheck=locked).exclude(status="")
    }
    missing = [label for key, label in keys.items() if key not in answered]
    if missing:
        shown = "、".join(missing[:5]) + (f" 等 {len(missing)} 项" if len(missing) > 5 else "")
        raise ValidationError(_("以下事项尚未填写自评状态：%(rows)s。") % {"rows": shown})
    if not keys:
        raise ValidationError(_("本单位在责任分工中没有指标，也没有分派的任务，无需报送自查报告。"))
    source = locked.status
    SelfCheck.objects.filter(pk=locked.pk).update(
        status=Status.SUBMITTED,
        submitted_by=user,
        submitted_at=timezone.now(),
        return_reason="",
        pdf_status=SelfCheck.PdfStatus.QUEUED if render else SelfCheck.PdfStatus.NONE,
        pdf_name="",
        pdf_sha256="",
        pdf_at=None,
        pdf_sent_at=timezone.now() if render else None,
        pdf_started_at=None,
        pdf_attempts=0,
        updated_at=timezone.now(),
    )
    _event(locked, SelfCheckEvent.Kind.SUBMITTED, source, Status.SUBMITTED, user)
    if render:
        _render_on_commit(locked.pk)
    from .notices import selfcheck_submitted_notify

    notify_on_commit(
        selfcheck_submitted_notify,
        selfcheck_id=locked.pk,
        actor_id=getattr(user, "pk", None),
        at=timezone.now().isoformat(timespec="seconds"),
    )
    selfcheck.refresh_from_db()
    return selfcheck


def _render_on_commit(selfcheck_id: int) -> None:
    """Send the PDF job once committed; if the broker cannot take it, the report shows "未生成"
    with its 生成 PDF button again (the submission itself stands). A job the broker took but lost
    is sent again by the beat job's sweep (report.selfcheck_reports_resend_stuck)."""
    from .jobs import render_selfcheck_report

    def then(sent: bool) -> None:
        queued = SelfCheck.objects.filter(pk=selfcheck_id, pdf_status=SelfCheck.PdfStatus.QUEUED)
        if sent:
            queued.update(pdf_sent_at=timezone.now())
        else:
            queued.update(pdf_status=SelfCheck.PdfStatus.NONE)

    job_send_on_commit(render_selfcheck_report, selfcheck_id, then=then)


def selfcheck_pdf_request(*, selfcheck: SelfCheck) -> SelfCheck:
    """Queue the PDF of a submitted report that has none yet, or whose rendering failed."""
    if selfcheck.status != Status.SUBMITTED:
        raise ValidationError(_("自查报告报送后才能生成 PDF。"))
    with transaction.atomic():
        changed = SelfCheck.objects.filter(
            pk=selfcheck.pk,
            status=Status.SUBMITTED,
            pdf_status__in=[SelfCheck.PdfStatus.NONE, SelfCheck.PdfStatus.FAILED],
        ).update(pdf_status=SelfCheck.PdfStatus.QUEUED, pdf_sent_at=timezone.now(), pdf_started_at=None, pdf_attempts=0)
        if changed:
            _render_on_commit(selfcheck.pk)
    selfcheck.refresh_from_db()
    return selfcheck


@transaction.atomic
def selfcheck_return(*, selfcheck: SelfCheck, user, reason: str) -> SelfCheck:
    """The office sends a submitted report back with a reason; the unit's liaisons are told."""
    reason = _text(reason, "退回原因", 1000)
    if not reason:
        raise ValidationError(_("退回自查报告时必须填写退回原因。"))
    changed = SelfCheck.objects.filter(pk=selfcheck.pk, status=Status.SUBMITTED).update(
        status=Status.RETURNED, return_reason=reason, updated_at=timezone.now()
    )
    if not changed:
        raise ValidationError(_("只有已报送的自查报告可以退回。"))
    _event(selfcheck, SelfCheckEvent.Kind.RETURNED, Status.SUBMITTED, Status.RETURNED, user, reason)
    selfcheck.refresh_from_db()
    from .notices import selfcheck_returned_notify

    notify_on_commit(
        selfcheck_returned_notify,
        selfcheck_id=selfcheck.pk,
        reason=reason,
        actor_id=getattr(user, "pk", None),
        at=timezone.now().isoformat(),
    )
    return selfcheck


def selfcheck_scan_upload(*, selfcheck: SelfCheck, user, file: UploadedFile) -> SelfCheck:
    """The unit's own signed scan of its report, checked like evidence (PDF or image); replaces an earlier one."""
    if not selfcheck.campaign.is_open and selfcheck.status == Status.DRAFT:
        raise ValidationError(_("该自查考评已经结束。"))
    received = upload_receive(zone=selfcheck.campaign.zone, upload=file)
    if received.content_type not in ("application/pdf", "image/jpeg", "image/png", "application/ofd"):
        received.discard()
        raise ValidationError(
            _("签字扫描件只接受 PDF、OFD、JPG、PNG 文件，“%(name)s”不是。") % {"name": received.original_name}
        )
    try:
        with transaction.atomic():
            SelfCheck.objects.filter(pk=selfcheck.pk).update(
                scan_name=received.stored_name,
                scan_original=received.original_name,
                scan_sha256=received.sha256,
                scan_content_type=received.content_type,
                updated_at=timezone.now(),
            )
            _event(selfcheck, SelfCheckEvent.Kind.SCAN, selfcheck.status, selfcheck.status, user, received.sha256)
    except BaseException:
        received.discard()
        raise
    received.finish()
    selfcheck.refresh_from_db()
    return selfcheck
