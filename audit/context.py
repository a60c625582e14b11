"""Who and where the current request comes from, for ``audit_record`` called deep in a service.

Set by ``audit.middleware.AuditMiddleware`` for the length of one request; a Celery job or a
management command has no request (no user, no IP) unless it names them.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    request: Any = None
    ip: str = ""

    @property
    def user(self):
        user = getattr(self.request, "user", None)
        return user if user is not None and user.is_authenticated else None


_NONE = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("audit_request", default=None)


def current() -> RequestContext:
    return _current.get() or _NONE


def enter(*, request=None, ip: str = ""):
    return _current.set(RequestContext(request=request, ip=ip))


def leave(token) -> None:
    _current.reset(token)
