"""The functions this app puts behind the hooks that lower apps call (common.hooks)."""

from common import hooks


def _rescore(*, zone, user=None, countdown=None):
    from .services import score_snapshot_request

    return score_snapshot_request(zone=zone, user=user, countdown=countdown)


def _lock(*, zone, year=None):
    from .services import zone_lock_reason

    return zone_lock_reason(zone=zone, year=year)


def _extra_roles(*, user):
    from .selectors import zone_extra_roles

    return zone_extra_roles(user=user)


def _latest(*, zone):
    from .selectors import score_snapshot_latest_done

    return score_snapshot_latest_done(zone=zone)


def _blockers(*, zone, source, target):
    from .services.rounds import zone_transition_blockers

    return zone_transition_blockers(zone=zone, source=source, target=target)


def register_all() -> None:
    hooks.register("zone_rescore", _rescore)
    hooks.register("zone_lock_reason", _lock)
    hooks.register("zone_extra_roles", _extra_roles)
    hooks.register("zone_latest_score", _latest)
    hooks.register("zone_transition_blockers", _blockers)
