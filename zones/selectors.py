from django.db.models import QuerySet

from .access import zones_visible_to
from .models import Zone


def zone_list_for_user(*, user) -> QuerySet[Zone]:
    return zones_visible_to(user).select_related("region", "system").order_by("name")
