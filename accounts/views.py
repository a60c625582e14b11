"""Thin views: check access in zones.access, call one selector or service, render.

The zone office's user pages (users/zones/<id>/…), the security admin's grants
(users/grants/), the audit admin's login log (users/login-events/), and the
lockout page django-axes shows (AXES_LOCKOUT_CALLABLE).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from audit import display as audit_display
from audit import selectors as audit_selectors
from audit.export import audit_workbook
from audit.models import AuditAction
from audit.services import audit_record
from common.http import attachment_disposition
from common.pagination import page_of
from common.redirects import redirect_next
from zones.access import (
    ZoneAction,
    user_is_audit_admin,
    user_is_security_admin,
    zone_get_for_user,
    zones_where,
)
from zones.models import Membership, Unit, Zone

from . import selectors, services
from .forms import (
    AuditEventFilterForm,
    GrantForm,
    LoginEventFilterForm,
    MembershipFilterForm,
    ZoneMemberCreateForm,
    ZoneMemberGrantForm,
)

PAGE_SIZE = 50
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The login page with the lockout message, HTTP 429 (django-axes' AXES_LOCKOUT_CALLABLE)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"form": form, "next": request.POST.get("next", ""), "lockout_minutes": minutes}
    return render(request, "registration/login.html", context, status=429)


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """The user's own new password (required after an administrator set one)."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_password_change(user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("密码已修改。"))
        return redirect_next(request, settings.LOGIN_REDIRECT_URL)
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-control")
    context = {"form": form, "next": request.GET.get("next") or request.POST.get("next", "")}
    return render(request, "accounts/password_change.html", context, status=400 if form.errors else 200)


# The zone office's pages ------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The zones whose users the current user manages; straight to the zone when there is one."""
    zones = list(zones_where(request.user, ZoneAction.MANAGE_USERS).select_related("region").order_by("name"))
    if not zones:
        raise PermissionDenied(_("没有权限管理用户。"))
    if len(zones) == 1:
        return redirect("accounts:zone-members", zone_id=zones[0].pk)
    return render(request, "accounts/index.html", {"zones": zones})


@login_required
def zone_members(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.MANAGE_USERS)
    listing = page_of(request, selectors.zone_membership_list(zone=zone), per_page=PAGE_SIZE)
    context = {
        "zone": zone,
        "memberships": listing.rows,
        "listing": listing,
        "revocable_roles": sorted(services.ZONE_OFFICE_ROLES),
    }
    return render(request, "accounts/zone_members.html", context)


def _unit_in_zone_or_404(zone: Zone, unit_id: int | None) -> Unit | None:
    """A unit id of another zone (or none at all) is a 404, never a hint that it exists."""
    if unit_id is None:
        return None
    return get_object_or_404(Unit, pk=unit_id, zone=zone)


def _render_add(request: HttpRequest, zone: Zone, *, create_form=None, grant_form=None, status=200) -> HttpResponse:
    context = {
        "zone": zone,
        "units": selectors.zone_unit_list(zone=zone),
        "create_form": create_form or ZoneMemberCreateForm(),
        "grant_form": grant_form or ZoneMemberGrantForm(),
    }
    return render(request, "accounts/zone_member_add.html", context, status=status)


@login_required
def zone_member_add(request: HttpRequest, zone_id: int) -> HttpResponse:
    """GET: the two forms (new account / existing account). POST: create a new account."""
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.MANAGE_USERS)
    if request.method != "POST":
        return _render_add(request, zone)
    form = ZoneMemberCreateForm(request.POST)
    valid = form.is_valid()
    unit = _unit_in_zone_or_404(zone, form.cleaned_data.get("unit"))
    if valid:
        data = form.cleaned_data
        try:
            membership = services.zone_member_create(
                zone=zone,
                role=data["role"],
                unit=unit,
                username=data["username"],
                full_name=data["full_name"],
                phone=data["phone"],
                email=data["email"],
                password=data["password"],
                granted_by=request.user,
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request, _("已创建账号“%(username)s”并授予角色。") % {"username": membership.user.username}
            )
            return redirect("accounts:zone-members", zone_id=zone.pk)
    return _render_add(request, zone, create_form=form, status=400)


@login_required
@require_POST
def zone_member_grant(request: HttpRequest, zone_id: int) -> HttpResponse:
    """Give an existing account a role in this zone."""
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.MANAGE_USERS)
    form = ZoneMemberGrantForm(request.POST)
    valid = form.is_valid()
    unit = _unit_in_zone_or_404(zone, form.cleaned_data.get("unit"))
    if valid:
        data = form.cleaned_data
        try:
            membership = services.zone_member_grant(
                zone=zone, username=data["username"], role=data["role"], unit=unit, granted_by=request.user
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已为“%(username)s”授予角色。") % {"username": membership.user.username})
            return redirect("accounts:zone-members", zone_id=zone.pk)
    return _render_add(request, zone, grant_form=form, status=400)


@login_required
@require_POST
def zone_member_revoke(request: HttpRequest, zone_id: int, membership_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.MANAGE_USERS)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_id, zone=zone)
    try:
        services.zone_member_revoke(zone=zone, membership=membership, revoked_by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已撤销“%(username)s”的授权。") % {"username": membership.user.username})
    return redirect("accounts:zone-members", zone_id=zone.pk)


# The security admin's grants --------------------------------------------------


def _require_security_admin(request: HttpRequest) -> None:
    if not user_is_security_admin(request.user):
        raise PermissionDenied(_("仅安全管理员可以管理授权。"))


@login_required
def grants(request: HttpRequest) -> HttpResponse:
    """Every membership, filterable, paginated; POST grants a role."""
    _require_security_admin(request)
    zones, units, provinces = selectors.grant_scope_choices()
    grant_form = GrantForm(request.POST or None, zones=zones, units=units, provinces=provinces)
    status = 200
    if request.method == "POST":
        if grant_form.is_valid():
            data = grant_form.cleaned_data
            try:
                membership = services.membership_grant_by_username(
                    username=data["username"],
                    role=data["role"],
                    zone=data["zone"],
                    unit=data["unit"],
                    province=data["province"],
                    granted_by=request.user,
                )
            except ValidationError as exc:
                grant_form.add_service_error(exc)
            else:
                messages.success(
                    request,
                    _("已为“%(username)s”授予“%(role)s”。")
                    % {"username": membership.user.username, "role": membership.get_role_display()},
                )
                return redirect("accounts:grants")
        status = 400
    filter_form = MembershipFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_bound and filter_form.is_valid() else {}
    memberships = selectors.membership_list(username=filters.get("username", ""), role=filters.get("role", ""))
    listing = page_of(request, memberships, per_page=PAGE_SIZE)
    context = {"grant_form": grant_form, "filter_form": filter_form, "page": listing.page, "listing": listing}
    return render(request, "accounts/grants.html", context, status=status)


@login_required
@require_POST
def grant_revoke(request: HttpRequest, membership_id: int) -> HttpResponse:
    _require_security_admin(request)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_id)
    try:
        services.membership_revoke(membership=membership, revoked_by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("已撤销“%(username)s”的“%(role)s”授权。")
            % {"username": membership.user.username, "role": membership.get_role_display()},
        )
    return redirect("accounts:grants")


# The audit admin's login log --------------------------------------------------


@login_required
@require_safe
def login_events(request: HttpRequest) -> HttpResponse:
    if not user_is_audit_admin(request.user):
        raise PermissionDenied(_("仅审计管理员可以查看登录日志。"))
    form = LoginEventFilterForm(request.GET or None)
    events = selectors.login_event_list(**form.filters())
    listing = page_of(request, events, per_page=PAGE_SIZE)
    context = {"form": form, "page": listing.page, "listing": listing}
    return render(request, "accounts/login_events.html", context)


@login_required
@require_safe
def audit_events(request: HttpRequest) -> HttpResponse:
    """The business audit log (审计日志): the audit admin's, read only; filters, and an .xlsx export
    of what the filters select (the export is itself audited)."""
    if not user_is_audit_admin(request.user):
        raise PermissionDenied(_("仅审计管理员可以查看审计日志。"))
    form = AuditEventFilterForm(request.GET or None)
    filters = form.filters()
    events = audit_selectors.audit_event_list(**filters)
    if request.GET.get("export") == "xlsx":
        audit_record(action=AuditAction.AUDIT_EXPORTED, actor=request.user, target_type="audit.auditevent",
                     after={key: str(value) for key, value in filters.items()})  # fmt: skip
        today = timezone.localdate()
        response = HttpResponse(audit_workbook(events.iterator(chunk_size=2000)), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = attachment_disposition(
            f"审计日志-{today:%Y%m%d}.xlsx", fallback=f"audit-log-{today:%Y%m%d}.xlsx"
        )
        return response
    listing = page_of(request, events, per_page=PAGE_SIZE)
    rows = audit_display.event_views(listing.page)
    context = {"form": form, "page": listing.page, "listing": listing, "rows": rows}
    return render(request, "accounts/audit_events.html", context)
