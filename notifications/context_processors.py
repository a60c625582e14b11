from .selectors import notification_unread_count


def bell(request):
    """The unread count for the navigation bar's bell (one query, only when signed in)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": notification_unread_count(user=user)}
