"""The 首页's role cards ask upper apps for their first steps (accounts sits above them all, see
tests/test_layers.py; zones, which renders the page, may not import assessments)."""

from django import template

from assessments.selectors import round_open_for_zone
from zones.access import ZoneAction, zones_where

register = template.Library()

ROUNDS_SHOWN = 20  # zones asked on the home page; the 驾驶舱 lists every zone


@register.simple_tag
def provincial_open_rounds(user) -> list:
    """The open (not submitted) rounds of the zones whose 省级评估 the user organises, by zone name:
    the province card links each one (one query per zone, at most ROUNDS_SHOWN zones)."""
    if not getattr(user, "is_authenticated", False):
        return []
    rounds = []
    for zone in zones_where(user, ZoneAction.MANAGE_PROVINCIAL_ROUND).order_by("name")[:ROUNDS_SHOWN]:
        current = round_open_for_zone(zone=zone)
        if current is not None:
            current.zone = zone  # already read: no query per round for its name
            rounds.append(current)
    return rounds
