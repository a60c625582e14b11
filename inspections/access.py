"""Who may see and do what in 自查自纠 and 市级考评, built on zones.access (the zone-level choke point).

- The zone's office sees and manages everything of its zone; provincial and national
  reviewers read everything of the zones they follow.
- A liaison sees only their own unit's self-check and findings (and its evaluation once
  finished); only they fill in and submit the self-check and answer the findings.
- An evaluator sees only the units assigned to them in a campaign's 考核考评组, and there
  records the evaluation and findings and re-checks the answers.

Everything of a unit outside the user's scope answers 404; what is in scope but not
theirs to change answers 403. Every view, API view and service caller asks here.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404

from zones.access import ZoneAction, unit_can, unit_ids_for, zone_can, zone_roles, zones_visible_to
from zones.models import Membership

from .models import Campaign, Evaluation, Finding, SelfCheck, TeamMember

Role = Membership.Role
ALL = None  # a unit scope covering every unit of the zone

NOT_FOUND = "对象不存在或无权访问。"
DENIED = "没有权限执行此操作。"


class Action(StrEnum):
    VIEW = "view"
    MANAGE = "manage"  # the office: campaign settings, 考评组, send back, questionnaire
    SELF_CHECK = "self_check"  # the unit's liaison: fill in and submit
    EVALUATE = "evaluate"  # the assigned evaluator (or the office): results, methods, findings, re-check
    RECTIFY = "rectify"  # the unit's liaison: answer a finding


def _assigned_units(user, campaign: Campaign) -> set[int]:
    """Units of ``campaign`` assigned to ``user`` in the 考评组 (1 query per campaign, cached on the user)."""
    cache = getattr(user, "_inspection_units", None)
    if cache is None:
        cache = user._inspection_units = {}
    if campaign.pk not in cache:
        cache[campaign.pk] = set(
            Evaluation.objects.filter(campaign=campaign, evaluator=user).values_list("unit_id", flat=True)
        )
    return cache[campaign.pk]


def sees_all_units(user, zone) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    roles = zone_roles(user, zone)
    return bool(roles & {Role.OFFICE, Role.PROVINCIAL_REVIEWER, Role.NATIONAL_REVIEWER})


def unit_scope(user, campaign: Campaign) -> set[int] | None:
    """The units of ``campaign`` the user may see: ``ALL`` (None) or a set of unit ids."""
    zone = campaign.zone
    if sees_all_units(user, zone):
        return ALL
    units: set[int] = set()
    if zone_can(user, zone, ZoneAction.VIEW_INSPECTIONS):
        units |= unit_ids_for(user, zone)
        if zone_can(user, zone, ZoneAction.EVALUATE_UNITS):
            units |= _assigned_units(user, campaign)
    return units


def in_scope(user, campaign: Campaign, unit_id: int) -> bool:
    scope = unit_scope(user, campaign)
    return scope is ALL or unit_id in scope


def can_manage(user, campaign: Campaign) -> bool:
    return zone_can(user, campaign.zone, ZoneAction.MANAGE_INSPECTIONS)


def can_evaluate(user, campaign: Campaign, unit_id: int) -> bool:
    """The office, or the 考评组 member the unit is assigned to."""
    zone = campaign.zone
    if not zone_can(user, zone, ZoneAction.EVALUATE_UNITS):
        return False
    return can_manage(user, campaign) or unit_id in _assigned_units(user, campaign)


def _unit_action(user, unit, action: ZoneAction) -> bool:
    return unit_can(user, unit, action) and zone_can(user, unit.zone, action)


def campaign_can(user, campaign: Campaign, action: Action) -> bool:
    if action == Action.VIEW:
        if not zone_can(user, campaign.zone, ZoneAction.VIEW_INSPECTIONS):
            return False
        scope = unit_scope(user, campaign)
        if scope is ALL or scope:
            return True
        return zone_can(user, campaign.zone, ZoneAction.EVALUATE_UNITS) and is_team_member(user, campaign)
    if action == Action.MANAGE:
        return can_manage(user, campaign)
    return False


def _campaigns():
    return Campaign.objects.select_related("zone__region__parent__parent", "zone__system", "system")


def campaign_get_for_user(user, campaign_id: int, action: Action = Action.VIEW) -> Campaign:
    campaign = _campaigns().filter(zone__in=zones_visible_to(user), pk=campaign_id).first()
    if campaign is None or not campaign_can(user, campaign, Action.VIEW):
        raise Http404(NOT_FOUND)
    if not campaign_can(user, campaign, action):
        raise PermissionDenied(DENIED)
    return campaign


def selfcheck_can(user, selfcheck: SelfCheck, action: Action) -> bool:
    campaign = selfcheck.campaign
    if action == Action.VIEW:
        return in_scope(user, campaign, selfcheck.unit_id)
    if action == Action.SELF_CHECK:
        return _unit_action(user, selfcheck.unit, ZoneAction.SELF_CHECK)
    if action == Action.MANAGE:
        return can_manage(user, campaign)
    return False


def selfcheck_get_for_user(user, selfcheck_id: int, action: Action = Action.VIEW) -> SelfCheck:
    selfcheck = (
        SelfCheck.objects.select_related(
            "campaign__zone__region__parent__parent", "campaign__zone__system", "campaign__system", "unit__zone"
        )
        .filter(campaign__zone__in=zones_visible_to(user), pk=selfcheck_id)
        .first()
    )
    if selfcheck is None or not selfcheck_can(user, selfcheck, Action.VIEW):
        raise Http404(NOT_FOUND)
    if not selfcheck_can(user, selfcheck, action):
        raise PermissionDenied(DENIED)
    return selfcheck


def evaluation_can(user, evaluation: Evaluation, action: Action) -> bool:
    campaign = evaluation.campaign
    if action == Action.VIEW:
        if not in_scope(user, campaign, evaluation.unit_id):
            return False
        # A liaison reads their unit's evaluation once it is finished; evaluators and the office always.
        return (
            sees_all_units(user, campaign.zone)
            or can_evaluate(user, campaign, evaluation.unit_id)
            or evaluation.status == Evaluation.Status.DONE
        )
    if action == Action.EVALUATE:
        return can_evaluate(user, campaign, evaluation.unit_id)
    if action == Action.MANAGE:
        return can_manage(user, campaign)
    return False


def evaluation_get_for_user(user, evaluation_id: int, action: Action = Action.VIEW) -> Evaluation:
    evaluation = (
        Evaluation.objects.select_related(
            "campaign__zone__region__parent__parent", "campaign__zone__system", "campaign__system", "unit", "evaluator"
        )
        .filter(campaign__zone__in=zones_visible_to(user), pk=evaluation_id)
        .first()
    )
    if evaluation is None or not evaluation_can(user, evaluation, Action.VIEW):
        raise Http404(NOT_FOUND)
    if not evaluation_can(user, evaluation, action):
        raise PermissionDenied(DENIED)
    return evaluation


def finding_can(user, finding: Finding, action: Action) -> bool:
    campaign = finding.campaign
    if action == Action.VIEW:
        return in_scope(user, campaign, finding.unit_id)
    if action == Action.RECTIFY:
        return _unit_action(user, finding.unit, ZoneAction.RECTIFY_FINDINGS)
    if action == Action.EVALUATE:
        return can_evaluate(user, campaign, finding.unit_id)
    if action == Action.MANAGE:
        return can_manage(user, campaign)
    return False


def finding_get_for_user(user, finding_id: int, action: Action = Action.VIEW) -> Finding:
    finding = (
        Finding.objects.select_related(
            "campaign__zone__region__parent__parent",
            "campaign__zone__system",
            "campaign__system",
            "unit__zone",
            "evaluation",
            "indicator",
            "assignment__task",
        )
        .filter(campaign__zone__in=zones_visible_to(user), pk=finding_id)
        .first()
    )
    if finding is None or not finding_can(user, finding, Action.VIEW):
        raise Http404(NOT_FOUND)
    if not finding_can(user, finding, action):
        raise PermissionDenied(DENIED)
    return finding


TEAM_ROLES = frozenset({Role.OFFICE, Role.EVALUATOR})


def eligible_for_team(user, zone) -> bool:
    """Office staff of the zone, or an evaluator who holds a role on it (granted by the security
    admin for the zone, or assigned in one of its rounds): the office invites, it does not grant."""
    return user.is_active and bool(zone_roles(user, zone) & TEAM_ROLES)


def team_visible(user, campaign: Campaign) -> bool:
    """The 考核考评组 page: the office manages it, the provincial and national reviewers read it."""
    return can_manage(user, campaign) or sees_all_units(user, campaign.zone)


def is_team_member(user, campaign: Campaign) -> bool:
    cache = getattr(user, "_inspection_teams", None)
    if cache is None:
        cache = user._inspection_teams = {}
    if campaign.pk not in cache:
        cache[campaign.pk] = TeamMember.objects.filter(campaign=campaign, user=user).exists()
    return cache[campaign.pk]


def survey_visible(user, campaign: Campaign) -> bool:
    """The questionnaire and its answers: the office, the reviewers, and the 考评组 (not the liaisons)."""
    if sees_all_units(user, campaign.zone):
        return True
    return zone_can(user, campaign.zone, ZoneAction.EVALUATE_UNITS) and is_team_member(user, campaign)


def nav_context(user, campaign: Campaign) -> dict:
    """What the campaign's tabs show to ``user`` (templates/inspections/_nav.html)."""
    return {
        "can_manage": can_manage(user, campaign),
        "nav_survey": survey_visible(user, campaign),
        "nav_team": team_visible(user, campaign),
    }
