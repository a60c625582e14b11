from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from common.pagination import page_of
from common.params import query_ints
from common.redirects import redirect_next

from .models import Notification
from .selectors import STATES, notification_counts, notification_list_for_user
from .services import notifications_mark_read

PER_PAGE = 20


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """One place for every notice: all / unread / read, by kind, a page at a time."""
    state = request.GET.get("state", "all")
    state = state if state in STATES else "all"
    kind = request.GET.get("kind", "")
    kind = kind if kind in Notification.Kind.values else ""
    listing = page_of(request, notification_list_for_user(user=request.user, state=state, kind=kind), per_page=PER_PAGE)
    return render(
        request,
        "notifications/list.html",
        {
            "listing": listing,
            "state": state,
            "kind": kind,
            "kinds": Notification.Kind.choices,
            "counts": notification_counts(user=request.user),
            "here": request.get_full_path(),
        },
    )


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    """Mark the given notices read (``id`` repeated), or all of them when no id is given."""
    ids = query_ints(request.POST, "id")
    if request.POST.get("beacon"):  # the page's script, as a notice's link is followed: only that one
        notifications_mark_read(user=request.user, ids=ids)
        return HttpResponse(status=204)
    notifications_mark_read(user=request.user, ids=ids or None)
    return redirect_next(request, "notifications:list")
