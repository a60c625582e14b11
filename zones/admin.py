from django.contrib import admin

from .access import ZoneAction
from .admin_mixins import ZoneScopedAdmin
from .models import (
    IndicatorResponsibility,
    KeyPark,
    LeadingGroupMember,
    Membership,
    Region,
    Stage,
    StageStep,
    Unit,
    UnmatchedUnitName,
    Zone,
    ZoneTransition,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "parent", "category")
    list_filter = ("level", "category")
    search_fields = ("name",)


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "region",
        "tier",
        "status",
        "system",
        "region_category",
        "reference_year_1",
        "reference_year_2",
    )
    list_filter = ("tier", "status", "region_category")
    search_fields = ("name",)
    # The status changes only through zone_transition (an event row each time).
    readonly_fields = ("status",)
    inlines = [UnitInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Read-only: roles are granted and revoked on the portal's pages (授权管理, 用户管理), whose
    services keep 三员分立 and write the audit log; the admin must not be a way round them."""

    list_display = ("user", "role", "zone", "unit", "province")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ManagedZoneAdmin(ZoneScopedAdmin):
    """Zone set-up data: the zone's office (and superusers) in the admin, like the pages."""

    zone_action = ZoneAction.MANAGE_ZONE
    list_select_related = ("zone",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Units offered in a form: only those of the zones the user manages.
        if db_field.related_model is Unit:
            kwargs["queryset"] = Unit.objects.filter(zone__in=self._zones(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ZoneTransition)
class ZoneTransitionAdmin(ManagedZoneAdmin):
    """Events are never edited: read-only."""

    list_display = ("zone", "from_status", "to_status", "is_back", "by", "at")
    list_filter = ("is_back", "to_status")
    list_select_related = ("zone", "by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(KeyPark)
class KeyParkAdmin(ManagedZoneAdmin):
    list_display = ("name", "zone")
    search_fields = ("name",)


class StageStepInline(admin.TabularInline):
    model = StageStep
    extra = 0


@admin.register(Stage)
class StageAdmin(ManagedZoneAdmin):
    list_display = ("name", "zone", "start", "end", "position")
    inlines = [StageStepInline]


@admin.register(LeadingGroupMember)
class LeadingGroupMemberAdmin(ManagedZoneAdmin):
    list_display = ("title", "role", "unit", "zone", "position")
    list_filter = ("role",)
    list_select_related = ("zone", "unit")


@admin.register(IndicatorResponsibility)
class IndicatorResponsibilityAdmin(ManagedZoneAdmin):
    list_display = ("indicator", "unit", "is_lead", "removed", "source", "zone")
    list_filter = ("is_lead", "source", "removed")
    list_select_related = ("zone", "indicator", "unit")


@admin.register(UnmatchedUnitName)
class UnmatchedUnitNameAdmin(ManagedZoneAdmin):
    list_display = ("raw_name", "indicator", "is_lead", "resolved_unit", "zone")
    list_select_related = ("zone", "indicator", "resolved_unit")
