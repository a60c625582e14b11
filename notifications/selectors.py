from django.db.models import Count, Q, QuerySet

from .models import Notification

# The notices page's filter (?state=…): every notice, the unread ones, the read ones.
STATES = ("all", "unread", "read")


def notification_list_for_user(*, user, state: str = "all", kind: str = "") -> QuerySet[Notification]:
    """The user's notices, newest first; ``state`` and ``kind`` narrow them (unknown values: no filter)."""
    rows = Notification.objects.filter(recipient=user)
    if state == "unread":
        rows = rows.filter(read_at__isnull=True)
    elif state == "read":
        rows = rows.filter(read_at__isnull=False)
    if kind in Notification.Kind.values:
        rows = rows.filter(kind=kind)
    return rows.order_by("-created_at", "-id")


def notification_unread_count(*, user) -> int:
    """The bell's number: one COUNT on the inbox index."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_counts(*, user) -> dict[str, int]:
    """How many notices the user has in all and unread (one query), for the page's filter tabs."""
    counts = Notification.objects.filter(recipient=user).aggregate(
        all=Count("id"), unread=Count("id", filter=Q(read_at__isnull=True))
    )
    return {"all": counts["all"], "unread": counts["unread"], "read": counts["all"] - counts["unread"]}
