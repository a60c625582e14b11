from django.contrib import admin

from .models import Membership, Region, Unit, Zone


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
    list_display = ("name", "region", "tier", "system", "region_category", "reference_year_1", "reference_year_2")
    list_filter = ("tier", "region_category")
    search_fields = ("name",)
    inlines = [UnitInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "zone", "unit", "province")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name")
