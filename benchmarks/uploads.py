"""Benchmark of evidence uploads. Run: ``python -m benchmarks.uploads [--mb 200]``.

Posts a generated PDF-like file (``%PDF-`` then random bytes) through Django's test
Client to the upload view and prints (target from the evidence issue):
- peak memory growth while the request runs (tracemalloc peak and ru_maxrss delta; < 30 MB);
- throughput in MB/s (a run without tracemalloc, which slows allocation-heavy code).

The request body is written to a temporary file first and handed to the view as
``wsgi.input``: the test Client would otherwise build the whole body in memory, and
the benchmark would measure the client instead of the server.
"""

import argparse
import os
import resource
import shutil
import tempfile
import time
import tracemalloc

from benchmarks._setup import django_with_temp_db

BOUNDARY = "----portal-benchmark-boundary"
MB = 1024 * 1024


def _body_file(directory: str, *, size_mb: int, indicator_id: int) -> tuple[str, int]:
    """A multipart body on disk: the indicator field and a ``size_mb`` PDF-like file."""
    path = os.path.join(directory, "body.multipart")
    with open(path, "wb") as body:
        body.write(
            (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="indicator"\r\n\r\n{indicator_id}\r\n'
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="基准测试材料.pdf"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            ).encode()
        )
        body.write(b"%PDF-1.7\n")
        for _ in range(size_mb):
            body.write(os.urandom(MB))
        body.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return path, os.path.getsize(path)


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=200, help="file size in MB (default 200)")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="portal-bench-uploads-")
    os.environ["MEDIA_ROOT"] = os.path.join(work, "media")
    os.environ["FILE_UPLOAD_TEMP_DIR"] = work
    os.environ["EVIDENCE_MAX_UPLOAD_BYTES"] = str((args.mb + 10) * MB)
    db_path = django_with_temp_db()

    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from evidence.models import EvidenceFile
    from indicators.models import Indicator, IndicatorSystem
    from zones.models import IndicatorResponsibility, Membership, Region, Unit, Zone

    call_command("load_standard", verbosity=0, stdout=open(os.devnull, "w"))
    province = Region.objects.create(name="基准省", level=Region.Level.PROVINCE)
    city = Region.objects.create(name="基准市", level=Region.Level.CITY, parent=province)
    zone = Zone.objects.create(name="基准创建对象", region=city, system=IndicatorSystem.objects.get(code="CN-2024"))
    unit = Unit.objects.create(zone=zone, name="基准市商务局")
    indicator = Indicator.objects.get(system=zone.system, code="12")
    IndicatorResponsibility.objects.create(zone=zone, indicator=indicator, unit=unit, is_lead=True)
    user = User.objects.create_user(username="bench_liaison", password="Bench@2024!x")
    Membership.objects.create(user=user, role=Membership.Role.LIAISON, zone=zone, unit=unit)

    body_path, body_size = _body_file(work, size_mb=args.mb, indicator_id=indicator.pk)
    client = Client()
    client.force_login(user)
    url = reverse("evidence:upload-file", args=[zone.pk])

    def post() -> int:
        with open(body_path, "rb") as stream:
            response = client.request(
                REQUEST_METHOD="POST",
                PATH_INFO=url,
                CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
                CONTENT_LENGTH=str(body_size),
                HTTP_HOST="localhost",
                **{"wsgi.input": stream},
            )
        assert response.status_code == 201, response.content
        return response.json()["file_id"]

    # 1. Throughput and resident memory, without tracemalloc.
    rss_before = _maxrss_mb()
    start = time.perf_counter()
    file_id = post()
    seconds = time.perf_counter() - start
    rss_growth = _maxrss_mb() - rss_before
    stored = EvidenceFile.objects.get(pk=file_id)

    # 2. Python allocations, traced.
    tracemalloc.start()
    baseline, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    post()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    traced_growth = (peak - baseline) / MB

    print("佐证材料上传基准（python -m benchmarks.uploads）")
    print(f"  文件： {args.mb} MB（%PDF- 开头的随机字节），经 Django 测试客户端提交到上传视图")
    print(f"  入库： 第 {stored.version} 版， {stored.size / MB:.1f} MB, sha256 {stored.sha256[:16]}…")
    print(f"  用时： {seconds:.2f} s，吞吐 {body_size / MB / seconds:.1f} MB/s")
    print(f"  内存增长（tracemalloc 峰值）： {traced_growth:.1f} MB  [目标 < 30 MB]")
    print(f"  内存增长（ru_maxrss 差值）： {rss_growth:.1f} MB  [目标 < 30 MB]")
    shutil.rmtree(work, ignore_errors=True)
    if db_path:
        os.unlink(db_path)


if __name__ == "__main__":
    main()
