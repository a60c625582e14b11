"""Two-factor pages: set up an authenticator (QR code, then the ten recovery codes, shown once),
enter a code at sign-in, and the user's own overview. The rules live in accounts/two_factor.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.redirects import safe_next

from . import two_factor
from .views import lockout_response


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    return safe_next(request, target) or resolve_url(settings.LOGIN_REDIRECT_URL)


def _locked_out(request: HttpRequest) -> HttpResponse:
    """Five failures, password or code: the session ends and the lockout page says why."""
    username = request.user.get_username()
    logout(request)
    return lockout_response(request, credentials={"username": username})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    device = two_factor.totp_device_pending(user=request.user)
    error = ""
    if request.method == "POST":
        codes = two_factor.two_factor_confirm(request=request, device=device, token=request.POST.get("token", ""))
        if codes is not None:
            context = {"codes": codes, "next": _next(request)}
            return render(request, "accounts/two_factor_codes.html", context)
        if two_factor.two_factor_locked(request=request):
            return _locked_out(request)
        error = _("验证码不正确，请确认手机时间准确后，输入身份验证器上当前显示的 6 位数字。")
    context = {
        "qr_svg": two_factor.totp_qr_svg(device),
        "secret": two_factor.totp_secret_text(device),
        "error": error,
        "next": request.GET.get("next") or request.POST.get("next", ""),
        "required": two_factor.two_factor_required(request.user),
    }
    return render(request, "accounts/two_factor_setup.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect(_next(request))
    error = ""
    if request.method == "POST":
        if two_factor.two_factor_verify(request=request, token=request.POST.get("token", "")):
            return redirect(_next(request))
        if two_factor.two_factor_locked(request=request):
            return _locked_out(request)
        error = _("验证码不正确或已使用，请重新输入。")
    context = {"error": error, "next": request.GET.get("next") or request.POST.get("next", "")}
    return render(request, "accounts/two_factor_verify.html", context, status=400 if error else 200)


@login_required
def two_factor_home(request: HttpRequest) -> HttpResponse:
    """安全设置: whether 2FA is on, required, and the way to set it up (or set it up again)."""
    context = {
        "enabled": two_factor.two_factor_enabled(request.user),
        "required": two_factor.two_factor_required(request.user),
    }
    if request.GET.get("done"):
        messages.success(request, _("双因素认证已启用。"))
    return render(request, "accounts/two_factor_home.html", context)
