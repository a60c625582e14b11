"""Pages of the 市级考评: the 考核考评组, per-unit evaluations, findings through 整改 to 销号,
results and ranking with the 考评结果通报 export. Thin: access, one service or selector, render."""

from __future__ import annotations

from io import BytesIO

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.http import attachment_disposition
from common.pagination import page_of
from common.params import int_param, query_int

from . import evaluation as evaluation_services
from . import findings as finding_services
from . import ranking, selectors
from .access import (
    DENIED,
    Action,
    campaign_get_for_user,
    can_manage,
    evaluation_can,
    evaluation_get_for_user,
    finding_can,
    finding_get_for_user,
    nav_context,
    team_visible,
    unit_scope,
)
from .models import EvaluationMethod, Finding, FindingFile, Grade, Result, Severity, TeamMember
from .uploads import ACCEPT_ATTR, ALLOWED_LABELS, file_download
from .views import errors_to_messages, parse_date

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 20


# 考核考评组 --------------------------------------------------------------------------------------


@login_required
def team(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The 考核考评组: the office forms it and assigns units; the reviewers read it."""
    if request.method == "POST":
        return _team_post(request, campaign_get_for_user(request.user, campaign_id, Action.MANAGE))
    campaign = campaign_get_for_user(request.user, campaign_id)
    if not team_visible(request.user, campaign):
        raise PermissionDenied(DENIED)
    members = selectors.team_of(campaign=campaign)
    manages = can_manage(request.user, campaign)
    candidates = selectors.team_candidates(campaign=campaign, exclude={m.user_id for m in members}) if manages else []
    context = {
        "campaign": campaign,
        "zone": campaign.zone,
        "members": members,
        "candidates": candidates,
        "lines": selectors.campaign_unit_lines(campaign=campaign),
        "roles": TeamMember.Role.choices,
    }
    context.update(nav_context(request.user, campaign))
    return render(request, "inspections/team.html", context)


def _evaluator_from_post(raw: str):
    """The 考评组 member chosen to evaluate (empty: unassign); a bad or unknown id is refused."""
    if not raw.strip():
        return None
    user_id = int_param(raw)
    evaluator = get_user_model().objects.filter(pk=user_id).first() if user_id is not None else None
    if evaluator is None:
        raise ValidationError(_("所选考评人员不存在，请刷新页面后重试。"))
    return evaluator


def _team_post(request: HttpRequest, campaign) -> HttpResponse:
    action = request.POST.get("action", "")
    User = get_user_model()
    try:
        if action == "add":
            username = request.POST.get("username", "").strip()
            member = User.objects.filter(username=username, is_active=True).first()
            if member is None:
                raise ValidationError(_("账号“%(username)s”不存在。") % {"username": username})
            evaluation_services.team_member_add(
                campaign=campaign, member=member, role=request.POST.get("role", TeamMember.Role.MEMBER), by=request.user
            )
            messages.success(request, _("已加入考核考评组。"))
        elif action == "assign":
            evaluator = _evaluator_from_post(request.POST.get("evaluator", ""))
            unit_ids = [int_param(v) for v in request.POST.getlist("units")]
            if None in unit_ids:
                raise ValidationError(_("所选单位编号无效，请刷新页面后重试。"))
            if not unit_ids:
                raise ValidationError(_("请选择要分派的单位。"))
            evaluation_services.evaluation_assign(
                campaign=campaign, unit_ids=unit_ids, evaluator=evaluator, by=request.user
            )
            messages.success(request, _("已分派考评单位。"))
        else:
            messages.error(request, _("未知的操作。"))
    except ValidationError as exc:
        errors_to_messages(request, exc)
    return redirect("inspections:team", campaign_id=campaign.pk)


@login_required
@require_POST
def team_member_remove(request: HttpRequest, campaign_id: int, team_member_id: int) -> HttpResponse:
    campaign = campaign_get_for_user(request.user, campaign_id, Action.MANAGE)
    member = TeamMember.objects.filter(campaign=campaign, pk=team_member_id).select_related("user").first()
    if member is None:
        raise Http404("考评组成员不存在。")
    try:
        evaluation_services.team_member_remove(member=member, by=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("已移出考核考评组。"))
    return redirect("inspections:team", campaign_id=campaign.pk)


# Evaluations -------------------------------------------------------------------------------------


def _results_from_post(post) -> dict[str, dict[str, str]]:
    results: dict[str, dict[str, str]] = {}
    for name, value in post.items():
        key, _sep, field = name.partition("-")
        # Any i…/a… key goes to the service, which refuses one that is not the unit's row (an
        # "i²" included) with its message, rather than quietly saving the other rows.
        if field in ("result", "points", "comment") and key[:1] in ("i", "a") and key[1:]:
            results.setdefault(key, {})[field] = value
    return results


@login_required
def evaluation_page(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    if request.method == "POST":
        evaluation = evaluation_get_for_user(request.user, evaluation_id, Action.EVALUATE)
        try:
            evaluation_services.evaluation_results_save(
                evaluation=evaluation,
                user=request.user,
                results=_results_from_post(request.POST),
                summary=request.POST.get("summary"),
            )
            if request.POST.get("action") == "finish":
                evaluation_services.evaluation_finish(evaluation=evaluation, user=request.user)
                messages.success(request, _("已完成该单位的考评。"))
            else:
                messages.success(request, _("已保存。"))
        except ValidationError as exc:
            errors_to_messages(request, exc)
        return redirect("inspections:evaluation", evaluation_id=evaluation.pk)
    evaluation = evaluation_get_for_user(request.user, evaluation_id)
    campaign = evaluation.campaign
    selfcheck = campaign.selfchecks.filter(unit=evaluation.unit).first()
    rows = selectors.unit_rows(campaign=campaign, unit=evaluation.unit, selfcheck=selfcheck, evaluation=evaluation)
    may_evaluate = evaluation_can(request.user, evaluation, Action.EVALUATE)
    locked = evaluation_services.evaluation_lock_reason(evaluation, may_evaluate=may_evaluate)
    context = {
        "evaluation": evaluation,
        "campaign": campaign,
        "zone": campaign.zone,
        "unit": evaluation.unit,
        "selfcheck": selfcheck,
        "rows": rows,
        "methods": list(evaluation.methods.select_related("by")),
        "findings": list(evaluation.findings.select_related("indicator", "assignment__task").order_by("number")),
        "grade_label": Grade(grade).label if (grade := evaluation_services.evaluation_grade(evaluation)) else "",
        "results": Result.choices,
        "method_choices": EvaluationMethod.Method.choices,
        "severities": Severity.choices,
        "on_points": campaign.scale == campaign.Scale.POINTS,
        "editable": not locked,
        "locked_reason": locked,
        "may_evaluate": may_evaluate,
        "can_manage": evaluation_can(request.user, evaluation, Action.MANAGE),
        "today": timezone.localdate(),
        "accept": ACCEPT_ATTR,
        "allowed_labels": ALLOWED_LABELS,
    }
    context.update(nav_context(request.user, campaign))
    return render(request, "inspections/evaluation.html", context)


@login_required
@require_POST
def evaluation_method_add(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = evaluation_get_for_user(request.user, evaluation_id, Action.EVALUATE)
    try:
        evaluation_services.evaluation_method_add(
            evaluation=evaluation,
            user=request.user,
            method=request.POST.get("method", ""),
            on=parse_date(request.POST.get("on")),
            notes=request.POST.get("notes", ""),
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("已记录考评方式。"))
    return redirect("inspections:evaluation", evaluation_id=evaluation.pk)


@login_required
@require_POST
def evaluation_method_delete(request: HttpRequest, evaluation_id: int, method_id: int) -> HttpResponse:
    evaluation = evaluation_get_for_user(request.user, evaluation_id, Action.EVALUATE)
    method = EvaluationMethod.objects.filter(evaluation=evaluation, pk=method_id).first()
    if method is None:
        raise Http404("记录不存在。")
    method.evaluation = evaluation
    try:
        evaluation_services.evaluation_method_delete(method=method)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    return redirect("inspections:evaluation", evaluation_id=evaluation.pk)


@login_required
@require_POST
def evaluation_reopen(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = evaluation_get_for_user(request.user, evaluation_id, Action.MANAGE)
    try:
        evaluation_services.evaluation_reopen(
            evaluation=evaluation, user=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("已重新打开该单位的考评。"))
    return redirect("inspections:evaluation", evaluation_id=evaluation.pk)


@login_required
@require_POST
def finding_create(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = evaluation_get_for_user(request.user, evaluation_id, Action.EVALUATE)
    try:
        finding = finding_services.finding_create(
            evaluation=evaluation,
            user=request.user,
            title=request.POST.get("title", ""),
            location=request.POST.get("location", ""),
            severity=request.POST.get("severity", ""),
            deadline=parse_date(request.POST.get("deadline")),
            target=request.POST.get("target", ""),
            files=_files_and_photos(request),
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("inspections:evaluation", evaluation_id=evaluation.pk)
    messages.success(request, _("已记录问题，并通知责任单位整改。"))
    return redirect("inspections:finding", finding_id=finding.pk)


# Findings ------------------------------------------------------------------------------------------


def _files_and_photos(request: HttpRequest) -> list:
    """The chosen files and the photos taken with the camera field: the same checks for both."""
    return [*request.FILES.getlist("files"), *request.FILES.getlist("photos")]


@login_required
def finding_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_get_for_user(request.user, campaign_id)
    scope = unit_scope(request.user, campaign)
    filters = {
        "unit_id": query_int(request.GET, "unit"),
        "indicator_id": query_int(request.GET, "indicator"),
        "task_id": query_int(request.GET, "task"),
        "status": request.GET.get("status", "") if request.GET.get("status") in Finding.Status.values else "",
        "severity": request.GET.get("severity", "") if request.GET.get("severity") in Severity.values else "",
    }
    rows = selectors.findings_of(campaign=campaign, scope=scope, **filters)
    listing = page_of(request, rows, per_page=PAGE_SIZE)
    by_unit = selectors.finding_state_table(campaign=campaign, scope=scope, by="unit")
    by_item = selectors.finding_state_table(campaign=campaign, scope=scope, by="item")
    by_task = selectors.finding_state_table(campaign=campaign, scope=scope, by="task")
    context = {
        "campaign": campaign,
        "zone": campaign.zone,
        "page": listing.page,
        "listing": listing,
        "filters": filters,
        "tables": [(_("按单位"), "unit", by_unit), (_("按指标"), "indicator", by_item), (_("按任务"), "task", by_task)],
        "unlinked": sum(r["total"] for r in by_unit) - sum(r["total"] for table in (by_item, by_task) for r in table),
        "statuses": Finding.Status.choices,
        "severities": Severity.choices,
        "lines": selectors.campaign_unit_lines(campaign=campaign, scope=scope),
    }
    context.update(nav_context(request.user, campaign))
    return render(request, "inspections/finding_list.html", context)


@login_required
def finding_detail(request: HttpRequest, finding_id: int) -> HttpResponse:
    finding = finding_get_for_user(request.user, finding_id)
    events = list(finding.events.select_related("by").prefetch_related("files").order_by("at", "pk"))
    context = {
        "finding": finding,
        "campaign": finding.campaign,
        "zone": finding.campaign.zone,
        "events": events,
        "finding_files": [f for f in finding.files.all() if f.purpose == FindingFile.Purpose.FINDING],
        "may_rectify": finding_can(request.user, finding, Action.RECTIFY)
        and finding.status in finding_services.ANSWERABLE,
        "may_recheck": finding_can(request.user, finding, Action.EVALUATE) and finding.status == Finding.Status.RECHECK,
        "may_manage": finding_can(request.user, finding, Action.MANAGE) and finding.is_open,
        "accept": ACCEPT_ATTR,
        "allowed_labels": ALLOWED_LABELS,
    }
    context.update(nav_context(request.user, finding.campaign))
    return render(request, "inspections/finding_detail.html", context)


@login_required
@require_POST
def finding_answer(request: HttpRequest, finding_id: int) -> HttpResponse:
    finding = finding_get_for_user(request.user, finding_id, Action.RECTIFY)
    submit = request.POST.get("action") == "submit"
    try:
        finding_services.finding_answer(
            finding=finding,
            user=request.user,
            text=request.POST.get("text", ""),
            submit=submit,
            files=_files_and_photos(request),
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("已提交整改情况，等待复核。") if submit else _("已保存整改进展。"))
    return redirect("inspections:finding", finding_id=finding.pk)


@login_required
@require_POST
def finding_recheck(request: HttpRequest, finding_id: int) -> HttpResponse:
    finding = finding_get_for_user(request.user, finding_id, Action.EVALUATE)
    close = request.POST.get("decision") == "close"
    try:
        finding_services.finding_recheck(
            finding=finding, user=request.user, close=close, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("复核通过，问题已销号。") if close else _("已退回整改。"))
    return redirect("inspections:finding", finding_id=finding.pk)


@login_required
@require_POST
def finding_deadline(request: HttpRequest, finding_id: int) -> HttpResponse:
    finding = finding_get_for_user(request.user, finding_id, Action.MANAGE)
    try:
        finding_services.finding_deadline_set(
            finding=finding,
            user=request.user,
            deadline=parse_date(request.POST.get("deadline")),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("已调整整改时限。"))
    return redirect("inspections:finding", finding_id=finding.pk)


@login_required
def finding_file(request: HttpRequest, finding_id: int, attachment_id: int):
    finding = finding_get_for_user(request.user, finding_id)
    row = FindingFile.objects.filter(finding=finding, pk=attachment_id).first()
    if row is None:
        raise Http404("文件不存在。")
    inline = row.content_type in ("application/pdf", "image/jpeg", "image/png")
    return file_download(
        stored_name=row.stored_name, filename=row.original_name, content_type=row.content_type, inline=inline
    )


# Results and ranking ------------------------------------------------------------------------------


@login_required
def ranking_page(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_get_for_user(request.user, campaign_id)
    scope = unit_scope(request.user, campaign)
    context = {
        "campaign": campaign,
        "zone": campaign.zone,
        "rows": ranking.campaign_ranking(campaign=campaign, scope=scope),
        "sees_all": scope is None,
    }
    context.update(nav_context(request.user, campaign))
    return render(request, "inspections/ranking.html", context)


@login_required
def ranking_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_get_for_user(request.user, campaign_id)
    if unit_scope(request.user, campaign) is not None:
        raise Http404("考评结果通报仅供办公室和评审人员下载。")
    today = timezone.localdate()
    workbook = ranking.ranking_to_workbook(
        campaign=campaign,
        rows=ranking.campaign_ranking(campaign=campaign),
        findings=ranking.findings_for_export(campaign=campaign),
        on=today,
    )
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = attachment_disposition(
        f"{campaign.zone.name}考评结果通报_{today:%Y%m%d}.xlsx", fallback=f"ranking_{today:%Y%m%d}.xlsx"
    )
    return response
