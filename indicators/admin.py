from collections.abc import Mapping
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html_join

from common.numbers import num

from .models import Benchmark, Indicator, IndicatorSystem, Metric, RuleType, ScoringItem
from .scoring.params import OPS
from .services import PUBLISHED_IS_FROZEN, indicator_system_publish, indicator_system_revise

# The rule's parameters read out in Chinese beside the raw JSON (indicators/scoring/params.py
# documents the shapes). A shape it does not know is said so: the JSON stays the reference.
REGION_LABELS = {"east": "东部", "central": "中部", "west": "西部"}
LIST_LABELS = {"operators": "网络交易经营者名单", "outcomes": "制度成果清单"}
OUTCOME_LABELS = {"law": "法律法规", "rule": "规章", "normative": "规范性文件", "standard": "标准"}


def _op(op: Any) -> str:
    return OPS.get(op, (str(op), ""))[0]


def _figure_text(figure: Any, names: Mapping[str, str]) -> str:
    if not isinstance(figure, Mapping):
        return "（未知数据项）"
    kind = figure.get("kind")
    if kind == "value":
        return names.get(figure.get("metric"), str(figure.get("metric")))
    if kind == "growth":
        return f"{names.get(figure.get('metric'), str(figure.get('metric')))}同比增速"
    if kind == "ratio":
        top = names.get(figure.get("numerator"), str(figure.get("numerator")))
        bottom = names.get(figure.get("denominator"), str(figure.get("denominator")))
        return f"{top}占{bottom}的比例"
    return "（未知数据项）"


def _bands_text(bands: Any, unit: str = "") -> str:
    parts = []
    for band in bands or ():
        if not isinstance(band, Mapping):
            continue
        low, high = num(band.get("min")), band.get("max")
        span = f"{low}{unit}及以上" if high is None else f"{low}{unit}–{num(high)}{unit}"
        parts.append(f"{span}得{num(band.get('points'))}分")
    return "，".join(parts)


def rule_readout(rule_type: str, params: Any, names: Mapping[str, str]) -> list[str]:
    """The rule in Chinese, a line per condition: "每年 网上零售额同比增速 超过 全国平均增速，得1分"."""
    p = params if isinstance(params, Mapping) else {}
    try:
        if rule_type == RuleType.YEARLY_VS_BENCHMARK:
            bench = names.get(p.get("benchmark"), str(p.get("benchmark")))
            figure = _figure_text(p.get("figure"), names)
            return [f"每个参考年度：{figure}{_op(p.get('op'))}{bench}，得{num(p.get('points_per_year'))}分"]
        if rule_type == RuleType.YEARLY_VS_SERIES:
            figure, other = _figure_text(p.get("figure"), names), _figure_text(p.get("other"), names)
            return [f"每个参考年度：{figure}{_op(p.get('op'))}{other}，得{num(p.get('points_per_year'))}分"]
        if rule_type == RuleType.RATIO_BANDS:
            figure = _figure_text(p.get("figure"), names)
            return [f"{figure}：{_bands_text(p.get('bands'), '%')}（区间含端点，取最高档）"]
        if rule_type == RuleType.QUALIFYING_COUNT:
            limits = "，".join(
                f"{REGION_LABELS.get(k, k)}{num(v)}{p.get('unit', '')}" for k, v in (p.get("thresholds") or {}).items()
            )
            listing = LIST_LABELS.get(p.get("list"), str(p.get("list")))
            return [
                f"{listing}中年度销售额{_op(p.get('op'))}门槛的主体计数（{limits}）",
                f"主体数：{_bands_text(p.get('bands'))}",
            ]
        if rule_type == RuleType.CAPPED_COUNT:
            kinds = "、".join(OUTCOME_LABELS.get(k, str(k)) for k in p.get("kinds") or ())
            listing = LIST_LABELS.get(p.get("list"), str(p.get("list")))
            return [f"{listing}中每项{kinds}得{num(p.get('points_each'))}分，最多{num(p.get('cap'))}分"]
        if rule_type in (RuleType.THRESHOLD, RuleType.VS_BENCHMARK):
            lines = []
            for c in p.get("conditions") or ():
                figure = _figure_text(c.get("figure"), names)
                if rule_type == RuleType.THRESHOLD:
                    unit = "%" if (c.get("figure") or {}).get("kind") in ("growth", "ratio") else ""
                    lines.append(f"{figure}{_op(c.get('op'))}{num(c.get('bound'))}{unit}")
                else:
                    bench = names.get(c.get("benchmark"), str(c.get("benchmark")))
                    lines.append(f"{figure}{_op(c.get('op'))}{bench}")
            return [*lines, "以上条件全部满足得满分"] if lines else []
        if rule_type == RuleType.ANY_ONE:
            options = [f"情形{i}：{o}" for i, o in enumerate(p.get("options") or (), start=1)]
            return ["评审认定，符合下列任一情形得满分", *options]
        if rule_type in (RuleType.CHECKLIST, RuleType.EXPERT):
            return ["评审认定，在0分到满分之间打分"]
    except (AttributeError, TypeError, ValueError):
        pass
    return ["（无法解读这组参数，以原始参数为准）"]


def _metric_names() -> dict[str, str]:
    return dict(Metric.objects.values_list("key", "name"))


class RuleReadout:
    """``rule_text``: the rule in Chinese, for the change pages (beside ``params``)."""

    @admin.display(description="规则说明")
    def rule_text(self, obj) -> str:
        if obj is None or not obj.pk:
            return "—"
        names = getattr(self, "_names", None)
        if names is None:
            names = self._names = _metric_names()
        return format_html_join(
            "", "<div>{}</div>", ((line,) for line in rule_readout(obj.rule_type, obj.params, names))
        )


class FrozenWhenPublished:
    """Published systems (and their indicators and rules) are read-only in the admin."""

    def _system_of(self, obj):
        raise NotImplementedError

    def has_change_permission(self, request, obj=None):
        if obj is not None and self._system_of(obj).is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self._system_of(obj).is_published:
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and self._system_of(obj).is_published:
            self.message_user(request, PUBLISHED_IS_FROZEN, level=messages.INFO)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(IndicatorSystem)
class IndicatorSystemAdmin(FrozenWhenPublished, admin.ModelAdmin):
    list_display = ("code", "name", "version", "issuer", "scope", "status", "published_at")
    list_filter = ("status",)
    readonly_fields = ("status", "published_at", "based_on")
    actions = ["publish", "revise"]

    def _system_of(self, obj):
        return obj

    @admin.action(description="发布所选指标体系（发布后不可修改）")
    def publish(self, request, queryset):
        for system in queryset:
            try:
                indicator_system_publish(system=system)
            except ValidationError as exc:
                self.message_user(request, f"{system.code}：{'；'.join(exc.messages)}", level=messages.ERROR)
            else:
                self.message_user(request, f"{system.code} 已发布。")

    @admin.action(description="基于所选指标体系创建新版本（草稿）")
    def revise(self, request, queryset):
        stamp = timezone.localtime().strftime("%Y%m%d%H%M")
        for system in queryset:
            try:
                new = indicator_system_revise(
                    system=system, code=f"{system.code}-R{stamp}", version=f"{system.version}-修订"
                )
            except ValidationError as exc:
                self.message_user(request, f"{system.code}：{'；'.join(exc.messages)}", level=messages.ERROR)
            else:
                self.message_user(request, f"已创建草稿版本 {new.code}，可在其中修改。")


class ScoringItemInline(RuleReadout, admin.TabularInline):
    model = ScoringItem
    extra = 0
    fields = ("code", "label", "points", "rule_type", "params", "rule_text", "position")
    readonly_fields = ("rule_text",)


@admin.register(Indicator)
class IndicatorAdmin(FrozenWhenPublished, admin.ModelAdmin):
    list_display = ("code", "name", "level", "max_points", "nature", "system")
    list_filter = ("system", "level", "nature")
    search_fields = ("code", "name", "criteria")
    inlines = [ScoringItemInline]

    def _system_of(self, obj):
        return obj.system


@admin.register(ScoringItem)
class ScoringItemAdmin(RuleReadout, FrozenWhenPublished, admin.ModelAdmin):
    list_display = ("code", "label", "points", "rule_type", "indicator")
    readonly_fields = ("rule_text",)
    list_filter = ("indicator__system", "rule_type")
    search_fields = ("code", "label")

    def _system_of(self, obj):
        return obj.indicator.system


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    # A person reads a metric by its name; the key (for imports and the API) stands beside it.
    list_display = ("name", "unit", "period", "kind", "value_type", "supports_growth", "key")
    list_display_links = ("name",)
    list_filter = ("kind", "value_type")
    ordering = ("name", "key")
    search_fields = ("key", "name")


@admin.register(Benchmark)
class BenchmarkAdmin(admin.ModelAdmin):
    list_display = ("metric", "year", "region", "value", "source")
    list_filter = ("year", "region", "metric")
