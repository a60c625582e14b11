from django import forms
from django.contrib import admin

from .access import ZoneAction
from .admin_mixins import ReadOnlyAdmin, ZoneScopedAdmin
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
    ZoneScopeChange,
    ZoneTransition,
)
from .services import ZONE_SCOPE_FIELDS, zone_create, zone_scope_change


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """Divisions. A division that a zone lies in, or that has divisions below it, keeps its
    place (上级, 层级): moving it would move its zones to another province's reviewers with no
    reason and no record. A zone moves through its own form (区划变更理由, ZoneAdmin)."""

    list_display = ("name", "level", "parent", "category")
    list_filter = ("level", "category")
    search_fields = ("name",)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and (obj.zones.exists() or obj.children.exists()):
            fields += ["parent", "level"]
        return fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and "parent" in self.get_readonly_fields(request, obj) and "name" in form.base_fields:
            form.base_fields[
                "name"
            ].help_text = "已有创建对象或下级区划：上级和层级不能修改（请在创建对象中变更其行政区划并填写理由）。"
        return form


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


class ZoneScopeChangeInline(admin.TabularInline):
    """The zone's region and tier changes, read only (events are never edited)."""

    model = ZoneScopeChange
    extra = 0
    can_delete = False
    fields = readonly_fields = ("field", "old_value", "new_value", "reason", "by", "at")

    def has_add_permission(self, request, obj=None):
        return False


class ZoneAdminForm(forms.ModelForm):
    scope_change_reason = forms.CharField(
        label="变更理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="修改名称、行政区划、示范区级别、评估指标体系、东中西部或参考年度时必填："
        "这将改变负责评审的省份或得分，并记入变更记录和审计日志。",
    )

    def clean(self):
        cleaned = super().clean()
        moved = self.instance.pk and set(ZONE_SCOPE_FIELDS) & set(self.changed_data)
        if moved and not (cleaned.get("scope_change_reason") or "").strip():
            self.add_error("scope_change_reason", "修改名称、行政区划、级别、指标体系、东中西部或参考年度须填写理由。")
        return cleaned


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
    form = ZoneAdminForm
    # The status changes only through zone_transition (an event row each time).
    readonly_fields = ("status",)
    inlines = [UnitInline, ZoneScopeChangeInline]

    def save_model(self, request, obj, form, change):
        # What decides the reviewers or the score through the service: a reason, an event on
        # the zone, an audit row (the admin view's transaction holds them with the rest of the save).
        if not change:
            created = zone_create(
                name=obj.name,
                region=obj.region,
                tier=obj.tier,
                system=obj.system,
                reference_years=(obj.reference_year_1, obj.reference_year_2) if obj.reference_year_1 else None,
                region_category=obj.region_category,
                creation_period=(obj.creation_start, obj.creation_end),
                user=request.user,
            )
            obj.pk, obj.status = created.pk, created.status
            return
        changed = set(ZONE_SCOPE_FIELDS) & set(form.changed_data)
        if changed:
            zone_scope_change(
                zone=obj,
                user=request.user,
                reason=form.cleaned_data["scope_change_reason"],
                **{field: form.cleaned_data[field] for field in changed},
            )
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read-only: roles are granted and revoked on the portal's pages (授权管理, 用户管理), whose
    services keep 三员分立 and write the audit log; the admin must not be a way round them."""

    list_display = ("user", "role", "zone", "unit", "province")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name")


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
class ZoneTransitionAdmin(ReadOnlyAdmin, ManagedZoneAdmin):
    """Events are never edited: read-only."""

    list_display = ("zone", "from_status", "to_status", "is_back", "by", "at")
    list_filter = ("is_back", "to_status")
    list_select_related = ("zone", "by")


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
