"""Where a form goes back to after it is done: its ``next`` field, when that is safe."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, target: str | None) -> str | None:
    """``target`` when it is a path on this site ("/tasks/mine/?card=3"), else None.

    Only an absolute path is taken: ``url_has_allowed_host_and_scheme`` accepts a bare word
    ("abc"), which ``redirect()`` would then try to look up as a view name and fail with a 500
    after the change had been saved.
    """
    target = (target or "").strip()
    if not target.startswith("/") or target.startswith("//"):
        return None
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else None


def redirect_next(request: HttpRequest, default: str, *args, **kwargs) -> HttpResponseRedirect:
    """A redirect to the request's safe ``next`` (POST, then GET), else to ``default`` (a URL or a
    view name with ``args``/``kwargs``)."""
    target = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    return HttpResponseRedirect(target or resolve_url(default, *args, **kwargs))
