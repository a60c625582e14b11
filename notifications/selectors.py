from django.db.models import Count, Q, QuerySet

from common import hooks

from .models import Notification

# The notices page's filter (?state=…): every notice, the unread ones, the read ones.
STATES = ("all", "unread", "read")


def notifications_of(user) -> QuerySet[Notification]:
    """The user's notices about zones they may still see (a notice names its zone): one who lost
    access to a zone (a role revoked, a round assignment ended, the zone moved to another province)
    no longer reads what was sent about it. The zones come from the permission functions through
    the ``zones_visible_ids`` hook, as a subquery (no query of its own)."""
    rows = Notification.objects.filter(recipient=user)
    visible = hooks.call("zones_visible_ids", user=user, default=None)
    return rows if visible is None else rows.filter(Q(zone_id__isnull=True) | Q(zone_id__in=visible))


def notification_list_for_user(*, user, state: str = "all", kind: str = "") -> QuerySet[Notification]:
    """The user's notices, newest first; ``state`` and ``kind`` narrow them (unknown values: no filter)."""
    rows = notifications_of(user)
    if state == "unread":
        rows = rows.filter(read_at__isnull=True)
    elif state == "read":
        rows = rows.filter(read_at__isnull=False)
    if kind in Notification.Kind.values:
        rows = rows.filter(kind=kind)
    return rows.order_by("-created_at", "-id")


def notification_unread_count(*, user) -> int:
    """The bell's number: one COUNT on the inbox index."""
    return notifications_of(user).filter(read_at__isnull=True).count()


def notification_counts(*, user) -> dict[str, int]:
    """How many notices the user has in all and unread (one query), for the page's filter tabs."""
    counts = notifications_of(user).aggregate(all=Count("id"), unread=Count("id", filter=Q(read_at__isnull=True)))
    return {"all": counts["all"], "unread": counts["unread"], "read": counts["all"] - counts["unread"]}
