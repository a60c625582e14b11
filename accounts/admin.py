from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm
from django.core.exceptions import PermissionDenied
from django.db.models import BigIntegerField, Case, OuterRef, Subquery, Value, When
from django.db.models.functions import Cast
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from audit import display as audit_display
from audit.models import AuditAction, AuditEvent
from audit.services import audit_record
from zones.access import user_is_audit_admin

from . import admin_i18n, services, two_factor
from .models import LoginEvent, User

admin_i18n.install()  # Chinese alt text on boolean icons; no links to admin pages the reader may not open


class PortalAdminPasswordForm(AdminPasswordChangeForm):
    """Set a password; the admin's "disable password-based authentication" is not offered."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields.pop("usable_password", None)
        self.fields["password1"].required = self.fields["password2"].required = True

    def clean(self):
        self.cleaned_data["set_usable_password"] = True
        return super().clean()


class PortalAdminUserCreationForm(AdminUserCreationForm):
    """A new account gets a password; "disable password-based authentication" is not offered."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("usable_password", None)
        self.fields["password1"].required = self.fields["password2"].required = True


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    """Accounts, for the system admin. Every save goes through accounts.services (audited);
    a privileged account (the three administrators, a superuser) is read only to everyone
    but its owner; accounts are deactivated, never deleted (their records outlive them)."""

    fieldsets = UserAdmin.fieldsets + (("联系信息", {"fields": ("full_name", "phone")}),)
    # A person is read by name; the login beside it.
    list_display = ("display_name", "username", "email", "is_staff", "is_active", "password_change_required")
    search_fields = ("username", "full_name", "email")
    change_password_form = PortalAdminPasswordForm
    add_form = PortalAdminUserCreationForm
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),)
    # Who may do what is the security admin's business (授权管理), not the account editor's:
    # without this, anyone allowed to edit users could make themselves a superuser.
    PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")

    @admin.display(description="姓名", ordering="full_name")
    def display_name(self, obj) -> str:
        return str(obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [f for f in self.PRIVILEGE_FIELDS if f not in fields]
        return fields + ["last_login", "date_joined"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not services.user_admin_may_manage(actor=request.user, user=obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.user_admin_save(user=obj, by=request.user)

    @admin.action(description="重置双因素认证（手机丢失时；用户下次登录时重新设置）", permissions=["change"])
    def reset_two_factor(self, request, queryset):
        done, refused = [], []
        for user in queryset:
            if not services.user_admin_may_manage(actor=request.user, user=user):
                refused.append(user.get_username())
                # Recorded like a refused password or account change (a 403 there).
                audit_record(
                    action=AuditAction.ACCESS_DENIED,
                    actor=request.user,
                    target=user,
                    target_label=user.get_username(),
                    after={"action": "reset_two_factor", "method": request.method, "path": request.path},
                )
            elif two_factor.two_factor_reset(user=user, by=request.user):
                done.append(user.get_username())
        if done:
            self.message_user(request, _("已重置双因素认证：%(names)s。") % {"names": "、".join(done)})
        if refused:
            self.message_user(
                request,
                _("不能重置其他特权账号的双因素认证：%(names)s。") % {"names": "、".join(refused)},
                messages.ERROR,
            )

    actions = ["reset_two_factor"]

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if user is not None and not services.user_admin_may_manage(actor=request.user, user=user):
            raise PermissionDenied
        if request.method == "POST" and user is not None and self.has_change_permission(request, user):
            form = self.change_password_form(user, request.POST)
            if form.is_valid():
                # Django's view would save the form itself: the service does it, audited.
                services.user_password_reset(user=user, password=form.cleaned_data["password1"], by=request.user)
                if user.pk == request.user.pk:
                    update_session_auth_hash(request, user)
                    messages.success(request, _("密码已修改。"))
                else:
                    messages.success(request, _("密码已重置；该用户下次登录时须修改密码。"))
                return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))
        return super().user_change_password(request, id, form_url)


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

    list_display = ("at_seconds", "actor_name", "action", "target_kind", "target_text", "zone_name", "ip")
    list_filter = ("action",)
    fields = ("at_seconds", "actor_name", "action", "target_kind", "target_text", "zone_name", "changes_table",
              "reason", "ip", "prev_hash", "hash")  # fmt: skip
    readonly_fields = fields
    search_fields = ("actor_username", "target_label", "target_id", "zone_name")
    date_hierarchy = "at"
    show_full_result_count = False  # no COUNT(*) over the whole log on every page

    def _is_auditor(self, request) -> bool:
        return request.user.is_active and request.user.is_staff and user_is_audit_admin(request.user)

    def get_queryset(self, request):
        # The actor's and the target user's display names in the same query (no query per row).
        names = User.objects.filter(pk=OuterRef("actor_id")).values("full_name")[:1]
        target_names = User.objects.filter(pk=Cast(OuterRef("target_id"), BigIntegerField())).values("full_name")[:1]
        return (
            super()
            .get_queryset(request)
            .annotate(
                actor_full_name=Subquery(names),
                target_full_name=Case(
                    When(target_type=User._meta.label_lower, target_id__regex=r"^[0-9]+$", then=Subquery(target_names)),
                    default=Value(""),
                ),
            )
        )

    @admin.display(description=_lazy("时间"), ordering="at")
    def at_seconds(self, obj) -> str:
        return date_format(timezone.localtime(obj.at), "Y-m-d H:i:s")

    @admin.display(description=_lazy("操作人"), ordering="actor_username")
    def actor_name(self, obj) -> str:
        return getattr(obj, "actor_full_name", "") or obj.actor_username or "—"

    @admin.display(description=_lazy("对象类型"))
    def target_kind(self, obj) -> str:
        return audit_display.target_type_label(obj.target_type) or "—"

    @admin.display(description=_lazy("对象"))
    def target_text(self, obj) -> str:
        return getattr(obj, "target_full_name", "") or audit_display.page_target(obj) or "—"

    @admin.display(description=_lazy("变更"))
    def changes_table(self, obj) -> str:
        return render_to_string("accounts/_audit_changes.html", {"changes": audit_display.change_rows(obj)})

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
