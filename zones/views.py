"""Thin views: check access in zones.access, call one selector or service, render.

Pages of a zone the user cannot see answer 404; management pages answer 403 to
roles that can see the zone but not manage it. Objects inside a zone (stages,
units, seats …) are looked up within that zone, so another zone's ids are 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.redirects import redirect_next

from . import selectors, services
from .access import ZoneAction, zone_can, zone_get_for_user
from .forms import (
    KeyParkForm,
    LeadingGroupMemberForm,
    StageForm,
    StageStepForm,
    StageTemplateForm,
    TransitionForm,
    UnitForm,
    ZoneSettingsForm,
    add_service_error,
)
from .models import KeyPark, LeadingGroupMember, Stage, StageStep, Unit, Zone

MANAGE = ZoneAction.MANAGE_ZONE


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """首页: what the user's roles do here with their first steps (templates/zones/home.html,
    every link gated by the same permission functions as the navigation), then the zones."""
    user = request.user
    rows = [
        {
            "zone": zone,
            "dashboard": zone_can(user, zone, ZoneAction.VIEW_ALL_TASKS),
            "rounds": zone_can(user, zone, ZoneAction.VIEW_ROUNDS),
        }
        for zone in selectors.zone_list_for_user(user=user)
    ]
    return render(request, "zones/home.html", {"rows": rows})


# --- helpers ------------------------------------------------------------------------


def _submit(request: HttpRequest, form: forms.Form, save: Callable[[dict[str, Any]], Any], success: str) -> bool:
    """Validate ``form`` and hand its data to one service; errors land on the form."""
    if not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ValidationError as error:
        add_service_error(form, error)
        return False
    messages.success(request, success)
    return True


def _form_page(
    request: HttpRequest,
    *,
    zone: Zone,
    form: forms.Form,
    title: str,
    back: str,
    save: Callable[[dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    """A page holding one form (add/edit); on success back to the list."""
    if request.method == "POST" and _submit(request, form, save, success):
        return redirect(back)
    status = 400 if request.method == "POST" else 200
    return render(request, "zones/form.html", {"zone": zone, "form": form, "title": title, "back": back}, status=status)


def _flash_errors(request: HttpRequest, form: forms.Form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _lifecycle_context(request: HttpRequest, zone: Zone) -> dict[str, Any]:
    moves, blocked_moves = selectors.zone_lifecycle_moves(zone=zone, user=request.user)
    return {
        "transitions": selectors.zone_transition_list(zone=zone),
        "scope_changes": selectors.zone_scope_change_list(zone=zone),
        "moves": moves,
        "blocked_moves": blocked_moves,
        "statuses": Zone.Status.choices,
    }


# --- overview, lifecycle, settings, key parks ----------------------------------------


@login_required
def overview(request: HttpRequest, zone_id: int) -> HttpResponse:
    """The zone at a glance, for every role that can see it."""
    zone = zone_get_for_user(request.user, zone_id)
    members = list(selectors.leading_group_member_list(zone=zone))
    context = {
        "zone": zone,
        "can_manage": zone_can(request.user, zone, MANAGE),
        "parks": selectors.key_park_list(zone=zone),
        "stages": selectors.stage_list_for_zone(zone=zone),
        "members": members,
        "liaison_count": sum(1 for m in members if m.role == LeadingGroupMember.Role.LIAISON),
        "units": selectors.unit_list_for_zone(zone=zone),
        **_lifecycle_context(request, zone),
    }
    return render(request, "zones/overview.html", context)


@login_required
@require_POST
def transition(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.TRANSITION_ZONE)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            event = services.zone_transition(
                zone=zone,
                user=request.user,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("状态已变更为“%(status)s”。") % {"status": event.get_to_status_display()})
    else:
        _flash_errors(request, form)
    return redirect_next(request, "zones:overview", zone.pk)


@login_required
def zone_settings(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, MANAGE)
    form = ZoneSettingsForm.for_zone(zone, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if _submit(request, form, lambda data: services.zone_update(zone=zone, data=data), _("基本信息已保存。")):
            return redirect("zones:settings", zone_id=zone.pk)
        zone.refresh_from_db()
    context = {
        "zone": zone,
        "form": form,
        "park_form": KeyParkForm(),
        "parks": selectors.key_park_list(zone=zone),
        **_lifecycle_context(request, zone),
    }
    return render(request, "zones/settings.html", context, status=400 if form.is_bound else 200)


@login_required
@require_POST
def park_add(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, MANAGE)
    form = KeyParkForm(request.POST)
    if not _submit(request, form, lambda d: services.key_park_create(zone=zone, **d), _("重点园区已添加。")):
        _flash_errors(request, form)
    return redirect("zones:settings", zone_id=zone.pk)


@login_required
def park_edit(request: HttpRequest, zone_id: int, park_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, MANAGE)
    park = get_object_or_404(KeyPark, pk=park_id, zone=zone)
    data = request.POST if request.method == "POST" else None
    return _form_page(
        request,
        zone=zone,
        form=KeyParkForm(data, initial={"name": park.name, "note": park.note}),
        title=_("编辑重点园区"),
        back=reverse("zones:settings", args=[zone.pk]),
        save=lambda d: services.key_park_update(park=park, **d),
        success=_("重点园区已保存。"),
    )


@login_required
@require_POST
def park_delete(request: HttpRequest, zone_id: int, park_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, MANAGE)
    services.key_park_delete(park=get_object_or_404(KeyPark, pk=park_id, zone=zone))
    messages.success(request, _("重点园区已删除。"))
    return redirect("zones:settings", zone_id=zone.pk)


# --- stages -------------------------------------------------------------------------


@login_required
def stages(request: HttpRequest, zone_id: int) -> HttpResponse:
    """The stages with their steps; adds a stage (POST) or links to the template."""
    zone = zone_get_for_user(request.user, zone_id, MANAGE)
    form = StageForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and _submit(
        request, form, lambda d: services.stage_create(zone=zone, **d), _("实施阶段已添加。")
    ):
        return redirect("zones:stages", zone_id=zone.pk)
    stage_list = selectors.stage_list_for_zone(zone=zone)
    context = {
        "zone": zone,
        "stages": stage_list,
        "form": form,
        "template_form": StageTemplateForm(initial={"start": zone.creation_start}),
        "step_form": StageStepForm(),
    }
    return render(request, "zones/stages.html", context, status=400 if form.is_bound else 200)


@login_required
@require_POST
def stages_from_template(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, MANAGE)
    form = StageTemplateForm(request.POST)
    if not _submit(
        request,
        form,
        lambda d: services.stages_create_from_template(zone=zone, template=d["template"], start=d["start"]),
        _("已按模板创建实施阶段。"),
    ):
        _flash_errors(request, form)
    return redirect("zones:stages", zone_id=zone.pk)


def _stage_data(stage: Stage) -> dict[str, Any]:
    return {"name": stage.name, "start": stage.start, "end": stage.end, "position": stage.position}


@login_required
def stage_edit(request: HttpRequest, zone_id: int, stage_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, MANAGE)
    stage = get_object_or_404(Stage.objects.select_related("zone"), pk=stage_id, zone=zone)
    return _form_page(
        request,
        zone=zone,
        form=StageForm(request.POST if request.method == "POST" else None, initial=_stage_data(stage)),
        title=_("编辑实施阶段"),
        back=reverse("zones:stages", args=[zone.pk]),
        save=lambda d: services.stage_update(stage=stage, **d),
        success=_("实施阶段已保存。"),
    )


@login_required
@require_POST
def stage_delete(request: HttpRequest, zone_id: int, stage_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, MANAGE)
    services.stage_delete(stage=get_object_or_404(Stage, pk=stage_id, zone=zone))
    messages.success(request, _("实施阶段已删除。"))
    return redirect("zones:stages", zone_id=zone.pk)


@login_required
@require_POST
def step_add(request: HttpRequest, zone_id: int, stage_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, MANAGE)
    stage = get_object_or_404(Stage, pk=stage_id, zone=zone)
    form = StageStepForm(request.POST)
    if not _submit(request, form, lambda d: services.stage_step_create(stage=stage, **d), _("步骤已添加。")):
        _flash_errors(request, form)
    return redirect("zones:stages", zone_id=zone.pk)


@login_required
def step_edit(request: HttpRequest, zone_id: int, step_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, MANAGE)
    step = get_object_or_404(StageStep, pk=step_id, stage__zone=zone)
    return _form_page(
        request,
        zone=zone,
        form=StageStepForm(
            request.POST if request.method == "POST" else None,
            initial={"title": step.title, "position": step.position},
        ),
        title=_("编辑阶段步骤"),
        back=reverse("zones:stages", args=[zone.pk]),
        save=lambda d: services.stage_step_update(step=step, **d),
        success=_("步骤已保存。"),
    )


@login_required
@require_POST
def step_delete(request: HttpRequest, zone_id: int, step_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, MANAGE)
    services.stage_step_delete(step=get_object_or_404(StageStep, pk=step_id, stage__zone=zone))
    messages.success(request, _("步骤已删除。"))
    return redirect("zones:stages", zone_id=zone.pk)


# --- units --------------------------------------------------------------------------


@login_required
def units(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, MANAGE)
    context = {"zone": zone, "units": selectors.unit_list_with_counts(zone=zone)}
    return render(request, "zones/units.html", context)


@login_required
def unit_add(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, MANAGE)
    return _form_page(
        request,
        zone=zone,
        form=UnitForm(request.POST if request.method == "POST" else None),
        title=_("新增责任单位"),
        back=reverse("zones:units", args=[zone.pk]),
        save=lambda d: services.unit_create(zone=zone, **d),
        success=_("责任单位已添加。"),
    )


@login_required
def unit_edit(request: HttpRequest, zone_id: int, unit_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, MANAGE)
    unit = get_object_or_404(Unit.objects.select_related("zone"), pk=unit_id, zone=zone)
    return _form_page(
        request,
        zone=zone,
        form=UnitForm.for_unit(unit, request.POST if request.method == "POST" else None),
        title=_("编辑责任单位"),
        back=reverse("zones:units", args=[zone.pk]),
        save=lambda d: services.unit_update(unit=unit, **d),
        success=_("责任单位已保存。"),
    )


# --- leading group ------------------------------------------------------------------


@login_required
def leading_group(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, MANAGE)
    context = {"zone": zone, "members": selectors.leading_group_member_list(zone=zone)}
    return render(request, "zones/leading_group.html", context)


def _member_form(request: HttpRequest, zone: Zone, initial: dict | None = None) -> LeadingGroupMemberForm:
    return LeadingGroupMemberForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        units=selectors.unit_list_for_zone(zone=zone),
        users=selectors.zone_user_list(zone=zone),
    )


@login_required
def leading_group_add(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, MANAGE)
    return _form_page(
        request,
        zone=zone,
        form=_member_form(request, zone),
        title=_("新增领导小组成员"),
        back=reverse("zones:leading-group", args=[zone.pk]),
        save=lambda d: services.leading_group_member_create(zone=zone, **d),
        success=_("领导小组成员已添加。"),
    )


@login_required
def leading_group_edit(request: HttpRequest, zone_id: int, member_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, MANAGE)
    member = get_object_or_404(LeadingGroupMember.objects.select_related("zone"), pk=member_id, zone=zone)
    initial = {
        "role": member.role,
        "title": member.title,
        "unit": member.unit_id,
        "user": member.user_id,
        "position": member.position,
    }
    return _form_page(
        request,
        zone=zone,
        form=_member_form(request, zone, initial),
        title=_("编辑领导小组成员"),
        back=reverse("zones:leading-group", args=[zone.pk]),
        save=lambda d: services.leading_group_member_update(member=member, **d),
        success=_("领导小组成员已保存。"),
    )


@login_required
@require_POST
def leading_group_delete(request: HttpRequest, zone_id: int, member_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, MANAGE)
    services.leading_group_member_delete(member=get_object_or_404(LeadingGroupMember, pk=member_id, zone=zone))
    messages.success(request, _("领导小组成员已删除。"))
    return redirect("zones:leading-group", zone_id=zone.pk)
