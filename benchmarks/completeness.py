"""Benchmark of the completeness matrix page. Run: ``python -m benchmarks.completeness [--repeat 30]``.

Builds the demo zone (三明市) up to 60 responsible units and 5,000 pieces of evidence
spread over the 41 items (random statuses, some on sub-criteria), then requests the
matrix page as the office and prints the median time and the number of queries
(targets: < 200 ms, and the same number of queries as for a zone a tenth the size).
"""

import argparse
import os
import random
import statistics
import time

from benchmarks._setup import django_with_temp_db


def _populate(zone, *, units: int, evidence: int, seed: int) -> None:
    from django.utils import timezone

    from evidence.models import Evidence
    from indicators.models import Indicator, ScoringItem
    from zones.models import IndicatorResponsibility, Unit

    rng = random.Random(seed)
    existing = Unit.objects.filter(zone=zone).count()
    Unit.objects.bulk_create(
        Unit(zone=zone, name=f"基准单位{i:03d}", short_name=f"单位{i:03d}") for i in range(existing, units)
    )
    all_units = list(Unit.objects.filter(zone=zone).order_by("pk")[:units])
    items = list(Indicator.objects.filter(system=zone.system, level=3).order_by("position"))
    subs: dict[int, list] = {}
    for sub in ScoringItem.objects.filter(indicator__in=items):
        subs.setdefault(sub.indicator_id, []).append(sub)
    IndicatorResponsibility.objects.filter(zone=zone).delete()
    cells = set()
    for item in items:  # 3–8 units per item, the first one leads
        for i, unit in enumerate(rng.sample(all_units, min(len(all_units), rng.randint(3, 8)))):
            cells.add((item.pk, unit.pk, i == 0))
    for unit in all_units:  # every unit answers for something
        if not any(u == unit.pk for _, u, _ in cells):
            cells.add((rng.choice(items).pk, unit.pk, False))
    IndicatorResponsibility.objects.bulk_create(
        IndicatorResponsibility(zone=zone, indicator_id=i, unit_id=u, is_lead=lead) for i, u, lead in cells
    )
    pairs = sorted({(i, u) for i, u, _ in cells})
    now = timezone.now()
    rows = []
    for n in range(evidence):
        item_id, unit_id = rng.choice(pairs)
        status = rng.choice(["draft", "submitted", "accepted", "accepted", "returned"])
        sub = rng.choice(subs[item_id]) if len(subs[item_id]) > 1 and rng.random() < 0.5 else None
        rows.append(
            Evidence(
                zone=zone,
                indicator_id=item_id,
                scoring_item=sub,
                unit_id=unit_id,
                title=f"基准材料{n:05d}",
                status=status,
                reviewed_at=now if status in ("accepted", "returned") else None,
                return_reason="基准测试退回" if status == "returned" else "",
            )
        )
    Evidence.objects.bulk_create(rows, batch_size=1000)


def _measure(client, url: str, repeat: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up: templates, the indicator system
    timings, queries = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
        queries.append(len(ctx))
    return statistics.median(timings), max(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--evidence", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    db_path = django_with_temp_db()

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from demo.loader import demo_load
    from zones.models import Zone

    call_command("load_standard", verbosity=0, stdout=open(os.devnull, "w"))
    demo = demo_load()
    small = Zone.objects.create(
        name="基准小规模", region=demo.region, system=demo.system, reference_year_1=2023, reference_year_2=2024
    )
    _populate(demo, units=args.units, evidence=args.evidence, seed=1)
    _populate(small, units=max(args.units // 10, 3), evidence=args.evidence // 10, seed=2)
    user = get_user_model().objects.create_superuser("bench", password="Bench@2024!")  # sees both zones

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    big_ms, big_queries = _measure(client, reverse("data:completeness", args=[demo.pk]), args.repeat)
    small_ms, small_queries = _measure(client, reverse("data:completeness", args=[small.pk]), args.repeat)

    print("完整性矩阵基准（python -m benchmarks.completeness）")
    print(
        f"  41 项指标 × {args.units} 个责任单位 × {args.evidence} 份佐证材料："
        f"中位数 {big_ms:.1f} ms，{big_queries} 次查询  [目标 < 200 ms]"
    )
    print(
        f"  十分之一规模（{max(args.units // 10, 3)} 个单位 × {args.evidence // 10} 份材料）："
        f"中位数 {small_ms:.1f} ms，{small_queries} 次查询  [查询次数应相同]"
    )
    assert big_queries == small_queries, "the number of queries must not grow with the data"
    if db_path:
        os.unlink(db_path)


if __name__ == "__main__":
    main()
