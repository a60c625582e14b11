"""Numbers from query strings and ids from request bodies, read so that bad input is refused,
never a crash.

``str.isdigit`` is true for "²" and "١٢", which ``int`` then refuses or reads as another number;
and an id larger than the database's integers fails inside the query. So an id or a count is
ASCII digits only, at most 18 of them (below PostgreSQL's bigint and SQLite's INTEGER).
"""

from __future__ import annotations

import re

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

MAX_ID_DIGITS = 18
_ID = re.compile(rf"[0-9]{{1,{MAX_ID_DIGITS}}}")


def int_param(value: object, *, default: int | None = None) -> int | None:
    """An id or a count from a query string or a form: ``default`` when it is not one."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value if 0 <= value < 10**MAX_ID_DIGITS else default
    if isinstance(value, str) and _ID.fullmatch(value.strip()):
        return int(value.strip())
    return default


def query_int(params, name: str) -> int | None:
    """The id or count ``name`` of a query string (``request.GET`` / ``query_params``): None
    when absent or empty; ``BadRequest`` with a Chinese message when it is not one (the page
    answers 400 and says which parameter, rather than quietly showing something else)."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    value = int_param(raw)
    if value is None:
        raise BadRequest(
            _("参数“%(name)s”应为不超过 18 位的数字编号，收到的是“%(value)s”。") % {"name": name, "value": raw[:40]}
        )
    return value


def query_ints(params, name: str) -> list[int]:
    """Every id given as ``name`` (a list in a query string or a form): BadRequest (Chinese)
    if any is not one."""
    values = []
    for raw in params.getlist(name):
        value = int_param(raw)
        if value is None:
            raise BadRequest(
                _("参数“%(name)s”应为不超过 18 位的数字编号，收到的是“%(value)s”。") % {"name": name, "value": raw[:40]}
            )
        values.append(value)
    return values
