"""Thin views: check access (reports.access), call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.sessions import background_request
from common.files import file_response
from common.pagination import page_of

from . import selectors, services
from .access import (
    ReportAction,
    report_can,
    report_get_for_user,
    round_for_report,
    zone_get_for_reports,
)
from .forms import OpinionForm, ReportRequestForm
from .models import DownloadRecord, Report

PAGE_SIZE = 50


def flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# A zone's reports --------------------------------------------------------------------------------


@login_required
@require_GET
def zone_page(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_reports(request.user, zone_id)
    rounds = selectors.rounds_for_user(zone=zone, user=request.user)
    can = {action.value: report_can(request.user, zone, action) for action in ReportAction}
    context = {
        "zone": zone,
        "kinds": selectors.report_kinds(),
        "reports": selectors.report_list(zone=zone),
        "opinions": selectors.opinion_list(zone=zone),
        "request_form": ReportRequestForm(rounds=rounds),
        "opinion_form": OpinionForm(rounds=rounds),
        "rounds": rounds,
        "can": can,
        "downloads": (
            page_of(request, selectors.download_list(zone=zone), per_page=PAGE_SIZE) if can["view_downloads"] else None
        ),
    }
    return render(request, "reports/zone.html", context)


@login_required
@require_POST
def report_request(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_reports(request.user, zone_id, ReportAction.REQUEST)
    round = round_for_report(request.user, zone, request.POST.get("subject"))
    try:
        requested = services.report_request(
            zone=zone, round=round, kind=request.POST.get("kind", ""), user=request.user
        )
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("reports:zone", zone_id=zone.pk)
    except services.ReportQueueError as exc:
        messages.error(request, str(exc))
        return redirect("reports:zone", zone_id=zone.pk)
    report = requested.report
    if requested.outcome == "reused":
        messages.info(request, _("数据与上次生成时相同，直接提供已生成的报告。"))
    elif requested.outcome == "pending":
        messages.info(request, _("该报告正在生成中，请稍候。"))
    return redirect("reports:detail", zone_id=zone.pk, zone_report_id=report.pk)


def _report(request: HttpRequest, zone_id: int, report_id: int, action=ReportAction.VIEW):
    zone = zone_get_for_reports(request.user, zone_id, action)
    return zone, report_get_for_user(request.user, zone, report_id)


@login_required
@require_GET
def report_detail(request: HttpRequest, zone_id: int, zone_report_id: int) -> HttpResponse:
    zone, report = _report(request, zone_id, zone_report_id)
    can = {action.value: report_can(request.user, zone, action) for action in ReportAction}
    downloads = list(selectors.download_list(report=report)[:PAGE_SIZE]) if can["view_downloads"] else None
    return render(request, "reports/detail.html", {"zone": zone, "report": report, "can": can, "downloads": downloads})


@background_request
@login_required
@require_GET
def report_status(request: HttpRequest, zone_id: int, zone_report_id: int) -> HttpResponse:
    """Polled by the report page (htmx) while the report is queued or rendering."""
    zone, report = _report(request, zone_id, zone_report_id)
    can = {action.value: report_can(request.user, zone, action) for action in ReportAction}
    return render(request, "reports/_status.html", {"zone": zone, "report": report, "can": can})


@login_required
@require_GET
def report_download(request: HttpRequest, zone_id: int, zone_report_id: int) -> HttpResponse:
    zone, report = _report(request, zone_id, zone_report_id, ReportAction.DOWNLOAD)
    path = services.report_path(report) if report.status == Report.Status.READY else None
    if path is None:  # queued, rendering, failed: there is no file yet, and never a partial one
        raise Http404("报告尚未生成完成。")
    services.download_record_report(request=request, report=report, via=DownloadRecord.Via.PAGE)
    return file_response(
        path,
        url_path=report.stored_name,
        filename=report.download_name,
        fallback=f"report-{report.pk}{path.suffix}",
        content_type=report.content_type,
    )


@login_required
@require_POST
def report_retry(request: HttpRequest, zone_id: int, zone_report_id: int) -> HttpResponse:
    zone, report = _report(request, zone_id, zone_report_id, ReportAction.REQUEST)
    try:
        requested = services.report_retry(report=report, user=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("reports:detail", zone_id=zone.pk, zone_report_id=report.pk)
    except services.ReportQueueError as exc:
        messages.error(request, str(exc))
        return redirect("reports:detail", zone_id=zone.pk, zone_report_id=report.pk)
    return redirect("reports:detail", zone_id=zone.pk, zone_report_id=requested.report.pk)


def zone_url(zone) -> str:
    return reverse("reports:zone", args=[zone.pk])
