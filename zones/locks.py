"""Is the zone's data locked? Asked by every service that writes evidence, figures,
lists or judgements; answered by the app above that owns rounds (through a hook)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from common import hooks


def zone_lock_reason(*, zone, year: int | None = None) -> str | None:
    """A Chinese message naming the submitted round that locks ``zone``'s data
    (for ``year``, or for anything not tied to a year), or None."""
    return hooks.call("zone_lock_reason", zone=zone, year=year, default=None)


def zone_lock_check(*, zone, year: int | None = None) -> None:
    reason = zone_lock_reason(zone=zone, year=year)
    if reason:
        raise ValidationError(reason)
