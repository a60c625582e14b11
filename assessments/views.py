"""Thin views: check access (zones.access / assessments.access), call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from accounts.sessions import background_request
from common.cache import zone_data_generation
from common.pagination import page_of
from common.redirects import redirect_next
from zones.access import ZoneAction, zone_can, zone_get_for_user

from . import selectors, services, whatif
from .access import MANAGE_ACTION, RoundAction, round_can, round_get_for_user
from .models import AssessmentRound, ScoreSnapshot

PENDING = (ScoreSnapshot.Status.QUEUED, ScoreSnapshot.Status.RUNNING)
QUEUE_WAITING = _lazy("任务队列暂时不可用：重新计算已登记，队列恢复后将自动完成，无需再次提交。")


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# Live score ------------------------------------------------------------------------


@login_required
def zone_scores(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id)
    latest = selectors.score_snapshot_latest(zone=zone)
    done = (
        latest
        if latest and latest.status == ScoreSnapshot.Status.DONE
        else selectors.score_snapshot_latest_done(zone=zone)
    )
    context = {
        "zone": zone,
        "snapshot": done,
        # The tree is built only when the page's cached fragments miss (see the template): they are
        # keyed by the snapshot and the zone's data token (common/cache.py), which every write to
        # the zone's evidence, figures or judgements replaces, and by the user's two links.
        "tree": SimpleLazyObject(
            lambda: selectors.score_tree_with_details(
                result=done.result, details=selectors.score_page_details(zone=zone, snapshot=done)
            )
        )
        if done
        else [],
        "fragment_key": f"{zone_data_generation(zone.pk)}:{done.pk}:{done.computed_at}" if done else "",
        "pending": latest if latest and latest.status in PENDING else None,
        "failed": latest if latest and latest.status == ScoreSnapshot.Status.FAILED else None,
        "can_recompute": zone_can(request.user, zone, ZoneAction.RECOMPUTE_SCORES),
        "can_view_rounds": zone_can(request.user, zone, ZoneAction.VIEW_ROUNDS),
        "reach": whatif.reach_for_zone(zone=zone),
        "can_view_evidence": zone_can(request.user, zone, ZoneAction.VIEW),
        "can_view_completeness": zone_can(request.user, zone, ZoneAction.VIEW_COMPLETENESS),
        "can_view_data": zone_can(request.user, zone, ZoneAction.SUBMIT_DATA),
    }
    return render(request, "assessments/zone_scores.html", context)


@login_required
@require_POST
def zone_scores_recompute(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.RECOMPUTE_SCORES)
    snapshot = services.score_snapshot_request(zone=zone, user=request.user)
    snapshot.refresh_from_db(fields=["status", "sent_at"])  # the job was sent (or refused) on commit
    if snapshot.waiting_for_queue:
        messages.warning(request, QUEUE_WAITING)
    else:
        messages.success(request, _("已提交重新计算，完成后页面会自动刷新。"))
    return redirect("assessments:scores", zone_id=zone.pk)


@login_required
@background_request
def zone_scores_status(request: HttpRequest, zone_id: int) -> HttpResponse:
    """Polled by the score page while a computation is pending (htmx); does not extend the session."""
    zone = zone_get_for_user(request.user, zone_id)
    latest = selectors.score_snapshot_latest(zone=zone)
    response = render(request, "assessments/_score_status.html", {"zone": zone, "pending": latest})
    if latest is None or latest.status not in PENDING:
        response["HX-Refresh"] = "true"
    return response


# Rounds ----------------------------------------------------------------------------


@login_required
def round_list(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.VIEW_ROUNDS)
    rounds = [r for r in selectors.rounds_of_zone(zone=zone) if round_can(request.user, r, RoundAction.VIEW)]
    listing = page_of(request, rounds, per_page=20)
    can_open = [
        (kind, label)
        for kind, label in AssessmentRound.Kind.choices
        if zone_can(request.user, zone, MANAGE_ACTION[kind])
    ]
    context = {
        "zone": zone,
        "page": listing.page,
        "listing": listing,
        "can_open": can_open,
        "open_round": selectors.round_open_for_zone(zone=zone),
        "aggregations": AssessmentRound.Aggregation.choices,
    }
    return render(request, "assessments/round_list.html", context)


@login_required
@require_POST
def round_open(request: HttpRequest, zone_id: int) -> HttpResponse:
    kind = request.POST.get("kind", "")
    if kind not in AssessmentRound.Kind.values:
        zone_get_for_user(request.user, zone_id, ZoneAction.VIEW_ROUNDS)
        messages.error(request, _("未知的评估类型。"))
        return redirect("assessments:rounds", zone_id=zone_id)
    zone = zone_get_for_user(request.user, zone_id, MANAGE_ACTION[kind])
    try:
        round = services.round_open(
            zone=zone,
            kind=kind,
            user=request.user,
            aggregation=request.POST.get("aggregation") or AssessmentRound.Aggregation.MEAN,
            blind=request.POST.get("blind") == "on",
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("assessments:rounds", zone_id=zone.pk)
    messages.success(request, _("已发起评估轮次。"))
    return redirect("assessments:round", round_id=round.pk)


@login_required
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    round = round_get_for_user(request.user, round_id)
    context = selectors.round_page(round=round, user=request.user)
    return render(request, "assessments/round_detail.html", context)


def _round_action(request: HttpRequest, round_id: int, action: RoundAction, call, done: str) -> HttpResponse:
    round = round_get_for_user(request.user, round_id, action)
    try:
        call(round)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, done)
    return redirect("assessments:round", round_id=round.pk)


@login_required
@require_POST
def round_start(request: HttpRequest, round_id: int) -> HttpResponse:
    return _round_action(
        request,
        round_id,
        RoundAction.MANAGE,
        lambda r: services.round_start(round=r, user=request.user),
        _("评审已开始，专家可以评分。"),
    )


@login_required
@require_POST
def round_submit(request: HttpRequest, round_id: int) -> HttpResponse:
    """Submit and lock; a refusal shows the page again with the chosen conclusion and reason kept."""
    round = round_get_for_user(request.user, round_id, RoundAction.MANAGE)
    posted = {"conclusion": request.POST.get("conclusion", ""), "reason": request.POST.get("reason", "")}
    try:
        services.round_submit(round=round, user=request.user, **posted)
    except ValidationError as exc:
        _errors(request, exc)
        round.refresh_from_db()
        context = {**selectors.round_page(round=round, user=request.user), "posted": posted}
        return render(request, "assessments/round_detail.html", context, status=400)
    messages.success(request, _("已提交，本轮得分已锁定。"))
    return redirect("assessments:round", round_id=round.pk)


@login_required
@require_POST
def round_reopen(request: HttpRequest, round_id: int) -> HttpResponse:
    return _round_action(
        request,
        round_id,
        RoundAction.MANAGE,
        lambda r: services.round_reopen(round=r, user=request.user, reason=request.POST.get("reason", "")),
        _("已重开，数据已解除锁定。"),
    )


@login_required
@require_POST
def round_return(request: HttpRequest, round_id: int) -> HttpResponse:
    return _round_action(
        request,
        round_id,
        RoundAction.RETURN,
        lambda r: services.round_return(round=r, user=request.user, reason=request.POST.get("reason", "")),
        _("已退回自评。"),
    )


@login_required
@require_POST
def round_reason(request: HttpRequest, round_id: int) -> HttpResponse:
    """差异说明 for one sub-criterion."""
    round = round_get_for_user(request.user, round_id, RoundAction.EXPLAIN)
    item = selectors.scoring_item_of_round(round=round, code=request.POST.get("code", ""))
    try:
        services.difference_reason_set(
            round=round, scoring_item=item, user=request.user, text=request.POST.get("text", "")
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已保存差异说明。"))
    # e.g. back to the review screen the reason was written from
    return redirect_next(request, "assessments:round", round_id=round.pk)


# Evaluators ------------------------------------------------------------------------


@login_required
def round_assignments(request: HttpRequest, round_id: int) -> HttpResponse:
    round = round_get_for_user(request.user, round_id, RoundAction.MANAGE)
    if request.method == "POST":
        evaluator = selectors.evaluator_candidate(round=round, user_id=request.POST.get("evaluator"))
        nodes = selectors.indicators_of_round(round=round, ids=request.POST.getlist("indicator"))
        try:
            if evaluator is None:
                raise ValidationError(_("请选择评审专家。"))
            if not nodes:
                raise ValidationError(_("请选择要分配的指标（一级、二级或三级）。"))
            made = services.evaluator_assign(round=round, evaluator=evaluator, indicators=nodes, user=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("已分配 %(n)d 项指标。") % {"n": len(made)})
        return redirect("assessments:round-assignments", round_id=round.pk)
    context = selectors.assignment_page(round=round)
    return render(request, "assessments/round_assignments.html", context)


@login_required
@require_POST
def assignment_delete(request: HttpRequest, round_id: int, evaluator_assignment_id: int) -> HttpResponse:
    round = round_get_for_user(request.user, round_id, RoundAction.MANAGE)
    assignment = selectors.assignment_of_round(round=round, assignment_id=evaluator_assignment_id)
    try:
        services.evaluator_unassign(assignment=assignment, user=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已取消分工。"))
    return redirect("assessments:round-assignments", round_id=round.pk)


@login_required
@require_POST
def assignment_recuse(request: HttpRequest, round_id: int, evaluator_assignment_id: int) -> HttpResponse:
    round = round_get_for_user(request.user, round_id, RoundAction.SCORE)
    assignment = selectors.assignment_of_round(
        round=round, assignment_id=evaluator_assignment_id, evaluator=request.user
    )
    try:
        services.assignment_recuse(assignment=assignment, user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已申请回避，该指标将由评审组织方重新分配。"))
    return redirect("assessments:round", round_id=round.pk)


# Doubts ----------------------------------------------------------------------------


@login_required
@require_POST
def doubt_raise(request: HttpRequest, round_id: int) -> HttpResponse:
    round = round_get_for_user(request.user, round_id, RoundAction.SCORE)
    item = selectors.scoring_item_of_round(round=round, code=request.POST.get("code", ""))
    try:
        services.doubt_raise(round=round, scoring_item=item, user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已标记存疑，该项本轮暂计0分，待办公室核实。"))
    return redirect(selectors.back_to_review(round=round, item=item))


@login_required
@require_POST
def doubt_close(request: HttpRequest, round_id: int, doubt_id: int) -> HttpResponse:
    """An evaluator withdraws their doubt; the office resolves it (data corrected)."""
    round = round_get_for_user(request.user, round_id)
    doubt = selectors.doubt_of_round(round=round, doubt_id=doubt_id)
    try:
        if doubt.raised_by_id == request.user.pk:
            services.doubt_withdraw(doubt=doubt, user=request.user, note=request.POST.get("note", ""))
        elif round_can(request.user, round, RoundAction.RESOLVE_DOUBT):
            services.doubt_resolve(doubt=doubt, user=request.user, note=request.POST.get("note", ""))
        else:
            raise PermissionDenied(_("没有权限处理该存疑。"))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("存疑已处理，该项按数据重新计算。"))
    return redirect("assessments:round", round_id=round.pk)
