"""Navigation links that depend on the user's roles (templates/base.html)."""

from __future__ import annotations

from functools import cached_property

from django.contrib import admin
from django.http import HttpRequest

from zones.access import (
    ZoneAction,
    user_can_on_some_zone,
    user_is_audit_admin,
    user_is_evaluator,
    user_is_security_admin,
)


class NavLinks:
    """Evaluated only when a template asks (partials that show no navbar cost nothing);
    the answers come from the memberships zones.access caches on the user."""

    def __init__(self, user, request: HttpRequest | None = None) -> None:
        self._user = user
        self._request = request

    @cached_property
    def evidence(self) -> bool:
        return user_can_on_some_zone(self._user, ZoneAction.VIEW)

    @cached_property
    def tasks(self) -> bool:
        return user_can_on_some_zone(self._user, ZoneAction.VIEW_TASKS)

    @cached_property
    def dashboard(self) -> bool:
        """驾驶舱 (tasks:dashboard-index) shows every unit's tasks: not the liaisons' page."""
        return user_can_on_some_zone(self._user, ZoneAction.VIEW_ALL_TASKS)

    @cached_property
    def report_progress(self) -> bool:
        """我的任务 (tasks:mine): liaisons report their unit's progress."""
        return user_can_on_some_zone(self._user, ZoneAction.REPORT_PROGRESS)

    @cached_property
    def manage_tasks(self) -> bool:
        return user_can_on_some_zone(self._user, ZoneAction.MANAGE_TASKS)

    @cached_property
    def provincial_rounds(self) -> bool:
        return user_can_on_some_zone(self._user, ZoneAction.MANAGE_PROVINCIAL_ROUND)

    @cached_property
    def national_rounds(self) -> bool:
        return user_can_on_some_zone(self._user, ZoneAction.MANAGE_NATIONAL_ROUND)

    @cached_property
    def submit_data(self) -> bool:
        return user_can_on_some_zone(self._user, ZoneAction.SUBMIT_DATA)

    @cached_property
    def completeness(self) -> bool:
        return user_can_on_some_zone(self._user, ZoneAction.VIEW_COMPLETENESS)

    @cached_property
    def rounds(self) -> bool:
        return user_can_on_some_zone(self._user, ZoneAction.VIEW_ROUNDS)

    @cached_property
    def review(self) -> bool:
        return user_is_evaluator(self._user)

    @cached_property
    def manage_users(self) -> bool:
        return user_can_on_some_zone(self._user, ZoneAction.MANAGE_USERS)

    @cached_property
    def grants(self) -> bool:
        return user_is_security_admin(self._user)

    @cached_property
    def login_events(self) -> bool:
        return user_is_audit_admin(self._user)

    @cached_property
    def admin(self) -> bool:
        """管理后台 only when its index lists something for the user: a staff account whose
        models are all refused (the security admin) would land on "你没有查看或编辑的权限"."""
        if not (self._user.is_active and self._user.is_staff) or self._request is None:
            return False
        # The first model the admin offers settles it (the office's first zone-scoped model costs
        # one query); only a staff account offered nothing asks every model.
        return any(model_admin.has_module_permission(self._request) for model_admin in admin.site._registry.values())


def nav(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"nav_links": NavLinks(user, request)}
