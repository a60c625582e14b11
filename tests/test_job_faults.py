"""Jobs that survive faults: a dead broker never undoes the user's change nor answers 500, the
page says the job waits for the queue, a beat job sends it once the broker is back, and a job
whose worker died is done again, once.

The first half needs no service: the broker is a closed port on this machine (a dead Redis
refuses the connection the same way) and "the broker is back" is Celery's in-process mode. The
second half drives a real worker against a Redis of the test's own, which it stops and starts
(tests.services.RedisServer; the machine's Redis is shared, so it is left alone), on PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import socket
import time
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assessments.models import ScoreSnapshot
from assessments.services import score_snapshots_resend_stuck
from common.jobs import job_send
from config.celery import app as celery_app
from evidence.models import DataValue
from notifications.models import Notification
from notifications.services import notifications_muted
from tasks.models import Assignment, AssignmentEvent
from tasks.notices import assignment_notices_resend
from tasks.services import assignment_report_progress, task_create
from tests.evidence.test_data_fixtures import data_matrix, figure_post
from tests.services import celery_worker_process, redis_server, require_services, wait_for
from tests.services import test_database_url as database_url

Status = ScoreSnapshot.Status
Notice = AssignmentEvent.Notice
QUEUE_WAITING = "任务队列暂时不可用"
__all__ = ["data_matrix"]  # a fixture used below


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again on leaving: connections are refused


@pytest.fixture
def broker_at(monkeypatch):
    """Point this process's Celery at a broker URL (not in-process any more); restored after."""

    def point(url: str) -> None:
        monkeypatch.setenv("CELERY_BROKER_URL", url)  # Celery reads the variable before its settings
        celery_app.conf.update(task_always_eager=False)

    yield point
    celery_app.conf.update(task_always_eager=True)


@pytest.fixture
def broker_down(broker_at):
    broker_at(f"redis://127.0.0.1:{closed_port()}/0")


def broker_back() -> None:
    celery_app.conf.update(task_always_eager=True)  # jobs run in-process, as without a broker


@pytest.fixture
def send_back_case(zone_a, unit_x, office_a, liaison_x):
    """An assignment of unit X reported complete, for the office to send back."""
    with notifications_muted():  # the set-up's own notices (new task, 待确认) are not under test
        task = task_create(
            zone=zone_a,
            title="建设网络市场监管平台",
            deadline=timezone.localdate() + timedelta(days=30),
            unit_ids=[unit_x.pk],
        )
        assignment = task.assignments.get()
        assignment_report_progress(assignment=assignment, user=liaison_x, percent=100, text="已完成")
    return assignment


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# The broker is down ------------------------------------------------------------------------


def test_a_dead_broker_is_refused_fast_and_not_raised(broker_down, zone_a):
    from assessments.jobs import compute_zone_score

    started = time.monotonic()
    assert job_send(compute_zone_score, 1) is False
    assert time.monotonic() - started < 2  # one try, no retries: the request does not hang


@pytest.mark.django_db(transaction=True)
def test_recompute_with_the_broker_down_keeps_the_request_and_says_it_waits(client, office_a, zone_a, broker_down):
    client.force_login(office_a)
    url = reverse("assessments:scores-recompute", args=[zone_a.pk])

    response = client.post(url, follow=True)

    assert response.status_code == 200
    assert any(QUEUE_WAITING in m for m in messages_of(response))
    snapshot = ScoreSnapshot.objects.get(zone=zone_a)
    assert snapshot.status == Status.QUEUED and snapshot.sent_at is None and snapshot.waiting_for_queue
    page = response.content.decode()
    assert "队列恢复后将自动完成" in page and "every 2s" in page  # the page keeps asking

    # Pressing again joins the waiting request (and tries the broker again): still one.
    assert client.post(url).status_code == 302
    assert ScoreSnapshot.objects.filter(zone=zone_a).count() == 1

    # The API answers 202 and says the same.
    api = client.post(f"/api/assessments/zones/{zone_a.pk}/score/")
    assert api.status_code == 202 and api.json()["waiting_for_queue"] is True

    # The broker is back: the beat job's sweep sends it, and it is computed. Nobody pressed again.
    broker_back()
    assert score_snapshots_resend_stuck().sent == 1
    snapshot.refresh_from_db()
    assert snapshot.status == Status.DONE and snapshot.total is not None and snapshot.attempts == 1


@pytest.fixture
def cache_on_the_dead_broker(settings):
    """docker-compose's set-up: the cache is the broker's Redis (here: a closed port)."""
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield caches["default"]


@pytest.mark.django_db(transaction=True)
def test_with_the_cache_on_the_dead_broker_the_pages_answer_and_say_the_job_waits(
    client, office_a, zone_a, broker_down, cache_on_the_dead_broker, caplog
):
    assert cache_on_the_dead_broker.get("anything", "miss") == "miss"  # a miss, not an exception
    client.force_login(office_a)
    for name in ("tasks:dashboard", "assessments:scores", "data:completeness"):
        assert client.get(reverse(name, args=[zone_a.pk])).status_code == 200, name
    response = client.post(reverse("assessments:scores-recompute", args=[zone_a.pk]), follow=True)
    assert response.status_code == 200
    assert any(QUEUE_WAITING in m for m in messages_of(response))
    assert "缓存（Redis）不可用" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_data_entry_with_the_broker_down_saves_the_figures_and_the_rescore_waits(
    client, office_a, zone_a, unit_x, data_matrix, broker_down
):
    client.force_login(office_a)
    figures = {("online_retail_sales", 2023): "352.8", ("online_retail_sales", 2024): "381.2"}

    response = client.post(reverse("data:unit", args=[zone_a.pk, unit_x.pk]), figure_post(figures))

    assert response.status_code == 302
    assert DataValue.objects.filter(zone=zone_a, metric__key="online_retail_sales").count() == 2
    assert ScoreSnapshot.objects.get(zone=zone_a).waiting_for_queue


@pytest.mark.django_db(transaction=True)
def test_send_back_with_the_broker_down_stands_and_the_notice_follows(
    client, office_a, liaison_x, send_back_case, broker_down
):
    client.force_login(office_a)
    url = reverse("tasks:assignment-send-back", args=[send_back_case.pk])

    response = client.post(url, {"reason": "佐证材料不全"}, follow=True)

    assert response.status_code == 200
    shown = messages_of(response)
    assert any("已退回" in m for m in shown) and any(QUEUE_WAITING in m for m in shown)
    send_back_case.refresh_from_db()
    assert send_back_case.status == Assignment.Status.IN_PROGRESS
    event = send_back_case.events.get(kind=AssignmentEvent.Kind.SENT_BACK)
    assert event.notice == Notice.WAITING and not Notification.objects.exists()

    # The beat job cannot send it while the broker is down; the notice keeps waiting.
    assert assignment_notices_resend().unsent == 1

    broker_back()
    assert assignment_notices_resend().sent == 1
    event.refresh_from_db()
    assert event.notice == Notice.DONE
    notice = Notification.objects.get()
    assert notice.recipient == liaison_x and "佐证材料不全" in notice.body
    assert assignment_notices_resend().sent == 0  # done: never sent again


@pytest.mark.django_db(transaction=True)
def test_send_back_through_the_api_with_the_broker_down_answers_200(client, office_a, send_back_case, broker_down):
    client.force_login(office_a)
    response = client.post(
        f"/api/tasks/assignments/{send_back_case.pk}/send-back/",
        {"reason": "佐证材料不全"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == Assignment.Status.IN_PROGRESS
    assert send_back_case.events.get(kind=AssignmentEvent.Kind.SENT_BACK).notice == Notice.WAITING


def test_every_job_is_acknowledged_late_and_given_back_if_its_worker_dies():
    celery_app.loader.import_default_modules()
    ours = {name: task for name, task in celery_app.tasks.items() if not name.startswith("celery.")}
    assert {"assessments.jobs.compute_zone_score", "tasks.jobs.notify_assignment_sent_back"} <= set(ours)
    missing = [name for name, task in ours.items() if not (task.acks_late and task.reject_on_worker_lost)]
    assert missing == [], f"这些任务没有 acks_late + reject_on_worker_lost:{missing}"


def test_beat_sends_the_stuck_jobs_again_every_minute():
    from django.conf import settings

    jobs = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert jobs["assessments.jobs.resend_stuck_score_jobs"] == timedelta(seconds=settings.JOBS_SWEEP_SECONDS)
    assert jobs["tasks.jobs.resend_unsent_notices"] == timedelta(seconds=settings.JOBS_SWEEP_SECONDS)
    assert settings.JOBS_SWEEP_SECONDS <= 60


# A real worker, a real Redis --------------------------------------------------------------


FAST = {"JOBS_SWEEP_SECONDS": "1", "JOBS_STUCK_SECONDS": "3"}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_redis_stopped_then_back_the_jobs_complete_without_anyone_pressing_again(
    client, office_a, liaison_x, zone_a, send_back_case, broker_at
):
    require_services()
    client.force_login(office_a)
    with redis_server() as redis, celery_worker_process(redis.url, beat=True, env=FAST):
        broker_at(redis.url)
        try:
            redis.stop()

            recompute = client.post(reverse("assessments:scores-recompute", args=[zone_a.pk]), follow=True)
            send_back = client.post(
                reverse("tasks:assignment-send-back", args=[send_back_case.pk]), {"reason": "佐证材料不全"}, follow=True
            )

            # Both changes stand and both pages say the job waits for the queue.
            assert recompute.status_code == 200 and send_back.status_code == 200
            assert any(QUEUE_WAITING in m for m in messages_of(recompute))
            assert any(QUEUE_WAITING in m for m in messages_of(send_back))
            snapshot = ScoreSnapshot.objects.get(zone=zone_a)
            assert snapshot.waiting_for_queue
            send_back_case.refresh_from_db()
            assert send_back_case.status == Assignment.Status.IN_PROGRESS
            event = send_back_case.events.get(kind=AssignmentEvent.Kind.SENT_BACK)
            assert event.notice == Notice.WAITING
        finally:
            if redis.process is None:
                redis.start()  # back, in any case, before the worker is stopped

        # Redis is back: the worker reconnects, its beat sends the waiting jobs, and they run.
        def finished():
            snapshot.refresh_from_db()
            event.refresh_from_db()
            return snapshot.status == Status.DONE and event.notice == Notice.DONE

        assert wait_for(finished, timeout=120, interval=0.5), (snapshot.status, event.notice)
    assert snapshot.total is not None and snapshot.attempts == 1
    assert Notification.objects.filter(recipient=liaison_x, kind=Notification.Kind.SENT_BACK).count() == 1
    page = client.get(reverse("assessments:scores", args=[zone_a.pk])).content.decode()
    assert QUEUE_WAITING not in page


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_job_is_replaced_and_the_job_is_done_once(zone_a, broker_at):
    require_services()
    snapshot = ScoreSnapshot.objects.create(zone=zone_a, system=zone_a.system)
    # Hold the job half-way: once it has claimed the snapshot, it waits for the figures table,
    # which another connection keeps locked.
    blocker = psycopg.connect(database_url(), autocommit=False)
    try:
        with blocker.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{DataValue._meta.db_table}" IN ACCESS EXCLUSIVE MODE')
        with redis_server() as redis:
            broker_at(redis.url)
            with celery_worker_process(redis.url, env=FAST) as first:
                from assessments.jobs import compute_zone_score

                assert job_send(compute_zone_score, snapshot.pk)
                running = wait_for(lambda: _status(snapshot) == Status.RUNNING, timeout=60, interval=0.1)
                assert running, f"the first worker never took the job: {_status(snapshot)}"
                time.sleep(0.5)  # it is waiting for the lock now
                os.kill(first.pid, signal.SIGKILL)
                first.wait(timeout=20)
            blocker.rollback()  # the figures are readable again
            killed = ScoreSnapshot.objects.get(pk=snapshot.pk)
            assert killed.status == Status.RUNNING and killed.attempts == 1

            # A new worker (with beat): the running job is older than JOBS_STUCK_SECONDS, so the
            # sweep sends it again and the new worker takes it over.
            with celery_worker_process(redis.url, beat=True, env=FAST):
                assert wait_for(lambda: _status(snapshot) == Status.DONE, timeout=120, interval=0.3)
                time.sleep(5)  # more sweeps: nothing computes it a second time
            done = ScoreSnapshot.objects.get(pk=snapshot.pk)
    finally:
        blocker.close()
    assert done.status == Status.DONE and done.attempts == 2 and done.result["max"] == 100
    assert ScoreSnapshot.objects.filter(zone=zone_a).count() == 1
    assert connection.vendor == "postgresql"


def _status(snapshot: ScoreSnapshot) -> str:
    return ScoreSnapshot.objects.values_list("status", flat=True).get(pk=snapshot.pk)
