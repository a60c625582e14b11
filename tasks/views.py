"""Thin views: access through zones.access (via tasks.selectors lookups), one service or selector, render."""

from __future__ import annotations

import logging
import mimetypes
from collections import defaultdict
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.http import attachment_disposition
from common.pagination import page_of
from common.params import query_int
from common.redirects import safe_next
from common.uploads import too_large_message, upload_limit
from zones.access import ZoneAction, own_unit_ids_where, zone_can, zone_get_for_user
from zones.models import Unit

from .bulletin import bulletin_for_zone, bulletin_groups, bulletin_to_workbook
from .dashboard import dashboard_for_zone
from .excel_views import _xlsx_response
from .forms import ProgressReportForm, SendBackForm, TaskForm
from .notices import assignment_notice_waiting
from .rows import assignment_cards, task_rows
from .selectors import (
    STATUS_FILTERS,
    TASK_SORTS,
    assignment_get_for_user,
    assignment_list_for_units,
    assignment_page_number,
    assignment_reports,
    indicators_for_units,
    liaison_units_for,
    office_zone_summaries,
    office_zones_for,
    report_get_for_user,
    report_rows,
    task_assignments_with_history,
    task_events,
    task_filter_choices,
    task_get_for_user,
    task_indicator_list,
    task_list_for_zone,
)
from .services import (
    assignment_confirm,
    assignment_report_progress,
    assignment_send_back,
    task_create,
    task_update,
)
from .uploads import attachment_max_bytes

logger = logging.getLogger(__name__)

TASKS_PER_PAGE = 50
CARDS_PER_PAGE = 20  # 我的任务: cards with a form each, read on phones too
HISTORY_PER_PAGE = 30


def _unit_groups(units) -> list[tuple[str, list[Unit]]]:
    """Units grouped by kind, in the order of Unit.Kind (for the checkbox grid)."""
    groups: dict[str, list[Unit]] = defaultdict(list)
    for unit in units:
        groups[unit.kind].append(unit)
    return [(label, groups[kind]) for kind, label in Unit.Kind.choices if groups[kind]]


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The nav's 任务: straight to the one place a user works in, else a chooser."""
    zones = office_zones_for(user=request.user)
    units = liaison_units_for(user=request.user)
    if len(zones) == 1 and not units:
        return redirect("tasks:task-list", zone_id=zones[0].pk)
    if units and not zones:
        return redirect("tasks:mine")
    return render(request, "tasks/index.html", {"zones": zones, "units": units})


@login_required
@require_GET
def task_list(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.VIEW_TASKS)
    if not zone_can(request.user, zone, ZoneAction.VIEW_ALL_TASKS):
        return redirect("tasks:mine")
    filters = {
        "unit_id": query_int(request.GET, "unit"),
        "status": _status_filter(request),
        "overdue": request.GET.get("overdue") == "1",
        "stage_id": query_int(request.GET, "stage"),
        "search": _search(request),
    }
    sort = request.GET.get("sort") or ""
    sort = sort if sort in dict(TASK_SORTS) else ""
    listing = page_of(request, task_list_for_zone(zone=zone, sort=sort, lean=True, **filters), per_page=TASKS_PER_PAGE)
    context = {
        "zone": zone,
        "listing": listing,
        "rows": task_rows(tasks=listing.rows),
        "filters": filters,
        "sort": sort,
        "sorts": TASK_SORTS,
        **task_filter_choices(zone=zone),
        "status_filters": STATUS_FILTERS,
        "can_manage": zone_can(request.user, zone, ZoneAction.MANAGE_TASKS),
        "filtered": any(filters.values()),
    }
    return render(request, "tasks/task_list.html", context)


def _status_filter(request: HttpRequest) -> str | None:
    status = request.GET.get("status") or ""
    return status if status in dict(STATUS_FILTERS) else None


def _search(request: HttpRequest) -> str:
    return (request.GET.get("q") or "").strip()[:100]


def _task_form_page(request: HttpRequest, *, zone, form: TaskForm, task=None) -> HttpResponse:
    selected = {str(v) for v in (form["units"].value() or [])}
    leads = {str(v) for v in (form["lead_units"].value() or [])}
    context = {
        "zone": zone,
        "form": form,
        "task": task,
        "unit_groups": _unit_groups(form.fields["units"].queryset),
        "selected_units": selected,
        "lead_units": leads,
        "selected_indicators": {str(v) for v in (form["indicators"].value() or [])},
    }
    return render(request, "tasks/task_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def task_create_view(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.MANAGE_TASKS)
    form = TaskForm(request.POST or None, zone=zone)
    if request.method == "POST" and form.is_valid():
        try:
            task = task_create(zone=zone, user=request.user, **form.service_kwargs())
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("已创建任务“%(title)s”。") % {"title": task.title})
            return redirect("tasks:task-detail", task_id=task.pk)
    return _task_form_page(request, zone=zone, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, task_id: int) -> HttpResponse:
    task = task_get_for_user(user=request.user, task_id=task_id, action=ZoneAction.MANAGE_TASKS)
    zone = task.zone
    if request.method == "POST":
        form = TaskForm(request.POST, zone=zone)
    else:
        form = TaskForm(initial=TaskForm.initial_for(task), zone=zone)
    if request.method == "POST" and form.is_valid():
        try:
            task_update(task=task, user=request.user, **form.service_kwargs())
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("已保存任务。"))
            return redirect("tasks:task-detail", task_id=task.pk)
    return _task_form_page(request, zone=zone, form=form, task=task)


@login_required
@require_GET
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = task_get_for_user(user=request.user, task_id=task_id)
    zone = task.zone
    assignments = task_assignments_with_history(task=task)
    reporting = own_unit_ids_where(request.user, zone, ZoneAction.REPORT_PROGRESS)
    for assignment in assignments:
        assignment.can_report = assignment.unit_id in reporting
    context = {
        "zone": zone,
        "task": task,
        "stage": task.stage if task.stage_id else None,
        "indicators": task_indicator_list(task=task),
        "assignments": assignments,
        "history": page_of(request, task_events(assignments=assignments), per_page=HISTORY_PER_PAGE),
        "can_manage": zone_can(request.user, zone, ZoneAction.MANAGE_TASKS),
        "can_view_all": zone_can(request.user, zone, ZoneAction.VIEW_ALL_TASKS),
        "send_back_form": SendBackForm(),
        "report_form": ProgressReportForm(),
    }
    return render(request, "tasks/task_detail.html", context)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """我的任务: the assignments of the user's units, due soon first, a page at a time, and the units' indicators.
    ``?card=<assignment id>`` (a notice's link) goes to the page that holds that card."""
    units = liaison_units_for(user=request.user)
    filters = {"status": _status_filter(request), "search": _search(request)}
    assignments = assignment_list_for_units(unit_ids=[u.pk for u in units], **filters)
    card = query_int(request.GET, "card")
    if card:  # a notice's link: the page that holds that card, scrolled to it
        number = assignment_page_number(assignments=assignments, assignment_id=card, per_page=CARDS_PER_PAGE)
        query = request.GET.copy()
        query.pop("card")
        query["page"] = number
        return redirect(f"{reverse('tasks:mine')}?{query.urlencode()}#card-{card}")
    listing = page_of(request, assignments, per_page=CARDS_PER_PAGE)
    context = {
        "units": units,
        "listing": listing,
        "assignments": assignment_cards(assignments=listing.rows),
        "next_url": request.get_full_path(),
        "filters": filters,
        "filtered": any(filters.values()),
        "status_filters": STATUS_FILTERS,
        "unit_indicators": indicators_for_units(units=units),
        "office_zones": office_zones_for(user=request.user),
    }
    return render(request, "tasks/mine.html", context)


def _back(request: HttpRequest, default: str) -> str:
    return safe_next(request, request.POST.get("next")) or resolve_url(default)


def _report_page(request: HttpRequest, assignment, *, errors: list[str] | None = None) -> HttpResponse:
    """One assignment: its progress history a page at a time and, for its unit's liaison, the report form."""
    zone = assignment.task.zone
    reporting = own_unit_ids_where(request.user, zone, ZoneAction.REPORT_PROGRESS)
    card = assignment_cards(
        assignments=assignment_list_for_units(unit_ids=[assignment.unit_id], assignment_id=assignment.pk),
        own_unit_ids=reporting,
    )[0]
    history = page_of(request, assignment_reports(assignment=assignment), per_page=HISTORY_PER_PAGE)
    context = {
        "zone": zone,
        "assignment": card,
        "history": history,
        "reports": report_rows(reports=history.rows),
        "errors": errors or [],
        "can_view_all": zone_can(request.user, zone, ZoneAction.VIEW_ALL_TASKS),
    }
    return render(request, "tasks/report.html", context, status=400 if errors else 200)


@upload_limit(attachment_max_bytes)
@login_required
@require_http_methods(["GET", "POST"])
def assignment_report(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """A liaison's progress report: the page (GET, also the phone's way in) and its form (POST, from
    that page, 我的任务 or the task page); with htmx the card is re-rendered."""
    assignment = assignment_get_for_user(user=request.user, assignment_id=assignment_id)
    if request.method == "GET":
        return _report_page(request, assignment)
    form = ProgressReportForm(request.POST, request.FILES)
    errors: list[str] = []
    refused = getattr(request, "upload_refused", [])
    if refused:  # stopped while streaming: nothing of it was kept
        errors = [too_large_message(refused[0], attachment_max_bytes())]
    elif form.is_valid():
        data = form.cleaned_data
        try:
            assignment_report_progress(
                assignment=assignment,
                user=request.user,
                percent=data["percent"],
                text=data["text"],
                reason=data["reason"],
                attachment=data["attachment"],
            )
        except ValidationError as exc:
            errors = exc.messages
    else:
        labels = {name: field.label for name, field in form.fields.items()}
        errors = [f"{labels.get(name, '')}：{e}".lstrip("：") for name, items in form.errors.items() for e in items]
    if request.headers.get("HX-Request"):
        cards = assignment_cards(
            assignments=assignment_list_for_units(unit_ids=[assignment.unit_id], assignment_id=assignment.pk)
        )
        next_url = _back(request, reverse("tasks:mine"))
        context = {"assignments": cards, "errors": errors, "saved": not errors, "next_url": next_url}
        return render(request, "tasks/_assignment_cards.html", context)
    if errors and request.POST.get("from") == "page":  # the report page shows the form again, with the messages
        return _report_page(request, assignment, errors=errors)
    if errors:
        for message in errors:
            messages.error(request, message)
    else:
        messages.success(request, _("已填报进展。"))
    return redirect(_back(request, "tasks:mine"))


@login_required
@require_POST
def assignment_confirm_view(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = assignment_get_for_user(user=request.user, assignment_id=assignment_id)
    try:
        assignment_confirm(assignment=assignment, user=request.user)
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
    else:
        messages.success(request, _("已确认“%(unit)s”完成。") % {"unit": assignment.unit.name})
    return redirect("tasks:task-detail", task_id=assignment.task_id)


@login_required
@require_POST
def assignment_send_back_view(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = assignment_get_for_user(user=request.user, assignment_id=assignment_id)
    try:
        assignment_send_back(assignment=assignment, user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
    else:
        messages.success(request, _("已退回“%(unit)s”。") % {"unit": assignment.unit.name})
        if assignment_notice_waiting(assignment=assignment):
            messages.warning(
                request, _("任务队列暂时不可用：给联络员的通知已登记，队列恢复后将自动发送，无需再次操作。")
            )
    return redirect("tasks:task-detail", task_id=assignment.task_id)


@login_required
@require_GET
def report_attachment(request: HttpRequest, report_id: int) -> FileResponse:
    """A report's attachment, for whoever may see the task; served from private storage."""
    report = report_get_for_user(user=request.user, report_id=report_id)
    if not report.attachment:
        raise Http404(_("该填报没有附件。"))
    content_type = mimetypes.guess_type(report.attachment.name)[0] or "application/octet-stream"
    response = FileResponse(report.attachment.open("rb"), content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(
        report.attachment_name or report.attachment.name,
        fallback=f"report-{report.pk}.{report.attachment_type or 'bin'}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ------------------------------------------------------------------ supervision


@login_required
@require_GET
def dashboard_index(request: HttpRequest) -> HttpResponse:
    """The nav's 驾驶舱: straight to the dashboard when the user follows one zone, else a chooser."""
    zones = office_zone_summaries(user=request.user)
    if len(zones) == 1:
        return redirect("tasks:dashboard", zone_id=zones[0].pk)
    return render(request, "tasks/dashboard_index.html", {"zones": zones})


def _chart_data(units) -> dict:
    """The completion-by-unit chart (static/js/dashboard.js), passed through json_script."""
    series = (
        ("completed", _("已完成"), "completed"),
        ("in_progress", _("进行中"), "in_progress"),
        ("not_started", _("未开始"), "not_started"),
        ("overdue", _("逾期"), "overdue"),
    )
    return {
        "units": [u.unit.short_name or u.unit.name for u in units],
        "names": [u.unit.name for u in units],
        "progress": [u.progress for u in units],
        "progressLabel": _("平均进度"),
        "series": [{"key": key, "name": name, "data": [getattr(u, attr) for u in units]} for key, name, attr in series],
    }


@login_required
@require_GET
def dashboard(request: HttpRequest, zone_id: int) -> HttpResponse:
    """驾驶舱 for the office (and provincial reviewers, read-only); a liaison goes to 我的任务, as on the task list."""
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.VIEW_TASKS)
    if not zone_can(request.user, zone, ZoneAction.VIEW_ALL_TASKS):
        return redirect("tasks:mine")
    data = dashboard_for_zone(zone=zone)
    context = {
        "zone": zone,
        "dash": data,
        "chart": _chart_data(data.units),
        "chart_height": 90 + 28 * len(data.units),
        "can_manage": zone_can(request.user, zone, ZoneAction.MANAGE_TASKS),
    }
    return render(request, "tasks/dashboard.html", context)


def _bulletin_date(request: HttpRequest) -> tuple[date, str]:
    """The ``date`` parameter (YYYY-MM-DD), today by default; an invalid one falls back to today with a message."""
    today = timezone.localdate()
    raw = (request.GET.get("date") or "").strip()
    if not raw:
        return today, ""
    try:
        chosen = date.fromisoformat(raw)
    except ValueError:
        chosen = None
    if chosen is None or not 2000 <= chosen.year <= 2100:
        return today, _("日期“%(value)s”无效，已显示今天的通报。") % {"value": raw[:20]}
    return chosen, ""


BULLETIN_PAGE_SIZE = 50  # overdue rows a page; the Excel export has them all


@login_required
@require_GET
def bulletin(request: HttpRequest, zone_id: int) -> HttpResponse:
    """督办通报: overdue assignments by unit and the on-time ranking, for the office and provincial reviewers."""
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.VIEW_ALL_TASKS)
    on, error = _bulletin_date(request)
    data = bulletin_for_zone(zone=zone, on=on, rows=False)
    listing = page_of(request, data.overdue, per_page=BULLETIN_PAGE_SIZE)
    groups = bulletin_groups(bulletin=data, overdue=listing.rows)
    context = {"zone": zone, "bulletin": data, "groups": groups, "listing": listing, "date_error": error}
    return render(request, "tasks/bulletin.html", context)


@login_required
@require_GET
def bulletin_export(request: HttpRequest, zone_id: int) -> HttpResponse:
    """The same bulletin as an .xlsx (two sheets), named 督办通报-YYYY-MM-DD.xlsx."""
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.VIEW_ALL_TASKS)
    on, _error = _bulletin_date(request)
    workbook = bulletin_to_workbook(bulletin_for_zone(zone=zone, on=on))
    logger.info("bulletin of zone %s for %s exported by user %s", zone.pk, on, request.user.pk)
    return _xlsx_response(
        workbook, filename=f"督办通报-{on:%Y-%m-%d}.xlsx", fallback=f"bulletin-{zone.pk}-{on:%Y%m%d}.xlsx"
    )
