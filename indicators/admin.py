from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import Benchmark, Indicator, IndicatorSystem, Metric, ScoringItem
from .services import PUBLISHED_IS_FROZEN, indicator_system_publish, indicator_system_revise


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


class ScoringItemInline(admin.TabularInline):
    model = ScoringItem
    extra = 0
    fields = ("code", "label", "points", "rule_type", "params", "position")


@admin.register(Indicator)
class IndicatorAdmin(FrozenWhenPublished, admin.ModelAdmin):
    list_display = ("code", "name", "level", "max_points", "nature", "system")
    list_filter = ("system", "level", "nature")
    search_fields = ("code", "name", "criteria")
    inlines = [ScoringItemInline]

    def _system_of(self, obj):
        return obj.system


@admin.register(ScoringItem)
class ScoringItemAdmin(FrozenWhenPublished, admin.ModelAdmin):
    list_display = ("code", "label", "points", "rule_type", "indicator")
    list_filter = ("indicator__system", "rule_type")
    search_fields = ("code", "label")

    def _system_of(self, obj):
        return obj.indicator.system


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    # A person reads a metric by its name; the key (for imports and the API) stands beside it.
    list_display = ("name", "unit", "key", "period", "kind", "value_type", "supports_growth")
    list_filter = ("kind", "value_type")
    search_fields = ("key", "name")


@admin.register(Benchmark)
class BenchmarkAdmin(admin.ModelAdmin):
    list_display = ("metric", "year", "region", "value", "source")
    list_filter = ("year", "region", "metric")
