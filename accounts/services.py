"""Writes for accounts: login records, new accounts and role grants — each audited
(audit.services.audit_record) in the same transaction as the change.

Every function is keyword-only; a function that touches several rows is atomic.
Bad input raises ``ValidationError`` with Chinese messages (a dict keyed by form
field where one applies) and changes nothing.
"""

from __future__ import annotations

import re

from axes.helpers import get_client_ip_address
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from zones.models import Membership, Region, Unit, Zone

from .models import LoginEvent

User = get_user_model()
Role = Membership.Role

# The roles a zone's office may grant and revoke in its own zone.
ZONE_OFFICE_ROLES = frozenset({Role.OFFICE, Role.LIAISON})
# 三员分立: each held by a different person, who holds no business role.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

_PHONE = re.compile(r"^[0-9+\-() ]*$")


# Login records ---------------------------------------------------------------


def login_event_record(*, kind: str, request: HttpRequest | None, username: str = "", user=None) -> LoginEvent:
    """Store one login event (called by the signal receivers in accounts/signals.py)."""
    ip_address = None
    user_agent = ""
    if request is not None:
        ip_address = get_client_ip_address(request) or None
        user_agent = request.META.get("HTTP_USER_AGENT", "")[: LoginEvent.USER_AGENT_MAX]
    if user is not None and not username:
        username = user.get_username()
    event = LoginEvent.objects.create(
        user=user,
        username=(username or "")[:150],
        kind=kind,
        ip_address=ip_address,
        user_agent=user_agent,
    )
    # The same event in the tamper-evident business log (the login log stays the readable list).
    audit_record(
        action=_LOGIN_ACTIONS[kind],
        actor=user if kind in (LoginEvent.Kind.SUCCESS, LoginEvent.Kind.LOGOUT) else None,
        target_type="accounts.user",
        target_id=user.pk if user is not None else "",
        target_label=event.username,
        ip=ip_address or "",
    )
    return event


_LOGIN_ACTIONS = {
    LoginEvent.Kind.SUCCESS: AuditAction.LOGIN,
    LoginEvent.Kind.FAILURE: AuditAction.LOGIN_FAILED,
    LoginEvent.Kind.LOGOUT: AuditAction.LOGOUT,
    LoginEvent.Kind.LOCKED: AuditAction.LOCKED,
}


# Accounts ----------------------------------------------------------------------


def user_create(*, username: str, full_name: str, phone: str = "", email: str = "", password: str):
    """A new active account. The password must pass AUTH_PASSWORD_VALIDATORS."""
    username, full_name, phone, email = username.strip(), full_name.strip(), phone.strip(), email.strip()
    errors: dict[str, list[str]] = {}

    if not username:
        errors.setdefault("username", []).append(_("请填写用户名。"))
    else:
        try:
            User.username_validator(username)
        except ValidationError as exc:
            errors.setdefault("username", []).extend(exc.messages)
        if len(username) > 150:
            errors.setdefault("username", []).append(_("用户名不能超过 150 个字符。"))
        elif User.objects.filter(username__iexact=username).exists():
            errors.setdefault("username", []).append(_("用户名“%(username)s”已被使用。") % {"username": username})
    if not full_name:
        errors.setdefault("full_name", []).append(_("请填写姓名。"))
    elif len(full_name) > 60:
        errors.setdefault("full_name", []).append(_("姓名不能超过 60 个字符。"))
    if len(phone) > 30 or not _PHONE.match(phone):
        errors.setdefault("phone", []).append(_("联系电话只能包含数字、空格和 + - ( )，且不超过 30 个字符。"))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("email", []).append(_("请输入有效的电子邮箱地址。"))

    user = User(username=username, full_name=full_name, phone=phone, email=email, is_active=True)
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)

    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    return user


# Accounts changed by an administrator ---------------------------------------------

# What an account change in the admin records (the password never: only that it changed).
_AUDITED_USER_FIELDS = ("username", "full_name", "first_name", "last_name", "email", "phone", "is_active")


def user_is_privileged(user) -> bool:
    """系统管理员, 安全管理员, 审计管理员 or a superuser: accounts nobody else may take over."""
    return bool(user.is_superuser or Membership.objects.filter(user=user, role__in=ADMIN_ROLES).exists())


def user_admin_may_manage(*, actor, user) -> bool:
    """Whether ``actor`` may change ``user``'s account (password, active flag, e-mail, 2FA …):
    their own, or any account that is not privileged. A privileged account is never another
    administrator's to change — otherwise the system admin could reset the security admin's
    password, sign in as them and grant himself any role."""
    return user.pk is None or user.pk == actor.pk or not user_is_privileged(user)


def _manage_check(*, actor, user) -> None:
    if not user_admin_may_manage(actor=actor, user=user):
        raise PermissionDenied(
            _("不能修改其他特权账号（系统管理员、安全管理员、审计管理员或超级用户）的密码、启用状态、邮箱或双因素认证。")
        )


@transaction.atomic
def user_admin_save(*, user, by) -> None:
    """Save an account the admin created or changed, audited: a new account (whose password an
    administrator chose: the user must change it at first sign-in), activation, deactivation,
    and every other field that changed, with its values before and after."""
    _manage_check(actor=by, user=user)
    if user.pk is None:
        user.password_change_required = True
        user.save()
        audit_record(
            action=AuditAction.USER_CREATED,
            actor=by,
            target=user,
            target_label=user.get_username(),
            after={f: getattr(user, f) for f in _AUDITED_USER_FIELDS},
        )
        return
    stored = User.objects.select_for_update().get(pk=user.pk)
    before = {f: getattr(stored, f) for f in _AUDITED_USER_FIELDS if getattr(stored, f) != getattr(user, f)}
    user.save()
    if "is_active" in before:
        audit_record(
            action=AuditAction.USER_ACTIVATED if user.is_active else AuditAction.USER_DEACTIVATED,
            actor=by,
            target=user,
            target_label=user.get_username(),
            before={"is_active": stored.is_active},
            after={"is_active": user.is_active},
        )
        del before["is_active"]
    if before:
        audit_record(
            action=AuditAction.USER_CHANGED,
            actor=by,
            target=user,
            target_label=user.get_username(),
            before=before,
            after={f: getattr(user, f) for f in before},
        )


@transaction.atomic
def user_password_reset(*, user, password: str, by) -> None:
    """An administrator sets someone's password: never another privileged account's; the user
    must change it at the next sign-in; audited (the password itself is not recorded)."""
    _manage_check(actor=by, user=user)
    validate_password(password, user=user)
    user.set_password(password)
    user.password_change_required = user.pk != by.pk
    user.save(update_fields=["password", "password_change_required"])
    audit_record(
        action=AuditAction.PASSWORD_RESET,
        actor=by,
        target=user,
        target_label=user.get_username(),
        after={"password_change_required": user.password_change_required},
    )


@transaction.atomic
def user_password_change(*, user, password: str) -> None:
    """The user changes their own password (the old one was checked by the form)."""
    validate_password(password, user=user)
    user.set_password(password)
    user.password_change_required = False
    user.save(update_fields=["password", "password_change_required"])
    audit_record(action=AuditAction.PASSWORD_CHANGED, actor=user, target=user, target_label=user.get_username())


# Grants -------------------------------------------------------------------------


def _role_label(role: str) -> str:
    return str(Role(role).label)


def _scope_label(membership: Membership) -> str:
    scope = membership.unit or membership.zone or membership.province
    return f"{_role_label(membership.role)}（{scope}）" if scope else _role_label(membership.role)


def _membership_audit(*, action: str, membership: Membership, actor) -> None:
    facts = {"role": membership.role, "scope": _scope_label(membership)}
    audit_record(
        action=action,
        actor=actor,
        target=membership.user,
        target_label=membership.user.get_username(),
        zone=membership.zone,
        before=facts if action == AuditAction.ROLE_REVOKED else None,
        after=facts if action == AuditAction.ROLE_GRANTED else None,
    )


@transaction.atomic
def membership_grant(
    *,
    user,
    role: str,
    granted_by,
    zone: Zone | None = None,
    unit: Unit | None = None,
    province: Region | None = None,
) -> Membership:
    """Give ``user`` a role. Only the scope the role needs is kept:
    office → zone; evaluator → a zone, or a province (its pool of evaluators, from which its
    reviewers assign them to rounds); liaison → unit (and its zone); provincial reviewer →
    province; the three administrators → nothing."""
    if role not in Role.values:
        raise ValidationError({"role": [_("请选择有效的角色。")]})
    if user.pk == granted_by.pk:
        raise ValidationError(_("不能给自己授权。"))

    if role == Role.EVALUATOR and zone is None and province is not None:
        if province.level != Region.Level.PROVINCE:
            raise ValidationError({"province": [_("评审专家库须选择省份。")]})
        unit = None
    elif role in (Role.OFFICE, Role.EVALUATOR):
        if zone is None:
            pool = _("评审专家须选择创建对象，或选择省份加入该省评审专家库。")
            raise ValidationError({"zone": [_("请选择创建对象。") if role == Role.OFFICE else pool]})
        unit = province = None
    elif role == Role.LIAISON:
        if unit is None:
            raise ValidationError({"unit": [_("责任单位联络员须选择责任单位。")]})
        if zone is not None and unit.zone_id != zone.pk:
            raise ValidationError({"unit": [_("所选责任单位不属于该创建对象。")]})
        zone, province = unit.zone, None
    elif role == Role.PROVINCIAL_REVIEWER:
        if province is None or province.level != Region.Level.PROVINCE:
            raise ValidationError({"province": [_("省级评审人员须选择省份。")]})
        zone = unit = None
    else:
        zone = unit = province = None

    held = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    clash = (held - {role}) if role in ADMIN_ROLES else (held & ADMIN_ROLES)
    if clash:
        raise ValidationError(
            _("三员分立：系统管理员、安全管理员和审计管理员须由不同人员担任，且不兼任业务角色；该用户已担任“%(roles)s”。")
            % {"roles": "、".join(sorted(_role_label(r) for r in clash))}
        )
    if Membership.objects.filter(user=user, role=role, zone=zone, unit=unit, province=province).exists():
        raise ValidationError(_("该用户已拥有此授权。"))
    membership = Membership.objects.create(user=user, role=role, zone=zone, unit=unit, province=province)
    _membership_audit(action=AuditAction.ROLE_GRANTED, membership=membership, actor=granted_by)
    return membership


def _grantee(*, username: str):
    user = User.objects.filter(username=username.strip()).first()
    if user is None:
        raise ValidationError({"username": [_("用户名“%(username)s”不存在。") % {"username": username.strip()}]})
    if not user.is_active:
        raise ValidationError({"username": [_("该账号已停用，不能授权。")]})
    return user


@transaction.atomic
def membership_grant_by_username(
    *,
    username: str,
    role: str,
    granted_by,
    zone: Zone | None = None,
    unit: Unit | None = None,
    province: Region | None = None,
) -> Membership:
    """The security admin's grant: any role, to an existing active account."""
    user = _grantee(username=username)
    return membership_grant(user=user, role=role, zone=zone, unit=unit, province=province, granted_by=granted_by)


@transaction.atomic
def membership_revoke(*, membership: Membership, revoked_by) -> None:
    if membership.user_id == revoked_by.pk:
        raise ValidationError(_("不能撤销自己的授权。"))
    _membership_audit(action=AuditAction.ROLE_REVOKED, membership=membership, actor=revoked_by)
    membership.delete()


# The zone office's user pages -------------------------------------------------


def _check_office_role(role: str) -> None:
    if role not in ZONE_OFFICE_ROLES:
        raise ValidationError({"role": [_("只能授予办公室工作人员或责任单位联络员角色。")]})


@transaction.atomic
def zone_member_create(
    *,
    zone: Zone,
    role: str,
    unit: Unit | None,
    username: str,
    full_name: str,
    phone: str = "",
    email: str = "",
    password: str,
    granted_by,
) -> Membership:
    """A new account with a role in ``zone`` (office, or liaison of one of its units)."""
    _check_office_role(role)
    if role == Role.LIAISON and unit is None:
        raise ValidationError({"unit": [_("责任单位联络员须选择责任单位。")]})
    user = user_create(username=username, full_name=full_name, phone=phone, email=email, password=password)
    audit_record(
        action=AuditAction.USER_CREATED,
        actor=granted_by,
        target=user,
        target_label=user.get_username(),
        zone=zone,
        after={"username": user.get_username(), "full_name": user.full_name, "email": user.email, "phone": user.phone},
    )
    return membership_grant(user=user, role=role, zone=zone, unit=unit, granted_by=granted_by)


@transaction.atomic
def zone_member_grant(*, zone: Zone, username: str, role: str, unit: Unit | None, granted_by) -> Membership:
    """Give an existing account a role in ``zone``.

    The office may not learn about accounts beyond its zone: a name that does not exist, an
    account that is disabled, and one that holds a system role (三员分立) get the same answer."""
    _check_office_role(role)
    user = User.objects.filter(username=username.strip(), is_active=True).first()
    if user is None or user.is_superuser or Membership.objects.filter(user=user, role__in=ADMIN_ROLES).exists():
        raise ValidationError(
            {
                "username": [
                    _("不能为“%(username)s”授权：该账号不存在、已停用，或不能担任业务角色。")
                    % {"username": username.strip()}
                ]
            }
        )
    return membership_grant(user=user, role=role, zone=zone, unit=unit, granted_by=granted_by)


@transaction.atomic
def zone_member_revoke(*, zone: Zone, membership: Membership, revoked_by) -> None:
    """Revoke an office or liaison membership of ``zone`` (evaluators are not the office's to manage)."""
    if membership.zone_id != zone.pk:
        raise ValidationError(_("该授权不属于此创建对象。"))
    if membership.role not in ZONE_OFFICE_ROLES:
        raise ValidationError(_("办公室只能撤销办公室工作人员和责任单位联络员的授权。"))
    membership_revoke(membership=membership, revoked_by=revoked_by)
