"""Sending Celery jobs so that a dead broker never undoes or hides the user's change.

A job is sent after the change it follows has committed (``transaction.on_commit``). If the
broker cannot be reached then, the change stands: ``job_send`` logs the refusal and answers
False instead of raising, the caller leaves its job row marked "not yet sent" (the page says the
job is waiting for the queue), and a beat job of the app sends it again once the broker is back
(``assessments.jobs.resend_stuck_score_jobs``, ``tasks.jobs.resend_unsent_notices``).

A refused send fails fast: one connection attempt with a short connect timeout, no retries,
so a request never hangs on the broker. (Kombu's default retries a dead Redis for ~6 s, and a
host that drops packets for the OS's connect timeout.)

Without a broker (``CELERY_TASK_ALWAYS_EAGER``) the job runs in-process and its own errors
propagate as before: only the broker's refusal is absorbed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

# One try, and give up on a silent host after 2 s (see the module's docstring).
SEND_TRANSPORT_OPTIONS = {"max_retries": 0, "socket_connect_timeout": 2, "socket_timeout": 5}


def job_send(task, *args: Any, countdown: float | None = None) -> bool:
    """Hand ``task(*args)`` to the broker (or run it in-process without one).

    True when the broker took the message (or the job ran in-process); False, logged, when the
    broker could not be reached."""
    app = task.app
    if app.conf.task_always_eager:
        task.apply_async(args, countdown=countdown)
        return True
    try:
        with app.connection_for_write(transport_options=SEND_TRANSPORT_OPTIONS) as connection:
            task.apply_async(args, countdown=countdown, retry=False, connection=connection)
    except (BrokerError, OSError) as exc:
        logger.warning("job %s%r not sent, the broker is unreachable: %s", task.name, args, exc)
        return False
    return True


def job_send_on_commit(
    task, *args: Any, countdown: float | None = None, then: Callable[[bool], None] | None = None
) -> None:
    """``job_send`` once the current transaction commits; ``then(sent)`` is called afterwards
    (to mark the job row sent, say)."""

    def send() -> None:
        sent = job_send(task, *args, countdown=countdown)
        if then is not None:
            then(sent)

    transaction.on_commit(send)


@dataclass(frozen=True)
class Resent:
    """What a beat job's sweep did."""

    sent: int = 0  # jobs handed to the broker again
    unsent: int = 0  # jobs the broker still refused (tried again at the next sweep)
    failed: int = 0  # jobs given up, with a reason on their row


def jobs_resend(ids: Iterable[int], send: Callable[[int], bool], *, failed: int = 0, what: str) -> Resent:
    """Send each id again with ``send`` (a ``job_send`` that marks the row); log what happened."""
    sent = unsent = 0
    for pk in list(ids):
        if send(pk):
            sent += 1
        else:
            unsent += 1
    if sent or unsent or failed:
        logger.warning("%s: %s sent again, %s still unsent, %s given up", what, sent, unsent, failed)
    return Resent(sent=sent, unsent=unsent, failed=failed)
