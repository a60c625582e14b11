"""Writes for statistics and list inputs: validate with Chinese messages, save with history, rescore.

Every channel (the web form, the Excel template, the API, the admin) goes through
the same cleaning (``figures_clean``, ``entries_clean``) and the same writers, so
the same input gets the same message wherever it arrives. A write that changes
anything records one ``DataChange`` per field and asks for the zone's score once,
after commit (``zone_rescore_on_commit``): a whole form or workbook is one request for
a new score, and requests arriving while one is queued join it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from zones.locks import zone_lock_check, zone_lock_reason
from zones.models import Zone

from .data_common import (
    FOUR_PLACES,
    GROWTH_LIMIT,
    UNSET,
    VALUE_LIMIT,
    Action,
    Via,
    _evidence_text,
    _evidence_titles,
    _number_error,
    _Unset,
    _years_text,
    data_changes_store,
    parse_id,
    parse_number,
    parse_year,
    plain,
    zone_rescore_on_commit,
)
from .data_lists import OPERATORS, OUTCOMES, _entry_value_text
from .data_selectors import ZoneDataNeeds, zone_data_needs, zone_data_values
from .models import DataChange, DataEvidenceLink, DataValue, OperatorEntry

# Figures ---------------------------------------------------------------------


@dataclass
class FigureRow:
    """One figure as it arrived: raw values; ``UNSET`` fields keep what is stored."""

    metric: Any  # metric key (or its Chinese name, from a spreadsheet)
    year: Any
    value: Any = UNSET
    published_growth: Any = UNSET
    source: Any = UNSET
    evidence: Any = UNSET  # an Evidence id of the zone, or blank
    where: str = ""  # message prefix, e.g. "“填报”表第5行:"


@dataclass
class CleanFigure:
    key: str
    year: int
    value: Decimal | None | _Unset
    published_growth: Decimal | None | _Unset
    source: str | _Unset
    evidence: int | None | _Unset


@dataclass(frozen=True)
class RowError:
    index: int  # the row's position in the input
    field: str  # metric | year | value | published_growth | source | evidence
    message: str


@dataclass
class CleanedFigures:
    figures: list[CleanFigure] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    evidence_titles: dict[int, str] = field(default_factory=dict)


def _resolve_metric(needs: ZoneDataNeeds, raw: Any) -> str | None:
    text = str(raw or "").strip()
    if text in needs.metrics:
        return text
    for key, need in needs.metrics.items():
        if need.metric.name == text:
            return key
    return None


def figures_clean(
    *,
    zone: Zone,
    rows: list[FigureRow],
    needs: ZoneDataNeeds,
    allowed_keys: set[str],
    existing: Mapping[tuple[str, int], DataValue],
) -> CleanedFigures:
    """Check every row; collect every problem (nothing is saved here)."""
    out = CleanedFigures(evidence_titles=_evidence_titles(zone, (r.evidence for r in rows if r.evidence)))
    seen: dict[tuple[str, int], int] = {}
    for index, row in enumerate(rows):
        errors_before = len(out.errors)

        def error(field_name: str, message: str, row=row, index=index) -> None:
            out.errors.append(RowError(index, field_name, f"{row.where}{message}"))

        key = _resolve_metric(needs, row.metric)
        if key is None:
            error("metric", f"未知的统计指标“{row.metric}”" if row.metric else "缺少统计指标")
            continue
        need = needs.metrics[key]
        name = need.metric.name
        if key not in allowed_keys:
            out.forbidden.append(
                _("%(where)s统计指标“%(name)s”不属于您所在单位负责的指标,无权填报") % {"where": row.where, "name": name}
            )
            continue
        try:
            year = parse_year(row.year)
        except ValueError:
            year = None
        if year not in need.years:
            error("year", f"年度“{plain(row.year)}”不在“{name}”可填报的年度内(可填:{_years_text(need.years)})")
            continue
        if (key, year) in seen:
            prior = rows[seen[(key, year)]].where.rstrip(":") or f"第{seen[(key, year)] + 1}项"
            error("year", f"“{name}”{year}年重复填报(与{prior}重复)")
            continue
        seen[(key, year)] = index

        value = row.value
        if value is not UNSET:
            try:
                value = parse_number(value)
            except ValueError:
                error("value", f"“{name}”{year}年数值“{row.value}”不是有效的数字")
                value = None
            else:
                if value is not None:
                    problem = _number_error(
                        value, name=f"“{name}”{year}年数值", rate=need.is_rate, limit=VALUE_LIMIT, negative_ok=False
                    )
                    if problem:
                        error("value", problem)
                    else:
                        value = value.quantize(FOUR_PLACES, ROUND_HALF_UP)
        growth = row.published_growth
        if growth is not UNSET:
            try:
                growth = parse_number(growth)
            except ValueError:
                error("published_growth", f"“{name}”{year}年官方公布增速“{row.published_growth}”不是有效的数字")
                growth = None
            else:
                if growth is not None and year not in need.growth_years:
                    error("published_growth", f"“{name}”{year}年无需填写官方公布增速")
                elif growth is not None:
                    # A growth rate may be negative or exceed 100%.
                    problem = _number_error(
                        growth, name=f"“{name}”{year}年官方公布增速", rate=False, limit=GROWTH_LIMIT, negative_ok=True
                    )
                    if problem:
                        error("published_growth", problem)
                    else:
                        growth = growth.quantize(FOUR_PLACES, ROUND_HALF_UP)
        source = row.source
        if source is not UNSET:
            source = str(source or "").strip()
            if len(source) > 200:
                error("source", f"“{name}”{year}年来源不能超过200个字")
        evidence = row.evidence
        if evidence is not UNSET:
            try:
                evidence = parse_id(evidence)
            except ValueError:
                evidence = -1
            if evidence is not None and evidence not in out.evidence_titles:
                error("evidence", f"“{name}”{year}年的佐证材料不存在或不属于本创建对象")

        stored = existing.get((key, year))
        after_value = (stored.value if stored else None) if value is UNSET else value
        after_growth = (stored.published_growth if stored else None) if growth is UNSET else growth
        if after_value is None and after_growth is None and stored is None and (source or evidence):
            error("value", f"“{name}”{year}年填写了来源或佐证材料,但未填写数值")
        if len(out.errors) == errors_before:
            out.figures.append(CleanFigure(key, year, value, growth, source, evidence))
    return out


def _figure_state(row: DataValue | None) -> dict[str, Any]:
    if row is None:
        return {"value": None, "published_growth": None, "source": "", "evidence": None}
    link = getattr(row, "evidence_link", None) if row.pk else None
    return {
        "value": row.value,
        "published_growth": row.published_growth,
        "source": row.source,
        "evidence": link.evidence_id if link else None,
    }


def _figure_after(fig: CleanFigure, before: dict[str, Any]) -> dict[str, Any]:
    after = dict(before)
    for name in ("value", "published_growth", "source", "evidence"):
        new = getattr(fig, name)
        if new is not UNSET:
            after[name] = new
    return after


def _figure_changes_anything(fig: CleanFigure, row: DataValue | None) -> bool:
    """Would writing ``fig`` change what is stored (create, update or delete)?"""
    before = _figure_state(row)
    after = _figure_after(fig, before)
    if after["value"] is None and after["published_growth"] is None:
        return row is not None
    return before != after


def figures_lock_check(
    *, zone: Zone, figures: list[CleanFigure], existing: Mapping[tuple[str, int], DataValue]
) -> None:
    """ValidationError (naming the round) if any figure that would change lies in a locked year.

    A figure sent unchanged (a whole form, a downloaded template) is not a change: only
    the years actually written are asked about, and one locked year refuses the whole input."""
    years = sorted({fig.year for fig in figures if _figure_changes_anything(fig, existing.get((fig.key, fig.year)))})
    if not years or zone_lock_reason(zone=zone) is None:  # one query when nothing is locked
        return
    for year in years:
        zone_lock_check(zone=zone, year=year)


def figures_apply(
    *,
    zone: Zone,
    user,
    figures: list[CleanFigure],
    needs: ZoneDataNeeds,
    existing: dict[tuple[str, int], DataValue],
    evidence_titles: Mapping[int, str],
    via: str,
) -> list[DataChange]:
    """Write cleaned figures: create, update or (both numbers blank) delete.

    Refused whole (ValidationError, nothing written) when a changed figure lies in a year
    a submitted round has locked. Returns the history rows (one per changed field), not
    yet saved: the caller saves them."""
    figures_lock_check(zone=zone, figures=figures, existing=existing)
    titles = dict(evidence_titles)
    for row in existing.values():
        link = getattr(row, "evidence_link", None)
        if link is not None:
            titles.setdefault(link.evidence_id, link.evidence.title)
    changes: list[DataChange] = []
    for fig in figures:
        metric = needs.metrics[fig.key].metric
        row = existing.get((fig.key, fig.year))
        before = _figure_state(row)
        after = _figure_after(fig, before)

        def change(action: str, name: str, old: Any, new: Any, row_id: int | None, metric=metric, fig=fig) -> None:
            to_text = (lambda v: _evidence_text(v, titles)) if name == "evidence" else plain
            changes.append(
                DataChange(
                    zone=zone,
                    target=DataChange.Target.VALUE,
                    action=action,
                    metric=metric,
                    year=fig.year,
                    object_id=row_id,
                    label=f"{metric.name} {fig.year}年",
                    field=name,
                    old_value=to_text(old),
                    new_value=to_text(new),
                    changed_by=user,
                    via=via,
                )
            )

        if after["value"] is None and after["published_growth"] is None:
            if row is not None:
                for name, old in before.items():
                    if old not in (None, ""):
                        change(Action.DELETED, name, old, None, row.pk)
                row.delete()
                del existing[(fig.key, fig.year)]
            continue
        diff = [name for name in before if before[name] != after[name]]
        if not diff:
            continue
        action = Action.UPDATED if row is not None else Action.CREATED
        if row is None:
            row = DataValue(zone=zone, metric=metric, year=fig.year)
        row.value, row.published_growth, row.source = after["value"], after["published_growth"], after["source"]
        row.updated_by = user
        row.save()
        existing[(fig.key, fig.year)] = row
        if "evidence" in diff:
            DataEvidenceLink.objects.filter(data_value=row).delete()
            if after["evidence"] is not None:
                DataEvidenceLink.objects.create(data_value=row, evidence_id=after["evidence"])
        for name in diff:
            change(action, name, before[name], after[name], row.pk)
    return changes


@transaction.atomic
def data_values_save(
    *,
    zone: Zone,
    user,
    rows: list[FigureRow],
    via: str,
    allowed_keys: set[str],
    needs: ZoneDataNeeds | None = None,
) -> list[DataChange]:
    """Save figures all-or-nothing. PermissionDenied for another unit's metric, ValidationError for bad input."""
    needs = needs or zone_data_needs(zone=zone)
    existing = zone_data_values(zone=zone)
    cleaned = figures_clean(zone=zone, rows=rows, needs=needs, allowed_keys=allowed_keys, existing=existing)
    if cleaned.forbidden:
        raise PermissionDenied(";".join(cleaned.forbidden))
    figures_lock_check(zone=zone, figures=cleaned.figures, existing=existing)
    if cleaned.errors:
        raise ValidationError([e.message for e in cleaned.errors])
    changes = figures_apply(
        zone=zone,
        user=user,
        figures=cleaned.figures,
        needs=needs,
        existing=existing,
        evidence_titles=cleaned.evidence_titles,
        via=via,
    )
    data_changes_store(changes, zone=zone, user=user)
    if changes:
        zone_rescore_on_commit(zone, user)
    return changes


# The admin -------------------------------------------------------------------


def _admin_state(obj: models.Model) -> tuple[str, dict[str, Any]]:
    """(target, field values) of a figure or list entry as it is stored now."""
    model = type(obj)
    stored = model.objects.filter(pk=obj.pk).first() if obj.pk else None
    if isinstance(obj, DataValue):
        return DataChange.Target.VALUE, _figure_state(stored) if stored else {}
    spec = OPERATORS if isinstance(obj, OperatorEntry) else OUTCOMES
    return spec.target, spec.state(stored)


def _admin_changes(*, obj: models.Model, user, action: str, before: dict, after: dict) -> list[DataChange]:
    if isinstance(obj, DataValue):
        label, target = f"{obj.metric.name} {obj.year}年", DataChange.Target.VALUE
        extra = {"metric": obj.metric, "year": obj.year}
        names = ["value", "published_growth", "source"]
    else:
        spec = OPERATORS if isinstance(obj, OperatorEntry) else OUTCOMES
        label, target, extra, names = spec.describe(after or before), spec.target, {}, list(spec.fields)
    rows = []
    for name in names:
        old, new = before.get(name), after.get(name)
        if old == new or (old in (None, "") and new in (None, "")):
            continue
        rows.append(
            DataChange(
                zone_id=obj.zone_id,
                target=target,
                action=action,
                object_id=obj.pk,
                label=label[:300],
                field=name,
                old_value=_entry_value_text(name, old, {}),
                new_value=_entry_value_text(name, new, {}),
                changed_by=user,
                via=Via.ADMIN,
                **extra,
            )
        )
    return rows


def data_admin_lock_check(*, obj: models.Model) -> None:
    """ValidationError (naming the round) if a submitted round locks ``obj`` as stored or as edited.

    A figure is locked for the years the round read; a list entry as a whole. The admin's
    form asks this too (``evidence/admin.py``), so the message shows on the form, not as an error page."""
    stored = type(obj).objects.filter(pk=obj.pk).select_related("zone").first() if obj.pk else None
    targets = []
    if stored is not None:
        targets.append((stored.zone, stored))
    if obj.zone_id is not None:
        targets.append((obj.zone, obj))
    for zone, row in targets:
        if isinstance(row, DataValue):
            if row.year is not None:
                zone_lock_check(zone=zone, year=row.year)
        else:
            zone_lock_check(zone=zone)


@transaction.atomic
def data_admin_save(*, obj: models.Model, user) -> None:
    """Save a DataValue, OperatorEntry or OutcomeEntry edited in the admin, with history and rescoring.

    For ``evidence/admin.py``: ``save_model`` calls this instead of ``obj.save()``.
    Refused (ValidationError) while a submitted round locks the row.
    """
    data_admin_lock_check(obj=obj)
    _kind, before = _admin_state(obj)
    action = Action.UPDATED if before else Action.CREATED
    if isinstance(obj, DataValue):
        obj.updated_by = user
    obj.save()
    _kind, after = _admin_state(obj)
    changes = _admin_changes(obj=obj, user=user, action=action, before=before, after=after)
    data_changes_store(changes, zone=obj.zone, user=user)
    if changes:
        zone_rescore_on_commit(obj.zone, user)


@transaction.atomic
def data_admin_delete(*, obj: models.Model, user) -> None:
    """Delete one in the admin (``delete_model``; ``delete_queryset`` calls it per row); not while locked."""
    data_admin_lock_check(obj=obj)
    _kind, before = _admin_state(obj)
    changes = _admin_changes(obj=obj, user=user, action=Action.DELETED, before=before, after={})
    zone = obj.zone
    obj.delete()
    data_changes_store(changes, zone=zone, user=user)
    zone_rescore_on_commit(zone, user)
