"""The 首页's role cards ask upper apps for their first steps (accounts sits above them all, see
tests/test_layers.py; zones, which renders the page, may not import assessments)."""

from django import template

from assessments.selectors import rounds_open
from zones.access import ZoneAction, zones_where

register = template.Library()

ROUNDS_SHOWN = 20  # the rest are on each zone's 评估轮次 page


@register.simple_tag
def provincial_open_rounds(user) -> list:
    """The open rounds of the zones whose 省级评估 the user organises, by zone name, in one query
    however many zones: the province card links each one."""
    if not getattr(user, "is_authenticated", False):
        return []
    zones = zones_where(user, ZoneAction.MANAGE_PROVINCIAL_ROUND)
    return list(rounds_open(zones=zones).select_related("zone")[:ROUNDS_SHOWN])
