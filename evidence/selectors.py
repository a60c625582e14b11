"""Reads for evidence (佐证材料), scoped by zones.access.

Who sees what: the office, evaluators and provincial reviewers see every
unit's evidence of a zone they may view (``VIEW_ALL_EVIDENCE``); a liaison sees
the evidence of their own units. Evidence a user may not see answers 404.
A liaison may upload only for indicators their unit answers for in the
responsibility matrix (``zones.IndicatorResponsibility``); otherwise 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from common.params import int_param
from indicators.models import Indicator, ScoringItem
from zones.access import ZoneAction, unit_can, unit_ids_for, zone_can
from zones.locks import zone_lock_reason
from zones.models import IndicatorResponsibility, Unit, Zone

from .models import Evidence, EvidenceEvent, EvidenceFile, EvidenceStatus

NOT_RESPONSIBLE = "您所在单位不是该指标的责任单位，不能为其上传佐证材料。"


# The lock, told before anyone types ------------------------------------------------------


@dataclass(frozen=True)
class DataLock:
    """What a submitted round locks, for the pages that write the zone's data (the banner).

    ``reason`` is the refusal's own message: zones.locks.zone_lock_reason, the function every
    write service refuses with, so the banner and the refusal never disagree. Evidence and the
    lists are locked whole; figures only for ``years`` (those of the asked ones the round read)."""

    reason: str
    years: frozenset[int]
    asked: frozenset[int]

    @property
    def partial(self) -> bool:
        """Some of the page's years are still open (their inputs stay enabled)."""
        return bool(self.asked - self.years)


def data_lock_of(*, zone: Zone, years: Iterable[int] = ()) -> DataLock | None:
    """None when nothing of ``zone`` is locked (one query), else the lock and which of ``years`` it holds."""
    reason = zone_lock_reason(zone=zone)
    if reason is None:
        return None
    asked = frozenset(years)
    locked = frozenset(year for year in asked if zone_lock_reason(zone=zone, year=year) is not None)
    return DataLock(reason=reason, years=locked, asked=asked)


def evidence_visible(*, user, zone: Zone) -> QuerySet[Evidence]:
    """Every piece of evidence of ``zone`` that ``user`` may see (the caller has checked zone VIEW)."""
    evidence = Evidence.objects.filter(zone=zone)
    if zone_can(user, zone, ZoneAction.VIEW_ALL_EVIDENCE):
        return evidence
    return evidence.filter(unit_id__in=unit_ids_for(user, zone))


EVIDENCE_SORTS = {
    "indicator": ("indicator__position", "-created_at", "-pk"),
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "title": ("title", "pk"),
}
"""The orders a list may be sorted by (``?sort=``); each ends with a unique key so pages never overlap."""


# The long texts of the indicators and scoring items a list row joins, which no list shows: the
# database sorts every match of the zone before it cuts a page, and these made each row ~3 KB wide
# (at province scale the office's list query went from 28 ms to a few ms without them).
LIST_DEFERRED = tuple(
    f"{path}__{field}"
    for path in ("indicator", "indicator__parent", "indicator__parent__parent")
    for field in ("criteria", "methods", "data_sources", "responsible_units")
) + ("scoring_item__label", "scoring_item__params")


def evidence_list(
    *,
    user,
    zone: Zone,
    status: str | None = None,
    unit_id: int | None = None,
    indicator_id: int | None = None,
    dimension_id: int | None = None,
    search: str = "",
    sort: str = "indicator",
) -> QuerySet[Evidence]:
    """The list, review-queue and API rows, filtered and ordered: one query for a page however
    many rows (the latest version and the duplicate flag are subqueries, so counting the
    matches for the pager needs no GROUP BY)."""
    evidence = evidence_visible(user=user, zone=zone)
    if status:
        evidence = evidence.filter(status=status)
    if unit_id:
        evidence = evidence.filter(unit_id=unit_id)
    if indicator_id:
        evidence = evidence.filter(indicator_id=indicator_id)
    if dimension_id:
        evidence = evidence.filter(indicator__parent__parent_id=dimension_id)
    search = search.strip()
    if search:
        evidence = evidence.filter(Q(title__icontains=search) | Q(indicator__code=search))
    duplicates = EvidenceFile.objects.filter(evidence=OuterRef("pk"), duplicate_of__isnull=False)
    latest = EvidenceFile.objects.filter(evidence=OuterRef("pk")).order_by("-version").values("version")[:1]
    return (
        evidence.select_related("indicator__parent__parent", "scoring_item", "unit")
        .defer(*LIST_DEFERRED)
        .annotate(latest_version=Subquery(latest), has_duplicate=Exists(duplicates))
        .order_by(*EVIDENCE_SORTS.get(sort, EVIDENCE_SORTS["indicator"]))
    )


def evidence_page(*, rows: QuerySet[Evidence], ids) -> list[Evidence]:
    """One page of ``evidence_list`` read whole, in the page's order. The page is cut from
    ``rows.values_list("pk", flat=True)``, so the database sorts only the ids and their sort keys
    of every match (at province scale the whole rows, joined to three levels of indicators, made
    the office's list query several times slower); then this reads the page's rows (1 query)."""
    ids = list(ids)
    found = rows.order_by().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


STATUS_BADGES = {
    EvidenceStatus.ACCEPTED: "text-bg-success",
    EvidenceStatus.RETURNED: "text-bg-danger",
    EvidenceStatus.SUBMITTED: "text-bg-primary",
    EvidenceStatus.DRAFT: "text-bg-secondary",
}


@dataclass(frozen=True)
class EvidenceRow:
    """One row of an evidence list, everything the template prints worked out once here (no
    per-row ``{% url %}``, include or date filter: a page of rows renders in a few milliseconds)."""

    pk: int
    title: str
    indicator_code: str
    indicator_name: str
    dimension_name: str
    scoring_item_code: str
    unit_name: str
    status: str
    status_label: str
    status_badge: str
    latest_version: int | None
    has_duplicate: bool
    return_reason: str
    created: str  # "2026-12-01 09:30", local time
    effective: str  # "2026-12-01" or ""
    detail_url: str
    submit_url: str


def _url_pattern(name: str, zone_id: int) -> str:
    """The URL of ``name`` for zone ``zone_id`` with ``{pk}`` where the evidence id goes: one
    reversal for a whole page instead of one or two per row."""
    sentinel = 987654321
    return reverse(name, args=[zone_id, sentinel]).replace(str(sentinel), "{pk}")


def evidence_rows(*, rows, zone: Zone) -> list[EvidenceRow]:
    """The page's rows of ``evidence_list`` as ``EvidenceRow``s, ready to print."""
    detail = _url_pattern("evidence:detail", zone.pk)
    submit = _url_pattern("evidence:submit", zone.pk)
    labels = dict(EvidenceStatus.choices)
    out = []
    for row in rows:
        indicator = row.indicator
        dimension = indicator.parent.parent if indicator.parent_id and indicator.parent.parent_id else None
        out.append(
            EvidenceRow(
                pk=row.pk,
                title=row.title,
                indicator_code=indicator.code,
                indicator_name=indicator.name,
                dimension_name=dimension.name if dimension else "",
                scoring_item_code=row.scoring_item.code if row.scoring_item_id else "",
                unit_name=row.unit.short_name or row.unit.name,
                status=row.status,
                status_label=str(labels.get(row.status, row.status)),
                status_badge=STATUS_BADGES.get(row.status, "text-bg-secondary"),
                latest_version=getattr(row, "latest_version", None),
                has_duplicate=bool(getattr(row, "has_duplicate", False)),
                return_reason=row.return_reason,
                created=timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M"),
                effective=row.effective_date.isoformat() if row.effective_date else "",
                detail_url=detail.format(pk=row.pk),
                submit_url=submit.format(pk=row.pk),
            )
        )
    return out


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


def evidence_upload_indicator(*, zone: Zone, indicator_id) -> Indicator | None:
    """The level-3 indicator ``indicator_id`` (an id from a request body) of ``zone``'s system, or None."""
    value = int_param(indicator_id)
    if value is None:
        return None
    return Indicator.objects.filter(pk=value, system_id=zone.system_id, level=3).first()


def evidence_scoring_item_get(*, indicator: Indicator, scoring_item_id: int) -> ScoringItem | None:
    """The sub-criterion ``scoring_item_id`` of ``indicator``, or None when it is another's."""
    return ScoringItem.objects.filter(pk=scoring_item_id, indicator=indicator).first()


def evidence_file_version(*, evidence: Evidence, version: int) -> EvidenceFile:
    """One version of ``evidence``, with the file it duplicates (for the upload answer's warning)."""
    return evidence.files.select_related("duplicate_of").get(version=version)


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


def evidence_filter_choices(*, zone: Zone, user=None) -> dict[str, QuerySet]:
    """Units, level-3 indicators and dimensions (level 1) of a zone, for the lists' filters;
    with ``user``, only the units whose evidence that user sees."""
    indicators = Indicator.objects.filter(system_id=zone.system_id).order_by("position")
    units = Unit.objects.filter(zone=zone).order_by("name")
    if user is not None and not zone_can(user, zone, ZoneAction.VIEW_ALL_EVIDENCE):
        units = units.filter(pk__in=unit_ids_for(user, zone))
    return {
        "units": units,
        "indicators": indicators.filter(level=3),
        "dimensions": indicators.filter(level=1),
    }


def evidence_count_submitted(*, user, zone: Zone) -> int:
    return evidence_visible(user=user, zone=zone).filter(status=EvidenceStatus.SUBMITTED).count()
