from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as admin_delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse

from zones.access import ZoneAction
from zones.admin_mixins import ZoneScopedAdmin

from .data.services import data_admin_delete, data_admin_lock_check, data_admin_save
from .models import DataValue, OperatorEntry, OutcomeEntry
from .models_files import Evidence, EvidenceEvent, EvidenceFile


class DataLockForm(forms.ModelForm):
    """Refuses, on the form, a change a submitted round has locked (the message names the round)."""

    def _post_clean(self):
        super()._post_clean()  # the instance now holds the edited values
        try:
            data_admin_lock_check(obj=self.instance)
        except ValidationError as error:
            self.add_error(None, error)


def _lock_problem(objs) -> str | None:
    for obj in objs:
        try:
            data_admin_lock_check(obj=obj)
        except ValidationError as error:
            return " ".join(error.messages)
    return None


@admin.action(permissions=["delete"], description=admin_delete_selected.short_description)
def delete_selected(modeladmin, request, queryset):
    """Django's bulk delete, refused whole (with the message) when a selected row is locked."""
    problem = _lock_problem(queryset)
    if problem:
        modeladmin.message_user(request, problem, messages.ERROR)
        return None
    return admin_delete_selected(modeladmin, request, queryset)


class DataHistoryAdmin(ZoneScopedAdmin):
    """Figures and list entries edited in the admin keep their history and trigger rescoring, like the forms.

    While a submitted round locks the zone's data, the form shows the lock message and
    deletes are refused with it (never an error page): the services refuse too."""

    form = DataLockForm
    actions = [delete_selected]  # replaces the site-wide action of the same name

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        problem = _lock_problem([obj]) if obj is not None else None
        if problem:
            self.message_user(request, problem, messages.ERROR)
            name = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change"
            return HttpResponseRedirect(reverse(name, args=[obj.pk]))
        return super().delete_view(request, object_id, extra_context)

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
