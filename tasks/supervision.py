"""Reminder rules for assignments (督办提醒): plain Python over dates, no ORM.

For an assignment that is not completed, with due date D, on day T (the local
date in Asia/Shanghai):

- before D: a reminder 7, 3 and 1 days before (T = D−7, D−3, D−1);
- on D itself: nothing (the unit still has the day);
- after D: an overdue reminder every 3 days from the first day after D
  (T = D+1, D+4, D+7, …), the n-th (from 0) being "overdue-n".

Each reminder has a stable key that says which slot it fills, e.g.
``assignment:42:2024-12-31:due-3`` or ``assignment:42:2024-12-31:overdue-2``; the
notifications app creates at most one message per person and key, so a reminder
is never sent twice, however often the job runs. The due date is part of the key:
when the office moves a due date, the new date gets its own reminders.

A day the job did not run (machine down): each slot is valid until the next slot
starts, and the job sends the slot in force on T if it has not been sent. So a
reminder missed on its day is sent late on the next run *within its window* (the
text then says the real number of days), but never once the next reminder is due:
if the job is down on D−3 and D−2, D−1 sends only "due-1" and "due-3" is dropped.
The last "before" window ends at D−1 (on D nothing is sent, as on a normal day).
Overdue windows are the 3 days of each slot (D+1 … D+3 for overdue-0, …).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

BEFORE_DAYS: tuple[int, ...] = (7, 3, 1)  # days before the due date, largest first
OVERDUE_EVERY = 3  # days between two overdue reminders, the first on D+1

DUE = "due"
OVERDUE = "overdue"


@dataclass(frozen=True)
class Reminder:
    kind: str  # DUE or OVERDUE
    slot: str  # "due-7", "due-3", "due-1", "overdue-0", "overdue-1", …
    key: str  # stable: one message per person and key
    days: int  # DUE: days left until the due date (≥ 1); OVERDUE: days past it (≥ 1)

    @property
    def is_overdue(self) -> bool:
        return self.kind == OVERDUE


def reminder_key(*, assignment_id: int, due_date: date, slot: str) -> str:
    return f"assignment:{assignment_id}:{due_date:%Y-%m-%d}:{slot}"


def _slot(*, due_date: date, today: date) -> tuple[str, str] | None:
    """(kind, slot) in force on ``today``: the latest slot started on or before it, inside its window."""
    days_left = (due_date - today).days
    if days_left > 0:
        for before, after in zip(BEFORE_DAYS, BEFORE_DAYS[1:] + (0,)):
            if after < days_left <= before:
                return DUE, f"due-{before}"
        return None  # more than 7 days ahead
    if days_left == 0:
        return None  # the due date itself
    n = (-days_left - 1) // OVERDUE_EVERY
    return OVERDUE, f"overdue-{n}"


def reminder_for(*, assignment_id: int, due_date: date, today: date, completed: bool = False) -> Reminder | None:
    """The reminder in force on ``today`` for one assignment (None when there is none).

    Run every day, only slot days bring a new key (D−7, D−3, D−1, D+1, D+4, …); the
    days in between return the key already sent, which the dedupe key turns into
    nothing. A completed assignment never gets a reminder.
    """
    if completed:
        return None
    found = _slot(due_date=due_date, today=today)
    if found is None:
        return None
    kind, slot = found
    return Reminder(
        kind=kind,
        slot=slot,
        key=reminder_key(assignment_id=assignment_id, due_date=due_date, slot=slot),
        days=abs((due_date - today).days),
    )


def is_reminder_day(*, due_date: date, today: date) -> bool:
    """Whether ``today`` is the first day of a slot (the day a daily job sends a new reminder)."""
    days_left = (due_date - today).days
    if days_left > 0:
        return days_left in BEFORE_DAYS
    return days_left < 0 and (-days_left - 1) % OVERDUE_EVERY == 0
