"""Benchmark of the review screen, a round's aggregate and snapshot, and the what-if response.

Run: ``python -m benchmarks.review [--evidence 2000] [--repeat 30]``.

Loads the demo (三明市 with a 省级评估 in progress), puts five evaluators on item 12 (each has
scored it) and spreads evidence over the zone's items — one tenth first, then the full amount —
and prints, for the review screen of item 12 as one evaluator, the median time and the number of
queries at both scales (targets: < 150 ms, the same number of queries); the median time to
aggregate the round and write its snapshot (< 100 ms); and the median what-if response for one
changed figure (< 50 ms).
"""

import argparse
import hashlib
import os
import random
import statistics
import time

from benchmarks._setup import django_with_temp_db


def _evidence(zone, count: int, seed: int, item12_share: bool = True) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from evidence.models import Evidence, EvidenceFile
    from indicators.models import Indicator
    from zones.models import Unit

    rng = random.Random(seed)
    now = timezone.now()
    items = list(Indicator.objects.filter(system=zone.system, level=3))
    item12 = next(i for i in items if i.code == "12")
    if not item12_share:
        items = [i for i in items if i.code != "12"]
    units = list(Unit.objects.filter(zone=zone))
    liaison = get_user_model().objects.get(username="liaison")
    rows = []
    for n in range(count):
        status = rng.choice(["submitted", "accepted", "accepted", "returned"])
        rows.append(
            Evidence(
                zone=zone,
                indicator=item12 if item12_share and n % 10 == 0 else rng.choice(items),  # item 12: a tenth
                unit=rng.choice(units),
                title=f"基准材料{seed}-{n:05d}",
                status=status,
                return_reason="基准测试退回" if status == "returned" else "",
                reviewed_at=now if status in ("accepted", "returned") else None,
                created_by=liaison,
            )
        )
    Evidence.objects.bulk_create(rows, batch_size=1000)
    files = []
    for evidence in Evidence.objects.filter(title__startswith=f"基准材料{seed}-"):
        for version in (1, 2):
            digest = hashlib.sha256(f"{evidence.pk}-{version}".encode()).hexdigest()
            files.append(
                EvidenceFile(
                    evidence=evidence,
                    version=version,
                    stored_name=f"evidence/bench/{digest}.pdf",
                    original_name=f"{evidence.title}-v{version}.pdf",
                    size=1024 * version,
                    sha256=digest,
                    content_type="application/pdf",
                    uploaded_by=liaison,
                )
            )
    EvidenceFile.objects.bulk_create(files, batch_size=1000)


def _median_ms(call, repeat: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm up
    timings, queries = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            call()
            timings.append((time.perf_counter() - start) * 1000)
        queries.append(len(ctx))
    return statistics.median(timings), max(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--evidence", type=int, default=2000)
    parser.add_argument("--evaluators", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    db_path = django_with_temp_db()

    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from assessments import services
    from assessments.models import AssessmentRound, EvaluatorProfile, ScoreSnapshot
    from assessments.selectors import round_score
    from indicators.models import Indicator, ScoringItem
    from zones.models import Membership, Region, Zone

    devnull = open(os.devnull, "w")
    call_command("load_standard", verbosity=0, stdout=devnull)
    call_command("load_demo", verbosity=0, stdout=devnull)
    zone = Zone.objects.get(name="三明市")
    round = AssessmentRound.objects.get(zone=zone, kind="provincial")
    province = zone.region.province
    item12 = Indicator.objects.get(system=zone.system, code="12")
    reviewer = get_user_model().objects.get(username="province")
    expert = get_user_model().objects.get(username="expert")  # already assigned to 规范监管, item 12 included
    others = []
    home = Region.objects.get(name="福州市", parent=province)
    for n in range(args.evaluators - 1):
        user = get_user_model().objects.create_user(f"bench_expert{n}", password="Bench@2024!")
        Membership.objects.create(user=user, role=Membership.Role.EVALUATOR, province=province)
        EvaluatorProfile.objects.create(user=user, home_region=home)
        services.evaluator_assign(round=round, evaluator=user, indicators=[item12], user=reviewer)
        others.append(user)
    for user in others:
        for sub in ScoringItem.objects.filter(indicator=item12):
            services.round_judgement_set(
                round=round, scoring_item=sub, user=user, points=sub.points - Decimal("0.5"), comment="基准评分"
            )

    client = Client(HTTP_HOST="localhost")
    client.force_login(expert)
    url = reverse("assessments:review-item", args=[round.pk, item12.pk])

    def review():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    _evidence(zone, args.evidence // 10, seed=1)
    small_ms, small_queries = _median_ms(review, args.repeat)
    _evidence(zone, args.evidence - args.evidence // 10, seed=2)
    big_ms, big_queries = _median_ms(review, args.repeat)
    # The same again on the zone's other items only: item 12's own evidence stays as it is, so
    # this shows whether the screen's work follows the zone's evidence or only the item's.
    _evidence(zone, args.evidence, seed=3, item12_share=False)
    zone_ms, zone_queries = _median_ms(review, args.repeat)

    def aggregate_and_snapshot():
        with transaction.atomic():
            result = round_score(round=round)
            ScoreSnapshot.objects.create(
                zone=zone,
                round=round,
                system=round.system,
                status="done",
                total=result.total,
                max_total=result.result.max,
                result=result.to_dict(),
            )
            transaction.set_rollback(True)

    snapshot_ms, snapshot_queries = _median_ms(aggregate_and_snapshot, args.repeat)

    office = Client(HTTP_HOST="localhost")
    office.force_login(get_user_model().objects.get(username="office"))
    whatif_url = reverse("assessments:whatif", args=[zone.pk])

    def whatif():
        response = office.post(whatif_url, {"value:online_retail_sales:2024": "500"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, response.status_code

    whatif_ms, whatif_queries = _median_ms(whatif, args.repeat)

    print("评审工作台基准（python -m benchmarks.review）")
    print(
        f"  评审页（第12项，{args.evaluators} 位专家，区内 {args.evidence} 份佐证材料，每份 2 个版本）："
        f"中位数 {big_ms:.1f} ms，{big_queries} 次查询  [目标 < 150 ms]"
    )
    print(
        f"  十分之一规模（{args.evidence // 10} 份材料）：中位数 {small_ms:.1f} ms，{small_queries} 次查询"
        "  [查询次数应相同]"
    )
    print(
        f"  区内再加 {args.evidence} 份（均不属于第12项）：中位数 {zone_ms:.1f} ms，{zone_queries} 次查询"
        "  [只随本项材料增长时应与上一行相近]"
    )
    print(f"  汇总本轮得分并写入快照：中位数 {snapshot_ms:.1f} ms，{snapshot_queries} 次查询  [目标 < 100 ms]")
    print(f"  模拟测算（改一个数据）：中位数 {whatif_ms:.1f} ms，{whatif_queries} 次查询  [目标 < 50 ms]")
    assert big_queries == small_queries, "the review screen's queries must not grow with the evidence"
    if db_path:
        os.unlink(db_path)


if __name__ == "__main__":
    main()
