"""Helpers for tests that need real services (PostgreSQL, Redis, a Celery worker).

Without the service URLs such tests skip — but when CI is set (scripts/test.sh
sets the URLs in its PostgreSQL stage) a missing or unreachable service fails.
"""

import os
import socket
import subprocess
import sys
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
            pytest.fail(f"CI 提供了服务地址,但测试未连接到服务:{message}")
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
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": broker,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue, "-l", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield queue
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        if process.returncode not in (0, -15, None):
            print(output)


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
