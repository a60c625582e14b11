"""Writes for indicator systems and benchmarks (the catalogue)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Benchmark, Indicator, IndicatorSystem, Metric, ScoringItem
from .scoring.engine import rollup_errors
from .scoring.params import metrics_used, validate_params
from .scoring.spec import SpecError, system_spec_from_data

NATURE_BY_LABEL = {label: value for value, label in Indicator.Nature.choices}
PROVINCE = "province"  # zones.Region.Level.PROVINCE


def _regions():
    """zones.Region, reached through the FK that names it (indicators never imports zones)."""
    return IndicatorSystem._meta.get_field("scope").related_model.objects


PUBLISHED_IS_FROZEN = "已发布的指标体系不可修改；如需调整，请基于它创建新版本。"


def ensure_system_editable(system: IndicatorSystem) -> None:
    if system.is_published:
        raise ValidationError(PUBLISHED_IS_FROZEN)


def indicator_system_validate_data(*, data: dict[str, Any]) -> list[str]:
    """All problems of a system data dict, as Chinese messages (empty when valid)."""
    try:
        spec = system_spec_from_data(data)
    except SpecError as exc:
        return exc.messages
    errors: list[str] = []
    if not spec.code:
        errors.append(_("缺少指标体系编码"))
    if not spec.name:
        errors.append(_("缺少指标体系名称"))
    errors += rollup_errors(spec)
    for level, nodes in (
        ("一级", spec.dimensions),
        ("二级", [sub for dim in spec.dimensions for sub in dim.children]),
        ("三级", spec.items()),
    ):
        for code, count in Counter(n.code for n in nodes).items():
            if code and count > 1:
                errors.append(
                    _("%(level)s指标编号“%(code)s”重复 %(count)s 次") % {"level": level, "code": code, "count": count}
                )
    declared = set(spec.metrics) | set(Metric.objects.values_list("key", flat=True))
    raw_items = [
        item
        for dim in data.get("indicators") or []
        for sub in dim.get("children") or []
        for item in sub.get("children") or []
    ]
    for raw in raw_items:
        nature = raw.get("nature") or ""
        if nature and nature not in NATURE_BY_LABEL:
            errors.append(
                _("三级指标“%(value)s”：变量性质“%(nature)s”应为 定量、定性、定量+定性 或 定性+定量")
                % {"value": raw.get("code"), "nature": nature}
            )
    for item in spec.items():
        for code, count in Counter(s.code for s in item.scoring_items).items():
            if count > 1:
                errors.append(_("三级指标“%(code)s”：评分项编号“%(code2)s”重复") % {"code": item.code, "code2": code})
        for sub in item.scoring_items:
            errors += [f"评分项“{sub.code}”：{e}" for e in validate_params(sub.rule_type, sub.params)]
            for key in sorted(metrics_used(sub.rule_type, sub.params) - declared):
                errors.append(_("评分项“%(code)s”：统计指标“%(key)s”未定义") % {"code": sub.code, "key": key})
    return errors


@transaction.atomic
def indicator_system_create_from_data(
    *,
    data: dict[str, Any],
    status: str = IndicatorSystem.Status.DRAFT,
    user=None,
    based_on: IndicatorSystem | None = None,
) -> IndicatorSystem:
    errors = indicator_system_validate_data(data=data)
    if IndicatorSystem.objects.filter(code=data.get("code")).exists():
        errors.append(_("指标体系编码“%(value)s”已存在，请换一个编码或版本") % {"value": data.get("code")})
    scope = None
    if data.get("scope"):
        scope = _regions().filter(level=PROVINCE, name=data["scope"]).first()
        if scope is None:
            errors.append(_("适用省份“%(data)s”不存在") % {"data": data["scope"]})
    if errors:
        raise ValidationError(errors)

    for raw in data.get("metrics") or []:
        Metric.objects.update_or_create(
            key=raw["key"],
            defaults={
                "name": raw.get("name", raw["key"]),
                "unit": raw.get("unit", ""),
                "period": raw.get("period", "年度"),
                "kind": raw.get("kind", Metric.Kind.INPUT),
                "value_type": raw.get("value_type", Metric.ValueType.AMOUNT),
                "supports_growth": bool(raw.get("supports_growth", False)),
                "description": raw.get("description", ""),
            },
        )
    system = IndicatorSystem.objects.create(
        code=data["code"],
        name=data["name"],
        version=str(data.get("version") or ""),
        issuer=data.get("issuer") or "",
        scope=scope,
        status=status,
        based_on=based_on,
        published_at=timezone.now() if status == IndicatorSystem.Status.PUBLISHED else None,
    )
    position = 0
    scoring_items: list[ScoringItem] = []

    def create(raw: dict[str, Any], level: int, parent: Indicator | None) -> None:
        nonlocal position
        position += 1
        indicator = Indicator.objects.create(
            system=system,
            parent=parent,
            level=level,
            code=str(raw["code"]).strip(),
            name=str(raw["name"]).strip(),
            max_points=Decimal(str(raw["points"])),
            nature=NATURE_BY_LABEL.get(raw.get("nature") or "", ""),
            criteria=raw.get("criteria", ""),
            methods=raw.get("methods", ""),
            data_sources=raw.get("data_sources", ""),
            responsible_units=raw.get("responsible_units", ""),
            position=position,
        )
        for child in raw.get("children") or []:
            create(child, level + 1, indicator)
        for i, sub in enumerate(raw.get("scoring_items") or [], 1):
            scoring_items.append(
                ScoringItem(
                    indicator=indicator,
                    code=str(sub["code"]).strip(),
                    label=str(sub.get("label", "")).strip(),
                    points=Decimal(str(sub["points"])),
                    rule_type=sub["rule_type"],
                    params=sub.get("params") or {},
                    position=i,
                )
            )

    for raw in data["indicators"]:
        create(raw, 1, None)
    ScoringItem.objects.bulk_create(scoring_items)
    return system


@transaction.atomic
def indicator_system_publish(*, system: IndicatorSystem) -> IndicatorSystem:
    ensure_system_editable(system)
    system.status = IndicatorSystem.Status.PUBLISHED
    system.published_at = timezone.now()
    system.save(update_fields=["status", "published_at"])
    return system


def indicator_system_revise(*, system: IndicatorSystem, code: str, version: str, user=None) -> IndicatorSystem:
    """A new draft version copied from ``system`` (which stays as it is)."""
    from .selectors import indicator_system_to_data

    data = indicator_system_to_data(system=system)
    data.update(code=code, version=version)
    return indicator_system_create_from_data(data=data, status=IndicatorSystem.Status.DRAFT, user=user, based_on=system)


@transaction.atomic
def benchmarks_load(*, rows: list[dict[str, Any]]) -> int:
    """Create or update benchmark figures; rows: {scope, metric, year, value, source}."""
    count = 0
    for row in rows:
        region = None
        if row.get("scope") not in (None, "", "全国"):
            region = _regions().get(level=PROVINCE, name=row["scope"])
        metric = Metric.objects.get(key=row["metric"])
        Benchmark.objects.update_or_create(
            region=region,
            metric=metric,
            year=int(row["year"]),
            defaults={"value": Decimal(str(row["value"])), "source": row.get("source", "")},
        )
        count += 1
    return count
