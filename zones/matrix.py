"""Writes on the responsibility matrix (指标责任分工): build from the indicator texts, edit cells, map names.

How a level-3 item's 责任单位 text becomes responsibilities (``responsibility_matrix_build``):

1. The text is parsed by ``zones.unit_names.parse_unit_names`` and the names are matched to
   the zone's units (full name, short name, aliases) by ``match_units``.
2. Every listed unit is responsible. The units marked 牵头 lead; when none is marked, the
   **first listed unit of the cell leads** (``市商务局、统计局`` → 商务局 leads).
3. ``…领导小组成员单位(按职责分工负责)`` makes every 领导小组成员单位 co-responsible: every unit
   holding a seat in the zone's leading group, or every unit that is not a county government
   when the zone has no leading group yet. When such a cell names no unit at all (items 32,
   33, 35: "市创建领导小组成员单位"), the unit hosting the leading group's office (the unit of
   the 办公室主任 seat) leads.
4. ``各县(市、区)人民政府`` makes every county-government unit co-responsible on that item; when
   the text says so for the following items too (item 1: "以下均需各县(市、区)人民政府落实,
   不再逐一列出"), on every item of the system.
5. A name that matches no unit is stored as an ``UnmatchedUnitName`` and shown to the office,
   never dropped. Mapping it by hand creates the responsibility (manual) and records the name
   as an alias of the unit, so the next build matches it.

Rebuilding is idempotent and keeps hand edits: it only creates, updates or deletes rows whose
``source`` is ``parsed``; a cell the office set or cleared (``manual``) is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from common.cache import zone_data_changed
from indicators.models import Indicator

from .models import IndicatorResponsibility, LeadingGroupMember, Unit, UnmatchedUnitName, Zone
from .selectors import LEAD, NONE, RESPONSIBLE, indicator_list_level3, leading_group_unit_ids
from .unit_names import SANMING_COUNTIES, UnitRef, match_units, parse_unit_names

Source = IndicatorResponsibility.Source


@dataclass(frozen=True)
class MatrixBuildResult:
    created: int
    updated: int
    deleted: int
    unmatched: int  # names still waiting to be mapped by hand


def _applies_to_following_items(notes: tuple[str, ...]) -> bool:
    """Item 1's remark "以下均需各县(市、区)人民政府落实,不再逐一列出" covers every item."""
    return any("以下" in note or "不再" in note for note in notes)


def _office_unit_id(zone: Zone) -> int | None:
    seat = (
        LeadingGroupMember.objects.filter(zone=zone, role=LeadingGroupMember.Role.OFFICE_DIRECTOR, unit__isnull=False)
        .order_by("position", "pk")
        .first()
    )
    return seat.unit_id if seat else None


def _desired(zone: Zone) -> tuple[dict[tuple[int, int], bool], dict[tuple[int, str], bool]]:
    """What the texts say: (indicator, unit) → is_lead, and (indicator, raw name) → is_lead."""
    units = list(Unit.objects.filter(zone=zone).order_by("position", "pk"))
    refs = [UnitRef(u.pk, u.name, u.short_name, tuple(u.aliases or ())) for u in units]
    county_ids = [u.pk for u in units if u.kind == Unit.Kind.COUNTY_GOVERNMENT]
    counties = tuple(u.short_name or u.name for u in units if u.kind == Unit.Kind.COUNTY_GOVERNMENT)
    member_ids = leading_group_unit_ids(zone=zone) or {u.pk for u in units if u.pk not in county_ids}
    member_ids_ordered = [u.pk for u in units if u.pk in member_ids]
    office_id = _office_unit_id(zone)

    indicators = list(indicator_list_level3(zone=zone))
    parsed = {i.pk: parse_unit_names(i.responsible_units, counties=counties or SANMING_COUNTIES) for i in indicators}
    every_item_counties = any(p.all_counties and _applies_to_following_items(p.notes) for p in parsed.values())

    cells: dict[tuple[int, int], bool] = {}
    unmatched: dict[tuple[int, str], bool] = {}
    for indicator in indicators:
        p = parsed[indicator.pk]
        lead_names = set(p.leads) if p.leads else set(p.units[:1])
        matched, missing = match_units(p.units, refs, city=zone.region.name)
        for name in p.units:
            if name in matched:
                key = (indicator.pk, matched[name])
                cells[key] = cells.get(key, False) or name in lead_names
        for name in missing:
            unmatched[(indicator.pk, name)] = name in lead_names
        if p.all_members:
            for unit_id in member_ids_ordered:
                cells.setdefault((indicator.pk, unit_id), False)
            if not p.units and office_id is not None:
                cells[(indicator.pk, office_id)] = True
        if p.all_counties or every_item_counties:
            for unit_id in county_ids:
                cells.setdefault((indicator.pk, unit_id), False)
    return cells, unmatched


@transaction.atomic
def responsibility_matrix_build(*, zone: Zone) -> MatrixBuildResult:
    """(Re)build the parsed part of the matrix from the system's 责任单位 texts (see the module doc)."""
    cells, unmatched = _desired(zone)
    existing = {(r.indicator_id, r.unit_id): r for r in IndicatorResponsibility.objects.filter(zone=zone)}

    to_create, to_update, to_delete = [], [], []
    for key, is_lead in cells.items():
        row = existing.get(key)
        if row is None:
            to_create.append(
                IndicatorResponsibility(
                    zone=zone, indicator_id=key[0], unit_id=key[1], is_lead=is_lead, source=Source.PARSED
                )
            )
        elif row.source == Source.PARSED and row.is_lead != is_lead:
            row.is_lead = is_lead
            to_update.append(row)
    for key, row in existing.items():
        if row.source == Source.PARSED and key not in cells:
            to_delete.append(row.pk)
    IndicatorResponsibility.objects.bulk_create(to_create)
    IndicatorResponsibility.objects.bulk_update(to_update, ["is_lead"])
    IndicatorResponsibility.objects.filter(pk__in=to_delete).delete()
    zone_data_changed(zone.pk)  # bulk writes send no signals (common/cache.py)

    names = {(n.indicator_id, n.raw_name): n for n in UnmatchedUnitName.objects.filter(zone=zone)}
    UnmatchedUnitName.objects.bulk_create(
        UnmatchedUnitName(zone=zone, indicator_id=indicator_id, raw_name=raw, is_lead=is_lead)
        for (indicator_id, raw), is_lead in unmatched.items()
        if (indicator_id, raw) not in names
    )
    # Names no longer in the texts (or now matched through an alias) that nobody mapped yet.
    stale = [n.pk for key, n in names.items() if key not in unmatched and n.resolved_unit_id is None]
    UnmatchedUnitName.objects.filter(pk__in=stale).delete()
    waiting = UnmatchedUnitName.objects.filter(zone=zone, resolved_unit__isnull=True).count()
    return MatrixBuildResult(len(to_create), len(to_update), len(to_delete), waiting)


def _cell_check(*, zone: Zone, indicator: Indicator, unit: Unit) -> None:
    if indicator.system_id != zone.system_id or indicator.level != 3:
        raise ValidationError({"indicator": "该指标不属于本创建对象的三级指标。"})
    if unit.zone_id != zone.pk:
        raise ValidationError({"unit": "所选单位不属于该创建对象。"})


def indicator_responsibility_set(
    *, zone: Zone, indicator: Indicator, unit: Unit, state: str
) -> IndicatorResponsibility:
    """Set one cell by hand: 牵头 (``lead``), 责任 (``responsible``) or empty (``none``).

    The row becomes ``manual``, so a rebuild leaves it alone; an emptied cell is kept
    as a ``removed`` row for the same reason.
    """
    if state not in (LEAD, RESPONSIBLE, NONE):
        raise ValidationError({"state": "请选择“牵头”“责任”或“空”。"})
    _cell_check(zone=zone, indicator=indicator, unit=unit)
    row, _ = IndicatorResponsibility.objects.update_or_create(
        zone=zone,
        indicator=indicator,
        unit=unit,
        defaults={"is_lead": state == LEAD, "removed": state == NONE, "source": Source.MANUAL},
    )
    return row


@transaction.atomic
def unmatched_unit_name_resolve(*, zone: Zone, raw_name: str, unit: Unit) -> int:
    """Map an unmatched name to ``unit`` on every item where it occurs; returns how many items.

    Each item gets a manual responsibility (牵头 if the text marked the name as lead) and the
    name is recorded as an alias of the unit.
    """
    if unit.zone_id != zone.pk:
        raise ValidationError({"unit": "所选单位不属于该创建对象。"})
    rows = list(
        UnmatchedUnitName.objects.select_for_update().filter(zone=zone, raw_name=raw_name, resolved_unit__isnull=True)
    )
    if not rows:
        raise ValidationError({"raw_name": f"没有待处理的单位名称“{raw_name}”。"})
    for row in rows:
        existing = IndicatorResponsibility.objects.filter(zone=zone, indicator_id=row.indicator_id, unit=unit).first()
        is_lead = row.is_lead or bool(existing and existing.is_lead and not existing.removed)
        IndicatorResponsibility.objects.update_or_create(
            zone=zone,
            indicator_id=row.indicator_id,
            unit=unit,
            defaults={"is_lead": is_lead, "removed": False, "source": Source.MANUAL},
        )
    now = timezone.now()
    UnmatchedUnitName.objects.filter(pk__in=[r.pk for r in rows]).update(resolved_unit=unit, resolved_at=now)
    if raw_name not in (unit.aliases or []) and raw_name not in (unit.name, unit.short_name):
        unit.aliases = [*(unit.aliases or []), raw_name]
        unit.save(update_fields=["aliases"])
    return len(rows)
