"""The evaluator's review screen (placeholder: built next)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from . import selectors
from .access import RoundAction, round_get_for_user


@login_required
def review_home(request: HttpRequest) -> HttpResponse:
    rounds = selectors.rounds_for_evaluator(user=request.user)
    return render(request, "assessments/review_home.html", {"rounds": rounds})


@login_required
def review_start(request: HttpRequest, round_id: int) -> HttpResponse:
    round = round_get_for_user(request.user, round_id)
    return redirect("assessments:round", round_id=round.pk)


@login_required
def review_item(request: HttpRequest, round_id: int, indicator_id: int) -> HttpResponse:
    round = round_get_for_user(request.user, round_id, RoundAction.VIEW)
    return redirect("assessments:round", round_id=round.pk)
