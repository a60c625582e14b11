"""Writes on zones: settings, lifecycle, key parks, stages, units, leading group.

The responsibility matrix has its own module (``zones.matrix``) and is re-exported
here, so callers import every zone write from ``zones.services``. Every function
validates and raises ``ValidationError`` with a Chinese message; nothing is
written when it does. Access is checked before, by the caller, through
``zones.access``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from common import hooks

from . import lifecycle
from .access import zone_lifecycle_actors
from .matrix import (  # noqa: F401 (re-exported: every zone write lives behind zones.services)
    MatrixBuildResult,
    indicator_responsibility_set,
    responsibility_matrix_build,
    unmatched_unit_name_resolve,
)
from .models import KeyPark, LeadingGroupMember, Region, Stage, StageStep, Unit, Zone, ZoneScopeChange, ZoneTransition
from .templates_data import TEMPLATES, StageTemplate, template_dates

# --- zone settings ------------------------------------------------------------------

# The zone's region and tier decide who reviews it: they change only through
# zone_scope_change (the system admin, with a reason, audited), never with the settings.
ZONE_EDITABLE_FIELDS = (
    "name",
    "region_category",
    "reference_year_1",
    "reference_year_2",
    "creation_start",
    "creation_end",
)


def _fmt(day: date) -> str:
    return day.strftime("%Y-%m-%d")


def _period_check(*, start: date | None, end: date | None) -> None:
    if start and end and end <= start:
        raise ValidationError({"creation_end": _("创建周期的结束日期必须晚于开始日期。")})


def _zone_name_check(*, name: str, exclude_pk: int | None = None) -> None:
    if Zone.objects.exclude(pk=exclude_pk).filter(name=name).exists():
        raise ValidationError({"name": [_("已有名为“%(data)s”的创建对象。") % {"data": name}]})


@transaction.atomic
def zone_create(
    *,
    name: str,
    region: Region,
    tier: str,
    system,
    reference_years: tuple[int, int] | None = None,
    region_category: str = "",
    creation_period: tuple[date | None, date | None] = (None, None),
    user=None,
) -> Zone:
    """A new 创建对象 (申报): the system admin in the admin, and the demo. Audited with what it is."""
    _period_check(start=creation_period[0], end=creation_period[1])
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("请填写创建对象名称。")]})
    _zone_name_check(name=name)
    fields: dict[str, Any] = {"region_category": region_category or region.category}
    fields["creation_start"], fields["creation_end"] = creation_period
    if reference_years:
        fields["reference_year_1"], fields["reference_year_2"] = reference_years
    zone = Zone.objects.create(name=name, region=region, tier=tier, system=system, **fields)
    audit_record(
        action=AuditAction.ZONE_CHANGED, actor=user, target=zone, zone=zone, before=None, after=_scope_data(zone)
    )
    return zone


@transaction.atomic
def zone_update(*, zone: Zone, data: dict[str, Any]) -> Zone:
    """Basic information and the creation period. Existing stages must stay inside the period."""
    unknown = set(data) - set(ZONE_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"不可修改的字段：{', '.join(sorted(unknown))}")
    start = data.get("creation_start", zone.creation_start)
    end = data.get("creation_end", zone.creation_end)
    _period_check(start=start, end=end)
    if zone.pk:
        outside = [
            s
            for s in Stage.objects.filter(zone=zone).order_by("position", "start")
            if (start and s.start < start) or (end and s.end > end)
        ]
        if outside:
            names = "、".join(s.name for s in outside)
            raise ValidationError(
                {"creation_start": _("已有实施阶段超出新的创建周期：%(names)s。请先调整这些阶段。") % {"names": names}}
            )
    if "name" in data:
        _zone_name_check(name=data["name"], exclude_pk=zone.pk)
    # The name, 东中西部 and reference years change the score or how the zone is named in the
    # reviewers' lists: the settings page's change is audited too (before and after).
    scoped = zone.pk and any(f in ZONE_SCOPE_FIELDS and data[f] != getattr(zone, f) for f in data)
    before = _scope_data(zone) if scoped else None
    for field, value in data.items():
        setattr(zone, field, value)
    zone.full_clean(exclude=["region", "system"])
    zone.save()
    if before is not None:
        audit_record(action=AuditAction.ZONE_CHANGED, target=zone, zone=zone, before=before, after=_scope_data(zone))
    return zone


# What decides who reviews a zone and what its score is computed against (the indicator
# system, the 东中西部 benchmarks, the reference years), and its name: in the admin these change
# only through zone_scope_change — a reason, an event each in the zone's change record, an audit row.
ZONE_SCOPE_FIELDS = {
    "region": ZoneScopeChange.Field.REGION,
    "tier": ZoneScopeChange.Field.TIER,
    "name": ZoneScopeChange.Field.NAME,
    "system": ZoneScopeChange.Field.SYSTEM,
    "region_category": ZoneScopeChange.Field.CATEGORY,
    "reference_year_1": ZoneScopeChange.Field.YEAR_1,
    "reference_year_2": ZoneScopeChange.Field.YEAR_2,
}
_SCOPE_FOREIGN_KEYS = ("region", "system")


def _scope_text(zone: Zone, field: str) -> str:
    display = getattr(zone, f"get_{field}_display", None)
    return str(display() if display else getattr(zone, field))


def _scope_data(zone: Zone) -> dict[str, Any]:
    data = {field: getattr(zone, field) for field in ZONE_SCOPE_FIELDS if field not in _SCOPE_FOREIGN_KEYS}
    for field in _SCOPE_FOREIGN_KEYS:
        data[field], data[f"{field}_name"] = getattr(zone, f"{field}_id"), str(getattr(zone, field))
    return data


@transaction.atomic
def zone_scope_change(
    *,
    zone: Zone,
    user,
    reason: str,
    region: Region | None = None,
    tier: str | None = None,
    name: str | None = None,
    system=None,
    region_category: str | None = None,
    reference_year_1: int | None = None,
    reference_year_2: int | None = None,
) -> Zone:
    """Change what decides who reviews a zone (region, tier) or what it is scored against
    (indicator system, 东中西部, reference years), or its name. Arguments left None stay.

    A reason is required; each changed field leaves a ZoneScopeChange (shown with the zone's
    change record) and the change one audit row, in the same transaction."""
    reason = (reason or "").strip()
    given = {
        "region": region, "tier": tier, "name": name, "system": system, "region_category": region_category,
        "reference_year_1": reference_year_1, "reference_year_2": reference_year_2,
    }  # fmt: skip
    current = Zone.objects.select_for_update().select_related("region", "system").get(pk=zone.pk)
    before, old_text = _scope_data(current), {field: _scope_text(current, field) for field in ZONE_SCOPE_FIELDS}
    changed = []
    for field, value in given.items():
        key = f"{field}_id" if field in _SCOPE_FOREIGN_KEYS else field
        if value is not None and getattr(value, "pk", value) != getattr(current, key):
            setattr(current, field, value)
            changed.append(field)
    if not changed:
        return current
    if tier is not None and tier not in Zone.Tier.values:
        raise ValidationError({"tier": _("请选择有效的示范区级别。")})
    if not reason:
        message = _("修改行政区划、示范区级别、指标体系、东中西部、参考年度或名称须填写理由（将改变评审省份或得分）。")
        raise ValidationError({"reason": message})
    current.full_clean()  # the name unique, the category one of the three, the years in order
    current.save(update_fields=changed)
    for field in changed:
        ZoneScopeChange.objects.create(
            zone=current,
            field=ZONE_SCOPE_FIELDS[field],
            old_value=old_text[field][:200],
            new_value=_scope_text(current, field)[:200],
            reason=reason,
            by=user,
        )
    audit_record(
        action=AuditAction.ZONE_CHANGED,
        actor=user,
        target=current,
        zone=current,
        before=before,
        after=_scope_data(current),
        reason=reason,
    )
    for field in changed:
        setattr(zone, field, getattr(current, field))
    return current


# --- lifecycle ----------------------------------------------------------------------


@transaction.atomic
def zone_transition(*, zone: Zone, user, to_status: str, reason: str = "") -> ZoneTransition:
    """Move ``zone`` one step forward, or back one step with a reason, and record the event.

    Raises ``ValidationError`` for a skip or a missing reason, ``PermissionDenied``
    for a step the user's roles do not allow (see ``zones.lifecycle``).
    """
    # Lock the row: two people clicking at once must not both move from the same status.
    current = Zone.objects.select_for_update().only("status").get(pk=zone.pk).status
    try:
        move = lifecycle.transition_check(current, to_status, zone_lifecycle_actors(zone=zone, user=user), reason)
    except lifecycle.TransitionForbidden as exc:
        raise PermissionDenied(str(exc)) from exc
    except lifecycle.TransitionError as exc:
        raise ValidationError(str(exc)) from exc
    # An app above may refuse a move (inspections: an open 严重 finding keeps the zone in 整改).
    blockers = hooks.call("zone_transition_blockers", zone=zone, source=move.source, target=move.target, default=None)
    if blockers:
        raise ValidationError(list(blockers))
    Zone.objects.filter(pk=zone.pk).update(status=move.target)
    zone.status = move.target
    event = ZoneTransition.objects.create(
        zone=zone,
        from_status=move.source,
        to_status=move.target,
        is_back=move.is_back,
        reason=reason.strip(),
        by=user if getattr(user, "pk", None) else None,
    )
    audit_record(
        action=AuditAction.ZONE_TRANSITION,
        actor=event.by,
        target=zone,
        zone=zone,
        before={"status": move.source},
        after={"status": move.target, "back": move.is_back},
        reason=event.reason,
    )
    return event


# --- key parks ----------------------------------------------------------------------


def _park_name_check(*, zone: Zone, name: str, exclude_pk: int | None = None) -> None:
    if KeyPark.objects.filter(zone=zone, name=name).exclude(pk=exclude_pk).exists():
        raise ValidationError({"name": _("已有名为“%(name)s”的重点园区。") % {"name": name}})


def key_park_create(*, zone: Zone, name: str, note: str = "") -> KeyPark:
    _park_name_check(zone=zone, name=name)
    return KeyPark.objects.create(zone=zone, name=name, note=note)


def key_park_update(*, park: KeyPark, name: str, note: str = "") -> KeyPark:
    _park_name_check(zone=park.zone, name=name, exclude_pk=park.pk)
    park.name, park.note = name, note
    park.save(update_fields=["name", "note"])
    return park


def key_park_delete(*, park: KeyPark) -> None:
    park.delete()


# --- stages -------------------------------------------------------------------------


def _stage_dates_check(*, zone: Zone, name: str, start: date, end: date) -> None:
    if end < start:
        raise ValidationError({"end": _("阶段“%(name)s”的结束日期不能早于开始日期。") % {"name": name}})
    too_early = zone.creation_start is not None and start < zone.creation_start
    too_late = zone.creation_end is not None and end > zone.creation_end
    if too_early or too_late:
        period = f"{_fmt(zone.creation_start) if zone.creation_start else '…'} 至 " + (
            _fmt(zone.creation_end) if zone.creation_end else "…"
        )
        raise ValidationError(
            {
                "start": _("阶段“%(name)s”（%(start)s 至 %(end)s）超出创建周期 %(period)s。")
                % {"name": name, "start": _fmt(start), "end": _fmt(end), "period": period}
            }
        )


def _next_position(queryset) -> int:
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


def stage_create(*, zone: Zone, name: str, start: date, end: date, position: int | None = None) -> Stage:
    _stage_dates_check(zone=zone, name=name, start=start, end=end)
    if position is None:
        position = _next_position(Stage.objects.filter(zone=zone))
    return Stage.objects.create(zone=zone, name=name, start=start, end=end, position=position)


def stage_update(*, stage: Stage, name: str, start: date, end: date, position: int | None = None) -> Stage:
    _stage_dates_check(zone=stage.zone, name=name, start=start, end=end)
    stage.name, stage.start, stage.end = name, start, end
    if position is not None:
        stage.position = position
    stage.save()
    return stage


def stage_delete(*, stage: Stage) -> None:
    stage.delete()


def stage_step_create(*, stage: Stage, title: str, position: int | None = None) -> StageStep:
    if position is None:
        position = _next_position(StageStep.objects.filter(stage=stage))
    return StageStep.objects.create(stage=stage, title=title, position=position)


def stage_step_update(*, step: StageStep, title: str, position: int | None = None) -> StageStep:
    step.title = title
    if position is not None:
        step.position = position
    step.save()
    return step


def stage_step_delete(*, step: StageStep) -> None:
    step.delete()


@transaction.atomic
def stages_create_from_template(*, zone: Zone, template: StageTemplate | str, start: date | None = None) -> list[Stage]:
    """The template's stages and steps, shifted so the first stage begins on ``start``.

    ``start`` defaults to the zone's creation start. Refused when the zone already
    has stages (tasks may point at them) or when a shifted stage leaves the period.
    """
    if isinstance(template, str):
        if template not in TEMPLATES:
            raise ValidationError({"template": _("未知的阶段模板“%(template)s”。") % {"template": template}})
        template = TEMPLATES[template]
    start = start or zone.creation_start
    if start is None:
        raise ValidationError({"start": _("请先设置创建周期，或填写第一个阶段的开始日期。")})
    if Stage.objects.filter(zone=zone).exists():
        raise ValidationError(_("该创建对象已有实施阶段；如需按模板重建，请先删除现有阶段。"))
    stages = []
    for position, (spec, first, last) in enumerate(template_dates(template, start), start=1):
        _stage_dates_check(zone=zone, name=spec.name, start=first, end=last)
        stages.append(Stage(zone=zone, name=spec.name, start=first, end=last, position=position))
    stages = Stage.objects.bulk_create(stages)
    StageStep.objects.bulk_create(
        StageStep(stage=stage, title=title, position=i)
        for stage, spec in zip(stages, template.stages)
        for i, title in enumerate(spec.steps, start=1)
    )
    return stages


# --- units --------------------------------------------------------------------------

_ALIAS_SEPARATORS = re.compile(r"[,，、;；\n]+")


def unit_aliases_clean(aliases: Iterable[str] | str) -> list[str]:
    """A list of distinct, stripped aliases (a string is split on , , 、 ; and new lines)."""
    if isinstance(aliases, str):
        aliases = _ALIAS_SEPARATORS.split(aliases)
    cleaned: list[str] = []
    for alias in aliases:
        alias = alias.strip()
        if alias and alias not in cleaned:
            cleaned.append(alias)
    return cleaned


def _unit_check(*, zone: Zone, name: str, exclude_pk: int | None = None) -> None:
    if Unit.objects.filter(zone=zone, name=name).exclude(pk=exclude_pk).exists():
        raise ValidationError({"name": _("该创建对象已有名为“%(name)s”的单位。") % {"name": name}})


def unit_create(
    *,
    zone: Zone,
    name: str,
    short_name: str = "",
    kind: str = Unit.Kind.DEPARTMENT,
    aliases: Iterable[str] | str = (),
    position: int | None = None,
) -> Unit:
    _unit_check(zone=zone, name=name)
    if position is None:
        position = _next_position(Unit.objects.filter(zone=zone))
    unit = Unit(
        zone=zone, name=name, short_name=short_name, kind=kind, aliases=unit_aliases_clean(aliases), position=position
    )
    unit.full_clean()
    unit.save()
    return unit


def unit_update(
    *,
    unit: Unit,
    name: str,
    short_name: str = "",
    kind: str = Unit.Kind.DEPARTMENT,
    aliases: Iterable[str] | str = (),
    position: int | None = None,
) -> Unit:
    _unit_check(zone=unit.zone, name=name, exclude_pk=unit.pk)
    unit.name, unit.short_name, unit.kind, unit.aliases = name, short_name, kind, unit_aliases_clean(aliases)
    if position is not None:
        unit.position = position
    unit.full_clean()
    unit.save()
    return unit


# --- leading group ------------------------------------------------------------------


def _member_check(*, zone: Zone, unit: Unit | None, user) -> None:
    if unit is not None and unit.zone_id != zone.pk:
        raise ValidationError({"unit": _("所选单位不属于该创建对象。")})
    if user is not None and not user.memberships.filter(zone=zone).exists():
        raise ValidationError({"user": _("所选用户在该创建对象中没有角色。")})


def leading_group_member_create(
    *, zone: Zone, role: str, title: str, unit: Unit | None = None, user=None, position: int | None = None
) -> LeadingGroupMember:
    _member_check(zone=zone, unit=unit, user=user)
    if position is None:
        position = _next_position(LeadingGroupMember.objects.filter(zone=zone))
    member = LeadingGroupMember(zone=zone, role=role, title=title, unit=unit, user=user, position=position)
    member.full_clean()
    member.save()
    return member


def leading_group_member_update(
    *,
    member: LeadingGroupMember,
    role: str,
    title: str,
    unit: Unit | None = None,
    user=None,
    position: int | None = None,
) -> LeadingGroupMember:
    _member_check(zone=member.zone, unit=unit, user=user)
    member.role, member.title, member.unit, member.user = role, title, unit, user
    if position is not None:
        member.position = position
    member.full_clean()
    member.save()
    return member


def leading_group_member_delete(*, member: LeadingGroupMember) -> None:
    member.delete()
