"""Pages of the responsibility matrix: the grid (everyone who sees the zone), and for the
office the cell edits, the rebuild and the mapping of unmatched names."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.models import Indicator

from . import selectors, services
from .access import ZoneAction, zone_can, zone_get_for_user
from .forms import MatrixCellForm, UnmatchedResolveForm, add_service_error
from .models import Unit

MANAGE = ZoneAction.MANAGE_ZONE


@login_required
def matrix(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id)
    can_manage = zone_can(request.user, zone, MANAGE)
    context = {
        "zone": zone,
        "matrix": selectors.responsibility_matrix(zone=zone, editable=can_manage),
        "can_manage": can_manage,
    }
    return render(request, "zones/matrix.html", context)


@login_required
@require_POST
def matrix_cell(request: HttpRequest, zone_id: int) -> HttpResponse:
    """Set one cell (htmx swaps in the returned <td>, static/js/grid-tips.js; a plain POST goes back to the grid)."""
    zone = zone_get_for_user(request.user, zone_id, MANAGE)
    form = MatrixCellForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("提交的数据有误。"))
    indicator = get_object_or_404(Indicator, pk=form.cleaned_data["indicator"], system_id=zone.system_id, level=3)
    unit = get_object_or_404(Unit, pk=form.cleaned_data["unit"], zone=zone)
    row = services.indicator_responsibility_set(
        zone=zone, indicator=indicator, unit=unit, state=form.cleaned_data["state"]
    )
    if not request.headers.get("HX-Request"):
        return redirect("zones:matrix", zone_id=zone.pk)
    cell = selectors.MatrixCell(unit=unit, state=selectors.cell_state(row))
    return HttpResponse(selectors.matrix_cells_html([cell], editable=True))  # the <td> htmx swaps in


@login_required
@require_POST
def matrix_build(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, MANAGE)
    result = services.responsibility_matrix_build(zone=zone)
    messages.success(
        request,
        _("已按指标体系生成责任分工：新增 %(created)s 项，更新 %(updated)s 项，移除 %(deleted)s 项。")
        % {"created": result.created, "updated": result.updated, "deleted": result.deleted},
    )
    if result.unmatched:
        messages.warning(
            request, _("有 %(count)s 处单位名称未能识别，请逐一指定对应单位。") % {"count": result.unmatched}
        )
    return redirect("zones:matrix", zone_id=zone.pk)


@login_required
def matrix_unmatched(request: HttpRequest, zone_id: int) -> HttpResponse:
    """Names the parser could not match: the office maps each to a unit (and it becomes an alias)."""
    zone = zone_get_for_user(request.user, zone_id, MANAGE)
    units = selectors.unit_list_for_zone(zone=zone)
    form = UnmatchedResolveForm(request.POST if request.method == "POST" else None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.unmatched_unit_name_resolve(
                zone=zone, raw_name=form.cleaned_data["raw_name"], unit=form.cleaned_data["unit"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("已将“%(name)s”对应到%(unit)s（%(count)s 项指标），并记为该单位的别称。")
                % {"name": form.cleaned_data["raw_name"], "unit": form.cleaned_data["unit"], "count": count},
            )
            return redirect("zones:matrix-unmatched", zone_id=zone.pk)
    context = {
        "zone": zone,
        "form": form,
        "names": selectors.unmatched_unit_name_list(zone=zone),
        "resolved": selectors.unmatched_unit_name_resolved_list(zone=zone),
        "units": list(units),
    }
    return render(request, "zones/matrix_unmatched.html", context, status=400 if form.errors else 200)
