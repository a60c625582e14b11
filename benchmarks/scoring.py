"""Benchmark of the scoring engine. Run: ``python -m benchmarks.scoring [--zones 1000]``.

Prints (targets from the foundation issue):
- time and number of queries to score one zone from the database (≤ 15 queries, < 50 ms);
- time to score 1,000 zones from the database (< 30 s), and the pure engine alone.
"""

import argparse
import os
import statistics
import time

from benchmarks._setup import django_with_temp_db


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--zones", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    db_path = django_with_temp_db()

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessments.models import Judgement
    from assessments.selectors import zone_facts, zone_score
    from demo.loader import demo_load
    from evidence.models import DataValue, OperatorEntry, OutcomeEntry
    from indicators.scoring import score
    from indicators.selectors import _SPEC_CACHE, system_spec_for
    from zones.models import Zone

    call_command("load_standard", verbosity=0, stdout=open(os.devnull, "w"))
    demo = demo_load()

    # One zone, from the database: cold (spec not cached) and warm.
    _SPEC_CACHE.clear()
    with CaptureQueriesContext(connection) as cold_queries:
        start = time.perf_counter()
        result = zone_score(zone=Zone.objects.select_related("system__scope").get(pk=demo.pk))
        cold_ms = (time.perf_counter() - start) * 1000
    timings, query_counts = [], []
    for _ in range(args.repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            zone_score(zone=Zone.objects.select_related("system__scope").get(pk=demo.pk))
            timings.append((time.perf_counter() - start) * 1000)
        query_counts.append(len(ctx))

    # 1,000 zones: copies of the demo zone's data.
    copies = []
    for i in range(args.zones - 1):
        zone = Zone.objects.get(pk=demo.pk)
        zone.pk, zone.name = None, f"基准测试{i:04d}"
        copies.append(zone)
    Zone.objects.bulk_create(copies, batch_size=500)
    zone_ids = list(Zone.objects.exclude(pk=demo.pk).values_list("pk", flat=True))
    for model in (DataValue, OperatorEntry, OutcomeEntry, Judgement):
        rows = list(model.objects.filter(zone=demo))
        clones = []
        for zone_id in zone_ids:
            for row in rows:
                clone = model(**{f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields})
                clone.pk, clone.zone_id = None, zone_id
                clones.append(clone)
        model.objects.bulk_create(clones, batch_size=2000)

    zones = list(Zone.objects.select_related("system__scope"))
    start = time.perf_counter()
    totals = [zone_score(zone=z).total for z in zones]
    many_s = time.perf_counter() - start

    spec = system_spec_for(system=demo.system)
    facts = zone_facts(zone=demo)
    start = time.perf_counter()
    for _ in range(len(zones)):
        score(spec, facts)
    engine_s = time.perf_counter() - start

    print("评分引擎基准（python -m benchmarks.scoring）")
    print(f"  演示创建对象总分： {result.total} / {result.max}")
    print(f"  单个创建对象（从数据库，首次含指标体系加载）： {cold_ms:.1f} ms, {len(cold_queries)} 次查询")
    print(
        f"  单个创建对象（从数据库，{args.repeat} 次中位数）： {statistics.median(timings):.1f} ms, "
        f"{max(query_counts)} 次查询  [目标 ≤ 15 次查询， < 50 ms]"
    )
    print(f"  {len(zones)} 个创建对象（从数据库）： {many_s:.2f} s  [目标 < 30 s]")
    print(f"  {len(zones)} 次纯引擎评分（不含数据库）： {engine_s:.2f} s")
    assert len(set(totals)) == 1, "all copies should score the same"
    if db_path:
        os.unlink(db_path)


if __name__ == "__main__":
    main()
