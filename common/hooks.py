"""Hooks: how a lower app asks something of an app above it without importing it.

Arrows point down (DESIGN §3). When evidence must trigger a rescore, or zones must
know whether an assigned evaluator may see a zone, the lower app calls a named
hook here, and the upper app registers the function behind it in its
``AppConfig.ready``. A hook nobody registered returns ``default``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_HOOKS: dict[str, Callable[..., Any]] = {}
# Hooks that several apps answer (each registers its function): call() joins their lists.
_MANY: dict[str, list[Callable[..., Any]]] = {}
COLLECTED = {"zone_transition_blockers"}

# The hooks the project uses, so that a typo fails loudly instead of doing nothing.
KNOWN = {
    "zone_rescore",  # (zone, user, countdown) → None: the zone's data changed
    "zone_lock_reason",  # (zone, year | None) → str | None: why the zone's data may not change
    "zone_extra_roles",  # (user) → {zone_id: {role, …}}: roles that come from round assignments
    "zone_latest_score",  # (zone) → snapshot | None: the latest computed live score
    "zone_transition_blockers",  # (zone, source, target) → [str]: why the zone may not make this move
    "supervision_extra_reminders",  # (today) → int: reminders the morning job sends for an upper app
    "zones_visible_ids",  # (user) → queryset of the ids of the zones the user may see now
}


def register(name: str, func: Callable[..., Any]) -> None:
    if name not in KNOWN:
        raise KeyError(f"unknown hook {name!r}")
    if name in COLLECTED:
        funcs = _MANY.setdefault(name, [])
        if func not in funcs:
            funcs.append(func)
        return
    _HOOKS[name] = func


def call(name: str, *, default: Any = None, **kwargs: Any) -> Any:
    if name not in KNOWN:
        raise KeyError(f"unknown hook {name!r}")
    if name in COLLECTED:
        funcs = _MANY.get(name)
        return [answer for f in funcs for answer in (f(**kwargs) or ())] if funcs else default
    func = _HOOKS.get(name)
    return default if func is None else func(**kwargs)
