"""The demo's judgements and assessment rounds, written through assessments' services."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assessments.models import AssessmentRound, Judgement
from assessments.services import evaluator_profile_save, judgement_delete, judgement_set
from indicators.models import ScoringItem
from zones.models import Region, Zone
from zones.services import zone_transition

from .zone import DEMO_DATA


@transaction.atomic
def demo_judgements_load(*, zone: Zone) -> None:
    """The office's live judgements from the example file (the demo zone scores 83.5), set through
    ``judgement_set`` as the office sets them; an unchanged one is left as it is."""
    data = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
    office = get_user_model().objects.filter(username="office").first()
    items = {i.code: i for i in ScoringItem.objects.filter(indicator__system=zone.system).select_related("indicator")}
    wanted = data.get("judgements") or {}
    live = {
        j.scoring_item.code: j
        for j in Judgement.objects.filter(zone=zone, round__isnull=True).select_related("scoring_item")
    }
    for code, judgement in live.items():
        if code not in wanted:
            judgement_delete(judgement=judgement, user=office)
    for code, j in wanted.items():
        item = items[code]
        points = None if j.get("points") is None else Decimal(str(j["points"]))
        options = j.get("options") or []
        comment = j.get("comment", "")
        current = live.get(code)
        if (
            current is not None
            and (current.options, current.comment) == (sorted(set(options)), comment)
            and (options or current.points == points)
        ):
            continue
        judgement_set(zone=zone, scoring_item=item, points=points, options=options, comment=comment, user=office)


def demo_evaluator_profiles_load() -> None:
    """expert and expert2 work in 福州市 and 厦门市: 福建省 experts from outside 三明市."""
    province = Region.objects.get(name="福建省", parent=None)
    User = get_user_model()
    for username, city, organisation in (
        ("expert", "福州市", "福州市某高校电子商务研究中心（演示）"),
        ("expert2", "厦门市", "厦门市某律师事务所（演示）"),
    ):
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        region, _ = Region.objects.get_or_create(
            name=city, parent=province, defaults={"level": Region.Level.CITY, "category": province.category}
        )
        evaluator_profile_save(user=user, home_region=region, organisation=organisation)


def demo_rounds_reset(*, zone: Zone) -> None:
    """Loading again starts the assessment half over: no rounds, the zone back at 创建中."""
    from tasks.models import Task

    AssessmentRound.objects.filter(zone=zone).delete()
    Task.objects.filter(zone=zone, category="整改").delete()  # made from the rounds' gaps
    rounds_began = zone.transitions.filter(to_status=Zone.Status.SELF_ASSESSMENT).order_by("at", "pk").first()
    if rounds_began is not None:
        zone.transitions.filter(pk__gte=rounds_began.pk).delete()
    Zone.objects.filter(pk=zone.pk).update(status=Zone.Status.CREATING)
    zone.status = Zone.Status.CREATING


# The demo's rounds ---------------------------------------------------------------------


def _judged_items(zone: Zone, codes: set[str]) -> list[ScoringItem]:
    return list(
        ScoringItem.objects.filter(
            indicator__system=zone.system, indicator__code__in=codes, rule_type__in=["checklist", "expert", "any_one"]
        )
        .select_related("indicator")
        .order_by("indicator__position", "position")
    )


@transaction.atomic
def demo_rounds_load(*, zone: Zone) -> dict[str, AssessmentRound]:
    """A submitted 自评, then the zone through 市级考评 and 整改 to 省级评估, and a 省级评估 round in
    progress: expert and expert2 on overlapping items, scores that differ (with reasons), one 存疑."""
    from assessments import services
    from assessments.rectification import rectification_tasks_create, round_gaps
    from assessments.selectors import round_differences
    from indicators.models import Indicator

    User = get_user_model()
    office, province = User.objects.get(username="office"), User.objects.get(username="province")
    expert, expert2 = User.objects.get(username="expert"), User.objects.get(username="expert2")
    demo_rounds_reset(zone=zone)

    own = services.round_open(zone=zone, kind=AssessmentRound.Kind.SELF, user=office)
    services.round_submit(round=own, user=office)
    own.refresh_from_db()
    zone.refresh_from_db()
    # 整改: the office turns the 自评's largest gaps (those with responsible units) into tasks.
    gaps = sorted((g for g in round_gaps(own) if g.units), key=lambda g: (-g.lost, g.code))[:6]
    rectification_tasks_create(own, [g.code for g in gaps], timezone.localdate() + timedelta(days=45), office)
    zone_transition(zone=zone, user=office, to_status=Zone.Status.RECTIFICATION)
    zone_transition(zone=zone, user=office, to_status=Zone.Status.PROVINCIAL_REVIEW)

    provincial = services.round_open(zone=zone, kind=AssessmentRound.Kind.PROVINCIAL, user=province, blind=True)
    dims = {d.name: d for d in Indicator.objects.filter(system=zone.system, level=1)}
    services.evaluator_assign(
        round=provincial,
        evaluator=expert,
        indicators=[dims["促进发展"], dims["规范监管"], dims["优化服务"]],
        user=province,
    )
    services.evaluator_assign(
        round=provincial,
        evaluator=expert2,
        indicators=[dims["优化服务"], dims["探索创新"], dims["综合保障"]],
        user=province,
    )
    services.round_start(round=provincial, user=province)

    self_points = {
        j.scoring_item.code: j.points for j in Judgement.objects.filter(round=own).select_related("scoring_item")
    }

    def assigned(user) -> set[str]:
        return set(provincial.assignments.filter(evaluator=user).values_list("indicator__code", flat=True))

    expert_codes, expert2_codes = assigned(expert), assigned(expert2)
    overlap = sorted(expert_codes & expert2_codes, key=int)
    # expert2 has not yet scored the last shared item that nobody scores more strictly, so blind
    # review shows: expert2 does not see expert's score on it until scoring it (a review in progress).
    pending = next(code for code in reversed(overlap) if code not in set(overlap[::3]))
    for user, codes, stricter in ((expert, expert_codes, set()), (expert2, expert2_codes, set(overlap[::3]))):
        for item in _judged_items(zone, codes):
            if user == expert2 and item.indicator.code == pending:
                continue
            full = item.points
            base = self_points.get(item.code, full) or Decimal(0)
            points = base
            comment = "材料齐全，机制运行正常。" if base >= full else "部分材料缺少落实情况说明。"
            if item.indicator.code in stricter and item.rule_type != "any_one":
                points = max(Decimal(0), min(full, base) - Decimal("0.5"))
                comment = "现场抽查发现个别环节落实不到位（演示数据）。"
            if item.rule_type == "any_one":
                services.round_judgement_set(round=provincial, scoring_item=item, user=user, options=[1], comment="")
            else:
                services.round_judgement_set(
                    round=provincial, scoring_item=item, user=user, points=points, comment=comment
                )
    clue = ScoringItem.objects.get(indicator__system=zone.system, code="17.1")
    services.doubt_raise(
        round=provincial,
        scoring_item=clue,
        user=expert,
        reason="涉网线索核查台账与系统导出数据不一致，请核实（演示数据）。",
    )
    for difference in round_differences(round=provincial):
        item = ScoringItem.objects.get(indicator__system=zone.system, code=difference["code"])
        services.difference_reason_set(
            round=provincial,
            scoring_item=item,
            user=expert2 if item.indicator.code in expert2_codes else expert,
            text="省级评估现场核查结果与自评不一致，按核查结果评分（演示数据）。",
        )
    return {"self": own, "provincial": provincial}
