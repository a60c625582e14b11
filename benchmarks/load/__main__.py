"""Province-scale load benchmark (issue 9). Run: ``.venv/bin/python -m benchmarks.load``.

1. creates a throw-away PostgreSQL database (the name in DATABASE_URL, by default
   ``postgres://postgres@127.0.0.1:5432/portal_load``; it must not exist yet);
2. with the production settings (benchmarks/load/settings.py: only STATIC_ROOT moves to a
   temporary folder) migrates, runs ``load_standard``, ``collectstatic`` and builds the data:
   the demo zone grown to 60 units, 522 tasks, 3,377 assignments, 2,027 progress reports and
   5,008 pieces of evidence, with 8,000 notices, 20,000 login and 10,000 audit events, 6,000
   figure changes, 600 findings, 2,000 questionnaire answers and 8,000 download records, plus
   load accounts (benchmarks/load/build.py, benchmarks/load/data.py), and gathers the
   planner's statistics (ANALYZE, as autovacuum would);
3. starts gunicorn as docker-compose.yml does (``config/gunicorn.py``: one sync worker per core
   plus one, each freezing what it holds out of the garbage collector; database connections kept
   for .env.example's DATABASE_CONN_MAX_AGE), with its access log, and Redis as the cache when one
   answers at REDIS_URL (default redis://127.0.0.1:6379/13), else the local-memory cache;
4. fetches each page alone (one user, median of 5: what a page costs by itself; and sends a
   liaison's progress report 5 times, which must be saved), measures how
   busy the machine already is, then runs locust headless (benchmarks/load/locustfile.py) with
   office, liaison and reviewer users, at 20 and then 50 users for 90 s each — first pages,
   random later pages and filters of the big lists, the reviewers' 驾驶舱 and 督办通报, and
   liaisons' progress reports (a GET of the form and a POST with its CSRF token, about one
   liaison action in twenty, which invalidates the zone's cached figures) — and prints per
   page (the writes as rows of their own) the requests, errors, median and p95 (from every
   response time the locustfile recorded, not locust's CSV, which rounds to 10 ms), the machine's
   CPU (from /proc/stat, average and busiest second) and the targets with pass/fail, then what
   the access log says of the slow requests (``slowest``);
5. stops gunicorn and drops the database and the temporary folder, whatever happened.

Options: ``--users 20 50``, ``--duration 90``. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_load"
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"
TARGET_PAGE_P95 = 150  # ms, every page at 20 users
TARGET_LOGIN_P95 = 400  # ms, the login POST at 20 users (password hashing)
TARGET_OVERALL_P95 = 500  # ms, at 50 users
# gunicorn's access log as the benchmark reads it: when (epoch s), worker pid, duration (µs), request, status.
ACCESS_FORMAT = '%(t)s %(p)s %(D)s "%(r)s" %(s)s'


# ------------------------------------------------------------------ database


def _admin_connect(url: str):
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    return psycopg.connect(admin, autocommit=True)


def database_create(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name.replace("_", "").isalnum():
        sys.exit(f"数据库名“{name}”只能包含字母、数字和下划线。")
    with _admin_connect(url) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            sys.exit(
                f"数据库 {name} 已存在：基准测试只使用自己新建的数据库，请先删除它或在 DATABASE_URL 中换一个名字。"
            )
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def database_analyze(url: str) -> None:
    """Gather the planner's statistics of the data just built, as autovacuum does on a live
    database. Without them PostgreSQL guesses a handful of rows per table and joins every row of
    a zone before cutting a page (a PostgreSQL run with autovacuum off, as on the benchmark
    machine, never gathers them)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def database_drop(url: str, name: str) -> None:
    with _admin_connect(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ----------------------------------------------------------------------- CPU


class CpuSampler:
    """Busy share of all CPUs from /proc/stat, sampled every second between start() and stop()."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _read() -> tuple[int, int]:
        with open("/proc/stat") as handle:
            fields = [int(v) for v in handle.readline().split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return sum(fields) - idle, sum(fields)

    def _run(self) -> None:
        busy, total = self._read()
        self.first = (busy, total)
        while not self._stop.wait(1.0):
            b, t = self._read()
            if t > total:
                self.samples.append((b - busy) * 100 / (t - total))
            busy, total = b, t
        self.last = (busy, total)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> tuple[float, float]:
        self._stop.set()
        self._thread.join()
        (b0, t0), (b1, t1) = self.first, self.last
        average = (b1 - b0) * 100 / (t1 - t0) if t1 > t0 else 0.0
        return average, max(self.samples, default=0.0)


# -------------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any failure means "no Redis": the local-memory cache is used
        return False


def _wait_for(url: str, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds} s")


def env_example(name: str) -> str:
    """The value .env.example gives ``name`` (what a deployment made from it runs with)."""
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{name}="):
            return line.split("=", 1)[1].strip()
    raise KeyError(f"{name} is not in .env.example")


def run(cmd: list[str], env: dict[str, str]) -> None:
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)


# ------------------------------------------------------------------- results

ACCESS_LINE = re.compile(r'\[(?P<when>[^\]]+)\] <?(?P<pid>\d+)>? (?P<micros>\d+) "\S+ (?P<path>\S+)')


def read_stats(prefix: str) -> list[dict[str, str]]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_times(path: Path) -> dict[str, list[float]]:
    """Every response time the locustfile recorded, by request name (empty when it wrote none)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def nearest_rank(values: list[float], share: float) -> float:
    """The smallest of ``values`` with at least ``share`` of them at or below it (as locust counts)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def with_exact_times(rows: list[dict[str, str]], times: dict[str, list[float]]) -> list[dict[str, str]]:
    """locust's CSV rounds times over 100 ms to 10 ms, so a page whose p95 is 146 ms reads 150 and
    fails "< 150": each row's median and p95 are computed again from every recorded time."""
    everything = [t for values in times.values() for t in values]
    out = []
    for row in rows:
        values = everything if row["Name"] == "Aggregated" else times.get(row["Name"])
        if values:
            median, p95 = nearest_rank(values, 0.5), nearest_rank(values, 0.95)
            row = {**row, "Median Response Time": f"{median:.1f}", "95%": f"{p95:.1f}"}
        out.append(row)
    return out


def read_failures(prefix: str) -> list[dict[str, str]]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))[:10]


def report(users: int, rows: list[dict[str, str]], duration: int, cpu: tuple[float, float]) -> list[str]:
    """Print the table of one run; return the targets it missed."""
    missed = []
    total = next(r for r in rows if r["Name"] == "Aggregated")
    pages = sorted((r for r in rows if r["Name"] != "Aggregated"), key=lambda r: r["Name"])
    print(f"\n== {users} users, {duration} s: {float(total['Requests/s']):.1f} requests/s, CPU {cpu[0]:.0f} % average,")
    print(f"   {cpu[1]:.0f} % in the busiest second (all cores of this machine, locust included)")
    print(f"   {'page':<28} {'requests':>8} {'errors':>6} {'median':>7} {'p95':>7}  target")
    for r in [*pages, total]:
        name, errors, p95 = r["Name"], int(r["Failure Count"]), float(r["95%"])
        verdict = ""
        if users <= 20:
            limit = TARGET_LOGIN_P95 if name == "login POST" else TARGET_PAGE_P95
            if name != "Aggregated":
                ok = p95 < limit and errors == 0
                verdict = f"p95 < {limit} ms, 0 errors: {'PASS' if ok else 'FAIL'}"
                if not ok:
                    missed.append(f"{users} users: {name} p95 {p95:.0f} ms, {errors} errors")
        elif name == "Aggregated":
            ok = p95 < TARGET_OVERALL_P95 and errors == 0
            verdict = f"overall p95 < {TARGET_OVERALL_P95} ms, 0 errors: {'PASS' if ok else 'FAIL'}"
            if not ok:
                missed.append(f"{users} users: overall p95 {p95:.0f} ms, {errors} errors")
        label = "overall" if name == "Aggregated" else name
        print(
            f"   {label:<28} {int(r['Request Count']):>8} {errors:>6} "
            f"{float(r['Median Response Time']):>5.0f}ms {p95:>5.0f}ms  {verdict}"
        )
    return missed


def slowest(log: Path, start: int, count: int = 8, over_ms: int = TARGET_PAGE_P95) -> list[str]:
    """What made the slow page requests slow, from gunicorn's access log (line ``start`` on):
    how many pages took over ``over_ms``, how many of those came while users were still logging in
    (every login POST hashes a password: a worker busy for about 300 ms) or were a worker's first
    request for the path (a cold page: its templates compiled in that process), then the slowest
    ones, with seconds into the run. The login itself is left out (its own target)."""
    seen: set[tuple[str, str]] = set()
    rows = []
    first_time = None
    last_login = 0.0
    with log.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            match = ACCESS_LINE.match(line)
            if not match:
                continue
            when, pid, micros, path = match["when"], match["pid"], int(match["micros"]), match["path"]
            path = path.split("?", 1)[0] + ("?…" if "?" in path else "")
            cold = (pid, path) not in seen
            seen.add((pid, path))
            if number < start:
                continue
            stamp = time.mktime(time.strptime(when.split()[0], "%d/%b/%Y:%H:%M:%S"))
            first_time = stamp if first_time is None else first_time
            if path.startswith("/accounts/login/"):
                last_login = stamp - first_time
                continue
            rows.append((micros, stamp - first_time, pid, path, cold))
    slow = [row for row in rows if row[0] > over_ms * 1000]
    during_logins = sum(1 for row in slow if row[1] <= last_login)
    cold = sum(1 for row in slow if row[4])
    lines = [
        f"{len(slow)} of {len(rows)} page requests over {over_ms} ms: {during_logins} while users were still "
        f"logging in (the first {last_login:.0f} s), {cold} a worker's first request for the path"
    ]
    for micros, offset, pid, path, is_cold in sorted(rows, reverse=True)[:count]:
        note = " (first time on this worker)" if is_cold else ""
        lines.append(f"{micros / 1000:>5.0f}ms at {offset:>3.0f} s, worker {pid}{note}: {path}")
    return lines


def _lines(log: Path) -> int:
    with log.open(encoding="utf-8") as handle:
        return sum(1 for _ in handle)


def pages_alone(host: str, plan_path: str, repeat: int = 5) -> dict[str, tuple[float, int]]:
    """Each page fetched by one user with nothing else running: (median ms, KB), before the load."""
    import statistics

    import requests

    with open(plan_path, encoding="utf-8") as handle:
        plan = json.load(handle)
    alone: dict[str, tuple[float, int]] = {}
    for data in plan.values():
        account = data["users"][0]
        session = requests.Session()
        session.headers["X-Forwarded-Proto"] = "https"  # as the proxy sends it (see locustfile.py)

        def send_cookies(session=session):
            session.headers["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in session.cookies)

        session.get(f"{host}/accounts/login/")
        send_cookies()
        form = {"username": account["username"], "password": account["password"]}
        form["csrfmiddlewaretoken"] = session.cookies.get("csrftoken", "")
        referer = f"https://{host.split('://', 1)[1]}/accounts/login/"
        session.post(f"{host}/accounts/login/", data=form, headers={"Referer": referer}, allow_redirects=False)
        send_cookies()
        for page in account["pages"]:
            url = host + page["url"].replace("{page}", "2")
            session.get(url, allow_redirects=False)  # warm
            timings = []
            for _ in range(repeat):
                started = time.perf_counter()
                response = session.get(url, allow_redirects=False)
                timings.append((time.perf_counter() - started) * 1000)
            alone[page["label"]] = (statistics.median(timings), len(response.content) // 1024)
        for target in account.get("reports", [])[:1]:  # the liaisons' write, sent as the load sends it
            from benchmarks.load.forms import csrf_token_in, progress_report_form

            page = session.get(host + target["url"], allow_redirects=False)
            token = csrf_token_in(page.text)
            send_cookies()
            timings = []
            for _ in range(repeat):
                started = time.perf_counter()
                response = session.post(
                    host + target["url"],
                    data=progress_report_form(token=token or "", percent=target["percent"]),
                    headers={"Referer": f"https://{host.split('://', 1)[1]}{target['url']}"},
                    allow_redirects=False,
                )
                timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 302:
                    raise RuntimeError(f"the progress report {target['url']} answered {response.status_code}")
            send_cookies()
            alone["liaison 填报进展 POST"] = (statistics.median(timings), len(page.content) // 1024)
    return alone


# ---------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--duration", type=int, default=90, help="seconds per run")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL 必须是 PostgreSQL 数据库（postgres://…）。")
    work = Path(tempfile.mkdtemp(prefix="portal-load-"))
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.load.settings",
        "DATABASE_URL": url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOAD_STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "LOAD_PLAN": str(work / "plan.json"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        # As a deployment runs: docker-compose.yml reads .env, made from .env.example.
        "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE") or env_example("DATABASE_CONN_MAX_AGE"),
    }
    env.pop("CELERY_BROKER_URL", None)  # no worker here: jobs (none are sent by browsing) run in-process
    if _redis_answers(redis_url):
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    python = sys.executable
    name = database_create(url)
    gunicorn = None
    missed: list[str] = []
    try:
        print(f"database {name} created; building province-scale data …", flush=True)
        started = time.monotonic()
        run([python, "manage.py", "migrate", "--no-input", "-v", "0"], env)
        run([python, "manage.py", "load_standard", "-v", "0"], env)
        run([python, "manage.py", "collectstatic", "--no-input", "-v", "0"], env)
        run([python, "-m", "benchmarks.load.build", env["LOAD_PLAN"]], env)
        database_analyze(url)
        print(f"  built in {time.monotonic() - started:.0f} s; cache: {env.get('REDIS_URL', 'local memory')}")

        port = _free_port()
        host = f"http://127.0.0.1:{port}"
        gunicorn = subprocess.Popen(
            [python, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
            + ["--access-logfile", str(work / "access.log"), "--access-logformat", ACCESS_FORMAT],
            cwd=ROOT,
            env=env,
        )
        _wait_for(f"{host}/accounts/login/")
        workers = env.get("WEB_CONCURRENCY") or f"{os.cpu_count() + 1} (one per core plus one)"
        print(f"gunicorn (config/gunicorn.py: {workers} sync workers, production settings) on {host}")
        alone = pages_alone(host, env["LOAD_PLAN"])
        print("\neach page alone (one user, nothing else sent; median of 5):")
        for label, (ms, kb) in sorted(alone.items()):
            print(f"   {label:<28} {ms:>5.0f}ms {kb:>5} KB")
        idle = CpuSampler()
        idle.start()
        time.sleep(5)
        busy_before = idle.stop()[0]
        print(f"\nCPU before the load (5 s, other processes of this machine): {busy_before:.0f} %", flush=True)
        if busy_before > 30:
            print("  the machine is already busy: the figures below measure it as much as the portal")
        for users in args.users:
            cpu = CpuSampler()
            cpu.start()
            prefix = str(work / f"run-{users}")
            log_start = _lines(work / "access.log")
            times = work / f"times-{users}.json"
            subprocess.run(
                [python, "-m", "locust", "-f", str(ROOT / "benchmarks/load/locustfile.py"), "--headless"]
                + ["-u", str(users), "-r", str(max(1, users // 10)), "--run-time", f"{args.duration}s"]
                + ["--host", host, "--csv", prefix, "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "5"],
                cwd=ROOT,
                env={**env, "LOAD_TIMES": str(times)},
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=(work / f"locust-{users}.log").open("w"),
            )
            rows = with_exact_times(read_stats(prefix), read_times(times))
            missed += report(users, rows, args.duration, cpu.stop())
            print("   slow requests (gunicorn's access log):")
            for line in slowest(work / "access.log", log_start):
                print(f"     {line}")
            failures = read_failures(prefix)
            if failures:
                errors = (f"{row['Name']}: {row['Error']} ×{row['Occurrences']}" for row in failures)
                print("   errors: " + "; ".join(errors))
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        database_drop(url, name)
        shutil.rmtree(work, ignore_errors=True)
        print(f"\ngunicorn stopped, database {name} dropped.")
    print("\nall targets met." if not missed else "\ntargets missed:\n  " + "\n  ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
