"""Small helpers shared by the zones tests."""

from zones.models import Zone


def set_status(zone: Zone, status: str) -> Zone:
    """Put a zone at a status directly (test set-up only; real changes go through zone_transition)."""
    Zone.objects.filter(pk=zone.pk).update(status=status)
    zone.status = status
    return zone
