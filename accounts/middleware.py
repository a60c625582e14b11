"""What a signed-in user must do before anything else:

- enter a code from their authenticator, when they have one (accounts/two_factor.py);
- set one up, when their role requires it (the three admins, superusers, admin access);
- change a password an administrator chose (``password_change_required``).

Pages that do it, signing out and static files stay open; any other request is sent there
(an API request gets a 403 with the reason).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import two_factor

# The session knows the user has no authenticator (one is added only by the user's own set-up,
# which verifies the session). Whether one is *required* is worked out on every request, from
# the roles as they are now: a role granted while the user is signed in requires it at once.
_NO_DEVICE = "accounts_no_device"


class AccountGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        step = self._step(request, user) if user is not None and user.is_authenticated else None
        if step is not None:
            target, message = step
            if not self._open(request.path, target):
                if request.path.startswith("/api/"):
                    return JsonResponse({"message": message, "extra": {}}, status=403)
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _step(request, user) -> tuple[str, str] | None:
        if getattr(settings, "TWO_FACTOR_ENFORCED", True) and not user.is_verified():
            if not request.session.get(_NO_DEVICE):
                if two_factor.two_factor_enabled(user):
                    return reverse("accounts:two-factor-verify"), _("请先输入身份验证器上的验证码。")
                request.session[_NO_DEVICE] = True
            # One EXISTS query (none for admin access): the roles are read as they are now.
            if two_factor.two_factor_required(user):
                return reverse("accounts:two-factor-setup"), _("您的账号须启用双因素认证，请先完成设置。")
        if user.password_change_required:
            return reverse("accounts:password-change"), _("请先修改管理员为您设置的密码。")
        return None

    @staticmethod
    def _open(path: str, target: str) -> bool:
        return path in (target, reverse("logout")) or path.startswith(settings.STATIC_URL)
