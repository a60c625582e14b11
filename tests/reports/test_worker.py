"""A real Celery worker on Redis renders a report; one killed half-way leaves nothing downloadable,
and the next worker finishes the report once.

Runs in scripts/test.sh stage 2 (PostgreSQL + Redis); skips locally without them and
fails, never skips, in CI (tests.services.require_services).
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app as celery_app
from reports.jobs import render_report
from reports.models import Report
from tests import services as test_services
from tests.services import ROOT, require_services, wait_for

Status = Report.Status
VISIBILITY = 4  # seconds before Redis hands an unacknowledged message to another worker
LEASE = 3  # seconds without a heartbeat before a report may be taken over


@contextmanager
def worker(broker: str, queue: str):
    """A `celery worker` process (solo pool) on ``queue``, against the test database and MEDIA_ROOT."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": test_services.test_database_url(),
        "CELERY_BROKER_URL": broker,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "REPORTS_RENDER_LEASE_SECONDS": str(LEASE),
        "LOG_LEVEL": "WARNING",
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


@pytest.fixture
def real_broker():
    broker = require_services()
    saved = {"broker_url": celery_app.conf.broker_url, "task_always_eager": celery_app.conf.task_always_eager}
    celery_app._pool, celery_app.amqp._producer_pool = None, None
    celery_app.conf.update(broker_url=broker, task_always_eager=False)
    yield broker
    celery_app._pool, celery_app.amqp._producer_pool = None, None
    celery_app.conf.update(**saved)


def _row(pk: int) -> Report:
    return Report.objects.get(pk=pk)


def _answer(client, url: str) -> tuple[int, str | None]:
    """The download's status and, when it answers 200, the sha256 of what it served."""
    response = client.get(url)
    if response.status_code != 200:
        return response.status_code, None
    return 200, hashlib.sha256(b"".join(response.streaming_content)).hexdigest()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_render_leaves_no_file_and_the_next_one_finishes_once(
    zone_a, office_a, accepted_evidence, client, real_broker
):
    client.force_login(office_a)
    report = Report.objects.create(zone=zone_a, kind="self", requested_by=office_a)  # a real 41-item PDF
    download = f"/reports/zones/{zone_a.pk}/{report.pk}/download/"
    queue = f"test-reports-{uuid.uuid4().hex[:8]}"
    answers = []
    with worker(real_broker, queue) as first:
        render_report.apply_async((report.pk,), queue=queue)
        # Kill it in the middle: once it has claimed the report and is laying out items.
        mid = wait_for(lambda: _row(report.pk).status == Status.RENDERING and _row(report.pk).progress >= 20, 90, 0.05)
        assert mid, f"the first worker never got half-way: {_row(report.pk).status} {_row(report.pk).progress}%"
        answers.append(_answer(client, download))
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=20)
    killed = _row(report.pk)
    assert killed.status == Status.RENDERING and 20 <= killed.progress < 100
    assert not killed.stored_name and not killed.sha256 and killed.attempts == 1
    assert not list(Path(settings.MEDIA_ROOT, "reports").glob(f"{zone_a.pk}/*"))  # no final file, at most a .part
    answers.append(_answer(client, download))

    with worker(real_broker, queue):
        # Redis gives the unacknowledged message to the new worker after the visibility timeout;
        # it takes the report over once the dead worker's heartbeat is older than the lease.
        deadline = time.monotonic() + 120
        while _row(report.pk).status != Status.READY and time.monotonic() < deadline:
            answers.append(_answer(client, download))
            time.sleep(0.3)
        assert _row(report.pk).status == Status.READY, _row(report.pk).status
    done = _row(report.pk)
    assert done.attempts == 2 and done.progress == 100 and done.pages > 20
    # Never a partial file, whenever it was asked for: until the report is ready the download
    # answers 404; an answer that raced the worker's last write is the whole, final file.
    whole_or_nothing = [status == 404 or (status == 200 and digest == done.sha256) for status, digest in answers]
    assert answers and all(whole_or_nothing), answers
    assert answers[0] == (404, None) and answers[1] == (404, None)  # during and right after the killed render
    response = client.get(download)
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and body.startswith(b"%PDF")
    assert hashlib.sha256(body).hexdigest() == done.sha256 and len(body) == done.size
    assert not list(Path(settings.MEDIA_ROOT, "reports").rglob("*.part"))
    assert Report.objects.filter(zone=zone_a).count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_duplicate_requests_render_once_on_a_real_worker(zone_a, office_a, real_broker):
    from reports.services import report_request

    queue = f"test-reports-{uuid.uuid4().hex[:8]}"
    with worker(real_broker, queue):
        celery_app.conf.task_default_queue = queue
        try:
            first = report_request(zone=zone_a, round=None, kind="scores", user=office_a)
            second = report_request(zone=zone_a, round=None, kind="scores", user=office_a)
        finally:
            celery_app.conf.task_default_queue = "celery"
        assert second.report.pk == first.report.pk
        assert wait_for(lambda: _row(first.report.pk).status == Status.READY, 90, 0.3)
    assert _row(first.report.pk).attempts == 1 and Report.objects.count() == 1
