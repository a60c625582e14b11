from django.contrib import admin

from zones.admin_mixins import ZoneScopedAdmin

from .models import DataValue, OperatorEntry, OutcomeEntry


@admin.register(DataValue)
class DataValueAdmin(ZoneScopedAdmin):
    list_display = ("zone", "metric", "year", "value", "published_growth", "source", "updated_by", "updated_at")
    list_filter = ("year", "metric")
    search_fields = ("metric__name", "metric__key")
    readonly_fields = ("updated_by", "updated_at")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(OperatorEntry)
class OperatorEntryAdmin(ZoneScopedAdmin):
    list_display = ("zone", "name", "credit_code", "year", "annual_sales")
    list_filter = ("year",)
    search_fields = ("name", "credit_code")


@admin.register(OutcomeEntry)
class OutcomeEntryAdmin(ZoneScopedAdmin):
    list_display = ("zone", "title", "kind", "issued_on")
    list_filter = ("kind",)
