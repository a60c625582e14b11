"""The demo's tasks: 001's 22 main tasks in 三明市, with some progress and history; idempotent."""

import pytest

from demo.loader import demo_load
from demo.tasks import demo_tasks_load
from tasks.models import Assignment, AssignmentEvent, ProgressReport, Task
from zones.models import Unit

pytestmark = pytest.mark.django_db

Kind = AssignmentEvent.Kind


def test_the_demo_loads_the_22_main_tasks_once(standard):
    zone = demo_load()
    assert demo_tasks_load(zone=zone) == 22
    counts = (Task.objects.count(), Assignment.objects.count(), AssignmentEvent.objects.count())
    assert demo_tasks_load(zone=zone) == 0
    assert (Task.objects.count(), Assignment.objects.count(), AssignmentEvent.objects.count()) == counts

    tasks = {t.number: t for t in Task.objects.filter(zone=zone)}
    assert sorted(tasks, key=int) == [str(n) for n in range(1, 23)]
    first = tasks["1"]
    assert first.title == "加大政策扶持力度" and first.description.startswith("出台促进和规范网络市场发展的政策")
    assert first.category == "促进网络经济高效发展"
    counties = set(zone.units.filter(kind=Unit.Kind.COUNTY_GOVERNMENT).values_list("pk", flat=True))
    for task in tasks.values():
        units = set(task.assignments.values_list("unit_id", flat=True))
        assert counties <= units, task.number
        # Within 组织实施, as 001 has it (the demo's stages are shifted to run now).
        assert task.stage is not None and task.stage.name == "组织实施"
        assert task.stage.start <= task.deadline <= task.stage.end
    assert set(tasks["2"].assignments.exclude(unit_id__in=counties).values_list("unit__short_name", flat=True)) == {
        "发改委",
        "工信局",
        "商务局",
    }
    assert tasks["2"].assignments.get(is_lead=True).unit.short_name == "发改委"
    assert list(tasks["9"].indicators.values_list("code", flat=True)) == ["11", "19"]

    # Some history: the 商务局 liaison's reports, a confirmation, a send-back, a pending one.
    commerce = first.assignments.get(unit__short_name="商务局")
    assert commerce.progress == 70 and commerce.reports.first().by.username == "liaison"
    assert first.assignments.get(unit__short_name="发改委").is_confirmed
    assert first.assignments.get(unit__short_name="财政局").is_pending_confirmation
    sent_back = tasks["8"].assignments.get(unit__short_name="市场监管局")
    assert list(sent_back.events.order_by("at", "id").values_list("kind", flat=True)) == [
        Kind.CREATED,
        Kind.SUBMITTED,
        Kind.SENT_BACK,
        Kind.PROGRESS,
    ]
    assert all("演示数据" in r.text for r in ProgressReport.objects.all())


def test_a_past_step_that_could_not_have_happened_is_refused(standard):
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from tasks.services import PastStep, assignment_history_record

    zone = demo_load()
    demo_tasks_load(zone=zone)
    office = get_user_model().objects.get(username="office")
    open_one = Assignment.objects.filter(task__zone=zone, progress=0).first()
    with pytest.raises(ValidationError, match="只有已完成且待确认的任务分工可以确认"):
        assignment_history_record(assignment=open_one, steps=[PastStep("confirm", timezone.now(), office)])
    with pytest.raises(ValidationError, match="只有已完成的任务分工可以退回"):
        assignment_history_record(
            assignment=open_one, steps=[PastStep("send_back", timezone.now(), office, reason="x")]
        )
    open_one.refresh_from_db()
    assert open_one.confirmed_at is None and open_one.events.count() == 1


def test_the_demo_tells_each_liaison_once_about_its_tasks(standard, django_capture_on_commit_callbacks):
    """Loading 22 tasks would be 22 "新任务" notices for one liaison: the loader mutes them and
    sends one per unit naming how many."""
    from notifications.models import Notification

    zone = demo_load()
    with django_capture_on_commit_callbacks(execute=True):
        demo_tasks_load(zone=zone)
    assigned = Notification.objects.filter(kind=Notification.Kind.ASSIGNED)
    recipients = list(assigned.values_list("recipient_id", flat=True))
    assert recipients and len(recipients) == len(set(recipients))


def test_the_demo_tells_the_office_what_waits_for_confirmation(standard, django_capture_on_commit_callbacks):
    """The history replays in silence, but an assignment it leaves at 100% and unconfirmed (财政局,
    加大政策扶持力度) is on the office's 消息 as 进展待确认, as the live report would put it."""
    from notifications.models import Notification

    zone = demo_load()
    with django_capture_on_commit_callbacks(execute=True):
        demo_tasks_load(zone=zone)
    waiting = [a for a in Assignment.objects.select_related("task", "unit") if a.is_pending_confirmation]
    assert waiting
    notices = Notification.objects.filter(kind=Notification.Kind.PROGRESS_COMPLETED)
    for assignment in waiting:
        assert notices.filter(url__endswith=f"#assignment-{assignment.pk}").exists(), assignment
    assert notices.filter(title__contains="加大政策扶持力度").exists()
