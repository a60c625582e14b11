"""Thin views: check access in zones.access, call one selector or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zones.access import ZoneAction, indicator_systems_visible_to, zone_can, zone_get_for_user

from .models import ScoreSnapshot
from .selectors import indicator_system_tree, score_snapshot_latest, score_snapshot_latest_done, score_tree
from .services import score_snapshot_request

PENDING = (ScoreSnapshot.Status.QUEUED, ScoreSnapshot.Status.RUNNING)


@login_required
def system_list(request: HttpRequest) -> HttpResponse:
    systems = indicator_systems_visible_to(request.user).select_related("scope").order_by("code")
    return render(request, "indicators/system_list.html", {"systems": systems})


@login_required
def system_detail(request: HttpRequest, system_id: int) -> HttpResponse:
    system = get_object_or_404(indicator_systems_visible_to(request.user).select_related("scope"), pk=system_id)
    return render(
        request, "indicators/system_detail.html", {"system": system, "tree": indicator_system_tree(system=system)}
    )


@login_required
def zone_scores(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id)
    latest = score_snapshot_latest(zone=zone)
    done = latest if latest and latest.status == ScoreSnapshot.Status.DONE else score_snapshot_latest_done(zone=zone)
    context = {
        "zone": zone,
        "snapshot": done,
        "tree": score_tree(result=done.result) if done else [],
        "pending": latest if latest and latest.status in PENDING else None,
        "failed": latest if latest and latest.status == ScoreSnapshot.Status.FAILED else None,
        "can_recompute": zone_can(request.user, zone, ZoneAction.RECOMPUTE_SCORES),
    }
    return render(request, "indicators/zone_scores.html", context)


@login_required
@require_POST
def zone_scores_recompute(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.RECOMPUTE_SCORES)
    score_snapshot_request(zone=zone, user=request.user)
    messages.success(request, _("已提交重新计算,完成后页面会自动刷新。"))
    return redirect("zones:scores", zone_id=zone.pk)


@login_required
def zone_scores_status(request: HttpRequest, zone_id: int) -> HttpResponse:
    """Polled by the score page while a computation is pending (htmx)."""
    zone = zone_get_for_user(request.user, zone_id)
    latest = score_snapshot_latest(zone=zone)
    response = render(request, "indicators/_score_status.html", {"zone": zone, "pending": latest})
    if latest is None or latest.status not in PENDING:
        response["HX-Refresh"] = "true"
    return response
