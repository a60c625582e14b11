"""Who may see which indicator systems.

The catalogue belongs to no zone, so this is the one permission that does not go
through ``zones.access`` (indicators sits below zones and never imports it)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import IndicatorSystem


def indicator_systems_visible_to(user) -> QuerySet[IndicatorSystem]:
    """Published indicator systems for every signed-in user; drafts only for staff who may view them."""
    systems = IndicatorSystem.objects.all()
    if not user.is_authenticated or not user.is_active:
        return systems.none()
    if user.is_staff and user.has_perm("indicators.view_indicatorsystem"):
        return systems
    return systems.filter(status=IndicatorSystem.Status.PUBLISHED)
