"""Writes: live judgements and scores, rounds, evaluators, round scores, doubts, reasons.

Every path that changes these (pages, API, admin, commands, demo, jobs) calls a function
here; the rules for a judged score exist once (``scores.judgement_check``).

- ``scores``: the judged-score rules, the office's live judgements, live score snapshots
  (request, compute, re-send the stuck ones);
- ``rounds``: open, start, scores in a round, 存疑, 差异说明, submit (freeze and lock),
  reopen, return, and the lock itself (``zone_lock_reason``);
- ``evaluators``: conflicts of interest, assignments, 回避.
"""

from .evaluators import (
    assignment_recuse,
    conflict_of_interest,
    evaluator_assign,
    evaluator_profile_save,
    evaluator_unassign,
)
from .rounds import (
    difference_reason_set,
    doubt_raise,
    doubt_resolve,
    doubt_withdraw,
    round_editable_check,
    round_judgement_set,
    round_open,
    round_params,
    round_reopen,
    round_return,
    round_settings_update,
    round_start,
    round_submit,
    zone_lock_reason,
)
from .scores import (
    SNAPSHOT_PENDING,
    STALE,
    STEP,
    judgement_check,
    judgement_delete,
    judgement_set,
    score_snapshot_compute,
    score_snapshot_request,
    score_snapshots_resend_stuck,
)

__all__ = [
    "SNAPSHOT_PENDING",
    "STALE",
    "STEP",
    "assignment_recuse",
    "conflict_of_interest",
    "difference_reason_set",
    "doubt_raise",
    "doubt_resolve",
    "doubt_withdraw",
    "evaluator_assign",
    "evaluator_profile_save",
    "evaluator_unassign",
    "judgement_check",
    "judgement_delete",
    "judgement_set",
    "round_editable_check",
    "round_judgement_set",
    "round_open",
    "round_params",
    "round_reopen",
    "round_return",
    "round_settings_update",
    "round_start",
    "round_submit",
    "score_snapshot_compute",
    "score_snapshot_request",
    "score_snapshots_resend_stuck",
    "zone_lock_reason",
]
