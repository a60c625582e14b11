"""Numbers from query strings and ids from request bodies, read so that bad input is refused,
never a crash.

``str.isdigit`` is true for "²" and "١٢", which ``int`` then refuses or reads as another number;
and an id larger than the database's integers fails inside the query. So an id or a count is
ASCII digits only, at most 18 of them (below PostgreSQL's bigint and SQLite's INTEGER).
"""

from __future__ import annotations

import re

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
