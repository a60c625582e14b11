from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from audit.models import AuditEvent
from zones.access import user_is_audit_admin

from .models import LoginEvent, User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("联系信息", {"fields": ("full_name", "phone")}),)
    list_display = ("username", "full_name", "email", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email")
    # Who may do what is the security admin's business (授权管理), not the account editor's:
    # without this, anyone allowed to edit users could make themselves a superuser.
    PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [f for f in self.PRIVILEGE_FIELDS if f not in fields]
        return fields


@admin.register(LoginEvent)
class LoginEventAdmin(admin.ModelAdmin):
    """Read-only: the log is written by signal receivers and never edited (the audit admin
    reads it at users/login-events/)."""

    list_display = ("at", "username", "kind", "ip_address")
    list_filter = ("kind",)
    search_fields = ("username",)
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The business audit log, read only and for the audit admin only (三员分立): nobody adds,
    changes or deletes a row here (and on PostgreSQL a trigger refuses it anyway)."""

    list_display = ("at", "actor_username", "action", "target_type", "target_label", "zone_name", "ip")
    list_filter = ("action",)
    search_fields = ("actor_username", "target_label", "target_id", "zone_name")
    date_hierarchy = "at"
    show_full_result_count = False  # no COUNT(*) over the whole log on every page

    def _is_auditor(self, request) -> bool:
        return request.user.is_active and request.user.is_staff and user_is_audit_admin(request.user)

    def has_module_permission(self, request) -> bool:
        return self._is_auditor(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._is_auditor(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
