"""Thin views over the catalogue: check access, call one selector, render."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .access import indicator_systems_visible_to
from .selectors import indicator_system_tree


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
