"""Notices reach the people who must act, and nobody else (issue 10 §1).

Each event: who gets it, who does not (another unit's liaison, another zone's office, the
person who made the change), and where its link leads. A change rolled back sends nothing.
"""

from datetime import date

import pytest
from django.db import transaction
from django.urls import reverse

from notifications.models import Notification
from tests.factories import MembershipFactory, UserFactory
from zones.models import Membership

pytestmark = pytest.mark.django_db
Kind = Notification.Kind
DUE = date(2030, 12, 31)


def notices(user, kind=None):
    rows = Notification.objects.filter(recipient=user)
    return list(rows.filter(kind=kind) if kind else rows)


def only(user, kind):
    found = notices(user, kind)
    assert len(found) == 1, [n.title for n in notices(user)]
    return found[0]


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """``run(fn, **kwargs)``: call a service and run what it left for after the commit."""

    def _run(fn, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    return _run


# ------------------------------------------------------------------------- evidence


def test_a_submission_tells_the_zone_office_only(run, evidence_x, liaison_x, liaison_y, office_a, office_b, zone_a):
    from evidence.services import evidence_submit

    run(evidence_submit, evidence=evidence_x, user=liaison_x)
    notice = only(office_a, Kind.EVIDENCE_SUBMITTED)
    assert notice.url == reverse("evidence:detail", args=[zone_a.pk, evidence_x.pk])
    assert "联席会议纪要" in notice.title and "甲市商务局" in notice.title
    assert notice.zone_id == zone_a.pk and notice.zone_name == zone_a.name
    assert notices(office_b) == []  # another zone's office
    assert notices(liaison_y) == []  # another unit's liaison
    assert notices(liaison_x) == []  # who submitted it


def test_an_office_member_who_may_not_review_hears_nothing(run, evidence_x, liaison_x, office_a, zone_a):
    """The recipients go through zones.access: an inactive office account gets nothing."""
    from evidence.services import evidence_submit

    office_a.is_active = False
    office_a.save()
    run(evidence_submit, evidence=evidence_x, user=liaison_x)
    assert notices(office_a) == []


def test_a_rolled_back_submission_tells_nobody(run, evidence_x, liaison_x, office_a):
    from evidence.services import evidence_submit

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            run(evidence_submit, evidence=evidence_x, user=liaison_x)
            raise RuntimeError("the request failed after the submission")
    assert notices(office_a) == []


def test_acceptance_tells_the_units_liaisons_only(run, evidence_x, liaison_x, liaison_y, office_a, zone_a):
    from evidence.services import evidence_accept, evidence_submit

    run(evidence_submit, evidence=evidence_x, user=liaison_x)
    run(evidence_accept, evidence=evidence_x, user=office_a)
    notice = only(liaison_x, Kind.EVIDENCE_ACCEPTED)
    assert notice.url == reverse("evidence:detail", args=[zone_a.pk, evidence_x.pk])
    assert "已采纳" in notice.title
    assert notices(liaison_y) == []
    assert notices(office_a, Kind.EVIDENCE_ACCEPTED) == []  # the reviewer themself


def test_a_return_tells_the_units_liaisons_with_the_reason(run, evidence_x, liaison_x, liaison_y, office_a):
    from evidence.services import evidence_return, evidence_submit

    run(evidence_submit, evidence=evidence_x, user=liaison_x)
    run(evidence_return, evidence=evidence_x, user=office_a, reason="缺少盖章页")
    notice = only(liaison_x, Kind.EVIDENCE_RETURNED)
    assert notice.body == "退回原因：缺少盖章页"
    assert notices(liaison_y) == []


def test_a_liaison_of_unit_b_hears_nothing_about_unit_as_evidence(run, evidence_x, liaison_x, office_a, zone_a, unit_y):
    """Even a liaison of zone A (unit Y) whose account is also listed on unit X's zone hears nothing."""
    from evidence.services import evidence_accept, evidence_submit

    other = MembershipFactory(user=UserFactory(), role=Membership.Role.LIAISON, zone=zone_a, unit=unit_y).user
    run(evidence_submit, evidence=evidence_x, user=liaison_x)
    run(evidence_accept, evidence=evidence_x, user=office_a)
    assert notices(other) == []


# ---------------------------------------------------------------------------- tasks


def _task(zone, units, user, **kwargs):
    from tasks.services import task_create

    return task_create(
        zone=zone,
        title=kwargs.pop("title", "加大政策扶持力度"),
        deadline=DUE,
        unit_ids=[u.pk for u in units],
        lead_unit_ids=[units[0].pk],
        user=user,
        **kwargs,
    )


def test_a_new_task_tells_each_units_liaisons(run, zone_a, unit_x, unit_y, office_a, liaison_x, liaison_y, liaison_b):
    task = run(_task, zone=zone_a, units=[unit_x, unit_y], user=office_a)
    mine = only(liaison_x, Kind.ASSIGNED)
    assignment_x = task.assignments.get(unit=unit_x)
    assert mine.url == reverse("tasks:assignment-report", args=[assignment_x.pk])
    assert "加大政策扶持力度" in mine.title and "牵头" in mine.body and "2030-12-31" in mine.body
    # Said actively, in Chinese brackets: 「新任务：……（牵头）」, 「甲单位牵头承担此任务，完成时限……」.
    assert mine.title.startswith("新任务：") and mine.title.endswith("（牵头）")
    assert "被分派" not in mine.body and "(" not in mine.title + mine.body and "牵头承担" in mine.body
    theirs = only(liaison_y, Kind.ASSIGNED)
    assert theirs.url == reverse("tasks:assignment-report", args=[task.assignments.get(unit=unit_y).pk])
    assert notices(liaison_b) == [] and notices(office_a) == []


def test_a_rolled_back_task_tells_nobody(run, zone_a, unit_x, office_a, liaison_x):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            run(_task, zone=zone_a, units=[unit_x], user=office_a)
            raise RuntimeError("rolled back")
    assert notices(liaison_x) == []


def test_a_unit_added_to_a_task_is_told(run, zone_a, unit_x, unit_y, office_a, liaison_x, liaison_y):
    from tasks.services import task_update

    task = run(_task, zone=zone_a, units=[unit_x], user=office_a)
    assert notices(liaison_y) == []
    run(
        task_update,
        task=task,
        title=task.title,
        deadline=DUE,
        unit_ids=[unit_x.pk, unit_y.pk],
        lead_unit_ids=[unit_x.pk],
        user=office_a,
    )
    assert only(liaison_y, Kind.ASSIGNED).url == reverse(
        "tasks:assignment-report", args=[task.assignments.get(unit=unit_y).pk]
    )
    assert len(notices(liaison_x, Kind.ASSIGNED)) == 1  # not told twice


def test_an_imported_list_tells_each_unit_once(run, zone_a, unit_x, unit_y, office_a, liaison_x, liaison_y):
    from tasks.excel import TaskRow
    from tasks.imports import task_import_rows

    rows = [
        TaskRow(
            row=i + 2,
            number=str(i + 1),
            title=f"任务{i + 1}",
            description="",
            leads_text=unit_x.name,
            units_text="",
            deadline=DUE,
        )
        for i in range(4)
    ]
    rows.append(
        TaskRow(
            row=9, number="9", title="统计任务", description="", leads_text=unit_y.name, units_text="", deadline=DUE
        )
    )
    run(task_import_rows, zone=zone_a, rows=rows, user=office_a)
    batch = only(liaison_x, Kind.ASSIGNED)
    assert "4 项任务" in batch.title and batch.url == reverse("tasks:mine") and batch.title.startswith("新任务：")
    single = only(liaison_y, Kind.ASSIGNED)
    assert "统计任务" in single.title


def test_a_changed_due_date_tells_that_units_liaisons(run, zone_a, unit_x, unit_y, office_a, liaison_x, liaison_y):
    from tasks.services import assignment_change_due_date

    task = run(_task, zone=zone_a, units=[unit_x, unit_y], user=office_a)
    assignment_x = task.assignments.get(unit=unit_x)
    run(
        assignment_change_due_date,
        assignment=assignment_x,
        due_date=date(2030, 6, 30),
        reason="提前验收",
        user=office_a,
    )
    notice = only(liaison_x, Kind.DUE_CHANGED)
    assert "2030-06-30" in notice.title and "提前验收" in notice.body
    assert notice.url == reverse("tasks:assignment-report", args=[assignment_x.pk])
    assert notices(liaison_y, Kind.DUE_CHANGED) == []


def test_a_new_task_deadline_tells_every_unit_that_kept_it(run, zone_a, unit_x, unit_y, office_a, liaison_x, liaison_y):
    from tasks.services import task_update

    task = run(_task, zone=zone_a, units=[unit_x, unit_y], user=office_a)
    run(
        task_update,
        task=task,
        title=task.title,
        deadline=date(2030, 10, 1),
        unit_ids=[unit_x.pk, unit_y.pk],
        lead_unit_ids=[unit_x.pk],
        user=office_a,
    )
    assert "2030-10-01" in only(liaison_x, Kind.DUE_CHANGED).title
    assert "2030-10-01" in only(liaison_y, Kind.DUE_CHANGED).title


def test_a_completed_report_tells_the_office_and_a_partial_one_does_not(
    run, zone_a, zone_b, unit_x, unit_y, office_a, office_b, liaison_x, liaison_y
):
    from tasks.services import assignment_report_progress

    task = run(_task, zone=zone_a, units=[unit_x, unit_y], user=office_a)
    assignment_x = task.assignments.get(unit=unit_x)
    run(assignment_report_progress, assignment=assignment_x, user=liaison_x, percent=50, text="起草中")
    assert notices(office_a) == []
    run(assignment_report_progress, assignment=assignment_x, user=liaison_x, percent=100, text="政策已印发")
    notice = only(office_a, Kind.PROGRESS_COMPLETED)
    assert notice.url == f"{reverse('tasks:task-detail', args=[task.pk])}#assignment-{assignment_x.pk}"
    assert "甲市商务局" in notice.title and "待确认" in notice.title and notice.body == "政策已印发"
    assert notices(office_b) == []
    assert notices(liaison_y, Kind.PROGRESS_COMPLETED) == [] and notices(liaison_x, Kind.PROGRESS_COMPLETED) == []


# ---------------------------------------------------------------------- assessments


@pytest.fixture
def provincial(zone_a, reviewer_fujian):
    from tests.assessments.round_helpers import pool_evaluator, provincial_round

    return provincial_round(zone_a, reviewer_fujian), pool_evaluator(zone_a, "expert_1")


def test_an_assigned_evaluator_is_told_and_linked_to_the_review_screen(run, provincial, reviewer_fujian, zone_a):
    from assessments import services
    from tests.assessments.round_helpers import item

    round, expert = provincial
    bystander = UserFactory()
    run(
        services.evaluator_assign,
        round=round,
        evaluator=expert,
        indicators=[item(zone_a, "10"), item(zone_a, "12")],
        user=reviewer_fujian,
    )
    notice = only(expert, Kind.ROUND_ASSIGNED)
    assert notice.url == reverse("assessments:review", args=[round.pk])
    assert "2 项指标" in notice.title and "10、12" in notice.body
    assert notices(reviewer_fujian) == [] and notices(bystander) == []
    # Assigned the same items again: nothing new; one more item: told again.
    run(services.evaluator_assign, round=round, evaluator=expert, indicators=[item(zone_a, "10")], user=reviewer_fujian)
    assert len(notices(expert)) == 1
    run(services.evaluator_assign, round=round, evaluator=expert, indicators=[item(zone_a, "11")], user=reviewer_fujian)
    assert len(notices(expert)) == 2


def test_a_doubt_tells_the_office_and_its_resolution_tells_the_evaluator(
    run, provincial, reviewer_fujian, zone_a, office_a, office_b
):
    from assessments import services
    from tests.assessments.round_helpers import item, pool_evaluator, sub

    round, expert = provincial
    other_expert = pool_evaluator(zone_a, "expert_2")
    for who in (expert, other_expert):
        run(
            services.evaluator_assign, round=round, evaluator=who, indicators=[item(zone_a, "17")], user=reviewer_fujian
        )
    services.round_start(round=round, user=reviewer_fujian)
    doubt = run(services.doubt_raise, round=round, scoring_item=sub(zone_a, "17.1"), user=expert, reason="台账不全")
    raised = only(office_a, Kind.DOUBT_RAISED)
    assert raised.url == f"{reverse('assessments:round', args=[round.pk])}#doubts" and "台账不全" in raised.body
    assert notices(office_b) == []

    run(services.doubt_resolve, doubt=doubt, user=office_a, note="已补充核查台账")
    reply = only(expert, Kind.ZONE_REPLIED)
    assert reply.url == reverse("assessments:review-item", args=[round.pk, item(zone_a, "17").pk])
    assert "已补充核查台账" in reply.body
    assert notices(other_expert, Kind.ZONE_REPLIED) == []  # only who raised it


def test_the_zones_difference_reason_tells_the_items_evaluators(run, provincial, reviewer_fujian, zone_a, office_a):
    from assessments import services
    from tests.assessments.round_helpers import item, pool_evaluator, sub

    round, expert = provincial
    elsewhere = pool_evaluator(zone_a, "expert_2")
    run(services.evaluator_assign, round=round, evaluator=expert, indicators=[item(zone_a, "10")], user=reviewer_fujian)
    run(
        services.evaluator_assign,
        round=round,
        evaluator=elsewhere,
        indicators=[item(zone_a, "12")],
        user=reviewer_fujian,
    )
    services.round_start(round=round, user=reviewer_fujian)
    run(
        services.difference_reason_set,
        round=round,
        scoring_item=sub(zone_a, "10"),
        user=office_a,
        text="自评后补充了联席会议纪要",
    )
    notice = only(expert, Kind.ZONE_REPLIED)
    assert notice.url == reverse("assessments:review-item", args=[round.pk, item(zone_a, "10").pk])
    assert "差异说明" in notice.title and notice.body == "自评后补充了联席会议纪要"
    assert notices(elsewhere, Kind.ZONE_REPLIED) == []  # another item's evaluator
    # An evaluator's own note is not the zone's answer: nobody is told.
    run(services.difference_reason_set, round=round, scoring_item=sub(zone_a, "10"), user=expert, text="专家备注")
    assert len(notices(expert, Kind.ZONE_REPLIED)) == 1 and notices(elsewhere, Kind.ZONE_REPLIED) == []


def test_the_offices_answer_to_an_opinion_tells_its_author(run, zone_a, reviewer_fujian, reviewer_zhejiang, office_a):
    from reports.services import opinion_create, opinion_reply
    from tests.assessments.round_helpers import provincial_round

    round = provincial_round(zone_a, reviewer_fujian)
    opinion = run(opinion_create, zone=zone_a, round=round, conclusion="pass", text="材料齐全", user=reviewer_fujian)
    assert only(office_a, Kind.OPINION_RECEIVED).zone_id == zone_a.pk
    run(opinion_reply, opinion=opinion, text="已按意见完善", user=office_a)
    reply = only(reviewer_fujian, Kind.ZONE_REPLIED)
    assert reply.url == reverse("reports:zone", args=[zone_a.pk]) + f"#opinion-{opinion.pk}"
    assert notices(reviewer_zhejiang) == []


# ------------------------------------------------------------- to-dos clear themselves


def test_a_reviewed_submission_is_no_longer_waiting_for_any_office_member(run, evidence_x, liaison_x, office_a, zone_a):
    from evidence.services import evidence_accept, evidence_submit

    colleague = MembershipFactory(user=UserFactory(), role=Membership.Role.OFFICE, zone=zone_a).user
    run(evidence_submit, evidence=evidence_x, user=liaison_x)
    assert only(colleague, Kind.EVIDENCE_SUBMITTED).read_at is None
    run(evidence_accept, evidence=evidence_x, user=office_a)
    assert only(colleague, Kind.EVIDENCE_SUBMITTED).read_at is not None
    assert only(office_a, Kind.EVIDENCE_SUBMITTED).read_at is not None


def test_a_confirmed_or_sent_back_report_is_no_longer_waiting(
    run, zone_a, unit_x, unit_y, office_a, liaison_x, liaison_y
):
    from tasks.services import assignment_confirm, assignment_report_progress, assignment_send_back

    task = run(_task, zone=zone_a, units=[unit_x, unit_y], user=office_a)
    assignment_x, assignment_y = task.assignments.get(unit=unit_x), task.assignments.get(unit=unit_y)
    run(assignment_report_progress, assignment=assignment_x, user=liaison_x, percent=100, text="已印发")
    run(assignment_report_progress, assignment=assignment_y, user=liaison_y, percent=100, text="已完成")
    run(assignment_confirm, assignment=assignment_x, user=office_a)
    waiting = Notification.objects.filter(recipient=office_a, kind=Kind.PROGRESS_COMPLETED, read_at__isnull=True)
    assert [n.url.endswith(f"#assignment-{assignment_y.pk}") for n in waiting] == [True]
    run(assignment_send_back, assignment=assignment_y, user=office_a, reason="缺少附件")
    assert not waiting.all().exists()  # a fresh query (the list above filled this one's cache)


def test_a_closed_doubt_is_no_longer_waiting(run, provincial, reviewer_fujian, zone_a, office_a):
    from assessments import services
    from tests.assessments.round_helpers import item, sub

    round, expert = provincial
    run(services.evaluator_assign, round=round, evaluator=expert, indicators=[item(zone_a, "17")], user=reviewer_fujian)
    services.round_start(round=round, user=reviewer_fujian)
    doubt = run(services.doubt_raise, round=round, scoring_item=sub(zone_a, "17.1"), user=expert, reason="台账不全")
    assert only(office_a, Kind.DOUBT_RAISED).read_at is None
    run(services.doubt_withdraw, doubt=doubt, user=expert)
    assert only(office_a, Kind.DOUBT_RAISED).read_at is not None


def test_a_reader_who_loses_access_to_a_zone_no_longer_reads_its_notices(client, zone_a, zone_b, liaison_x):
    """A notice names its zone; one sent before the reader's role was revoked stays out of the
    list, the bell, the counts and the digest from then on (nothing about the zone is revealed)."""
    from django.core import mail

    from notifications.selectors import notification_counts, notification_unread_count
    from notifications.services import notification_create, notifications_send_digests

    liaison_x.email = "x@example.gov.cn"
    liaison_x.save()
    notification_create(recipient=liaison_x, title="新任务：甲市的任务", zone=zone_a, kind=Kind.ASSIGNED)
    notification_create(recipient=liaison_x, title="乙市的消息", zone=zone_b, kind=Kind.INFO)  # never visible
    notification_create(recipient=liaison_x, title="系统维护通知", kind=Kind.INFO)  # no zone: always
    assert notification_unread_count(user=liaison_x) == 2

    Membership.objects.filter(user=liaison_x).delete()  # the role revoked
    reader = type(liaison_x).objects.get(pk=liaison_x.pk)  # a new request: roles read afresh

    assert notification_unread_count(user=reader) == 1
    assert notification_counts(user=reader)["all"] == 1
    client.force_login(reader)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "系统维护通知" in page and "甲市的任务" not in page and "乙市的消息" not in page
    assert notifications_send_digests() == 1
    assert "系统维护通知" in mail.outbox[0].body and "甲市" not in mail.outbox[0].body


def test_each_kind_says_what_it_is():
    """The 消息 filter names kinds for what they are: 进展退回 beside 材料退回, no bare 退回/通知."""
    labels = [str(label) for label in Kind.labels]
    assert len(set(labels)) == len(labels)
    assert "退回" not in labels and "通知" not in labels
    assert {"进展退回", "材料退回", "评审意见", "系统通知"} <= set(labels)
