"""Writes for list inputs (item 4's operators, item 34's outcomes): clean, save with history, rescore.

The web form, the Excel template and the admin use the same cleaning (``entries_clean``)
and writers, so the same row gets the same message wherever it arrives. Every writer asks
``zones.locks`` first: while a submitted round locks the zone, the lists (all years) refuse
every change with a message naming the round, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zones.locks import zone_lock_check
from zones.models import Zone

from .credit_code import credit_code_error, normalize
from .data_common import (
    SALES_LIMIT,
    TWO_PLACES,
    Action,
    _evidence_text,
    _evidence_titles,
    _number_error,
    _years_text,
    data_changes_store,
    parse_date,
    parse_id,
    parse_number,
    parse_year,
    plain,
    zone_rescore_on_commit,
)
from .models import DataChange, DataEvidenceLink, OperatorEntry, OutcomeEntry

# List inputs (item 4's operators, item 34's outcomes) --------------------------


@dataclass
class EntryContext:
    zone: Zone
    years: tuple[int, int]
    evidence_titles: dict[int, str]


def _text_field(raw: dict, name: str, label: str, errors: list[str], max_length: int = 200) -> str:
    text = str(raw.get(name) or "").strip()
    if not text:
        errors.append(_("请填写%(label)s") % {"label": label})
    elif len(text) > max_length:
        errors.append(_("%(label)s不能超过%(max_length)s个字") % {"label": label, "max_length": max_length})
    return text


def _clean_operator(raw: dict, ctx: EntryContext) -> tuple[dict, list[str]]:
    errors: list[str] = []
    data: dict[str, Any] = {"name": _text_field(raw, "name", "经营者名称", errors)}
    code = normalize(raw.get("credit_code"))
    if not code:
        errors.append(_("请填写统一社会信用代码"))
    else:
        problem = credit_code_error(code)
        if problem:
            errors.append(problem)
    data["credit_code"] = code
    try:
        year = parse_year(raw.get("year"))
    except ValueError:
        year = None
    if year not in ctx.years:
        shown = plain(raw.get("year"))
        errors.append(
            _("年度“%(shown)s”应为参考年度(%(years)s)之一") % {"shown": shown, "years": _years_text(ctx.years)}
            if shown
            else _("请填写年度")
        )
    data["year"] = year
    try:
        sales = parse_number(raw.get("annual_sales"))
    except ValueError:
        errors.append(_("年度电子商务销售额“%(value)s”不是有效的数字") % {"value": raw.get("annual_sales")})
        sales = None
    else:
        if sales is None:
            errors.append(_("请填写年度电子商务销售额(万元)"))
        else:
            problem = _number_error(sales, name="年度电子商务销售额", rate=False, limit=SALES_LIMIT, negative_ok=False)
            if problem:
                errors.append(problem)
            else:
                sales = sales.quantize(TWO_PLACES, ROUND_HALF_UP)
    data["annual_sales"] = sales
    return data, errors


# A sheet may say 规范性文件 or normative.
OUTCOME_KINDS = {text: value for value, label in OutcomeEntry.Kind.choices for text in (value, label)}


def _clean_outcome(raw: dict, ctx: EntryContext) -> tuple[dict, list[str]]:
    errors: list[str] = []
    data: dict[str, Any] = {"title": _text_field(raw, "title", "成果名称", errors)}
    kind = str(raw.get("kind") or "").strip()
    data["kind"] = OUTCOME_KINDS.get(kind)
    if data["kind"] is None:
        errors.append(
            _("类型“%(kind)s”应为 法规、规章、规范性文件 或 标准") % {"kind": kind} if kind else _("请选择类型")
        )
    try:
        issued = parse_date(raw.get("issued_on"))
    except ValueError:
        errors.append(_("发布日期“%(value)s”不是有效日期(格式如 2024-06-01)") % {"value": raw.get("issued_on")})
        issued = None
    else:
        if issued is None:
            errors.append(_("请填写发布日期"))
        elif issued > timezone.localdate():
            errors.append(_("发布日期不能晚于今天"))
    data["issued_on"] = issued
    try:
        evidence = parse_id(raw.get("evidence"))
    except ValueError:
        evidence = -1
    if evidence is not None and evidence not in ctx.evidence_titles:
        errors.append(_("佐证材料不存在或不属于本创建对象"))
    data["evidence"] = evidence
    return data, errors


@dataclass(frozen=True)
class ListSpec:
    name: str  # "operators" | "outcomes"
    title: str
    target: str
    model: type[models.Model]
    fields: tuple[str, ...]  # model fields, in display order
    clean: Callable[[dict, EntryContext], tuple[dict, list[str]]]
    describe: Callable[[dict], str]
    unique: tuple[str, ...] = ()  # fields unique per zone (a natural key), if any
    has_evidence: bool = False

    def natural_key(self, data: Mapping[str, Any]) -> tuple | None:
        return tuple(data[name] for name in self.unique) if self.unique else None

    def state(self, obj: models.Model | None) -> dict[str, Any]:
        if obj is None:
            return {}
        data = {name: getattr(obj, name) for name in self.fields}
        if self.has_evidence:
            link = getattr(obj, "evidence_link", None)
            data["evidence"] = link.evidence_id if link else None
        return data


OPERATORS = ListSpec(
    name="operators",
    title="规模以上网络交易经营者",
    target=DataChange.Target.OPERATOR,
    model=OperatorEntry,
    fields=("name", "credit_code", "year", "annual_sales"),
    clean=_clean_operator,
    describe=lambda d: f"{d['name']}({d['credit_code']},{d['year']}年)",
    unique=("credit_code", "year"),
)
OUTCOMES = ListSpec(
    name="outcomes",
    title="制度化标准化成果",
    target=DataChange.Target.OUTCOME,
    model=OutcomeEntry,
    fields=("title", "kind", "issued_on"),
    clean=_clean_outcome,
    describe=lambda d: f"{d['title']}({plain(d['issued_on'])})",
    has_evidence=True,
)
LIST_SPECS = {spec.name: spec for spec in (OPERATORS, OUTCOMES)}
KIND_LABELS = dict(OutcomeEntry.Kind.choices)


def entry_context(*, zone: Zone, raws: Iterable[dict]) -> EntryContext:
    return EntryContext(zone, zone.reference_years, _evidence_titles(zone, (r.get("evidence") for r in raws)))


def _entry_value_text(name: str, value: Any, titles: Mapping[int, str]) -> str:
    if name == "evidence":
        return _evidence_text(value, titles)
    if name == "kind":
        return KIND_LABELS.get(value, plain(value))
    return plain(value)


def _entry_changes(
    *, spec: ListSpec, zone: Zone, user, via: str, action: str, obj, before: dict, after: dict, titles: Mapping
) -> list[DataChange]:
    label = spec.describe(after or before)
    names = list(spec.fields) + (["evidence"] if spec.has_evidence else [])
    rows = []
    for name in names:
        old, new = before.get(name), after.get(name)
        if old == new or (action != Action.UPDATED and (old if action == Action.DELETED else new) in (None, "")):
            continue
        rows.append(
            DataChange(
                zone=zone,
                target=spec.target,
                action=action,
                object_id=obj.pk,
                label=label[:300],
                field=name,
                old_value=_entry_value_text(name, old, titles),
                new_value=_entry_value_text(name, new, titles),
                changed_by=user,
                via=via,
            )
        )
    return rows


def _duplicate_error(spec: ListSpec, zone: Zone, data: dict, exclude_pk: int | None) -> str | None:
    if not spec.unique:
        return None
    rows = spec.model.objects.filter(zone=zone, **{name: data[name] for name in spec.unique})
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    if rows.exists():
        return f"统一社会信用代码为 {data['credit_code']} 的经营者在 {data['year']} 年已登记"
    return None


def _entry_write(spec: ListSpec, obj, data: dict) -> None:
    for name in spec.fields:
        setattr(obj, name, data[name])
    obj.save()
    if spec.has_evidence:
        link = getattr(obj, "evidence_link", None)
        if (link.evidence_id if link else None) != data["evidence"]:
            DataEvidenceLink.objects.filter(outcome=obj).delete()
            if data["evidence"] is not None:
                DataEvidenceLink.objects.create(outcome=obj, evidence_id=data["evidence"])


def _clean_or_raise(spec: ListSpec, zone: Zone, raw: dict, exclude_pk: int | None) -> tuple[dict, EntryContext]:
    ctx = entry_context(zone=zone, raws=[raw])
    data, errors = spec.clean(raw, ctx)
    if not errors:
        problem = _duplicate_error(spec, zone, data, exclude_pk)
        if problem:
            errors.append(problem)
    if errors:
        raise ValidationError(errors)
    return data, ctx


@transaction.atomic
def entry_create(*, spec: ListSpec, zone: Zone, user, raw: dict, via: str) -> models.Model:
    zone_lock_check(zone=zone)
    data, ctx = _clean_or_raise(spec, zone, raw, None)
    obj = spec.model(zone=zone)
    _entry_write(spec, obj, data)
    data_changes_store(
        _entry_changes(
            spec=spec,
            zone=zone,
            user=user,
            via=via,
            action=Action.CREATED,
            obj=obj,
            before={},
            after=data,
            titles=ctx.evidence_titles,
        ),
        zone=zone,
        user=user,
    )
    zone_rescore_on_commit(zone, user)
    return obj


@transaction.atomic
def entry_update(*, spec: ListSpec, entry: models.Model, user, raw: dict, via: str) -> models.Model:
    zone = entry.zone
    zone_lock_check(zone=zone)
    data, ctx = _clean_or_raise(spec, zone, raw, entry.pk)
    before = spec.state(entry)
    titles = {**ctx.evidence_titles, **_evidence_titles(zone, [before.get("evidence")])}
    changes = _entry_changes(
        spec=spec,
        zone=zone,
        user=user,
        via=via,
        action=Action.UPDATED,
        obj=entry,
        before=before,
        after=data,
        titles=titles,
    )
    if changes:
        _entry_write(spec, entry, data)
        data_changes_store(changes, zone=zone, user=user)
        zone_rescore_on_commit(zone, user)
    return entry


@transaction.atomic
def entry_delete(*, spec: ListSpec, entry: models.Model, user, via: str) -> None:
    zone = entry.zone
    zone_lock_check(zone=zone)
    before = spec.state(entry)
    titles = _evidence_titles(zone, [before.get("evidence")])
    changes = _entry_changes(
        spec=spec,
        zone=zone,
        user=user,
        via=via,
        action=Action.DELETED,
        obj=entry,
        before=before,
        after={},
        titles=titles,
    )
    entry.delete()
    data_changes_store(changes, zone=zone, user=user)
    zone_rescore_on_commit(zone, user)


# Whole lists, as a spreadsheet sends them -----------------------------------


@dataclass
class CleanedEntries:
    rows: list[tuple[int | None, dict]] = field(default_factory=list)  # (id from the sheet, data)
    errors: list[str] = field(default_factory=list)


def entries_clean(*, spec: ListSpec, raws: list[dict], ctx: EntryContext, existing_ids: set[int]) -> CleanedEntries:
    """Every row of a whole list; ``raw["id"]`` (a hidden column) names the entry a row edits."""
    out = CleanedEntries()
    keys: dict[tuple, str] = {}
    ids: dict[int, str] = {}
    for raw in raws:
        where = raw.get("where", "")
        data, errors = spec.clean(raw, ctx)
        try:
            ident = parse_id(raw.get("id"))
        except ValueError:
            ident = None
        if ident is not None and ident not in existing_ids:
            ident = None  # a copied or stale row becomes a new entry
        if ident is not None:
            if ident in ids:
                errors.append(_("与%(ids)s是同一条记录(隐藏的编号列重复),请删除其中一行") % {"ids": ids[ident]})
            ids.setdefault(ident, where.rstrip(":"))
        if not errors and spec.unique:
            key = spec.natural_key(data)
            if key in keys:
                errors.append(_("与%(keys)s重复(同一经营者同一年度只能登记一次)") % {"keys": keys[key]})
            keys.setdefault(key, where.rstrip(":"))
        out.errors += [f"{where}{e}" for e in errors]
        if not errors:
            out.rows.append((ident, data))
    return out


@dataclass
class _ReplacePlan:
    existing: dict[int, models.Model]
    matched: dict[int, dict]  # entry id -> the sheet's data for it
    new_rows: list[dict]

    def changes_anything(self, spec: ListSpec) -> bool:
        if self.new_rows or any(pk not in self.matched for pk in self.existing):
            return True
        return any(spec.state(self.existing[pk]) != _entry_state(spec, data) for pk, data in self.matched.items())


def _entry_state(spec: ListSpec, data: Mapping[str, Any]) -> dict[str, Any]:
    names = list(spec.fields) + (["evidence"] if spec.has_evidence else [])
    return {name: data.get(name) for name in names}


def _replace_plan(spec: ListSpec, zone: Zone, cleaned: CleanedEntries) -> _ReplacePlan:
    existing = {obj.pk: obj for obj in _list_queryset(spec, zone)}
    by_key = {spec.natural_key(spec.state(o)): o for o in existing.values()} if spec.unique else {}
    matched: dict[int, dict] = {}
    new_rows: list[dict] = []
    for ident, data in cleaned.rows:
        obj = existing.get(ident) if ident is not None else None
        if obj is None and spec.unique:
            obj = by_key.get(spec.natural_key(data))
        if obj is not None and obj.pk not in matched:
            matched[obj.pk] = data
        else:
            new_rows.append(data)
    return _ReplacePlan(existing, matched, new_rows)


def entries_replace_lock_check(*, spec: ListSpec, zone: Zone, cleaned: CleanedEntries) -> None:
    """ValidationError (naming the round) if making the list what the sheet says would change it while locked.

    A sheet that leaves the list as it is (a downloaded template sent back) is not a change."""
    if _replace_plan(spec, zone, cleaned).changes_anything(spec):
        zone_lock_check(zone=zone)


def entries_replace_apply(
    *, spec: ListSpec, zone: Zone, user, cleaned: CleanedEntries, titles: Mapping[int, str], via: str
) -> list[DataChange]:
    """Make the zone's list what the sheet says: edit matched rows, add new ones, remove the rest.

    Refused (ValidationError, nothing written) if that changes a list a submitted round has
    locked. Returns the history rows, not yet saved."""
    plan = _replace_plan(spec, zone, cleaned)
    if plan.changes_anything(spec):
        zone_lock_check(zone=zone)
    existing, matched, new_rows = plan.existing, plan.matched, plan.new_rows
    titles = dict(titles)
    titles.update(_evidence_titles(zone, [spec.state(o).get("evidence") for o in existing.values()]))
    changes: list[DataChange] = []
    common = {"spec": spec, "zone": zone, "user": user, "via": via, "titles": titles}
    # Removals first, so that an entry re-added under its natural key does not collide.
    for pk, obj in existing.items():
        if pk not in matched:
            changes += _entry_changes(action=Action.DELETED, obj=obj, before=spec.state(obj), after={}, **common)
            obj.delete()
    for pk, data in matched.items():
        obj = existing[pk]
        diff = _entry_changes(action=Action.UPDATED, obj=obj, before=spec.state(obj), after=data, **common)
        if diff:
            _entry_write(spec, obj, data)
            changes += diff
    for data in new_rows:
        obj = spec.model(zone=zone)
        _entry_write(spec, obj, data)
        changes += _entry_changes(action=Action.CREATED, obj=obj, before={}, after=data, **common)
    return changes


def _list_queryset(spec: ListSpec, zone: Zone):
    rows = spec.model.objects.filter(zone=zone)
    if spec.has_evidence:
        rows = rows.select_related("evidence_link")
    return rows.order_by("pk")
