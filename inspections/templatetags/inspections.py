"""Template tags other apps' pages use to show this app's results without importing it
(the 驾驶舱 shows the current campaign's ranking: ``{% load inspections %}{% inspection_ranking_card zone %}``)."""

from django import template
from django.db.models import Case, IntegerField, Value, When

from ..models import Campaign
from ..ranking import campaign_ranking

register = template.Library()


@register.inclusion_tag("inspections/_ranking_card.html")
def inspection_ranking_card(zone, limit: int = 10) -> dict:
    """The zone's current campaign (the open one, else the latest) with its top ``limit`` units (5 queries)."""
    open_first = Case(When(status=Campaign.Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    campaign = Campaign.objects.filter(zone=zone).order_by(open_first, "-opened_at", "-pk").first()
    if campaign is None:
        return {"zone": zone, "campaign": None}
    campaign.zone = zone
    rows = campaign_ranking(campaign=campaign)
    ranked = [r for r in rows if r.entry.rank is not None]
    return {"zone": zone, "campaign": campaign, "rows": ranked[:limit], "ranked": len(ranked), "total": len(rows)}
