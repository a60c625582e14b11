"""The zone lifecycle: statuses and who may move a zone between them (pure, no ORM).

申报 → 批准创建 → 创建中 → 自评 → 市级考评 → 整改 → 省级评估 → 总局评估 → 已命名 → 巩固提升.

A move is one step forward, or one step back ("退回", always with a reason).
Anything else is refused with a message naming the current status and the
allowed targets. The whole rule table is ``_FORWARD_BY`` and ``_BACK_BY`` below;
``zones.services.zone_transition`` enforces it with the roles that
``zones.access.zone_roles`` reports for the user.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import TextChoices


class ZoneStatus(TextChoices):
    APPLICATION = "application", "申报"
    APPROVED = "approved", "批准创建"
    CREATING = "creating", "创建中"
    SELF_ASSESSMENT = "self_assessment", "自评"
    CITY_REVIEW = "city_review", "市级考评"
    RECTIFICATION = "rectification", "整改"
    PROVINCIAL_REVIEW = "provincial_review", "省级评估"
    NATIONAL_REVIEW = "national_review", "总局评估"
    NAMED = "named", "已命名"
    CONSOLIDATION = "consolidation", "巩固提升"


ORDER: tuple[str, ...] = tuple(ZoneStatus.values)

# Actors. The first two are zones.models.Membership.Role values (as zone_roles
# reports them); SUPERUSER stands for a Django superuser.
OFFICE = "office"
PROVINCIAL_REVIEWER = "provincial_reviewer"
NATIONAL_REVIEWER = "national_reviewer"
SUPERUSER = "superuser"

S = ZoneStatus
# Forward one step FROM a status: who may do it. The zone's office moves its own
# zone up to 自评 → 市级考评 and through 整改 (市级考评 → 整改 → 省级评估);
# from 省级评估 onwards the provincial reviewers of the zone's province decide.
_FORWARD_BY: dict[str, frozenset[str]] = {
    S.APPLICATION: frozenset({OFFICE, SUPERUSER}),
    S.APPROVED: frozenset({OFFICE, SUPERUSER}),
    S.CREATING: frozenset({OFFICE, SUPERUSER}),
    S.SELF_ASSESSMENT: frozenset({OFFICE, SUPERUSER}),
    S.CITY_REVIEW: frozenset({OFFICE, SUPERUSER}),
    S.RECTIFICATION: frozenset({OFFICE, SUPERUSER}),
    S.PROVINCIAL_REVIEW: frozenset({PROVINCIAL_REVIEWER, SUPERUSER}),
    S.NATIONAL_REVIEW: frozenset({PROVINCIAL_REVIEWER, NATIONAL_REVIEWER, SUPERUSER}),
    S.NAMED: frozenset({PROVINCIAL_REVIEWER, SUPERUSER}),
}
# Back one step (退回) FROM a status: a higher level sends a zone back, with a reason.
_BACK_BY: dict[str, frozenset[str]] = {status: frozenset({PROVINCIAL_REVIEWER, SUPERUSER}) for status in ORDER[1:]}
_BACK_BY[S.NATIONAL_REVIEW] = frozenset({PROVINCIAL_REVIEWER, NATIONAL_REVIEWER, SUPERUSER})
# The one move of more than a step: a 总局评估 round that does not name the zone
# sends it back to 整改 (with a reason), as its conclusion says.
_JUMPS_BY: dict[tuple[str, str], frozenset[str]] = {
    (S.NATIONAL_REVIEW, S.RECTIFICATION): frozenset({NATIONAL_REVIEWER, SUPERUSER}),
}


class TransitionError(Exception):
    """A move that is not one step forward or back (a skip, or the same status)."""


class TransitionForbidden(Exception):
    """A valid step that the actor's roles do not allow."""


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    is_back: bool

    @property
    def target_label(self) -> str:
        return ZoneStatus(self.target).label

    @property
    def reason_required(self) -> bool:
        return self.is_back


def label(status: str) -> str:
    return ZoneStatus(status).label


def steps_from(status: str) -> list[Move]:
    """The moves from ``status``, whoever makes them (forward first, then back, then jumps back)."""
    index = ORDER.index(status)
    moves = []
    if index + 1 < len(ORDER):
        moves.append(Move(status, ORDER[index + 1], is_back=False))
    if index > 0:
        moves.append(Move(status, ORDER[index - 1], is_back=True))
    moves += [Move(source, target, is_back=True) for source, target in _JUMPS_BY if source == status]
    return moves


def _allowed(move: Move, actors: set[str]) -> bool:
    if (move.source, move.target) in _JUMPS_BY:
        return bool(_JUMPS_BY[(move.source, move.target)] & actors)
    table = _BACK_BY if move.is_back else _FORWARD_BY
    return bool(table.get(move.source, frozenset()) & actors)


def moves_for(status: str, actors: set[str]) -> list[Move]:
    """The moves from ``status`` that ``actors`` (roles, plus SUPERUSER) may make."""
    return [move for move in steps_from(status) if _allowed(move, actors)]


def transition_check(status: str, target: str, actors: set[str], reason: str = "") -> Move:
    """The move ``status`` → ``target`` if allowed; raises with a Chinese message otherwise."""
    if target not in ORDER:
        raise TransitionError(f"未知的状态“{target}”。")
    move = next((m for m in steps_from(status) if m.target == target), None)
    if move is None:
        options = moves_for(status, actors) or steps_from(status)
        allowed = "、".join(f"“{m.target_label}”" for m in options)
        raise TransitionError(
            f"当前状态为“{label(status)}”，不能变更为“{label(target)}”：只能前进或退回一步，可变更为 {allowed}。"
        )
    if not _allowed(move, actors):
        raise TransitionForbidden(f"没有权限将状态由“{label(status)}”变更为“{label(target)}”。")
    if move.reason_required and not reason.strip():
        raise TransitionError(f"退回到“{label(target)}”必须填写理由。")
    return move
