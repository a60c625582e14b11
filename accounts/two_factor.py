"""Two-factor sign-in (双因素认证) with django-otp: a TOTP authenticator app and ten one-time
recovery codes (恢复码).

Who must use it: the system, security and audit admins, superusers and anyone with admin
access (``is_staff``); everyone when ``TWO_FACTOR_REQUIRED_FOR_ALL`` is set. Anyone else may
turn it on. Once a user has a confirmed device, every sign-in asks for a code
(accounts.middleware.AccountGateMiddleware). A wrong code counts as a failed login toward
django-axes' lockout (five failures, password or code, lock the account for 15 minutes).
The QR code is drawn here, as SVG (``qrcode``): no external service sees the secret.
"""

from __future__ import annotations

import secrets

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditAction
from audit.services import audit_record
from zones.access import user_holds_any_role

from .services import ADMIN_ROLES, _manage_check

RECOVERY_CODES = 10
TOTP_NAME = "身份验证器"
RECOVERY_NAME = "恢复码"


def two_factor_required(user) -> bool:
    if not getattr(settings, "TWO_FACTOR_ENFORCED", True):
        return False
    # The signed-in user's roles as this request read them (the navigation reads the same list).
    return bool(
        getattr(settings, "TWO_FACTOR_REQUIRED_FOR_ALL", False)
        or user.is_staff
        or user.is_superuser
        or user_holds_any_role(user, ADMIN_ROLES)
    )


def two_factor_enabled(user) -> bool:
    return user_has_device(user, confirmed=True)


# Enrolment ---------------------------------------------------------------------------


def totp_device_pending(*, user) -> TOTPDevice:
    """The unconfirmed authenticator being set up (a new secret the first time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code, drawn on the server."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _recovery_codes_new(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with a code from it: the device is kept, ten recovery codes are
    made (returned once, to be shown once), the session counts as verified. None if the code
    is wrong (which counts toward the lockout, as at sign-in)."""
    if not device.verify_token((token or "").strip()):
        two_factor_failed(request=request)
        return None
    user = request.user
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_new(user)
    otp_login(request, device)
    audit_record(action=AuditAction.OTP_ENABLED, actor=user, target=user, target_label=user.get_username())
    return codes


# Sign-in -----------------------------------------------------------------------------


def two_factor_verify(*, request: HttpRequest, token: str) -> bool:
    """Check a code from the authenticator or an unused recovery code (which is then spent).

    Success marks the session verified and clears the failed attempts; a failure is a failed
    login for django-axes (``two_factor_failed``)."""
    user = request.user
    token = "".join((token or "").split())
    with transaction.atomic():  # devices are locked while a code is checked (django-otp's throttling)
        device = next(
            (d for d in devices_for_user(user, confirmed=True, for_verify=True) if token and d.verify_token(token)),
            None,
        )
    if device is not None:
        otp_login(request, device)
        axes_reset(username=user.get_username())
        if isinstance(device, StaticDevice):
            left = StaticToken.objects.filter(device=device).count()
            audit_record(
                action=AuditAction.RECOVERY_CODE_USED,
                actor=user,
                target=user,
                target_label=user.get_username(),
                after={"remaining": left},
            )
        return True
    two_factor_failed(request=request)
    return False


def two_factor_failed(*, request: HttpRequest) -> None:
    """A wrong code: recorded (登录日志, audit) and counted by django-axes like a wrong password."""
    user = request.user
    audit_record(action=AuditAction.OTP_FAILED, actor=user, target=user, target_label=user.get_username())
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)


def two_factor_locked(*, request: HttpRequest) -> bool:
    return AxesProxyHandler.is_locked(request, credentials={"username": request.user.get_username()})


# Reset -------------------------------------------------------------------------------


@transaction.atomic
def two_factor_reset(*, user, by) -> bool:
    """An administrator removes someone's authenticator and recovery codes (a lost phone): never
    another privileged account's; audited. The user sets up a new one at the next sign-in."""
    _manage_check(actor=by, user=user)
    removed = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
    if removed:
        audit_record(action=AuditAction.OTP_RESET, actor=by, target=user, target_label=user.get_username())
    return bool(removed)
