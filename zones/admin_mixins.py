"""Admin pages for per-zone data ask zones.access, like every other view."""

from django.contrib import admin
from django.contrib.auth import get_user_model

from .access import ZoneAction, zones_where
from .models import Membership, Zone


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

    def _scoped(self, request, model):
        """What a form of this admin may offer from ``model``: zones the user may act on, their
        units, stages, evidence … (any model with a ``zone``), and the accounts holding a role in
        them. ``None`` for the catalogue (systems, indicators, metrics), which belongs to no zone."""
        zones = self._zones(request)
        if model is Zone:
            return zones
        if model is get_user_model():
            return model._default_manager.filter(
                pk__in=Membership.objects.filter(zone__in=zones).values("user_id")
            ).order_by("username")
        if any(field.name == "zone" and field.is_relation for field in model._meta.get_fields()):
            return model._default_manager.filter(zone__in=zones)
        return None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Every choice list shows only what the user may see: never another zone's units or names,
        # never every account of the platform.
        if db_field.name == self.zone_field:
            kwargs["queryset"] = self._zones(request)
        elif "queryset" not in kwargs and (scoped := self._scoped(request, db_field.related_model)) is not None:
            kwargs["queryset"] = scoped
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs and (scoped := self._scoped(request, db_field.related_model)) is not None:
            kwargs["queryset"] = scoped
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_filter(self, request):
        """A filter on a relation lists only the values of the rows the user sees (Django's own
        lists every zone, unit or user of the platform)."""
        filters = []
        for item in super().get_list_filter(request):
            if isinstance(item, str) and "__" not in item:
                field = self.model._meta.get_field(item)
                if field.is_relation:
                    item = (item, admin.RelatedOnlyFieldListFilter)
            filters.append(item)
        return filters

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


class ReadOnlyAdmin:
    """Rows the admin only lists and shows: they are written by services (events, grants,
    scores, reviewed evidence), so no add, change or delete here. Put it first among the bases."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
