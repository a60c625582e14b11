"""The notices of 自查自纠 and 市级考评 go through notifications.notify: each has its own kind and the
campaign's zone, reaches only whom the inspections access functions let open what it names, and
never the person who made the change."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inspections import findings as fs
from inspections import services
from inspections.reminders import inspection_reminders_send
from notifications.models import Notification
from notifications.selectors import notifications_of
from tests.factories import MembershipFactory, UserFactory
from zones.models import Membership

from .conftest import answer_all

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


def raise_finding(evaluation, user, days=10):
    return fs.finding_create(
        evaluation=evaluation,
        user=user,
        title="网络交易监测台账未按月更新",
        severity="general",
        deadline=timezone.localdate() + timedelta(days=days),
    )


def notices(user, kind=None):
    rows = Notification.objects.filter(recipient=user)
    return list(rows.filter(kind=kind) if kind else rows)


@pytest.fixture
def liaison_elsewhere(unit_x, zone_b):
    """A liaison row naming unit X under another zone (left behind by inconsistent data): the
    access functions do not let this user open unit X's findings or self-check."""
    return MembershipFactory(
        user=UserFactory(username="liaison_elsewhere"), role=Membership.Role.LIAISON, zone=zone_b, unit=unit_x
    ).user


def test_a_finding_raised_answered_returned_and_closed_is_told_with_its_kind_and_zone(
    evaluation_x, evaluator_a, liaison_x, zone_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        finding = raise_finding(evaluation_x, evaluator_a)
    steps = [
        lambda: fs.finding_answer(finding=finding, user=liaison_x, text="已整改", submit=True),
        lambda: fs.finding_recheck(finding=finding, user=evaluator_a, close=False, reason="缺少制度文件"),
        lambda: fs.finding_answer(finding=finding, user=liaison_x, text="已补充制度文件", submit=True),
        lambda: fs.finding_recheck(finding=finding, user=evaluator_a, close=True),
    ]
    for step in steps:  # each in its own transaction, its notice sent on its commit
        with django_capture_on_commit_callbacks(execute=True):
            step()
    to_unit = list(Notification.objects.filter(recipient=liaison_x).order_by("pk"))
    assert [(n.kind, n.zone_id, n.zone_name) for n in to_unit] == [
        (Kind.FINDING_RAISED, zone_a.pk, zone_a.name),
        (Kind.FINDING_RETURNED, zone_a.pk, zone_a.name),
        (Kind.FINDING_CLOSED, zone_a.pk, zone_a.name),
    ]
    to_evaluator = notices(evaluator_a)
    assert [(n.kind, n.zone_id) for n in to_evaluator] == [(Kind.FINDING_ANSWERED, zone_a.pk)] * 2
    assert all(n.url.endswith(f"/inspections/findings/{finding.pk}/") for n in to_unit + to_evaluator)


def test_the_actor_is_not_told_of_their_own_finding(
    evaluation_x, evaluator_a, liaison_x, unit_x, django_capture_on_commit_callbacks
):
    # evaluator_a is also a liaison of unit X: they raise the finding, liaison_x alone is told.
    MembershipFactory(user=evaluator_a, role=Membership.Role.LIAISON, zone=unit_x.zone, unit=unit_x)
    with django_capture_on_commit_callbacks(execute=True):
        raise_finding(evaluation_x, evaluator_a)
    assert notices(evaluator_a) == []
    assert [n.kind for n in notices(liaison_x)] == [Kind.FINDING_RAISED]


def test_who_may_not_see_the_finding_gets_nothing(
    evaluation_x, evaluator_a, liaison_x, liaison_elsewhere, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        finding = raise_finding(evaluation_x, evaluator_a)
    assert len(notices(liaison_x)) == 1 and notices(liaison_elsewhere) == []
    # The evaluator's role is revoked while the unit is still assigned to them: no 待复核 notice.
    Membership.objects.filter(user=evaluator_a).delete()
    with django_capture_on_commit_callbacks(execute=True):
        fs.finding_answer(finding=finding, user=liaison_x, text="已整改", submit=True)
    assert notices(evaluator_a) == []


def test_with_no_evaluator_assigned_the_office_is_asked_to_recheck(
    evaluation_x, evaluator_a, office_a, liaison_x, django_capture_on_commit_callbacks
):
    finding = raise_finding(evaluation_x, evaluator_a)
    type(evaluation_x).objects.filter(pk=evaluation_x.pk).update(evaluator=None)
    with django_capture_on_commit_callbacks(execute=True):
        fs.finding_answer(finding=finding, user=liaison_x, text="已整改", submit=True)
    assert [n.kind for n in notices(office_a)] == [Kind.FINDING_ANSWERED]
    assert notices(evaluator_a) == []


def test_a_returned_self_check_is_told_to_the_liaisons_who_may_see_it(
    selfcheck_x, liaison_x, liaison_elsewhere, office_a, zone_a, django_capture_on_commit_callbacks
):
    answer_all(selfcheck_x, liaison_x)
    services.selfcheck_submit(selfcheck=selfcheck_x, user=liaison_x, render=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.selfcheck_return(selfcheck=selfcheck_x, user=office_a, reason="开展情况过于简略")
    (notice,) = notices(liaison_x)
    assert (notice.kind, notice.zone_id, notice.zone_name) == (Kind.SELFCHECK_RETURNED, zone_a.pk, zone_a.name)
    assert "开展情况过于简略" in notice.body
    assert notices(liaison_elsewhere) == [] and notices(office_a, Kind.SELFCHECK_RETURNED) == []
    # once the liaison's role is revoked, the notice is no longer theirs to read
    Membership.objects.filter(user=liaison_x).delete()
    assert not notifications_of(liaison_x).exists()


def test_reminders_carry_the_zone_and_kind_reach_only_who_may_see_and_keep_their_keys(
    evaluation_x, evaluator_a, liaison_x, liaison_elsewhere, zone_a
):
    finding = raise_finding(evaluation_x, evaluator_a, days=3)
    due = finding.deadline
    assert inspection_reminders_send(today=due - timedelta(days=3)) >= 1
    reminder = Notification.objects.get(recipient=liaison_x, dedupe_key=f"finding:{finding.pk}:{due}:due-3")
    assert (reminder.kind, reminder.zone_id, reminder.zone_name) == (Kind.REMINDER, zone_a.pk, zone_a.name)
    inspection_reminders_send(today=due + timedelta(days=1))
    overdue = Notification.objects.get(recipient=liaison_x, dedupe_key=f"finding:{finding.pk}:{due}:overdue-0")
    assert (overdue.kind, overdue.zone_id) == (Kind.FINDING_OVERDUE, zone_a.pk)
    assert inspection_reminders_send(today=due + timedelta(days=1)) == 0  # the same slot once
    assert notices(liaison_elsewhere) == []
    selfcheck_notice = Notification.objects.filter(recipient=liaison_x, dedupe_key__startswith="selfcheck:").first()
    assert selfcheck_notice is not None and selfcheck_notice.zone_id == zone_a.pk
