"""Pages for statistics entry, list inputs, the data template, history and completeness.

Thin views: access through zones.access (404 for a zone the user cannot see, 403
for what they may not do there), one selector or service, render.
"""

from __future__ import annotations

import io
import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.http import attachment_disposition
from common.pagination import page_of
from common.params import query_int
from common.xlsx import ExcelImportError
from zones.access import ZoneAction, unit_can, zone_can, zone_get_for_user, zones_where
from zones.models import Unit, Zone

from ..completeness import STATE_LABELS, completeness_page
from ..selectors import data_lock_of
from .excel import DataImportError, data_workbook, data_workbook_import, data_workbook_parse
from .forms import EVIDENCE_OFFERED, FigureForm, entry_form, entry_initial, evidence_label
from .selectors import (
    LISTS,
    DataScope,
    data_change_list,
    data_fill_for,
    data_scope_for,
    derived_rows,
    entry_list_of,
    evidence_choices,
    evidence_offer,
    evidence_search,
    unit_data_keys,
    zone_data_needs,
    zone_data_values,
)
from .services import LIST_SPECS, Via, data_values_save, entry_create, entry_delete, entry_update

logger = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HISTORY_PAGE_SIZE = 50


def _zone_and_scope(request: HttpRequest, zone_id: int):
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.SUBMIT_DATA)
    needs = zone_data_needs(zone=zone)
    return zone, needs, data_scope_for(user=request.user, zone=zone, needs=needs)


@login_required
@require_GET
def data_home(request: HttpRequest, completeness: bool = False) -> HttpResponse:
    """The zones where the user enters data (or follows completeness); straight there when only one."""
    action = ZoneAction.VIEW_COMPLETENESS if completeness else ZoneAction.SUBMIT_DATA
    zones = list(zones_where(request.user, action).select_related("region").order_by("name"))
    target = "data:completeness" if completeness else "data:zone"
    if len(zones) == 1:
        return redirect(target, zone_id=zones[0].pk)
    return render(request, "evidence/data/home.html", {"zones": zones, "target": target, "completeness": completeness})


@login_required
@require_GET
def zone_data(request: HttpRequest, zone_id: int) -> HttpResponse:
    """The zone's data entry: the units the user reports for, with how many figures are in."""
    zone, needs, scope = _zone_and_scope(request, zone_id)
    fill = data_fill_for(zone=zone, needs=needs, scope=scope)
    context = {
        "zone": zone,
        "scope": scope,
        "units": fill.units,
        "filled": fill.filled,
        "wanted": fill.wanted,
        "list_specs": [LIST_SPECS[name] for name in LISTS if name in scope.lists],
        "can_view_completeness": zone_can(request.user, zone, ZoneAction.VIEW_COMPLETENESS),
        "lock": data_lock_of(zone=zone),
    }
    return render(request, "evidence/data/zone.html", context)


def _figure_page(request: HttpRequest, zone: Zone, needs, keys: set[str], unit: Unit | None, scope: DataScope):
    values = zone_data_values(zone=zone)
    indicator_ids = set().union(*(needs.metrics[k].indicator_ids for k in keys)) if keys else set()
    evidence = evidence_offer(
        zone=zone,
        indicator_ids=indicator_ids,
        unit_ids=None if scope.is_office else {u.pk for u in scope.units},
        per_item=EVIDENCE_OFFERED,
    )
    # Told before anyone types: the locked years' inputs are disabled (the service still refuses them).
    lock = data_lock_of(zone=zone, years=needs.all_years())
    kwargs = {
        "zone": zone,
        "needs": needs,
        "keys": keys,
        "values": values,
        "evidence": evidence,
        "locked_years": lock.years if lock else frozenset(),
    }
    if request.method == "POST":
        form = FigureForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                changes = data_values_save(
                    zone=zone, user=request.user, rows=form.figure_rows(), via=Via.FORM, allowed_keys=keys, needs=needs
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                if changes:
                    messages.success(
                        request,
                        _("已保存 %(count)d 处修改，评分将在后台重新计算。") % {"count": len(changes)},
                    )
                else:
                    messages.info(request, _("没有修改。"))
                return redirect(request.get_full_path())
    else:
        form = FigureForm(**kwargs)
    derived = derived_rows(needs, values, keys)
    context = {
        "zone": zone,
        "scope": scope,
        "unit": unit,
        "form": form,
        "lock": lock,
        "derived": derived,
        "years": needs.years,
        "evidence_offered": EVIDENCE_OFFERED,
        # For the page's script (static/js/data-form.js): every stored figure and each derived figure's spec.
        "script_data": {
            "values": {f"{k}|{y}": str(v.value) for (k, y), v in values.items() if v.value is not None},
            "growth": {
                f"{k}|{y}": str(v.published_growth) for (k, y), v in values.items() if v.published_growth is not None
            },
            "names": {k: s.name for k, s in needs.specs.items()},
            "derived": {fig.key: dict(fig.spec) for fig, _cells in derived},
        },
    }
    return render(request, "evidence/data/figures.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def unit_data(request: HttpRequest, zone_id: int, unit_id: int) -> HttpResponse:
    """A unit's figures: the office for any unit, a liaison only for their own."""
    zone, needs, scope = _zone_and_scope(request, zone_id)
    unit = get_object_or_404(zone.units.all(), pk=unit_id)
    if not unit_can(request.user, unit, ZoneAction.SUBMIT_DATA):
        raise PermissionDenied(_("只能填报本单位负责的数据。"))
    keys, _lists = unit_data_keys(zone=zone, unit=unit, needs=needs)
    return _figure_page(request, zone, needs, keys, unit, scope)


@login_required
@require_http_methods(["GET", "POST"])
def zone_data_all(request: HttpRequest, zone_id: int) -> HttpResponse:
    """Every figure of the zone in one form (the office)."""
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.EDIT_DATA)
    needs = zone_data_needs(zone=zone)
    scope = data_scope_for(user=request.user, zone=zone, needs=needs)
    return _figure_page(request, zone, needs, set(needs.metrics), None, scope)


EVIDENCE_SEARCH_LIMIT = 50
EVIDENCE_QUERY_MAX = 100


@login_required
@require_GET
def evidence_options(request: HttpRequest, zone_id: int) -> JsonResponse:
    """A metric's evidence the user may link, searched by title (``?metric=&q=``): the figure pages' search box."""
    zone, needs, scope = _zone_and_scope(request, zone_id)
    key = request.GET.get("metric") or ""
    query = (request.GET.get("q") or "").strip()
    if key not in needs.metrics:
        return JsonResponse({"error": _("没有这项统计数据。")}, status=400)
    if not scope.is_office and key not in scope.metric_keys:
        return JsonResponse({"error": _("您所在单位不负责该项数据。")}, status=403)
    if len(query) > EVIDENCE_QUERY_MAX:
        return JsonResponse({"error": _("搜索内容不能超过 %(max)d 个字。") % {"max": EVIDENCE_QUERY_MAX}}, status=400)
    rows, count = evidence_search(
        zone=zone,
        indicator_ids=needs.metrics[key].indicator_ids,
        unit_ids=None if scope.is_office else {u.pk for u in scope.units},
        query=query,
        limit=EVIDENCE_SEARCH_LIMIT,
    )
    return JsonResponse({"options": [[str(e.pk), evidence_label(e)] for e in rows], "count": count})


# List inputs -----------------------------------------------------------------


def _list_access(request: HttpRequest, zone_id: int, list_name: str):
    if list_name not in LIST_SPECS:
        raise Http404
    zone, needs, scope = _zone_and_scope(request, zone_id)
    if list_name not in scope.lists:
        raise PermissionDenied(_("您所在单位不负责该项数据。"))
    spec = LIST_SPECS[list_name]
    indicator_ids = needs.list_indicators.get(list_name, set())
    evidence = evidence_choices(
        zone=zone, indicator_ids=indicator_ids, unit_ids=None if scope.is_office else {u.pk for u in scope.units}
    )
    return zone, scope, spec, evidence


@login_required
@require_http_methods(["GET", "POST"])
def entry_list(request: HttpRequest, zone_id: int, list_name: str) -> HttpResponse:
    zone, scope, spec, evidence = _list_access(request, zone_id, list_name)
    form = entry_form(spec, request.POST or None, zone=zone, evidence=evidence)
    if request.method == "POST":
        if form.is_valid():
            try:
                entry_create(spec=spec, zone=zone, user=request.user, raw=form.cleaned_data, via=Via.FORM)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("已添加。"))
                return redirect("data:entries", zone_id=zone.pk, list_name=spec.name)
    context = {
        "zone": zone,
        "scope": scope,
        "spec": spec,
        "entries": entry_list_of(zone=zone, list_name=spec.name),
        "form": form,
        "lock": data_lock_of(zone=zone),  # a list is locked whole
    }
    return render(request, "evidence/data/entries.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, zone_id: int, list_name: str, entry_id: int) -> HttpResponse:
    zone, scope, spec, evidence = _list_access(request, zone_id, list_name)
    entry = get_object_or_404(entry_list_of(zone=zone, list_name=spec.name), pk=entry_id)
    form = entry_form(spec, request.POST or None, zone=zone, evidence=evidence, initial=entry_initial(spec, entry))
    if request.method == "POST":
        if form.is_valid():
            try:
                entry_update(spec=spec, entry=entry, user=request.user, raw=form.cleaned_data, via=Via.FORM)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("已保存。"))
                return redirect("data:entries", zone_id=zone.pk, list_name=spec.name)
    context = {
        "zone": zone,
        "scope": scope,
        "spec": spec,
        "entry": entry,
        "form": form,
        "lock": data_lock_of(zone=zone),
    }
    return render(request, "evidence/data/entry_form.html", context)


@login_required
@require_POST
def entry_remove(request: HttpRequest, zone_id: int, list_name: str, entry_id: int) -> HttpResponse:
    zone, _scope, spec, _evidence = _list_access(request, zone_id, list_name)
    entry = get_object_or_404(entry_list_of(zone=zone, list_name=spec.name), pk=entry_id)
    try:
        entry_delete(spec=spec, entry=entry, user=request.user, via=Via.FORM)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已删除。"))
    return redirect("data:entries", zone_id=zone.pk, list_name=spec.name)


# Excel -----------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("填好的数据模板（.xlsx）"))


def _template_scope(request: HttpRequest, zone: Zone, needs, scope: DataScope) -> tuple[set[str], set[str], str]:
    """What the template holds: the user's share, or (office, ?unit=) one unit's."""
    unit_id = request.GET.get("unit")
    if unit_id:
        unit = get_object_or_404(zone.units.all(), pk=query_int(request.GET, "unit"))
        if not unit_can(request.user, unit, ZoneAction.SUBMIT_DATA):
            raise PermissionDenied
        keys, lists = unit_data_keys(zone=zone, unit=unit, needs=needs)
        return keys, lists, unit.short_name or unit.name
    return scope.metric_keys, scope.lists, ""


@login_required
@require_GET
def data_template(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone, needs, scope = _zone_and_scope(request, zone_id)
    keys, lists, unit_name = _template_scope(request, zone, needs, scope)
    workbook = data_workbook(
        zone=zone,
        needs=needs,
        keys=keys,
        lists=lists,
        values=zone_data_values(zone=zone),
        operators=entry_list_of(zone=zone, list_name="operators") if "operators" in lists else (),
        outcomes=entry_list_of(zone=zone, list_name="outcomes") if "outcomes" in lists else (),
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    name = "-".join(part for part in (zone.name, unit_name, "数据填报模板") if part)
    response["Content-Disposition"] = attachment_disposition(f"{name}.xlsx", fallback=f"zone-{zone.pk}-data.xlsx")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def data_excel(request: HttpRequest, zone_id: int) -> HttpResponse:
    """Download the template; upload it filled in (all-or-nothing, row-level messages)."""
    zone, _needs, scope = _zone_and_scope(request, zone_id)
    form = UploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                parsed = data_workbook_parse(
                    form.cleaned_data["file"], max_unpacked_bytes=settings.XLSX_MAX_UNPACKED_BYTES
                )
                changes = data_workbook_import(
                    zone=zone,
                    user=request.user,
                    parsed=parsed,
                    allowed_keys=scope.metric_keys,
                    allowed_lists=scope.lists,
                )
            except ExcelImportError as exc:
                errors = exc.messages
                if isinstance(exc, DataImportError) and exc.forbidden:
                    status = 403
            else:
                logger.info("data workbook imported for zone %s by user %s", zone.pk, request.user.pk)
                messages.success(
                    request, _("已导入，共 %(count)d 处修改；评分将在后台重新计算。") % {"count": len(changes)}
                )
                return redirect("data:excel", zone_id=zone.pk)
    context = {"zone": zone, "scope": scope, "form": form, "errors": errors, "lock": data_lock_of(zone=zone)}
    return render(request, "evidence/data/excel.html", context, status=status)


# History ---------------------------------------------------------------------


@login_required
@require_GET
def data_history(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone, needs, scope = _zone_and_scope(request, zone_id)
    metric = request.GET.get("metric") or ""
    year = query_int(request.GET, "year")
    rows = data_change_list(
        zone=zone,
        metric_keys=None if scope.is_office else scope.metric_keys,
        lists=None if scope.is_office else scope.lists,
        metric=metric if metric in needs.metrics else None,
        year=year,
    )
    context = {
        "zone": zone,
        "scope": scope,
        "listing": page_of(request, rows, per_page=HISTORY_PAGE_SIZE),
        "metric": needs.metrics.get(metric),
        "year": "" if year is None else year,
        # The filter's choices: the metrics the user may see, in the catalogue's order.
        "metric_choices": [needs.metrics[k] for k in needs.metrics if scope.is_office or k in scope.metric_keys],
        "years": needs.all_years(),
    }
    return render(request, "evidence/data/history.html", context)


# Completeness ----------------------------------------------------------------


@login_required
@require_GET
def completeness(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.VIEW_COMPLETENESS)
    unit = request.GET.get("unit") or ""
    dimension = request.GET.get("dimension") or ""
    matrix = completeness_page(
        zone=zone, user=request.user, unit_id=query_int(request.GET, "unit"), dimension=dimension or None
    )
    context = {
        "zone": zone,
        "matrix": matrix,
        "unit": unit,
        "dimension": dimension,
        "legend": [(state, label, matrix.state_counts.get(state, 0)) for state, label in STATE_LABELS.items()],
        "data_url": reverse("data:zone", args=[zone.pk])
        if zone_can(request.user, zone, ZoneAction.SUBMIT_DATA)
        else "",
    }
    return render(request, "evidence/completeness.html", context)
