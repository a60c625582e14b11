"""Admin pages for per-zone data ask zones.access, like every other view."""

from django.contrib import admin

from .access import ZoneAction, zones_where


class ZoneScopedAdmin(admin.ModelAdmin):
    """Rows belonging to a zone: visible and editable only where the user may ``zone_action``."""

    zone_action = ZoneAction.EDIT_DATA
    zone_field = "zone"

    def _zones(self, request):
        cache = getattr(request, "_zone_admin_cache", {})
        if self.zone_action not in cache:
            cache[self.zone_action] = zones_where(request.user, self.zone_action)
            request._zone_admin_cache = cache
        return cache[self.zone_action]

    def _zone_of(self, obj):
        return getattr(obj, f"{self.zone_field}_id")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(**{f"{self.zone_field}__in": self._zones(request)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.zone_field:
            kwargs["queryset"] = self._zones(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _allowed(self, request, obj=None) -> bool:
        zones = self._zones(request)
        if obj is None:
            return zones.exists()
        return zones.filter(pk=self._zone_of(obj)).exists()

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and self._allowed(request, obj)

    has_add_permission = has_module_permission

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    has_delete_permission = has_change_permission
