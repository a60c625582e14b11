"""Receivers that write the login log (accounts.LoginEvent).

Connected in AccountsConfig.ready(). They stay thin: one service call each.
"""

from __future__ import annotations

from axes.signals import user_locked_out
from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django_otp import user_has_device

from .models import LoginEvent
from .services import login_event_record

Kind = LoginEvent.Kind


def _username_from(credentials: dict | None) -> str:
    field = get_user_model().USERNAME_FIELD
    return str((credentials or {}).get(field) or "")


def _user_named(username: str):
    if not username:
        return None
    return get_user_model().objects.filter(username=username).first()


@receiver(user_logged_in, dispatch_uid="accounts.login_event.success")
def record_login(sender, request, user, **kwargs) -> None:
    login_event_record(kind=Kind.SUCCESS, request=request, user=user)
    # The sign-in is complete without a second factor: clear the failed attempts. With one, the
    # code does it (accounts/two_factor.py), so wrong codes keep counting toward the lockout.
    if not user_has_device(user, confirmed=True):
        axes_reset(username=user.get_username())


@receiver(user_login_failed, dispatch_uid="accounts.login_event.failure")
def record_login_failure(sender, credentials, request=None, **kwargs) -> None:
    username = _username_from(credentials)
    login_event_record(kind=Kind.FAILURE, request=request, username=username, user=_user_named(username))


@receiver(user_logged_out, dispatch_uid="accounts.login_event.logout")
def record_logout(sender, request, user, **kwargs) -> None:
    if user is not None:  # logging out when not logged in is no event
        login_event_record(kind=Kind.LOGOUT, request=request, user=user)


@receiver(user_locked_out, dispatch_uid="accounts.login_event.locked")
def record_lockout(sender, request, username, **kwargs) -> None:
    username = username or ""
    login_event_record(kind=Kind.LOCKED, request=request, username=username, user=_user_named(username))
