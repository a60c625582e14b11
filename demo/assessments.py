"""The demo's judgements and assessment rounds, written through assessments' services."""

from __future__ import annotations

import json
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from assessments.models import AssessmentRound, EvaluatorProfile, Judgement
from indicators.models import ScoringItem
from zones.demo.loader import DEMO_DATA
from zones.models import Region, Zone


@transaction.atomic
def demo_judgements_load(*, zone: Zone) -> None:
    """The office's live judgements from the example file (the demo zone scores 83.5)."""
    data = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
    office = get_user_model().objects.filter(username="office").first()
    items = {i.code: i for i in ScoringItem.objects.filter(indicator__system=zone.system)}
    Judgement.objects.filter(zone=zone, round__isnull=True).delete()
    Judgement.objects.bulk_create(
        Judgement(
            zone=zone,
            scoring_item=items[code],
            points=Decimal(str(j["points"]))
            if j.get("points") is not None
            else (items[code].points if j.get("options") else None),
            options=j.get("options") or [],
            comment=j.get("comment", ""),
            judged_by=office,
        )
        for code, j in (data.get("judgements") or {}).items()
    )


def demo_evaluator_profiles_load() -> None:
    """expert and expert2 work in 福州市 and 厦门市: 福建省 experts from outside 三明市."""
    province = Region.objects.get(name="福建省", parent=None)
    User = get_user_model()
    for username, city, organisation in (
        ("expert", "福州市", "福州市某高校电子商务研究中心(演示)"),
        ("expert2", "厦门市", "厦门市某律师事务所(演示)"),
    ):
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        region, _ = Region.objects.get_or_create(
            name=city, parent=province, defaults={"level": Region.Level.CITY, "category": province.category}
        )
        EvaluatorProfile.objects.update_or_create(
            user=user, defaults={"home_region": region, "organisation": organisation}
        )


def demo_rounds_reset(*, zone: Zone) -> None:
    AssessmentRound.objects.filter(zone=zone).delete()
