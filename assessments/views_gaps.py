"""Gap analysis → rectification tasks, and the what-if page (being built)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from zones.access import zone_get_for_user

from .access import RoundAction, round_get_for_user


@login_required
def round_gaps(request: HttpRequest, round_id: int) -> HttpResponse:
    round = round_get_for_user(request.user, round_id, RoundAction.VIEW)
    return redirect("assessments:round", round_id=round.pk)


@login_required
def round_gaps_tasks(request: HttpRequest, round_id: int) -> HttpResponse:
    round = round_get_for_user(request.user, round_id, RoundAction.PLAN_RECTIFICATION)
    return redirect("assessments:round", round_id=round.pk)


@login_required
def zone_whatif(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id)
    return redirect("assessments:scores", zone_id=zone.pk)
