"""Helpers shared by the assessments tests: rounds in a given state, pool evaluators, scores."""

from __future__ import annotations

from decimal import Decimal

from assessments import services
from assessments.models import AssessmentRound
from indicators.models import Indicator, ScoringItem
from tests.factories import MembershipFactory, UserFactory
from zones.models import Membership, Region, Zone

Role = Membership.Role


def zone_at(zone: Zone, status: str) -> Zone:
    Zone.objects.filter(pk=zone.pk).update(status=status)
    zone.refresh_from_db()
    return zone


def pool_evaluator(zone: Zone, username: str, home: str | None = "福州市"):
    """An evaluator in the zone's province pool, working in ``home`` (a city of that province)."""
    from assessments.models import EvaluatorProfile

    province = zone.region.province
    user = MembershipFactory(user=UserFactory(username=username), role=Role.EVALUATOR, province=province).user
    if home:
        region, _ = Region.objects.get_or_create(
            name=home, parent=province, defaults={"level": Region.Level.CITY, "category": province.category}
        )
        EvaluatorProfile.objects.create(user=user, home_region=region)
    return user


def provincial_round(zone: Zone, reviewer, **kwargs) -> AssessmentRound:
    zone_at(zone, Zone.Status.PROVINCIAL_REVIEW)
    return services.round_open(zone=zone, kind=AssessmentRound.Kind.PROVINCIAL, user=reviewer, **kwargs)


def item(zone: Zone, code: str) -> Indicator:
    return Indicator.objects.get(system=zone.system, code=code, level=3)


def sub(zone: Zone, code: str) -> ScoringItem:
    return ScoringItem.objects.select_related("indicator").get(indicator__system=zone.system, code=code)


def score(round: AssessmentRound, user, code: str, points, comment: str = "扣分理由") -> None:
    scoring_item = sub(round.zone, code)
    services.round_judgement_set(
        round=round, scoring_item=scoring_item, user=user, points=Decimal(str(points)), comment=comment
    )
