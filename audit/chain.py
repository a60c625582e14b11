"""The hash chain, pure: each row's hash is sha256(previous hash + the row's canonical text).

The canonical text is JSON with sorted keys of exactly the stored values (strings as stored,
the time in UTC ISO 8601 with microseconds), so a row read back from the database hashes to
the same value. Changing, inserting, removing or reordering a row breaks the chain at the
first row after the change (``verify_audit`` finds it).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64

# The stored fields a row's hash covers, in no particular order (the JSON sorts them).
HASHED_FIELDS = (
    "at",
    "actor_id",
    "actor_username",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "zone_id",
    "zone_name",
    "before",
    "after",
    "reason",
    "ip",
)


def canonical_json(value: Any) -> str:
    """Stable JSON text: sorted keys, no spaces, UTF-8 as is (``before``/``after`` are stored so)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def row_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    payload = canonical_json({name: _text(fields.get(name)) for name in HASHED_FIELDS})
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()
