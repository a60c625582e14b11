"""Round-level permissions, built on zones.access (the zone-level choke point).

Every view, API view and admin page of this app asks here. A round the user may
not see answers 404; one they may see but not act on answers 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from indicators.scoring.rules import JUDGED_RULES
from zones.access import ZoneAction, zone_can, zone_roles, zones_visible_to
from zones.models import Membership

from .models import AssessmentRound, EvaluatorAssignment, Judgement

Kind = AssessmentRound.Kind
Role = Membership.Role

# Who runs a round of each kind (opens it, assigns evaluators, submits, reopens).
MANAGE_ACTION = {
    Kind.SELF: ZoneAction.MANAGE_SELF_ROUND,
    Kind.PROVINCIAL: ZoneAction.MANAGE_PROVINCIAL_ROUND,
    Kind.NATIONAL: ZoneAction.MANAGE_NATIONAL_ROUND,
}


class RoundAction(StrEnum):
    VIEW = "view"  # the round, its scores (blind rules aside) and gaps
    MANAGE = "manage"  # open/start/submit/reopen, assign evaluators, conclude
    SCORE = "score"  # enter judged scores (office in 自评, assigned evaluators otherwise)
    RETURN = "return"  # send a submitted 自评 back (the province)
    RESOLVE_DOUBT = "resolve_doubt"  # the office corrects a disputed figure
    EXPLAIN = "explain"  # write a 差异说明
    PLAN_RECTIFICATION = "plan_rectification"  # gaps → rectification tasks (the office)


def round_kind_manager(user, zone, kind: str) -> bool:
    return zone_can(user, zone, MANAGE_ACTION[kind])


def is_assigned(user, round: AssessmentRound) -> bool:
    cache = getattr(user, "_round_assignments", None)
    if cache is None:
        cache = {}
        user._round_assignments = cache
    if round.pk not in cache:
        cache[round.pk] = EvaluatorAssignment.objects.filter(round=round, evaluator=user).exists()
    return cache[round.pk]


def round_can(user, round: AssessmentRound, action: RoundAction) -> bool:
    zone = round.zone
    if not user.is_authenticated or not user.is_active:
        return False
    manager = round_kind_manager(user, zone, round.kind)
    office = zone_can(user, zone, ZoneAction.MANAGE_SELF_ROUND)
    if action == RoundAction.VIEW:
        if manager or office:
            return True
        if is_assigned(user, round):
            return True
        roles = zone_roles(user, zone)
        return bool(roles & {Role.PROVINCIAL_REVIEWER, Role.NATIONAL_REVIEWER}) or user.is_superuser
    if action == RoundAction.MANAGE:
        return manager
    if action == RoundAction.SCORE:
        if round.kind == Kind.SELF:
            return office
        return is_assigned(user, round)
    if action == RoundAction.RETURN:
        return round.kind == Kind.SELF and zone_can(user, zone, ZoneAction.MANAGE_PROVINCIAL_ROUND)
    if action in (RoundAction.RESOLVE_DOUBT, RoundAction.PLAN_RECTIFICATION):
        return office
    if action == RoundAction.EXPLAIN:
        return manager or office or (round.kind != Kind.SELF and is_assigned(user, round))
    return False


def round_get_for_user(user, round_id: int, action: RoundAction = RoundAction.VIEW) -> AssessmentRound:
    """The round if ``user`` may do ``action`` on it; 404 if unseen, 403 if seen but not allowed."""
    round = (
        AssessmentRound.objects.select_related("zone__region__parent__parent", "zone__system", "system__scope")
        .filter(zone__in=zones_visible_to(user), pk=round_id)
        .first()
    )
    if round is None or not round_can(user, round, RoundAction.VIEW):
        raise Http404("评估轮次不存在或无权访问。")
    if not round_can(user, round, action):
        raise PermissionDenied("没有权限执行此操作。")
    return round


def sees_all_scores(user, round: AssessmentRound) -> bool:
    """Blind review: evaluators see others' scores only after scoring themselves;
    everyone who runs or follows the round sees all of them."""
    return score_visibility(user, round).everything


@dataclass(frozen=True)
class ScoreVisibility:
    """What of a round's scores ``user`` may see: the one rule, which every page, API and
    selector that shows a round's scores, totals, differences, doubts or gaps applies.

    An evaluator assigned in a round (and not running it) sees only the items assigned to them
    (not recused), blind review or not: their scores, 存疑, 差异 and 失分, never the round's
    total or dimension sums (those add up items that are not theirs). While the round is blind
    and not yet submitted, on those items a computed sub-criterion shows at once and a judged
    one (its evaluators' scores and comments, the aggregate and its explanation) only once they
    have scored it themselves, and another evaluator's 存疑 shows without their name.
    Everybody else who may view the round (the office, whoever runs it, reviewers) sees it all."""

    everything: bool
    items: frozenset[str] = frozenset()  # third-level item codes assigned to the evaluator
    scored: frozenset[str] = frozenset()  # sub-criterion codes the evaluator has scored
    blind: bool = False  # blind review is on and not lifted (the round is not submitted)

    def item_visible(self, item_code: str) -> bool:
        return self.everything or item_code in self.items

    def sub_visible(self, item_code: str, sub_code: str, rule_type: str) -> bool:
        if self.everything:
            return True
        if item_code not in self.items:
            return False
        return not self.blind or rule_type not in JUDGED_RULES or sub_code in self.scored

    def totals_visible(self, items: Iterable[dict[str, Any]]) -> bool:
        """Totals and dimension sums: only when every sub-criterion they add up is visible."""
        return self.everything or all(
            self.sub_visible(item["code"], sub["code"], sub.get("rule_type", ""))
            for item in items
            for sub in item["subs"]
        )

    def doubt_visible(self, item_code: str) -> bool:
        """A 存疑 shows to whoever sees its item (it zeroes a computed sub-criterion they see)."""
        return self.item_visible(item_code)

    def raiser_visible(self, raised_by_id: int | None, user_id: int | None) -> bool:
        """Who raised a 存疑: hidden from another evaluator while the round is blind."""
        return self.everything or not self.blind or raised_by_id == user_id


EVERYTHING = ScoreVisibility(everything=True)


def score_visibility(user, round: AssessmentRound) -> ScoreVisibility:
    """The visibility rule for ``user`` in ``round`` (1–2 queries for an evaluator, else 0–1)."""
    if round.kind == Kind.SELF:
        return EVERYTHING
    if not is_assigned(user, round) or round_kind_manager(user, round.zone, round.kind):
        return EVERYTHING
    items = EvaluatorAssignment.objects.filter(round=round, evaluator=user, recused_at__isnull=True).values_list(
        "indicator__code", flat=True
    )
    blind = round.blind and round.status != AssessmentRound.Status.SUBMITTED
    scored: Iterable[str] = ()
    if blind:
        scored = Judgement.objects.filter(round=round, judged_by=user).values_list("scoring_item__code", flat=True)
    return ScoreVisibility(everything=False, items=frozenset(items), scored=frozenset(scored), blind=blind)


def explain_scope(user, round: AssessmentRound) -> frozenset[str] | None:
    """The item codes whose 差异说明 ``user`` may write: None for every item (the office, whoever
    runs the round), else (an evaluator) the items assigned to them and not recused."""
    if not round_can(user, round, RoundAction.EXPLAIN):
        return frozenset()
    zone = round.zone
    if round_kind_manager(user, zone, round.kind) or zone_can(user, zone, ZoneAction.MANAGE_SELF_ROUND):
        return None
    return frozenset(
        EvaluatorAssignment.objects.filter(round=round, evaluator=user, recused_at__isnull=True).values_list(
            "indicator__code", flat=True
        )
    )
