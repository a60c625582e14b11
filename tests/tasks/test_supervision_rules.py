"""The reminder rules (tasks/supervision.py): pure, no database."""

from datetime import date, timedelta

import pytest

from tasks.supervision import DUE, OVERDUE, is_reminder_day, reminder_for, reminder_key

D = date(2030, 6, 30)


def at(offset: int):
    return reminder_for(assignment_id=7, due_date=D, today=D + timedelta(days=offset))


@pytest.mark.parametrize(
    ("offset", "slot"),
    [
        (-30, None),
        (-8, None),  # D−8: nothing yet
        (-7, "due-7"),
        (-6, "due-7"),  # still the 7-day slot: the same key, so a daily job sends nothing new
        (-4, "due-7"),
        (-3, "due-3"),
        (-2, "due-3"),
        (-1, "due-1"),
        (0, None),  # the due date itself: nothing
        (1, "overdue-0"),
        (2, "overdue-0"),
        (3, "overdue-0"),
        (4, "overdue-1"),
        (6, "overdue-1"),
        (7, "overdue-2"),
        (10, "overdue-3"),
        (100, "overdue-33"),
    ],
)
def test_slot_in_force_on_each_day(offset, slot):
    reminder = at(offset)
    assert (reminder.slot if reminder else None) == slot
    if reminder:
        assert reminder.key == f"assignment:7:2030-06-30:{slot}"
        assert reminder.kind == (OVERDUE if offset > 0 else DUE)
        assert reminder.days == abs(offset)  # the real number of days, also when sent late in its window


@pytest.mark.parametrize(
    ("offset", "expected"),
    [(-8, False), (-7, True), (-6, False), (-4, False), (-3, True), (-2, False), (-1, True), (0, False)]
    + [(1, True), (2, False), (3, False), (4, True), (5, False), (7, True), (10, True), (11, False)],
)
def test_reminder_days_of_a_daily_job(offset, expected):
    assert is_reminder_day(due_date=D, today=D + timedelta(days=offset)) is expected


def test_a_daily_job_gets_a_new_key_exactly_on_the_reminder_days():
    seen, new_days = set(), []
    for offset in range(-12, 12):
        reminder = at(offset)
        if reminder and reminder.key not in seen:
            seen.add(reminder.key)
            new_days.append(offset)
    assert new_days == [-7, -3, -1, 1, 4, 7, 10]
    assert new_days == [o for o in range(-12, 12) if is_reminder_day(due_date=D, today=D + timedelta(days=o))]


def test_a_missed_before_reminder_is_not_sent_once_the_next_one_is_due():
    # Down on D−3 and D−2: D−1 is the 1-day slot, the 3-day one is gone.
    assert at(-1).slot == "due-1"
    # Down on D−1 only: on D nothing is sent (no late "1 day left" on the due date).
    assert at(0) is None


def test_completed_assignments_get_nothing():
    for offset in (-7, -3, -1, 1, 4):
        assert reminder_for(assignment_id=7, due_date=D, today=D + timedelta(days=offset), completed=True) is None


def test_the_key_names_the_due_date_so_a_moved_deadline_reminds_again():
    old = reminder_key(assignment_id=7, due_date=D, slot="due-3")
    new = reminder_key(assignment_id=7, due_date=D + timedelta(days=30), slot="due-3")
    assert old != new and old == "assignment:7:2030-06-30:due-3"
