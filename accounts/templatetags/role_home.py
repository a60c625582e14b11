"""The 首页's role cards ask upper apps for their first steps (accounts sits above them all, see
tests/test_layers.py; zones, which renders the page, may not import assessments)."""

from django import template

from assessments.models import AssessmentRound
from zones.access import ZoneAction, zones_where

register = template.Library()

ROUNDS_SHOWN = 20  # the rest are on each zone's 评估轮次 page


@register.simple_tag
def provincial_open_rounds(user) -> list:
    """The open rounds (not submitted: what assessments.selectors.round_open_for_zone answers for
    one zone) of the zones whose 省级评估 the user organises, by zone name, in one query however
    many zones: the province card links each one."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        AssessmentRound.objects.filter(zone__in=zones_where(user, ZoneAction.MANAGE_PROVINCIAL_ROUND))
        .exclude(status=AssessmentRound.Status.SUBMITTED)
        .select_related("zone")
        .order_by("zone__name", "-opened_at", "-pk")[:ROUNDS_SHOWN]
    )
