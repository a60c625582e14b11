"""Reads for evidence (佐证材料), scoped by zones.access.

Who sees what: the office, evaluators and provincial reviewers see every
unit's evidence of a zone they may view (``VIEW_ALL_EVIDENCE``); a liaison sees
the evidence of their own units. Evidence a user may not see answers 404.
A liaison may upload only for indicators their unit answers for in the
responsibility matrix (``zones.IndicatorResponsibility``); otherwise 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Max, OuterRef, Prefetch, QuerySet
from django.http import Http404

from indicators.models import Indicator, ScoringItem
from zones.access import ZoneAction, unit_can, unit_ids_for, zone_can
from zones.models import IndicatorResponsibility, Unit, Zone

from .models import Evidence, EvidenceEvent, EvidenceFile, EvidenceStatus

NOT_RESPONSIBLE = "您所在单位不是该指标的责任单位,不能为其上传佐证材料。"


def evidence_visible(*, user, zone: Zone) -> QuerySet[Evidence]:
    """Every piece of evidence of ``zone`` that ``user`` may see (the caller has checked zone VIEW)."""
    evidence = Evidence.objects.filter(zone=zone)
    if zone_can(user, zone, ZoneAction.VIEW_ALL_EVIDENCE):
        return evidence
    return evidence.filter(unit_id__in=unit_ids_for(user, zone))


def evidence_list(
    *,
    user,
    zone: Zone,
    status: str | None = None,
    unit_id: int | None = None,
    indicator_id: int | None = None,
    dimension_id: int | None = None,
) -> QuerySet[Evidence]:
    """The list and review-queue rows: one query however many rows."""
    evidence = evidence_visible(user=user, zone=zone)
    if status:
        evidence = evidence.filter(status=status)
    if unit_id:
        evidence = evidence.filter(unit_id=unit_id)
    if indicator_id:
        evidence = evidence.filter(indicator_id=indicator_id)
    if dimension_id:
        evidence = evidence.filter(indicator__parent__parent_id=dimension_id)
    duplicates = EvidenceFile.objects.filter(evidence=OuterRef("pk"), duplicate_of__isnull=False)
    return (
        evidence.select_related("indicator__parent__parent", "scoring_item", "unit")
        .annotate(latest_version=Max("files__version"), has_duplicate=Exists(duplicates))
        .order_by("indicator__position", "-created_at", "-pk")
    )


def evidence_get(*, user, zone: Zone, evidence_id: int) -> Evidence:
    """One piece of evidence ``user`` may see, with its files and events; 404 otherwise."""
    files = EvidenceFile.objects.select_related("uploaded_by", "duplicate_of__evidence").order_by("-version")
    events = EvidenceEvent.objects.select_related("by").order_by("at", "pk")
    evidence = (
        evidence_visible(user=user, zone=zone)
        .select_related("indicator__parent__parent", "scoring_item", "unit", "created_by", "reviewed_by")
        .prefetch_related(Prefetch("files", queryset=files), Prefetch("events", queryset=events))
        .filter(pk=evidence_id)
        .first()
    )
    if evidence is None:
        raise Http404("佐证材料不存在或无权访问。")
    return evidence


def evidence_file_get(*, user, zone: Zone, file_id: int) -> EvidenceFile:
    """One file version ``user`` may see (through its evidence); 404 otherwise."""
    file = (
        EvidenceFile.objects.select_related("evidence")
        .filter(pk=file_id, evidence__in=evidence_visible(user=user, zone=zone))
        .first()
    )
    if file is None:
        raise Http404("文件不存在或无权访问。")
    return file


# --- uploading --------------------------------------------------------------------------------


def _submitting_unit_ids(*, user, zone: Zone) -> list[int]:
    """The user's units in ``zone`` on which they may upload and submit evidence."""
    ids = sorted(unit_ids_for(user, zone))
    if not ids:
        return []
    units = Unit.objects.filter(pk__in=ids, zone=zone)
    return [unit.pk for unit in units if unit_can(user, unit, ZoneAction.SUBMIT_EVIDENCE)]


def evidence_upload_responsibilities(*, user, zone: Zone) -> QuerySet[IndicatorResponsibility]:
    """The matrix cells (indicator × unit) for which ``user`` may upload, in indicator order."""
    return (
        IndicatorResponsibility.objects.filter(
            zone=zone, unit_id__in=_submitting_unit_ids(user=user, zone=zone), removed=False
        )
        .select_related("indicator", "unit")
        .order_by("indicator__position", "-is_lead", "unit__name")
    )


def evidence_upload_unit(*, user, zone: Zone, indicator: Indicator) -> Unit:
    """The unit on whose behalf ``user`` uploads for ``indicator``; 403 if none of theirs answers for it."""
    cell = evidence_upload_responsibilities(user=user, zone=zone).filter(indicator=indicator).first()
    if cell is None:
        raise PermissionDenied(NOT_RESPONSIBLE)
    return cell.unit


def evidence_upload_check(*, user, evidence: Evidence) -> None:
    """403 unless ``user`` may add a version to / submit ``evidence`` (their unit, still responsible)."""
    if not unit_can(user, evidence.unit, ZoneAction.SUBMIT_EVIDENCE):
        raise PermissionDenied("只有本单位的联络员可以上传或提交该材料。")
    responsible = IndicatorResponsibility.objects.filter(
        zone_id=evidence.zone_id, indicator_id=evidence.indicator_id, unit_id=evidence.unit_id, removed=False
    ).exists()
    if not responsible:
        raise PermissionDenied(NOT_RESPONSIBLE)


def evidence_may_upload(*, user, evidence: Evidence) -> bool:
    try:
        evidence_upload_check(user=user, evidence=evidence)
    except PermissionDenied:
        return False
    return True


@dataclass(frozen=True)
class UploadTarget:
    """The indicator chosen on the upload page, with what the liaison needs beside the form."""

    indicator: Indicator
    unit: Unit
    scoring_items: list[ScoringItem]


def evidence_upload_target(*, user, zone: Zone, indicator_id: int | None) -> UploadTarget | None:
    if not indicator_id:
        return None
    cell = evidence_upload_responsibilities(user=user, zone=zone).filter(indicator_id=indicator_id).first()
    if cell is None:
        return None
    items = list(ScoringItem.objects.filter(indicator=cell.indicator).order_by("position"))
    return UploadTarget(indicator=cell.indicator, unit=cell.unit, scoring_items=items)


# --- filters ------------------------------------------------------------------------------------


def evidence_filter_choices(*, zone: Zone) -> dict[str, QuerySet]:
    """Units, level-3 indicators and dimensions (level 1) of a zone, for the queue's filters."""
    indicators = Indicator.objects.filter(system_id=zone.system_id).order_by("position")
    return {
        "units": Unit.objects.filter(zone=zone).order_by("name"),
        "indicators": indicators.filter(level=3),
        "dimensions": indicators.filter(level=1),
    }


def evidence_count_submitted(*, user, zone: Zone) -> int:
    return evidence_visible(user=user, zone=zone).filter(status=EvidenceStatus.SUBMITTED).count()
