"""The provincial reviewer's portal (zones of the province, comparison), the audit admin's
download log, and opinions (评审意见) with the office's answers. Thin views, as views.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.pagination import page_of

from . import selectors, services
from .access import (
    ReportAction,
    opinion_get_for_user,
    round_for_report,
    user_sees_download_log,
    zone_get_for_reports,
    zones_with_reports,
)
from .views import PAGE_SIZE, flash_errors, zone_url

# Lists across zones ----------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The reviewer's home page (also the office's): every zone whose reports the user may see."""
    sort = request.GET.get("sort", "name")
    if sort.lstrip("-") not in selectors.SORT_KEYS:
        sort = "name"
    rows = selectors.zone_rows(zones=zones_with_reports(request.user), sort=sort)
    return render(request, "reports/home.html", {"rows": rows, "sort": sort})


@login_required
@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    zones = list(zones_with_reports(request.user).order_by("name"))
    selected = [int(v) for v in request.GET.getlist("zones") if v.isascii() and v.isdigit()]
    data = selectors.comparison(zones=zones, selected=selected)
    return render(request, "reports/compare.html", {"comparison": data, "zones": zones, "selected": selected})


@login_required
@require_GET
def downloads(request: HttpRequest) -> HttpResponse:
    """Every download of every zone: the audit admin's log."""
    if not user_sees_download_log(request.user):
        raise PermissionDenied("没有权限查看下载记录。")
    listing = page_of(request, selectors.download_list(), per_page=PAGE_SIZE)
    return render(request, "reports/downloads.html", {"page": listing.page, "listing": listing})


# Opinions -------------------------------------------------------------------------------------


@login_required
@require_POST
def opinion_create(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_reports(request.user, zone_id, ReportAction.WRITE_OPINION)
    round = round_for_report(request.user, zone, request.POST.get("round") or None)
    try:
        opinion = services.opinion_create(
            zone=zone,
            round=round,
            conclusion=request.POST.get("conclusion", ""),
            text=request.POST.get("text", ""),
            user=request.user,
        )
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("reports:zone", zone_id=zone.pk)
    messages.success(request, _("评审意见已提交，创建对象办公室将收到通知。"))
    return redirect(f"{zone_url(zone)}#opinion-{opinion.pk}")


@login_required
@require_POST
def opinion_reply(request: HttpRequest, zone_id: int, opinion_id: int) -> HttpResponse:
    zone = zone_get_for_reports(request.user, zone_id, ReportAction.ANSWER_OPINION)
    opinion = opinion_get_for_user(request.user, zone, opinion_id)
    try:
        services.opinion_reply(opinion=opinion, text=request.POST.get("text", ""), user=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("答复已提交。"))
    return redirect(f"{zone_url(zone)}#opinion-{opinion.pk}")
