"""Gap analysis → rectification tasks, and the what-if page (模拟测算). Thin views."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zones.access import zone_get_for_user

from . import rectification, whatif
from .access import RoundAction, round_can, round_get_for_user, score_visibility

GAPS_PER_PAGE = 50


def _gaps_url(round_id: int, dimension: str = "", page: str = "") -> str:
    query = {k: v for k, v in (("dimension", dimension), ("page", page)) if v}
    url = reverse("assessments:round-gaps", args=[round_id])
    return f"{url}?{urlencode(query)}" if query else url


@login_required
def round_gaps(request: HttpRequest, round_id: int) -> HttpResponse:
    round = round_get_for_user(request.user, round_id, RoundAction.VIEW)
    gaps = rectification.round_gaps(round, score_visibility(request.user, round))
    dimensions = rectification.gap_dimensions(gaps)
    dimension = request.GET.get("dimension", "")
    if dimension not in {code for code, _name in dimensions}:
        dimension = ""
    shown = [g for g in gaps if g.dimension_code == dimension] if dimension else gaps
    page = Paginator(shown, GAPS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "round": round,
        "zone": round.zone,
        "page": page,
        "dimensions": dimensions,
        "dimension": dimension,
        "lost_total": sum((g.lost for g in shown), 0),
        "count": len(shown),
        "can_plan": round_can(request.user, round, RoundAction.PLAN_RECTIFICATION),
        "today": timezone.localdate().isoformat(),
        "previous_url": _gaps_url(round.pk, dimension, str(page.previous_page_number())) if page.has_previous() else "",
        "next_url": _gaps_url(round.pk, dimension, str(page.next_page_number())) if page.has_next() else "",
    }
    return render(request, "assessments/gaps.html", context)


def _due_date(raw: str) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


@login_required
@require_POST
def round_gaps_tasks(request: HttpRequest, round_id: int) -> HttpResponse:
    round = round_get_for_user(request.user, round_id, RoundAction.PLAN_RECTIFICATION)
    back = _gaps_url(round.pk, request.POST.get("dimension", ""), request.POST.get("page", ""))
    raw_due = request.POST.get("due_date", "")
    due = _due_date(raw_due)
    if raw_due.strip() and due is None:
        messages.error(request, _("整改完成时限的日期格式不正确。"))
        return redirect(back)
    codes = request.POST.getlist("code")
    try:
        created = rectification.rectification_tasks_create(round, codes, due, request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(back)
    skipped = len(set(codes)) - len(created)
    if created:
        messages.success(request, _("已生成 %(n)d 项整改任务，已分派给责任单位。") % {"n": len(created)})
    if skipped:
        messages.info(request, _("%(n)d 项失分项此前已生成整改任务，未重复生成。") % {"n": skipped})
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def zone_whatif(request: HttpRequest, zone_id: int) -> HttpResponse:
    """模拟测算: change figures, list counts or judged scores and see the score move; nothing is stored."""
    zone = zone_get_for_user(request.user, zone_id)
    if request.method == "GET" and request.GET.get("part") == "reach":
        panel = whatif.reach_for_zone(zone=zone, load=True)
        return render(request, "assessments/_reach.html", {"zone": zone, "reach": panel})
    run = whatif.whatif_run(zone=zone, data=request.POST if request.method == "POST" else None)
    context = {"zone": zone, "run": run, "reach": run.reach}
    if request.method == "POST" and request.headers.get("HX-Request") == "true":
        return render(request, "assessments/_whatif_result.html", context)
    return render(request, "assessments/whatif.html", context)
