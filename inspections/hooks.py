"""The functions this app puts behind the hooks that lower apps call (common.hooks)."""

from common import hooks


def _blockers(*, zone, source, target):
    from .findings import zone_transition_blockers

    return zone_transition_blockers(zone=zone, source=source, target=target)


def _reminders(*, today):
    from .reminders import inspection_reminders_send

    return inspection_reminders_send(today=today)


def register_all() -> None:
    hooks.register("zone_transition_blockers", _blockers)
    hooks.register("supervision_extra_reminders", _reminders)
