"""Request context for the audit log, and the two things it records for every request:

- a refused request (HTTP 403, whichever app or the admin or the API refused it): ``access_denied``;
- a download (a response that carries a file: Content-Disposition attachment or inline):
  ``download``, naming the URL, its object and zone ids, and the file name.

Both are written after the view has answered, in their own transaction (nothing else to
roll back with them).
"""

from __future__ import annotations

from axes.helpers import get_client_ip_address

from . import context
from .models import AuditAction
from .services import audit_record

# URL keyword arguments that name the object a download serves, most specific first.
_OBJECT_KWARGS = ("file_id", "attachment_id", "report_id", "evidence_id", "bundle_id", "round_id", "task_id")


class _ZoneRef:
    def __init__(self, pk):
        self.pk, self.name = pk, ""


def _user(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.enter(request=request, ip=get_client_ip_address(request) or "")
        try:
            response = self.get_response(request)
            user = _user(request)
            if response.status_code == 403:
                self._record_denied(request, user)
            elif response.status_code == 200 and response.has_header("Content-Disposition"):
                self._record_download(request, response, user)
            return response
        finally:
            context.leave(token)

    @staticmethod
    def _where(request):
        match = getattr(request, "resolver_match", None)
        kwargs = match.kwargs if match else {}
        name = match.view_name if match else ""
        object_id = next((str(kwargs[k]) for k in _OBJECT_KWARGS if k in kwargs), "")
        zone = _ZoneRef(kwargs["zone_id"]) if "zone_id" in kwargs else None
        return name, object_id, zone

    def _record_denied(self, request, user) -> None:
        name, object_id, zone = self._where(request)
        audit_record(
            action=AuditAction.ACCESS_DENIED,
            actor=user,
            target_type=name or "url",
            target_id=object_id,
            target_label=request.path[:200],
            zone=zone,
            after={"method": request.method, "path": request.path},
        )

    def _record_download(self, request, response, user) -> None:
        name, object_id, zone = self._where(request)
        disposition = response["Content-Disposition"]
        audit_record(
            action=AuditAction.DOWNLOAD,
            actor=user,
            target_type=name or "url",
            target_id=object_id,
            target_label=request.path[:200],
            zone=zone,
            after={"path": request.path, "disposition": disposition[:300]},
        )
