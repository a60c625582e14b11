"""Admin pages for tasks, scoped to the zones where the user may manage tasks.

Status, progress and history change only through the services (the portal's
pages and API), so that every change leaves an event row: here they are read-only.
"""

from django.contrib import admin

from zones.access import ZoneAction
from zones.admin_mixins import ReadOnlyAdmin, ZoneScopedAdmin

from .models import Assignment, AssignmentEvent, ProgressReport, Task


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ("unit", "is_lead", "status", "progress", "due_date", "confirmed_by", "confirmed_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Task)
class TaskAdmin(ZoneScopedAdmin):
    zone_action = ZoneAction.MANAGE_TASKS
    list_display = ("number", "title", "zone", "category", "stage", "deadline", "priority")
    list_display_links = ("number", "title")
    list_filter = ("priority", "zone")
    search_fields = ("title", "description", "category")
    readonly_fields = ("created_by", "created_at", "updated_at")
    filter_horizontal = ("indicators",)
    inlines = [AssignmentInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "stage":
            from zones.models import Stage

            kwargs["queryset"] = Stage.objects.filter(zone__in=self._zones(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "indicators":  # level 3 of the systems the user's zones use
            from indicators.models import Indicator

            kwargs["queryset"] = Indicator.objects.filter(level=3, system__zones__in=self._zones(request)).distinct()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class _ReadOnlyZoneScoped(ReadOnlyAdmin, ZoneScopedAdmin):
    zone_action = ZoneAction.MANAGE_TASKS
    zone_field = "assignment__task__zone"

    def _zone_of(self, obj):
        return obj.assignment.task.zone_id


@admin.register(Assignment)
class AssignmentAdmin(_ReadOnlyZoneScoped):
    zone_field = "task__zone"
    list_display = ("task", "unit", "is_lead", "status", "progress", "due_date", "confirmed_at")
    list_filter = ("status", "is_lead")
    search_fields = ("task__title", "unit__name")
    list_select_related = ("task", "unit")

    def _zone_of(self, obj):
        return obj.task.zone_id


@admin.register(ProgressReport)
class ProgressReportAdmin(_ReadOnlyZoneScoped):
    list_display = ("assignment", "percent", "by", "at", "attachment_name")
    search_fields = ("assignment__task__title", "assignment__unit__name", "text")
    list_select_related = ("assignment__task", "assignment__unit", "by")


@admin.register(AssignmentEvent)
class AssignmentEventAdmin(_ReadOnlyZoneScoped):
    list_display = ("assignment", "kind", "from_status", "to_status", "percent", "by", "at")
    list_filter = ("kind",)
    search_fields = ("assignment__task__title", "assignment__unit__name", "reason")
    list_select_related = ("assignment__task", "assignment__unit", "by")
