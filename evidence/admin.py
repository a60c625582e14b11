from django.contrib import admin

from zones.access import ZoneAction
from zones.admin_mixins import ZoneScopedAdmin

from .data_services import data_admin_delete, data_admin_save
from .models import DataValue, OperatorEntry, OutcomeEntry
from .models_files import Evidence, EvidenceEvent, EvidenceFile


class DataHistoryAdmin(ZoneScopedAdmin):
    """Figures and list entries edited in the admin keep their history and trigger rescoring, like the forms."""

    def save_model(self, request, obj, form, change):
        data_admin_save(obj=obj, user=request.user)

    def delete_model(self, request, obj):
        data_admin_delete(obj=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            data_admin_delete(obj=obj, user=request.user)


@admin.register(DataValue)
class DataValueAdmin(DataHistoryAdmin):
    list_display = ("zone", "metric", "year", "value", "published_growth", "source", "updated_by", "updated_at")
    list_filter = ("year", "metric")
    search_fields = ("metric__name", "metric__key")
    readonly_fields = ("updated_by", "updated_at")


@admin.register(OperatorEntry)
class OperatorEntryAdmin(DataHistoryAdmin):
    list_display = ("zone", "name", "credit_code", "year", "annual_sales")
    list_filter = ("year",)
    search_fields = ("name", "credit_code")


@admin.register(OutcomeEntry)
class OutcomeEntryAdmin(DataHistoryAdmin):
    list_display = ("zone", "title", "kind", "issued_on")
    list_filter = ("kind",)


class _ReadOnlyInline(admin.TabularInline):
    """Shown inside an evidence the user may already see; files and events change only through the flow."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EvidenceFileInline(_ReadOnlyInline):
    model = EvidenceFile
    fields = (
        "version",
        "original_name",
        "size",
        "content_type",
        "sha256",
        "duplicate_of",
        "uploaded_by",
        "uploaded_at",
    )


class EvidenceEventInline(_ReadOnlyInline):
    model = EvidenceEvent
    fields = ("from_status", "to_status", "reason", "by", "at")


@admin.register(Evidence)
class EvidenceAdmin(ZoneScopedAdmin):
    """Read-only: uploads, versions and reviews go through the evidence pages (events, file checks)."""

    zone_action = ZoneAction.REVIEW_EVIDENCE
    list_display = ("title", "zone", "indicator", "unit", "status", "created_at", "reviewed_at")
    list_filter = ("status",)
    search_fields = ("title", "indicator__code", "unit__name")
    list_select_related = ("zone", "indicator", "unit")
    inlines = [EvidenceFileInline, EvidenceEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
