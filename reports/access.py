"""Every permission of the reports app, in one place, built on zones.access and assessments.access.

Who may do what with a zone's reports, downloads and opinions:

- the zone's office: request and download every report and bundle, see who
  downloaded what, answer opinions;
- a provincial reviewer (their province's zones) and a national reviewer: request
  and download reports and bundles, compare zones, write opinions;
- the audit admin: the download log of every zone, nothing else;
- nobody else (liaisons, evaluators, the other system admins).

A zone or object the user may not see answers 404, one they may see but not act
on answers 403 (as zones.access does).
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from assessments.access import RoundAction, round_can
from assessments.models import AssessmentRound
from zones.access import ZoneAction, user_can_on_some_zone, user_is_audit_admin, zone_roles, zones_visible_to
from zones.models import Membership, Zone

from .models import Report, ReviewOpinion

Role = Membership.Role
REVIEWERS = frozenset({Role.PROVINCIAL_REVIEWER, Role.NATIONAL_REVIEWER})


class ReportAction(StrEnum):
    VIEW = "view"  # the zone's report page: its reports, opinions
    REQUEST = "request"  # request (or retry) a report or bundle
    DOWNLOAD = "download"  # download a finished report
    VIEW_DOWNLOADS = "view_downloads"  # who downloaded the zone's reports and evidence
    WRITE_OPINION = "write_opinion"  # 评审意见
    ANSWER_OPINION = "answer_opinion"  # the office's answer


_ACTION_ROLES: dict[ReportAction, frozenset[str]] = {
    ReportAction.VIEW: frozenset({Role.OFFICE}) | REVIEWERS,
    ReportAction.REQUEST: frozenset({Role.OFFICE}) | REVIEWERS,
    ReportAction.DOWNLOAD: frozenset({Role.OFFICE}) | REVIEWERS,
    ReportAction.VIEW_DOWNLOADS: frozenset({Role.OFFICE}),
    ReportAction.WRITE_OPINION: REVIEWERS,
    ReportAction.ANSWER_OPINION: frozenset({Role.OFFICE}),
}


def report_can(user, zone: Zone, action: ReportAction) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(zone_roles(user, zone) & _ACTION_ROLES[action])


def zone_get_for_reports(user, zone_id: int, action: ReportAction = ReportAction.VIEW) -> Zone:
    """The zone if ``user`` may do ``action`` on its reports; 404 if unseen, 403 if seen but not allowed."""
    zone = zones_visible_to(user).select_related("region__parent__parent", "system").filter(pk=zone_id).first()
    if zone is None or not report_can(user, zone, ReportAction.VIEW):
        raise Http404("创建对象不存在或无权访问。")
    if not report_can(user, zone, action):
        raise PermissionDenied("没有权限执行此操作。")
    return zone


def zones_with_reports(user) -> QuerySet[Zone]:
    """The zones whose reports ``user`` may see (the reviewer's home page, the nav link)."""
    if not user.is_authenticated or not user.is_active:
        return Zone.objects.none()
    zones = zones_visible_to(user).select_related("region__parent__parent", "system")
    if user.is_superuser:
        return zones
    # zones_visible_to caches the memberships on the user: this filter costs no query per zone.
    allowed = [zone.pk for zone in zones if report_can(user, zone, ReportAction.VIEW)]
    return Zone.objects.filter(pk__in=allowed).select_related("region__parent__parent", "system")


def user_has_reports(user) -> bool:
    """Whether the 报告 link belongs in ``user``'s navigation."""
    if not user.is_authenticated or not user.is_active:
        return False
    # Office or provincial reviewer somewhere (VIEW_ALL_TASKS), or a national reviewer: answered
    # from the memberships zones.access caches on the user, so the navbar costs no extra query.
    return user_can_on_some_zone(user, ZoneAction.VIEW_ALL_TASKS) or user_can_on_some_zone(
        user, ZoneAction.MANAGE_NATIONAL_ROUND
    )


def round_for_report(user, zone: Zone, round_id) -> AssessmentRound | None:
    """The zone's round named by a request (None: the live score); 404 for a round of another zone."""
    if round_id in (None, "", "live"):
        return None
    if not str(round_id).isascii() or not str(round_id).isdigit():
        raise Http404("评估轮次不存在或无权访问。")
    round = AssessmentRound.objects.select_related("zone", "system__scope").filter(zone=zone, pk=int(round_id)).first()
    if round is None or not round_can(user, round, RoundAction.VIEW):
        raise Http404("评估轮次不存在或无权访问。")
    return round


def report_get_for_user(user, zone: Zone, report_id: int) -> Report:
    """A report of ``zone`` (checked by the caller with zone_get_for_reports); 404 for another zone's."""
    report = Report.objects.select_related("zone", "round", "requested_by").filter(zone=zone, pk=report_id).first()
    if report is None:
        raise Http404("报告不存在或无权访问。")
    if report.round is not None and not round_can(user, report.round, RoundAction.VIEW):
        raise Http404("报告不存在或无权访问。")
    return report


def opinion_get_for_user(user, zone: Zone, opinion_id: int) -> ReviewOpinion:
    opinion = ReviewOpinion.objects.select_related("round", "zone").filter(zone=zone, pk=opinion_id).first()
    if opinion is None:
        raise Http404("评审意见不存在或无权访问。")
    return opinion


def user_sees_download_log(user) -> bool:
    """The audit admin's log of every download (三员分立: reading is all the audit admin does)."""
    return user_is_audit_admin(user)
