"""Generation tokens: cached figures that are never stale.

A cached value is stored under a key that contains the current *generation token* of what it
was computed from (``generation("zone-data:7")``). Every write that changes that data replaces
the token (``invalidate``), so the next read misses and recomputes; the old entries simply
expire. Tokens never expire themselves (``timeout=None``).

Used by the 驾驶舱 (tasks/dashboard.py), the 完整性 grid (evidence/completeness.py) and the
score page (assessments/views.py).

``TolerantRedisCache`` is the backend when the cache is a Redis (config/settings/base.py): a
Redis that is down or unreachable makes every read a miss and every write a no-op (with a
warning in the log at most once a minute) instead of an error, so the pages still answer —
computed afresh — when the cache is the Celery broker's Redis and the broker is down. The
limit: a write made while Redis is unreachable cannot replace its token, so a page cached
before it may be shown again once Redis is back, until the entry expires (CACHE_TIMEOUT).
"""

from __future__ import annotations

import logging
import time
import uuid

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

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


# A cache that fails soft ----------------------------------------------------------------------

_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
_WARN_EVERY_SECONDS = 60


def _tolerant(name: str, fallback):
    method = getattr(RedisCache, name)

    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except _UNREACHABLE as exc:
            now = time.monotonic()
            if now - self._warned_at > _WARN_EVERY_SECONDS:
                self._warned_at = now
                logger.warning("缓存（Redis）不可用，本次按未命中处理：%s", exc)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    call.__name__ = name
    return call


def _default(key, default=None, *args, **kwargs):
    return default


class TolerantRedisCache(RedisCache):
    """Django's RedisCache, except that an unreachable Redis is a miss, never an exception:
    ``get`` returns the default, ``get_many`` nothing, ``has_key``/``add``/``touch``/``delete``
    False, ``set``/``set_many`` store nothing (set_many reports every key as not stored).
    ``incr`` and ``clear`` still raise: no caller here relies on them."""

    _warned_at = float("-inf")

    get = _tolerant("get", _default)
    get_many = _tolerant("get_many", lambda *args, **kwargs: {})
    has_key = _tolerant("has_key", False)
    add = _tolerant("add", False)
    touch = _tolerant("touch", False)
    delete = _tolerant("delete", False)
    delete_many = _tolerant("delete_many", None)
    set = _tolerant("set", None)
    set_many = _tolerant("set_many", lambda data, *args, **kwargs: list(data))
