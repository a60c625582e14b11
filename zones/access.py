"""The one permission choke point.

Views, API views and admin pages ask here, and nowhere else, whether a user
may see or act on a zone. Objects a user may not see answer 404 (their
existence is not revealed); objects a user may see but not change answer 403.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from common import hooks

from .models import Membership, Zone

Role = Membership.Role


class ZoneAction(StrEnum):
    VIEW = "view"
    RECOMPUTE_SCORES = "recompute_scores"
    EDIT_DATA = "edit_data"
    JUDGE = "judge"
    MANAGE_ZONE = "manage_zone"  # lifecycle, stages, units, leading group, responsibility matrix
    MANAGE_USERS = "manage_users"  # add users to the zone and its units
    VIEW_TASKS = "view_tasks"
    VIEW_ALL_TASKS = "view_all_tasks"  # every task of the zone; liaisons see only their units' tasks
    MANAGE_TASKS = "manage_tasks"  # create/edit tasks, confirm or send back assignments
    REPORT_PROGRESS = "report_progress"  # liaisons: only on their own unit's assignments (unit_can)
    TRANSITION_ZONE = "transition_zone"  # lifecycle moves; which ones per role: zones/lifecycle.py
    SUBMIT_DATA = "submit_data"  # statistics and list inputs; liaisons only for their own unit (unit_can)
    VIEW_COMPLETENESS = "view_completeness"  # evidence/data completeness; liaisons only their unit's column
    SUBMIT_EVIDENCE = "submit_evidence"  # upload and submit evidence: liaisons, own unit's indicators (unit_can)
    REVIEW_EVIDENCE = "review_evidence"  # accept or return submitted evidence
    VIEW_ALL_EVIDENCE = "view_all_evidence"  # every unit's evidence; liaisons see only their units' (unit_ids_for)
    VIEW_ROUNDS = "view_rounds"  # assessment rounds of the zone (evaluators: further limited in assessments.access)
    MANAGE_SELF_ROUND = "manage_self_round"  # 自评: open, score, submit, reopen; resolve doubts; gaps → tasks
    MANAGE_PROVINCIAL_ROUND = "manage_provincial_round"  # 省级评估: open, assign evaluators, submit, conclude
    MANAGE_NATIONAL_ROUND = "manage_national_round"  # 总局评估: the same, for the national reviewers
    VIEW_INSPECTIONS = "view_inspections"  # 自查/考评: liaisons their unit, evaluators theirs (inspections.access)
    MANAGE_INSPECTIONS = "manage_inspections"  # open campaigns, form the 考评组, send back reports, thresholds
    SELF_CHECK = "self_check"  # fill in and submit the unit's self-check (unit_can: own unit)
    EVALUATE_UNITS = "evaluate_units"  # record evaluations and findings, re-check (assigned units: inspections.access)
    RECTIFY_FINDINGS = "rectify_findings"  # answer findings with what was done (unit_can: own unit)


# Which roles may do what on a zone they can see.
_ACTION_ROLES: dict[ZoneAction, frozenset[str]] = {
    ZoneAction.VIEW: frozenset(
        {Role.OFFICE, Role.LIAISON, Role.EVALUATOR, Role.PROVINCIAL_REVIEWER, Role.NATIONAL_REVIEWER}
    ),
    ZoneAction.RECOMPUTE_SCORES: frozenset({Role.OFFICE}),
    ZoneAction.EDIT_DATA: frozenset({Role.OFFICE}),
    ZoneAction.JUDGE: frozenset({Role.OFFICE, Role.EVALUATOR}),
    ZoneAction.MANAGE_ZONE: frozenset({Role.OFFICE}),
    ZoneAction.MANAGE_USERS: frozenset({Role.OFFICE}),
    ZoneAction.VIEW_TASKS: frozenset({Role.OFFICE, Role.LIAISON, Role.PROVINCIAL_REVIEWER}),
    ZoneAction.VIEW_ALL_TASKS: frozenset({Role.OFFICE, Role.PROVINCIAL_REVIEWER}),
    ZoneAction.MANAGE_TASKS: frozenset({Role.OFFICE}),
    ZoneAction.REPORT_PROGRESS: frozenset({Role.LIAISON}),
    ZoneAction.TRANSITION_ZONE: frozenset({Role.OFFICE, Role.PROVINCIAL_REVIEWER}),
    ZoneAction.SUBMIT_DATA: frozenset({Role.OFFICE, Role.LIAISON}),
    ZoneAction.SUBMIT_EVIDENCE: frozenset({Role.LIAISON}),
    ZoneAction.REVIEW_EVIDENCE: frozenset({Role.OFFICE}),
    ZoneAction.VIEW_ALL_EVIDENCE: frozenset(
        {Role.OFFICE, Role.EVALUATOR, Role.PROVINCIAL_REVIEWER, Role.NATIONAL_REVIEWER}
    ),
    ZoneAction.VIEW_COMPLETENESS: frozenset(
        {Role.OFFICE, Role.LIAISON, Role.EVALUATOR, Role.PROVINCIAL_REVIEWER, Role.NATIONAL_REVIEWER}
    ),
    ZoneAction.VIEW_ROUNDS: frozenset({Role.OFFICE, Role.EVALUATOR, Role.PROVINCIAL_REVIEWER, Role.NATIONAL_REVIEWER}),
    ZoneAction.MANAGE_SELF_ROUND: frozenset({Role.OFFICE}),
    ZoneAction.MANAGE_PROVINCIAL_ROUND: frozenset({Role.PROVINCIAL_REVIEWER}),
    ZoneAction.MANAGE_NATIONAL_ROUND: frozenset({Role.NATIONAL_REVIEWER}),
    ZoneAction.VIEW_INSPECTIONS: frozenset(
        {Role.OFFICE, Role.LIAISON, Role.EVALUATOR, Role.PROVINCIAL_REVIEWER, Role.NATIONAL_REVIEWER}
    ),
    ZoneAction.MANAGE_INSPECTIONS: frozenset({Role.OFFICE}),
    ZoneAction.SELF_CHECK: frozenset({Role.LIAISON}),
    ZoneAction.EVALUATE_UNITS: frozenset({Role.OFFICE, Role.EVALUATOR}),
    ZoneAction.RECTIFY_FINDINGS: frozenset({Role.LIAISON}),
}


def _province_q(province_ids: list[int]) -> Q:
    # Regions are at most three levels deep: province → city → county.
    return (
        Q(region_id__in=province_ids)
        | Q(region__parent_id__in=province_ids)
        | Q(region__parent__parent_id__in=province_ids)
    )


def _memberships(user) -> list[Membership]:
    cached = getattr(user, "_portal_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user))
        user._portal_memberships = cached
    return cached


def _extra_roles(user) -> dict[int, set[str]]:
    """Roles on zones that come from above this app (an evaluator assigned in a round),
    through the ``zone_extra_roles`` hook that assessments registers."""
    cached = getattr(user, "_portal_extra_roles", None)
    if cached is None:
        # Only evaluators (a pool or zone membership) are ever assigned: nobody else pays a query.
        evaluator = any(m.role == Role.EVALUATOR for m in _memberships(user))
        cached = (hooks.call("zone_extra_roles", user=user, default=None) or {}) if evaluator else {}
        user._portal_extra_roles = cached
    return cached


def _is_national(user) -> bool:
    return any(m.role == Role.NATIONAL_REVIEWER for m in _memberships(user))


def zones_visible_to(user) -> QuerySet[Zone]:
    if not user.is_authenticated or not user.is_active:
        return Zone.objects.none()
    if user.is_superuser or _is_national(user):
        return Zone.objects.all()
    memberships = _memberships(user)
    zone_ids = [m.zone_id for m in memberships if m.zone_id] + list(_extra_roles(user))
    province_ids = [m.province_id for m in memberships if m.role == Role.PROVINCIAL_REVIEWER]
    query = Q(pk__in=zone_ids)
    if province_ids:
        query |= _province_q(province_ids)
    return Zone.objects.filter(query)


def zone_roles(user, zone: Zone) -> set[str]:
    """The roles a user holds on a zone (province reviewers by the zone's province)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    memberships = _memberships(user)
    roles = {m.role for m in memberships if m.zone_id == zone.pk}
    if any(m.role == Role.PROVINCIAL_REVIEWER and m.province_id == zone.region.province.pk for m in memberships):
        roles.add(Role.PROVINCIAL_REVIEWER)
    if any(m.role == Role.NATIONAL_REVIEWER for m in memberships):
        roles.add(Role.NATIONAL_REVIEWER)
    roles |= _extra_roles(user).get(zone.pk, set())
    return roles


def zone_ids_visible(*, user):
    """The ids of the zones ``user`` may see, as a subquery; None when that is every zone
    (superusers, national reviewers), so a caller filters nothing."""
    if user.is_authenticated and user.is_active and (user.is_superuser or _is_national(user)):
        return None
    return zones_visible_to(user).values("id")


def zone_can(user, zone: Zone, action: ZoneAction) -> bool:
    if user.is_authenticated and user.is_active and user.is_superuser:
        return True
    return bool(zone_roles(user, zone) & _ACTION_ROLES[action])


def zone_get_for_user(user, zone_id: int, action: ZoneAction = ZoneAction.VIEW) -> Zone:
    """The zone if ``user`` may do ``action`` on it; 404 if unseen, 403 if seen but not allowed."""
    zone = zones_visible_to(user).select_related("region__parent__parent", "system").filter(pk=zone_id).first()
    if zone is None:
        raise Http404("创建对象不存在或无权访问。")
    if not zone_can(user, zone, action):
        raise PermissionDenied("没有权限执行此操作。")
    return zone


def zones_where(user, action: ZoneAction) -> QuerySet[Zone]:
    """The zones on which ``user`` may do ``action`` (for admin lists and form choices)."""
    if not user.is_authenticated or not user.is_active:
        return Zone.objects.none()
    if user.is_superuser:
        return Zone.objects.all()
    roles = _ACTION_ROLES[action]
    if Role.NATIONAL_REVIEWER in roles and _is_national(user):
        return Zone.objects.all()
    zone_ids = [m.zone_id for m in _memberships(user) if m.zone_id and m.role in roles]
    zone_ids += [zone_id for zone_id, extra in _extra_roles(user).items() if extra & roles]
    query = Q(pk__in=zone_ids)
    if Role.PROVINCIAL_REVIEWER in roles:
        province_ids = [m.province_id for m in _memberships(user) if m.role == Role.PROVINCIAL_REVIEWER]
        if province_ids:
            query |= _province_q(province_ids)
    return Zone.objects.filter(query)


def unit_ids_for(user, zone: Zone) -> set[int]:
    """The units of ``zone`` for which ``user`` is a liaison."""
    if not user.is_authenticated or not user.is_active:
        return set()
    return {m.unit_id for m in _memberships(user) if m.zone_id == zone.pk and m.role == Role.LIAISON and m.unit_id}


def unit_can(user, unit, action: ZoneAction) -> bool:
    """Unit-scoped actions: the zone's office may act on every unit; a liaison only on their own."""
    zone = unit.zone
    if user.is_authenticated and user.is_active and user.is_superuser:
        return True
    roles = zone_roles(user, zone) & _ACTION_ROLES[action]
    if Role.OFFICE in roles or Role.PROVINCIAL_REVIEWER in roles:
        return True
    return Role.LIAISON in roles and unit.pk in unit_ids_for(user, zone)


def own_unit_ids_where(user, zone: Zone, action: ZoneAction) -> set[int]:
    """The units of ``zone`` that are ``user``'s own (liaison) and on which they may do the unit-scoped
    ``action``: the answer of ``unit_can`` for every row of a list at once (no check per row)."""
    own = unit_ids_for(user, zone)
    if not own:
        return set()
    if user.is_superuser or Role.LIAISON in zone_roles(user, zone) & _ACTION_ROLES[action]:
        return own
    return set()


# System-level roles (三员分立). Superusers pass, as everywhere in this module.


def _holds_role(user, role: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or any(m.role == role for m in _memberships(user))


def user_holds_any_role(user, roles) -> bool:
    """Whether the user holds one of ``roles`` anywhere, from the roles this request already read."""
    return user.is_authenticated and any(m.role in roles for m in _memberships(user))


def user_is_security_admin(user) -> bool:
    """安全管理员: grants and revokes roles (users/grants/)."""
    return _holds_role(user, Role.SECURITY_ADMIN)


def user_is_audit_admin(user) -> bool:
    """审计管理员: reads the login log (users/login-events/), changes nothing."""
    return _holds_role(user, Role.AUDIT_ADMIN)


def user_can_on_some_zone(user, action: ZoneAction) -> bool:
    """Whether ``user`` may do ``action`` on at least one zone (for navigation links)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    roles = _ACTION_ROLES[action]
    if Role.NATIONAL_REVIEWER in roles and _is_national(user):
        return True
    if any(extra & roles for extra in _extra_roles(user).values()):
        return True
    return any(
        m.role in roles and (m.zone_id or (m.province_id and m.role == Role.PROVINCIAL_REVIEWER))
        for m in _memberships(user)
    )


def zone_lifecycle_actors(*, zone: Zone, user) -> set[str]:
    """The lifecycle actors ``user`` counts as on ``zone`` (zones/lifecycle.py's rule table
    says which moves each may make): their roles there, plus superuser."""
    from .lifecycle import SUPERUSER

    actors = set(zone_roles(user, zone))
    if user.is_authenticated and user.is_active and user.is_superuser:
        actors.add(SUPERUSER)
    return actors


def user_is_evaluator(user) -> bool:
    """评审专家: in a province's pool, or assigned in some round (the review screen's link)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return any(m.role == Role.EVALUATOR for m in _memberships(user)) or bool(_extra_roles(user))
