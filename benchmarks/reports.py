"""Benchmark of the reports. Run: ``python -m benchmarks.reports [--evidence 160] [--bundle-mb 1024]``.

On a throw-away SQLite database with the national system and the demo zone (三明市), plus
``--evidence`` accepted pieces of evidence spread over the 41 items, prints (targets from the
reports issue):

- the self-assessment PDF of the demo zone (41 items, every evidence entry listed), rendered
  twice in a fresh process as a Celery worker renders it: seconds, pages, and the peak resident
  set of that process (sampled every 10 ms and the kernel's high-water mark) [< 6 s, < 400 MB];
- the 得分表: seconds [< 1 s];
- the evidence bundle over ``--bundle-mb`` of evidence files: seconds and memory growth while it
  packs (peak resident set minus the resident set before; and Python's tracemalloc peak)
  [< 50 MB].

Each runs the same code as the Celery job (the kind's content + render), without the queue.
The bundle runs first, so the PDF's larger footprint cannot hide its growth.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from contextlib import contextmanager

from benchmarks._setup import django_with_temp_db

MB = 1024 * 1024


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@contextmanager
def rss_peak():
    """Samples the resident set every 10 ms; yields a dict filled with before/peak on exit."""
    out = {"before": _rss(), "peak": _rss()}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            out["peak"] = max(out["peak"], _rss())
            stop.wait(0.01)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield out
    finally:
        stop.set()
        thread.join()
        out["peak"] = max(out["peak"], _rss())


def _evidence(zone, count: int, media: str) -> int:
    """``count`` accepted pieces of evidence with a small PDF each, over the 41 items."""
    from django.utils import timezone

    from evidence.models import Evidence, EvidenceFile
    from indicators.models import Indicator
    from zones.models import Unit

    items = list(Indicator.objects.filter(system=zone.system, level=3).order_by("position"))
    units = list(Unit.objects.filter(zone=zone).order_by("position", "pk"))
    now = timezone.now()
    os.makedirs(os.path.join(media, "evidence", "bench"), exist_ok=True)
    for n in range(count):
        data = b"%PDF-1.4\n" + f"基准测试材料 {n}".encode() + os.urandom(2048)
        stored = f"evidence/bench/{n}.pdf"
        with open(os.path.join(media, stored), "wb") as out:
            out.write(data)
        evidence = Evidence.objects.create(
            zone=zone,
            indicator=items[n % len(items)],
            unit=units[n % len(units)],
            title=f"基准测试佐证材料第{n + 1}份（{items[n % len(items)].name[:12]}）",
            status="accepted",
            effective_date=now.date(),
            reviewed_at=now,
        )
        EvidenceFile.objects.create(
            evidence=evidence,
            version=1,
            stored_name=stored,
            original_name=f"基准材料-{n + 1}.pdf",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            content_type="application/pdf",
        )
    return Evidence.objects.filter(zone=zone).exclude(status="draft").count()


def _large_files(zone, total_mb: int, media: str, *, files: int = 16) -> None:
    """``total_mb`` of evidence in ``files`` accepted files (a random 1 MB block repeated)."""
    from django.utils import timezone

    from evidence.models import Evidence, EvidenceFile
    from indicators.models import Indicator
    from zones.models import Unit

    block = os.urandom(MB)
    item = Indicator.objects.get(system=zone.system, code="12")
    unit = Unit.objects.filter(zone=zone).first()
    per_file = max(1, total_mb // files)
    os.makedirs(os.path.join(media, "evidence", "large"), exist_ok=True)
    for n in range(files):
        stored = f"evidence/large/{n}.pdf"
        digest = hashlib.sha256()
        with open(os.path.join(media, stored), "wb") as out:
            for _ in range(per_file):
                out.write(block)
                digest.update(block)
        evidence = Evidence.objects.create(
            zone=zone, indicator=item, unit=unit, title=f"大文件{n}", status="accepted", reviewed_at=timezone.now()
        )
        EvidenceFile.objects.create(
            evidence=evidence,
            version=1,
            stored_name=stored,
            original_name=f"大文件{n}.pdf",
            size=per_file * MB,
            sha256=digest.hexdigest(),
            content_type="application/pdf",
        )


def pdf_in_worker(zone_id: int, listed: int) -> None:
    """Renders the 自评报告 twice in this fresh process (the database and MEDIA_ROOT are the
    parent's): the first render loads fonts and templates, the second is a busy worker's."""
    import django

    django.setup()
    from reports import jobs  # noqa: F401 (what a worker imports before its first job)
    from reports.kinds import kind_get
    from zones.models import Zone

    work = os.environ["BENCH_REPORTS_WORK"]
    zone = Zone.objects.select_related("region__parent__parent", "system__scope").get(pk=zone_id)
    report = kind_get("self")
    with rss_peak() as rss:
        for label in ("首次", "再次"):
            start, cpu = time.perf_counter(), time.process_time()
            rendered = report.render(report.content(zone=zone, round=None), os.path.join(work, "self.pdf"))
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            print(
                f"  自评报告 PDF（{label}）：41 项、佐证材料 {listed} 条，{rendered.pages} 页，"
                f"{os.path.getsize(os.path.join(work, 'self.pdf')) / MB:.1f} MB，"
                f"{seconds:.2f} s（CPU {cpu:.2f} s）  [目标 < 6 s]"
            )
    peak = max(rss["peak"], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    print(
        f"    渲染进程常驻内存峰值：{peak / MB:.0f} MB"
        f"（启动后 {rss['before'] / MB:.0f} MB，生成期间增长 {(peak - rss['before']) / MB:.0f} MB）  [目标 < 400 MB]",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--evidence", type=int, default=160, help="accepted evidence entries to add")
    parser.add_argument("--bundle-mb", type=int, default=1024, help="MB of evidence packed into the bundle")
    parser.add_argument("--pdf-in-worker", type=int, metavar="ZONE_ID", help=argparse.SUPPRESS)
    parser.add_argument("--evidence-listed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pdf_in_worker:
        pdf_in_worker(args.pdf_in_worker, args.evidence_listed)
        return
    work = tempfile.mkdtemp(prefix="portal-bench-reports-")
    media = os.path.join(work, "media")
    os.environ["MEDIA_ROOT"] = media
    db_path = django_with_temp_db()

    from django.core.management import call_command

    from reports.kinds import kind_get
    from zones.models import Zone

    devnull = open(os.devnull, "w")  # noqa: SIM115 (closed at the end)
    call_command("load_standard", verbosity=0, stdout=devnull)
    call_command("load_demo", stdout=devnull)
    zone = Zone.objects.select_related("region__parent__parent", "system__scope").get(name="三明市")
    listed = _evidence(zone, args.evidence, media)

    print("报告基准（python -m benchmarks.reports）")

    # 1. The bundle first: its memory growth must not hide behind the PDF's high-water mark.
    bundle = kind_get("bundle")
    _large_files(zone, args.bundle_mb, media)
    content = bundle.content(zone=zone, round=None)
    packed = sum(r.size or 0 for r in content.data.rows)
    path = os.path.join(work, "bundle.zip")
    tracemalloc.start()
    with rss_peak() as rss:
        start = time.perf_counter()
        bundle.render(content, path)
        seconds = time.perf_counter() - start
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"  佐证材料包：{len(content.data.rows)} 个文件 {packed / MB:.0f} MB → "
        f"ZIP {os.path.getsize(path) / MB:.0f} MB，"
        f"{seconds:.1f} s"
    )
    print(
        f"    内存增长（常驻内存峰值 − 开始时）：{(rss['peak'] - rss['before']) / MB:.1f} MB；"
        f"tracemalloc 峰值 {traced / MB:.1f} MB  [目标 < 50 MB]"
    )
    os.unlink(path)
    shutil.rmtree(os.path.join(media, "evidence", "large"))
    from evidence.models import Evidence

    Evidence.objects.filter(zone=zone, title__startswith="大文件").delete()

    # 2. The score sheet.
    scores = kind_get("scores")
    start = time.perf_counter()
    scores.render(scores.content(zone=zone, round=None), os.path.join(work, "scores.xlsx"))
    print(f"  得分表：{time.perf_counter() - start:.2f} s  [目标 < 1 s]")

    # 3. The self-assessment PDF of the demo zone, in a fresh process as a Celery worker renders
    # it: this process also holds the demo load and the bundle, which a worker does not.
    devnull.flush()
    subprocess.run(
        [sys.executable, "-m", "benchmarks.reports", "--pdf-in-worker", str(zone.pk), "--evidence-listed", str(listed)],
        env={**os.environ, "BENCH_REPORTS_WORK": work},
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        check=True,
    )
    print(f"  机器负载（1 分钟平均）：{os.getloadavg()[0]:.1f}，CPU {os.cpu_count()} 核")
    devnull.close()
    shutil.rmtree(work, ignore_errors=True)
    if db_path:
        os.unlink(db_path)


if __name__ == "__main__":
    main()
