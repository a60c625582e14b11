"""Pages of 自查自纠: campaigns and the units' self-checks. Thin: check access
(inspections.access), call one selector or service, render or redirect."""

from __future__ import annotations

import re
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.sessions import background_request
from zones.access import ZoneAction, unit_ids_for, zone_can, zone_get_for_user, zones_where

from . import selectors, services
from .access import (
    Action,
    campaign_can,
    campaign_get_for_user,
    can_manage,
    evaluation_can,
    nav_context,
    selfcheck_can,
    selfcheck_get_for_user,
    unit_scope,
)
from .evaluation import evaluation_grade
from .models import Campaign, Grade, SelfCheck, SelfStatus
from .uploads import ACCEPT_ATTR, ALLOWED_LABELS, file_download

FIELD = re.compile(r"^([ia]\d+)-(done_text|status|na_reason|gaps)$")


def errors_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


# Home and campaigns ------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The campaigns of every zone the user follows, with the user's own way in to each."""
    zones = list(zones_where(request.user, ZoneAction.VIEW_INSPECTIONS).order_by("name"))
    campaigns = list(Campaign.objects.filter(zone__in=zones).select_related("zone").order_by("-opened_at", "-pk"))
    own_units = {zone.pk: unit_ids_for(request.user, zone) for zone in zones}
    mine = {
        s.campaign_id: s
        for s in SelfCheck.objects.filter(campaign__in=campaigns, unit_id__in=set().union(*own_units.values()))
        .select_related("unit")
        .order_by("unit__position")
    }
    rows = [
        {"campaign": c, "selfcheck": mine.get(c.pk), "visible": campaign_can(request.user, c, Action.VIEW)}
        for c in campaigns
    ]
    managed = [z for z in zones if zone_can(request.user, z, ZoneAction.MANAGE_INSPECTIONS)]
    return render(request, "inspections/home.html", {"rows": [r for r in rows if r["visible"]], "managed": managed})


@login_required
def campaign_list(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.VIEW_INSPECTIONS)
    campaigns = [c for c in selectors.campaigns_of_zone(zone=zone) if campaign_can(request.user, c, Action.VIEW)]
    context = {
        "zone": zone,
        "campaigns": campaigns,
        "can_manage": zone_can(request.user, zone, ZoneAction.MANAGE_INSPECTIONS),
        "open_campaign": selectors.campaign_open_for_zone(zone=zone),
        "scales": Campaign.Scale.choices,
    }
    return render(request, "inspections/campaign_list.html", context)


def _campaign_data(post) -> dict:
    data = {}
    for name in ("title", "scale", "row_points", "excellent_min", "good_min", "pass_min"):
        if name in post:
            data[name] = post.get(name, "")
    if "due_date" in post:
        data["due_date"] = parse_date(post.get("due_date"))
    return data


@login_required
@require_POST
def campaign_open(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.MANAGE_INSPECTIONS)
    data = _campaign_data(request.POST)
    try:
        campaign = services.campaign_open(
            zone=zone, user=request.user, title=data.pop("title", ""), due_date=data.pop("due_date", None), **data
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("inspections:campaigns", zone_id=zone.pk)
    messages.success(request, _("已发起自查考评，各责任单位可开始填写自查。"))
    return redirect("inspections:campaign", campaign_id=campaign.pk)


@login_required
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_get_for_user(request.user, campaign_id)
    scope = unit_scope(request.user, campaign)
    lines = selectors.campaign_unit_lines(campaign=campaign, scope=scope)
    for line in lines:
        if line.evaluation is not None:
            line.evaluation.campaign = campaign
            line.grade = evaluation_grade(line.evaluation)
            line.grade_label = Grade(line.grade).label if line.grade else ""
            line.evaluation_visible = evaluation_can(request.user, line.evaluation, Action.VIEW)
    context = {
        "campaign": campaign,
        "zone": campaign.zone,
        "lines": lines,
        "progress": selectors.campaign_progress(campaign=campaign, lines=lines),
        "can_manage": campaign_can(request.user, campaign, Action.MANAGE),
        "sees_all": scope is None,
        "scales": Campaign.Scale.choices,
    }
    context.update(nav_context(request.user, campaign))
    return render(request, "inspections/campaign_detail.html", context)


@login_required
@require_POST
def campaign_settings(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_get_for_user(request.user, campaign_id, Action.MANAGE)
    try:
        services.campaign_update(campaign=campaign, data=_campaign_data(request.POST))
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("已保存自查考评设置。"))
    return redirect("inspections:campaign", campaign_id=campaign.pk)


@login_required
@require_POST
def campaign_close(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_get_for_user(request.user, campaign_id, Action.MANAGE)
    try:
        services.campaign_close(campaign=campaign, user=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("自查阶段已结束，各单位不能再填写或报送自查报告；市级考评和问题整改照常进行。"))
    return redirect("inspections:campaign", campaign_id=campaign.pk)


# Self-checks ------------------------------------------------------------------------------------


def answers_from_post(post) -> dict[str, dict[str, str]]:
    answers: dict[str, dict[str, str]] = {}
    for name, value in post.items():
        match = FIELD.match(name)
        if match:
            answers.setdefault(match.group(1), {})[match.group(2)] = value
    return answers


@login_required
def selfcheck_page(request: HttpRequest, selfcheck_id: int) -> HttpResponse:
    if request.method == "POST":
        return _selfcheck_post(request, selfcheck_id)
    selfcheck = selfcheck_get_for_user(request.user, selfcheck_id)
    campaign = selfcheck.campaign
    rows = selectors.unit_rows(campaign=campaign, unit=selfcheck.unit, selfcheck=selfcheck)
    may_edit = selfcheck_can(request.user, selfcheck, Action.SELF_CHECK)
    context = {
        "selfcheck": selfcheck,
        "campaign": campaign,
        "zone": campaign.zone,
        "unit": selfcheck.unit,
        "rows": rows,
        "answered": sum(1 for r in rows if r.answered),
        "statuses": SelfStatus.choices,
        "editable": may_edit and selfcheck.is_editable,
        "scan_open": campaign.is_open or selfcheck.status != SelfCheck.Status.DRAFT,
        "may_edit": may_edit,
        "can_manage": selfcheck_can(request.user, selfcheck, Action.MANAGE),
        "accept": ACCEPT_ATTR,
        "allowed_labels": ALLOWED_LABELS,
        "events": list(selfcheck.events.select_related("by").order_by("-at", "-pk")[:20]),
    }
    context.update(nav_context(request.user, campaign))
    return render(request, "inspections/selfcheck.html", context)


def _selfcheck_post(request: HttpRequest, selfcheck_id: int) -> HttpResponse:
    selfcheck = selfcheck_get_for_user(request.user, selfcheck_id, Action.SELF_CHECK)
    try:
        services.selfcheck_save(
            selfcheck=selfcheck,
            user=request.user,
            answers=answers_from_post(request.POST),
            summary=request.POST.get("summary"),
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("inspections:selfcheck", selfcheck_id=selfcheck.pk)
    if request.POST.get("action") == "submit":
        try:
            services.selfcheck_submit(selfcheck=selfcheck, user=request.user)
        except ValidationError as exc:
            messages.info(request, _("已保存。"))
            errors_to_messages(request, exc)
        else:
            messages.success(request, _("自查报告已报送并锁定，系统正在生成 PDF。"))
    else:
        messages.success(request, _("已保存。"))
    return redirect("inspections:selfcheck", selfcheck_id=selfcheck.pk)


@login_required
@require_POST
def selfcheck_return(request: HttpRequest, selfcheck_id: int) -> HttpResponse:
    selfcheck = selfcheck_get_for_user(request.user, selfcheck_id, Action.MANAGE)
    try:
        services.selfcheck_return(selfcheck=selfcheck, user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("已退回自查报告。"))
    return redirect("inspections:selfcheck", selfcheck_id=selfcheck.pk)


@login_required
def selfcheck_mine(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """A liaison's way in: their unit's self-check in the campaign (created if the unit is new)."""
    campaign = campaign_get_for_user(request.user, campaign_id)
    units = sorted(unit_ids_for(request.user, campaign.zone))
    if not units:
        raise Http404("您不是该创建对象责任单位的联络员。")
    unit = campaign.zone.units.get(pk=units[0])
    selfcheck = services.selfcheck_ensure(campaign=campaign, unit=unit)
    return redirect("inspections:selfcheck", selfcheck_id=selfcheck.pk)


@login_required
@require_POST
def selfcheck_scan(request: HttpRequest, selfcheck_id: int) -> HttpResponse:
    selfcheck = selfcheck_get_for_user(request.user, selfcheck_id, Action.SELF_CHECK)
    chosen, photo = request.FILES.get("file"), request.FILES.get("photo")  # the file field, the camera field
    if chosen is not None and photo is not None:
        messages.error(request, _("签字扫描件只能提交一个：请只选择文件或只拍照。"))
        return redirect("inspections:selfcheck", selfcheck_id=selfcheck.pk)
    upload = chosen or photo
    if upload is None:
        messages.error(request, _("请选择要上传的签字扫描件，或拍照上传。"))
        return redirect("inspections:selfcheck", selfcheck_id=selfcheck.pk)
    try:
        services.selfcheck_scan_upload(selfcheck=selfcheck, user=request.user, file=upload)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("已上传签字扫描件。"))
    return redirect("inspections:selfcheck", selfcheck_id=selfcheck.pk)


@login_required
def selfcheck_scan_download(request: HttpRequest, selfcheck_id: int):
    selfcheck = selfcheck_get_for_user(request.user, selfcheck_id)
    if not selfcheck.scan_name:
        raise Http404("尚未上传签字扫描件。")
    return file_download(
        stored_name=selfcheck.scan_name,
        filename=selfcheck.scan_original,
        content_type=selfcheck.scan_content_type,
        inline=True,
    )


@login_required
def selfcheck_pdf(request: HttpRequest, selfcheck_id: int):
    selfcheck = selfcheck_get_for_user(request.user, selfcheck_id)
    if selfcheck.pdf_status != SelfCheck.PdfStatus.READY:
        raise Http404("自查报告 PDF 尚未生成。")
    return file_download(
        stored_name=selfcheck.pdf_name,
        filename=f"{selfcheck.unit.name}自查报告.pdf",
        content_type="application/pdf",
        inline=request.GET.get("inline") == "1",
    )


@background_request
@login_required
def selfcheck_pdf_status(request: HttpRequest, selfcheck_id: int) -> HttpResponse:
    """Polled by the self-check page while the PDF renders (htmx); POST queues a (re)render."""
    selfcheck = selfcheck_get_for_user(request.user, selfcheck_id)
    if request.method == "POST":
        may = selfcheck_can(request.user, selfcheck, Action.SELF_CHECK) or can_manage(request.user, selfcheck.campaign)
        if not may:
            raise PermissionDenied("没有权限执行此操作。")
        try:
            services.selfcheck_pdf_request(selfcheck=selfcheck)
        except ValidationError as exc:
            errors_to_messages(request, exc)
        return redirect("inspections:selfcheck", selfcheck_id=selfcheck.pk)
    response = render(request, "inspections/_pdf_status.html", {"selfcheck": selfcheck})
    if selfcheck.pdf_status not in (SelfCheck.PdfStatus.QUEUED, SelfCheck.PdfStatus.RENDERING):
        response["HX-Refresh"] = "true"
    return response
