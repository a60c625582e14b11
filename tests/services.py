"""Helpers for tests that need real services (PostgreSQL, Redis, a Celery worker).

Without the service URLs such tests skip — but when CI is set (scripts/test.sh
sets the URLs in its PostgreSQL stage) a missing or unreachable service fails.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def require_services() -> str:
    """The broker URL; skip (locally) or fail (CI) when PostgreSQL/Redis were not given."""
    broker = os.environ.get("CELERY_BROKER_URL", "")
    on_postgres = connection.vendor == "postgresql"
    if not broker or not on_postgres:
        message = "需要 PostgreSQL(TEST_DATABASE_URL)和 Redis(CELERY_BROKER_URL)"
        if os.environ.get("CI") == "true" and os.environ.get("TEST_DATABASE_URL"):
            pytest.fail(f"CI 提供了服务地址，但测试未连接到服务：{message}")
        pytest.skip(message)
    url = urlparse(broker)
    try:
        socket.create_connection((url.hostname or "127.0.0.1", url.port or 6379), timeout=3).close()
    except OSError as exc:
        pytest.fail(f"无法连接 Redis {broker}:{exc}")
    return broker


def test_database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@contextmanager
def celery_worker(broker: str):
    """A real `celery worker` process on its own queue, against the test database."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with celery_worker_process(broker, queue=queue):
        yield queue


@contextmanager
def celery_worker_process(broker: str, *, queue: str = "celery", beat: bool = False, env: dict | None = None):
    """A `celery worker` process (solo pool: the job runs in this very process, so killing it
    kills the job) on ``queue``, against the test database; with ``beat`` it runs the beat
    schedule too (``-B``). Yields the process (``.pid`` for a SIGKILL)."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": broker,
        "LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue, "-l", "warning"]
    with tempfile.TemporaryDirectory(prefix="celerybeat-") as beat_dir:
        if beat:
            command += ["-B", "-s", str(Path(beat_dir) / "schedule")]
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
            try:
                output, _ = process.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                output, _ = process.communicate()
            if process.returncode not in (0, -15, -9, None):
                print(output)


class RedisServer:
    """A Redis server of the test's own, on a free port, that the test may stop and start again
    (as the machine's is started: nothing kept on disk, so a restart loses every message)."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            if os.environ.get("CI") == "true":
                pytest.fail("CI 环境缺少 redis-server(故障测试需要自行启停一个 Redis)")
            pytest.skip("redis-server not on PATH")
        self.binary = binary
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not wait_for(self.answers, timeout=15, interval=0.1):
            raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self.process = None

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@contextmanager
def redis_server():
    """A running RedisServer; stopped at the end whatever happened."""
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
