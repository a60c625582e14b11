from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import zone_list_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    zones = zone_list_for_user(user=request.user)
    return render(request, "zones/home.html", {"zones": zones})
