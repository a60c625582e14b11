"""Writes for a zone's statistics and list inputs: parse, validate with Chinese messages, save with history, rescore.

Every channel (the web form, the Excel template, the API, the admin) goes through
the same cleaning (``figures_clean`` for figures, ``entries_clean`` and the list specs
for item 4's operators and item 34's outcomes) and the same writers, so the same input
gets the same message wherever it arrives. Every writer asks ``zones.locks`` first:
while a submitted round locks the zone, a change is refused with a message naming the
round and nothing is written. A write that changes anything records one ``DataChange``
per field and asks for the zone's score once, after commit (``zone_rescore_on_commit``):
a whole form or workbook is one request for a new score, and requests arriving while
one is queued join it.

A figure's path: the form, sheet or API row → ``figures_clean`` → ``figures_apply``
(history rows) → ``data_changes_store`` (with its audit row) → ``zone_rescore_on_commit``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from common import hooks
from zones.locks import zone_lock_check, zone_lock_reason
from zones.models import Zone

from ..credit_code import credit_code_error, normalize
from ..models import DataChange, DataEvidenceLink, DataValue, Evidence, OperatorEntry, OutcomeEntry
from .selectors import ZoneDataNeeds, zone_data_needs, zone_data_values

# Seconds a score job waits, so that saves in quick succession share one computation.
RESCORE_COUNTDOWN = 5

Via = DataChange.Via
Action = DataChange.Action


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()  # a field the caller did not send: keep what is stored


def zone_rescore_on_commit(zone: Zone, user) -> None:
    """Ask for a new score once the data are committed.

    Robust: the data are saved whatever happens to the score (a failed computation is
    stored on its snapshot and shown on the score page; jobs run in-process without a broker)."""
    transaction.on_commit(
        lambda: hooks.call("zone_rescore", zone=zone, user=user, countdown=RESCORE_COUNTDOWN), robust=True
    )


def data_changes_store(changes: list[DataChange], *, zone: Zone, user) -> list[DataChange]:
    """Store the history rows of one save, and one audit row that links them (same transaction)."""
    stored = DataChange.objects.bulk_create(changes)
    if stored:
        audit_record(
            action=AuditAction.DATA_CHANGED,
            actor=user,
            target_type="evidence.datachange",
            target_label="、".join(sorted({c.label for c in stored}))[:200],
            zone=zone,
            after={"changes": [c.pk for c in stored], "via": stored[0].via, "fields": len(stored)},
        )
    return stored


# Parsing ---------------------------------------------------------------------


def parse_number(raw: Any) -> Decimal | None:
    """A Decimal, or None for a blank; ValueError when it is not a number.

    Accepts what people type or spreadsheets hold: 1234.5, "1,234.5", " 12 ", "95%".
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, (int, float, Decimal)):
        text = str(raw)
    else:
        text = re.sub(r"[\s,,]", "", str(raw))
        if text.endswith(("%", "%")):
            text = text[:-1]
        if text == "":
            return None
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValueError(raw) from None
    if not number.is_finite():
        raise ValueError(raw)
    return number


def parse_year(raw: Any) -> int | None:
    number = parse_number(raw)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(raw)
    return int(number)


def parse_date(raw: Any) -> date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", str(raw).strip())
    if not match:
        raise ValueError(raw)
    return date(*(int(part) for part in match.groups()))


def parse_id(raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    try:
        return int(str(raw).strip())
    except ValueError:
        raise ValueError(raw) from None


def plain(value: Any) -> str:
    """How a stored value reads in the history: 381.2000 → "381.2", None → ""."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _years_text(years: Iterable[int]) -> str:
    return "、".join(str(y) for y in years)


VALUE_LIMIT = Decimal(10) ** 14  # DataValue.value: 18 digits, 4 decimals
GROWTH_LIMIT = Decimal(10) ** 5  # DataValue.published_growth: 9 digits, 4 decimals
SALES_LIMIT = Decimal(10) ** 14  # OperatorEntry.annual_sales: 16 digits, 2 decimals
FOUR_PLACES = Decimal("0.0001")
TWO_PLACES = Decimal("0.01")


def _evidence_titles(zone: Zone, raw_ids: Iterable[Any]) -> dict[int, str]:
    """Titles of the given ids that are evidence of ``zone`` (1 query, none when no id)."""
    ids = set()
    for raw in raw_ids:
        try:
            ident = parse_id(raw)
        except ValueError:
            continue
        if ident is not None:
            ids.add(ident)
    if not ids:
        return {}
    return dict(Evidence.objects.filter(zone=zone, pk__in=ids).values_list("pk", "title"))


def _number_error(number: Decimal, *, name: str, rate: bool, limit: Decimal, negative_ok: bool) -> str | None:
    if not negative_ok and number < 0:
        return f"{name}不能为负数"
    if rate and number > 100:
        return f"{name}为比率，不能超过100%"
    if abs(number) >= limit:
        return f"{name}过大"
    return None


def _evidence_text(ident: int | None, titles: Mapping[int, str]) -> str:
    return "" if ident is None else f"{titles.get(ident, '')}（#{ident}）"


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
            _("年度“%(shown)s”应为参考年度（%(years)s）之一") % {"shown": shown, "years": _years_text(ctx.years)}
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
            errors.append(_("请填写年度电子商务销售额（万元）"))
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
        errors.append(_("发布日期“%(value)s”不是有效日期（格式如 2024-06-01）") % {"value": raw.get("issued_on")})
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
    describe=lambda d: f"{d['name']}（{d['credit_code']}，{d['year']}年）",
    unique=("credit_code", "year"),
)
OUTCOMES = ListSpec(
    name="outcomes",
    title="制度化标准化成果",
    target=DataChange.Target.OUTCOME,
    model=OutcomeEntry,
    fields=("title", "kind", "issued_on"),
    clean=_clean_outcome,
    describe=lambda d: f"{d['title']}（{plain(d['issued_on'])}）",
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
                errors.append(_("与%(ids)s是同一条记录（隐藏的编号列重复），请删除其中一行") % {"ids": ids[ident]})
            ids.setdefault(ident, where.rstrip(":："))
        if not errors and spec.unique:
            key = spec.natural_key(data)
            if key in keys:
                errors.append(_("与%(keys)s重复（同一经营者同一年度只能登记一次）") % {"keys": keys[key]})
            keys.setdefault(key, where.rstrip(":："))
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


@transaction.atomic
def entries_replace(*, spec: ListSpec, zone: Zone, user, raws: list[dict], via: str) -> list[DataChange]:
    """Make the zone's whole list what ``raws`` says, as a spreadsheet sends it (``raw["id"]`` names
    the entry a row edits; operators are also matched by their credit code and year).

    The same cleaning and messages as every channel: ValidationError naming every row's problem,
    and nothing written; refused while a submitted round locks the zone. The history rows are
    stored (with their audit row) and one new score is asked for. Returns the stored rows."""
    ctx = entry_context(zone=zone, raws=raws)
    existing_ids = set(spec.model.objects.filter(zone=zone).values_list("pk", flat=True))
    cleaned = entries_clean(spec=spec, raws=raws, ctx=ctx, existing_ids=existing_ids)
    if cleaned.errors:
        raise ValidationError(cleaned.errors)
    changes = entries_replace_apply(
        spec=spec, zone=zone, user=user, cleaned=cleaned, titles=ctx.evidence_titles, via=via
    )
    stored = data_changes_store(changes, zone=zone, user=user)
    if stored:
        zone_rescore_on_commit(zone, user)
    return stored


def _list_queryset(spec: ListSpec, zone: Zone):
    rows = spec.model.objects.filter(zone=zone)
    if spec.has_evidence:
        rows = rows.select_related("evidence_link")
    return rows.order_by("pk")


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
                _("%(where)s统计指标“%(name)s”不属于您所在单位负责的指标，无权填报")
                % {"where": row.where, "name": name}
            )
            continue
        try:
            year = parse_year(row.year)
        except ValueError:
            year = None
        if year not in need.years:
            error("year", f"年度“{plain(row.year)}”不在“{name}”可填报的年度内（可填：{_years_text(need.years)}）")
            continue
        if (key, year) in seen:
            prior = rows[seen[(key, year)]].where.rstrip(":：") or f"第{seen[(key, year)] + 1}项"
            error("year", f"“{name}”{year}年重复填报（与{prior}重复）")
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
            error("value", f"“{name}”{year}年填写了来源或佐证材料，但未填写数值")
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
        raise PermissionDenied("；".join(cleaned.forbidden))
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
