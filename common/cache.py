"""Generation tokens: cached figures that are never stale.

A cached value is stored under a key that contains the current *generation token* of what it
was computed from (``generation("zone-data:7")``). Every write that changes that data replaces
the token (``invalidate``), so the next read misses and recomputes; the old entries simply
expire. Tokens never expire themselves (``timeout=None``).

Used by the 驾驶舱 (tasks/dashboard.py), the 完整性 grid (evidence/completeness.py) and the
score page (assessments/views.py).
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction

ALL = "all"  # the token every zone's keys also contain: replaced by a write that concerns every zone


def _key(name: str) -> str:
    return f"generation:{name}"


def invalidate(name: str) -> None:
    """Replace the token ``name`` now (what was cached under the old one is no longer read)."""
    cache.set(_key(name), uuid.uuid4().hex, timeout=None)


def invalidate_now_and_on_commit(name: str) -> None:
    """Replace the token now and again when the transaction commits: a page computed meanwhile
    from the data before the commit must not stay cached under the new token."""
    invalidate(name)
    transaction.on_commit(lambda: invalidate(name))


def generation(*names: str) -> str:
    """The tokens of ``names`` joined (one round trip); missing ones are created."""
    keys = [_key(name) for name in names]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            # add, not set: two workers starting at once agree on the first token written.
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key)
    return "-".join(str(found[key]) for key in keys)


# The evidence, figures, responsibilities and judgements of a zone: the 完整性 grid and the score
# page are cached under this token (evidence/apps.py connects the receivers that replace it).


def zone_data_name(zone_id: int | None) -> str:
    return f"zone-data:{ALL if zone_id is None else zone_id}"


def zone_data_generation(zone_id: int) -> str:
    return generation(zone_data_name(zone_id), zone_data_name(None))


def zone_data_changed(zone_id: int | None) -> None:
    """Forget what was cached from a zone's data (every zone's with None)."""
    invalidate_now_and_on_commit(zone_data_name(zone_id))
