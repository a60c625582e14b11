"""What a signed-in user must do before anything else (accounts.services):

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


class AccountGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "password_change_required", False):
            target = reverse("accounts:password-change")
            if not self._open(request.path, target):
                if request.path.startswith("/api/"):
                    return JsonResponse({"message": _("请先修改管理员为您设置的密码。"), "extra": {}}, status=403)
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _open(path: str, target: str) -> bool:
        return path in (target, reverse("logout")) or path.startswith(settings.STATIC_URL)
