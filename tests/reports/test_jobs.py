"""The report job: sent on commit, one claim, a lease for redelivery, temporary file then rename,
duplicates joined, unchanged reports served again, failures in Chinese, the broker down."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from config.celery import app as celery_app
from reports import services
from reports.models import Report
from reports.services import ReportError, ReportQueueError, report_render, report_request, report_retry

pytestmark = pytest.mark.django_db
Status = Report.Status


def media(*parts) -> Path:
    return Path(settings.MEDIA_ROOT).joinpath(*parts)


def test_a_request_is_sent_on_commit_and_renders_in_process_without_a_broker(
    zone_a, office_a, fake_kind, django_capture_on_commit_callbacks
):
    kind = fake_kind(body=b"0123456789" * 100)
    with django_capture_on_commit_callbacks() as callbacks:
        requested = report_request(zone=zone_a, round=None, kind="scores", user=office_a)
        assert requested.report.status == Status.QUEUED and kind.renders == 0  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: eager Celery runs the job in-process
    report = Report.objects.get(pk=requested.report.pk)
    assert report.status == Status.READY and report.progress == 100 and report.stage == "已完成"
    path = media(report.stored_name)
    assert path.read_bytes() == b"0123456789" * 100
    assert report.size == 1000 and report.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert report.download_name.startswith("甲创建对象-得分表-实时得分-") and report.finished_at
    assert report.requested_by == office_a and report.attempts == 1
    assert not list(media("reports", "tmp").glob("*"))  # no temporary file left


def test_duplicate_requests_while_queued_render_once(zone_a, office_a, fake_kind, django_capture_on_commit_callbacks):
    kind = fake_kind()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = report_request(zone=zone_a, round=None, kind="scores", user=office_a)
        second = report_request(zone=zone_a, round=None, kind="scores", user=office_a)
    assert second.report.pk == first.report.pk and second.outcome == "pending"
    assert len(callbacks) == 1 and kind.renders == 1
    assert Report.objects.count() == 1


def test_the_database_refuses_a_second_report_in_flight(zone_a, office_a):
    from django.db import IntegrityError, transaction

    Report.objects.create(zone=zone_a, kind="scores", status=Status.RENDERING)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(zone=zone_a, kind="scores", status=Status.QUEUED)
    Report.objects.create(zone=zone_a, kind="self", status=Status.QUEUED)  # another kind is another report


def test_a_finished_report_is_served_again_until_its_data_change(
    zone_a, office_a, fake_kind, django_capture_on_commit_callbacks
):
    kind = fake_kind(digest="a" * 64)
    with django_capture_on_commit_callbacks(execute=True):
        first = report_request(zone=zone_a, round=None, kind="scores", user=office_a).report
    with django_capture_on_commit_callbacks(execute=True):
        again = report_request(zone=zone_a, round=None, kind="scores", user=office_a)
    assert again.outcome == "reused" and again.report.pk == first.pk and kind.renders == 1
    kind.digest = "b" * 64  # the score, evidence or figures changed
    with django_capture_on_commit_callbacks(execute=True):
        changed = report_request(zone=zone_a, round=None, kind="scores", user=office_a)
    assert changed.outcome == "queued" and changed.report.pk != first.pk and kind.renders == 2


def test_the_real_score_sheet_is_reused_while_the_score_stands(zone_a, office_a, django_capture_on_commit_callbacks):
    from evidence.models import DataValue
    from indicators.models import Metric

    with django_capture_on_commit_callbacks(execute=True):
        first = report_request(zone=zone_a, round=None, kind="scores", user=office_a).report
    first.refresh_from_db()
    assert first.status == Status.READY
    with django_capture_on_commit_callbacks(execute=True):
        assert report_request(zone=zone_a, round=None, kind="scores", user=office_a).outcome == "reused"
    metric = Metric.objects.get(key="online_retail_sales")
    DataValue.objects.create(zone=zone_a, metric=metric, year=2023, value=100)
    DataValue.objects.create(zone=zone_a, metric=metric, year=2022, value=80)
    with django_capture_on_commit_callbacks(execute=True):
        assert report_request(zone=zone_a, round=None, kind="scores", user=office_a).outcome == "queued"


def test_a_claimed_report_is_rendered_once(zone_a, fake_kind):
    kind = fake_kind()
    report = Report.objects.create(zone=zone_a, kind="scores")
    assert report_render(report_id=report.pk).done is True
    assert report_render(report_id=report.pk).done is False  # a redelivered message does nothing
    report.refresh_from_db()
    assert report.status == Status.READY and report.attempts == 1 and kind.renders == 1


def test_a_redelivered_message_waits_while_the_first_worker_is_alive(zone_a, fake_kind):
    kind = fake_kind()
    report = Report.objects.create(
        zone=zone_a, kind="scores", status=Status.RENDERING, claim_token="other", heartbeat_at=timezone.now()
    )
    outcome = report_render(report_id=report.pk)
    assert outcome.done is False and 0 < outcome.wait <= services.lease_seconds() + 1
    report.refresh_from_db()
    assert report.claim_token == "other" and kind.renders == 0


def test_a_dead_workers_report_is_taken_over_once_its_lease_has_passed(zone_a, fake_kind):
    kind = fake_kind(body=b"complete" * 10)
    stale = timezone.now() - timedelta(seconds=services.lease_seconds() + 5)
    report = Report.objects.create(
        zone=zone_a, kind="scores", status=Status.RENDERING, claim_token="dead", heartbeat_at=stale, attempts=1
    )
    leftover = media("reports", "tmp", f"{report.pk}-dead.part")
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half")  # what the killed worker left
    assert report_render(report_id=report.pk).done is True
    report.refresh_from_db()
    assert report.status == Status.READY and report.attempts == 2 and kind.renders == 1
    assert media(report.stored_name).read_bytes() == b"complete" * 10
    assert not leftover.exists()


def test_a_worker_that_lost_its_claim_stops_and_leaves_nothing(zone_a, fake_kind):
    def taken_over(step, path):
        if step == 1:  # meanwhile another worker took the report over (its lease had passed)
            Report.objects.filter(zone=zone_a).update(claim_token="newer")

    fake_kind(during=taken_over)
    report = Report.objects.create(zone=zone_a, kind="scores")
    assert report_render(report_id=report.pk).done is False
    report.refresh_from_db()
    assert report.status == Status.RENDERING and report.claim_token == "newer" and not report.stored_name
    assert not list(media("reports").rglob("*.part")) and not list(media("reports").rglob("*.xlsx"))


def test_the_file_appears_whole_or_not_at_all(zone_a, office_a, client, fake_kind):
    """While rendering there is only a .part file under reports/tmp, and the download answers 404."""
    client.force_login(office_a)
    seen = []

    def check(step, path):
        report = Report.objects.get(zone=zone_a)
        assert report.status == Status.RENDERING and not report.stored_name and not report.sha256
        url = f"/reports/zones/{zone_a.pk}/{report.pk}/download/"
        seen.append(client.get(url).status_code)
        assert path.name.endswith(".part") and path.parent == media("reports", "tmp")
        assert not list(media("reports").glob(f"{zone_a.pk}/*"))

    fake_kind(during=check)
    report = Report.objects.create(zone=zone_a, kind="scores")
    report_render(report_id=report.pk)
    assert seen == [404, 404, 404, 404]
    report.refresh_from_db()
    assert client.get(f"/reports/zones/{zone_a.pk}/{report.pk}/download/").status_code == 200


def test_progress_and_stage_are_written_while_rendering(zone_a, fake_kind):
    stages = []

    def look(step, path):
        report = Report.objects.get(zone=zone_a)
        stages.append((report.progress, report.stage))

    fake_kind(during=look)
    report = Report.objects.create(zone=zone_a, kind="scores")
    report_render(report_id=report.pk)
    assert stages == [(20, "第 1/4 步"), (40, "第 2/4 步"), (60, "第 3/4 步"), (80, "第 4/4 步")]


def test_a_failure_is_stored_in_chinese_and_can_be_retried(
    zone_a, office_a, fake_kind, django_capture_on_commit_callbacks
):
    kind = fake_kind(error=ReportError("佐证材料文件缺失：制度.pdf(v2)，请联系系统管理员。"))
    report = Report.objects.create(zone=zone_a, kind="scores")
    assert report_render(report_id=report.pk).done is False
    report.refresh_from_db()
    assert report.status == Status.FAILED and report.error == "佐证材料文件缺失：制度.pdf(v2)，请联系系统管理员。"
    assert not list(media("reports").rglob("*.part"))
    kind.error = None
    with django_capture_on_commit_callbacks(execute=True):
        retried = report_retry(report=report, user=office_a)
    assert retried.report.pk == report.pk
    report.refresh_from_db()
    assert report.status == Status.READY and report.error == "" and report.attempts == 1  # counted afresh


def test_an_unexpected_error_is_explained_in_chinese(zone_a, fake_kind):
    fake_kind(error=RuntimeError("disk full"))
    report = Report.objects.create(zone=zone_a, kind="scores")
    report_render(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == Status.FAILED
    assert report.error.startswith("生成报告时发生内部错误") and "disk full" in report.error and "重试" in report.error


def test_only_a_failed_report_is_retried(zone_a, office_a):
    report = Report.objects.create(zone=zone_a, kind="scores", status=Status.QUEUED)
    with pytest.raises(ValidationError):
        report_retry(report=report, user=office_a)


def test_a_kind_refuses_a_subject_it_cannot_report_on(zone_a, office_a, self_round):
    with pytest.raises(ValidationError, match="评估报告须选择评估轮次"):
        report_request(zone=zone_a, round=None, kind="evaluation", user=office_a)
    with pytest.raises(ValidationError, match="评估报告只能按"):
        report_request(zone=zone_a, round=self_round, kind="evaluation", user=office_a)
    with pytest.raises(ValidationError, match="未知的报告类型"):
        report_request(zone=zone_a, round=None, kind="poster", user=office_a)
    assert not Report.objects.exists()


@pytest.fixture
def broker_down(settings, monkeypatch):
    """A broker nobody listens on (port 1): sending a job fails at once."""
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")  # Celery reads it before its own setting
    saved = {"broker_url": celery_app.conf.broker_url, "task_always_eager": celery_app.conf.task_always_eager}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    reset_connections()
    celery_app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    yield
    reset_connections()
    celery_app.conf.update(**saved)


def reset_connections() -> None:
    """Forget pooled broker connections, so the next send connects to the broker configured now."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_broker_down_refuses_the_request_and_creates_nothing(
    zone_a, office_a, broker_down, django_capture_on_commit_callbacks
):
    with pytest.raises(ReportQueueError, match="报告生成服务暂时不可用"):
        with django_capture_on_commit_callbacks(execute=True):
            report_request(zone=zone_a, round=None, kind="scores", user=office_a)
    assert not Report.objects.exists()


@pytest.mark.django_db(transaction=True)  # the job is sent when the view's transaction commits
def test_broker_down_on_the_page_is_a_clear_message(zone_a, office_a, client, broker_down):
    client.force_login(office_a)
    response = client.post(f"/reports/zones/{zone_a.pk}/request/", {"kind": "scores", "subject": "live"}, follow=True)
    assert "报告生成服务暂时不可用" in response.content.decode() and "未创建任何报告" in response.content.decode()
    assert not Report.objects.exists()


def test_every_report_kind_is_one_registered_class():
    from reports.kinds import REGISTRY, kinds_in_order

    assert set(REGISTRY) == set(Report.Kind.values)
    assert [k.identifier for k in kinds_in_order()] == ["self", "evaluation", "scores", "bundle"]
    assert all(k.verbose_name == Report.Kind(k.identifier).label for k in REGISTRY.values())


def test_a_new_layout_version_renders_again_though_the_data_are_unchanged(
    zone_a, office_a, fake_kind, django_capture_on_commit_callbacks
):
    kind = fake_kind(digest="a" * 64)
    with django_capture_on_commit_callbacks(execute=True):
        first = report_request(zone=zone_a, round=None, kind="scores", user=office_a).report
    kind.layout_version += 1  # the templates changed in a release; the data did not
    with django_capture_on_commit_callbacks(execute=True):
        again = report_request(zone=zone_a, round=None, kind="scores", user=office_a)
    assert again.outcome == "queued" and again.report.pk != first.pk and kind.renders == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert report_request(zone=zone_a, round=None, kind="scores", user=office_a).outcome == "reused"
