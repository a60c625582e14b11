"""Navigation links that depend on the user's roles (templates/base.html)."""

from __future__ import annotations

from functools import cached_property

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

    def __init__(self, user) -> None:
        self._user = user

    @cached_property
    def evidence(self) -> bool:
        return user_can_on_some_zone(self._user, ZoneAction.VIEW)

    @cached_property
    def tasks(self) -> bool:
        return user_can_on_some_zone(self._user, ZoneAction.VIEW_TASKS)

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


def nav(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"nav_links": NavLinks(user)}
