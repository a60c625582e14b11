"""Gap analysis of a round, and rectification tasks (整改任务) made from its gaps.

``round_gaps`` (read) lists every sub-criterion of a round's result that lost
points: how many, why (the explanation the engine wrote), the units that answer
for its item in the zone's responsibility matrix (lead units first) and the
evidence the zone holds for it (count per status, accepted first).

``rectification_tasks_create`` (write) turns the gaps the office selected into
tasks through tasks' own service: category "整改", one task per sub-criterion,
assigned to the matrix's units, linked to the item, and tied to the round and
sub-criterion by a ``RectificationLink`` row (data: editing the task's text never
breaks it; the description names the source for people only). A link for the
round and sub-criterion already exists → nothing new is made, so running it twice
never duplicates a task. All or nothing.

assessments imports tasks here; tasks never imports assessments.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.models import Evidence, EvidenceStatus
from indicators.models import Indicator
from indicators.scoring.figures import plain
from tasks.models import Task
from tasks.services import task_create
from zones.models import IndicatorResponsibility

from .access import EVERYTHING, ScoreVisibility
from .models import AssessmentRound, RectificationLink
from .selectors import round_result_data

CATEGORY = "整改"
TITLE_LIMIT = Task._meta.get_field("title").max_length
# Accepted first: what the zone already has that counts, then what is on its way.
EVIDENCE_ORDER = (EvidenceStatus.ACCEPTED, EvidenceStatus.SUBMITTED, EvidenceStatus.RETURNED, EvidenceStatus.DRAFT)


@dataclass(frozen=True)
class GapUnit:
    id: int
    name: str
    is_lead: bool


@dataclass(frozen=True)
class GapEvidence:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class Gap:
    """A sub-criterion of the round's result below full marks."""

    code: str  # the sub-criterion (评分项) code, e.g. "12.1"
    label: str
    rule_type: str
    item_code: str
    item_name: str
    dimension_code: str
    dimension_name: str
    points: Decimal
    max: Decimal
    lost: Decimal
    explanation: str
    missing: tuple[str, ...]
    disputed: str  # the open doubt's reason (存疑), else ""
    indicator_id: int | None  # the item in the zone's system (tasks link to it)
    units: tuple[GapUnit, ...]
    evidence: tuple[GapEvidence, ...]
    task_id: int | None  # the rectification task already made from this gap

    @property
    def evidence_total(self) -> int:
        return sum(e.count for e in self.evidence)

    @property
    def lead_units(self) -> tuple[GapUnit, ...]:
        return tuple(u for u in self.units if u.is_lead)


def rectification_marker(round: AssessmentRound, code: str) -> str:
    """The line that names a task's source for people (the link itself is a RectificationLink)."""
    return f"【整改来源：评估轮次 #{round.pk} · 评分项 {code}】"


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _item_dimensions(result: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Item code → (dimension code, dimension name), from the result's tree."""
    out: dict[str, tuple[str, str]] = {}

    def walk(node: dict[str, Any], dim: tuple[str, str]) -> None:
        for child in node.get("children", []):
            if "children" in child:
                walk(child, dim)
            else:
                out[child["code"]] = dim

    for dim in result.get("dimensions", []):
        walk(dim, (dim["code"], dim["name"]))
    return out


def _units_by_indicator(zone, indicator_ids: Iterable[int]) -> dict[int, tuple[GapUnit, ...]]:
    rows = (
        IndicatorResponsibility.objects.filter(zone=zone, indicator_id__in=list(indicator_ids), removed=False)
        .select_related("unit")
        .order_by("-is_lead", "unit__position", "unit_id")
    )
    out: dict[int, list[GapUnit]] = defaultdict(list)
    for row in rows:
        out[row.indicator_id].append(GapUnit(row.unit_id, row.unit.name, row.is_lead))
    return {key: tuple(units) for key, units in out.items()}


def _evidence_counts(zone, indicator_ids: Iterable[int]) -> dict[tuple[int, str | None], dict[str, int]]:
    """(indicator id, sub-criterion code or None for the whole item) → status → count (1 query)."""
    counts: dict[tuple[int, str | None], dict[str, int]] = defaultdict(dict)
    rows = (
        Evidence.objects.filter(zone=zone, indicator_id__in=list(indicator_ids))
        .values("indicator_id", "scoring_item__code", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[(row["indicator_id"], row["scoring_item__code"])][row["status"]] = row["n"]
    return counts


def _evidence_of(counts, indicator_id: int | None, code: str) -> tuple[GapEvidence, ...]:
    """Evidence of the item as a whole plus evidence filed for this sub-criterion, accepted first."""
    if indicator_id is None:
        return ()
    merged: dict[str, int] = defaultdict(int)
    for key in ((indicator_id, None), (indicator_id, code)):
        for status, n in counts.get(key, {}).items():
            merged[status] += n
    labels = dict(EvidenceStatus.choices)
    return tuple(GapEvidence(s, labels[s], merged[s]) for s in EVIDENCE_ORDER if merged.get(s))


def rectification_tasks_existing(*, round: AssessmentRound) -> dict[str, int]:
    """Sub-criterion code → the rectification task already made from it in this round (1 query)."""
    return dict(RectificationLink.objects.filter(round=round).values_list("code", "task_id"))


def round_gaps(round: AssessmentRound, visibility: ScoreVisibility = EVERYTHING) -> list[Gap]:
    """Every sub-criterion of ``round`` that lost points, in item order (the round's result, 5 queries + its score).

    ``visibility`` (``access.score_visibility`` of the reader): under blind review a gap the
    reader may not see (another evaluator's score, comment or aggregate) is left out."""
    result = round_result_data(round=round) or {}
    zone = round.zone
    dims = _item_dimensions(result)
    indicators = dict(
        Indicator.objects.filter(system_id=zone.system_id, level=3).values_list("code", "pk")
    )  # the zone's system: tasks and the matrix link to its items
    lost_items = [
        item
        for item in result.get("items", [])
        if any(_decimal(s["points"]) < _decimal(s["max"]) for s in item["subs"])
    ]
    ids = [indicators[item["code"]] for item in lost_items if item["code"] in indicators]
    units = _units_by_indicator(zone, ids)
    evidence = _evidence_counts(zone, ids)
    existing = rectification_tasks_existing(round=round)
    gaps: list[Gap] = []
    for item in lost_items:
        indicator_id = indicators.get(item["code"])
        dim_code, dim_name = dims.get(item["code"], ("", ""))
        for sub in item["subs"]:
            points, maximum = _decimal(sub["points"]), _decimal(sub["max"])
            if points >= maximum or not visibility.sub_visible(item["code"], sub["code"], sub.get("rule_type", "")):
                continue
            gaps.append(
                Gap(
                    code=sub["code"],
                    label=sub.get("label", ""),
                    rule_type=sub.get("rule_type", ""),
                    item_code=item["code"],
                    item_name=item["name"],
                    dimension_code=dim_code,
                    dimension_name=dim_name,
                    points=points,
                    max=maximum,
                    lost=maximum - points,
                    explanation=sub.get("explanation", ""),
                    missing=tuple(sub.get("missing", ())),
                    disputed=sub.get("disputed", "") or "",
                    indicator_id=indicator_id,
                    units=units.get(indicator_id, ()) if indicator_id else (),
                    evidence=_evidence_of(evidence, indicator_id, sub["code"]),
                    task_id=existing.get(sub["code"]),
                )
            )
    return gaps


def gap_dimensions(gaps: Iterable[Gap]) -> list[tuple[str, str]]:
    """(code, name) of the dimensions that have gaps, in order (the filter's choices)."""
    return list(dict.fromkeys((g.dimension_code, g.dimension_name) for g in gaps if g.dimension_code))


def _title(round: AssessmentRound, gap: Gap) -> str:
    title = f"【整改】{round.get_kind_display()} · {gap.code} {gap.item_name}"
    return title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1] + "…"


def _description(round: AssessmentRound, gap: Gap) -> str:
    lines = [
        rectification_marker(round, gap.code),
        f"评估轮次：{round}（{round.opened_at:%Y-%m-%d} 发起）",
        f"评分项：{gap.code} {gap.label}".rstrip(),
        f"失分：{plain(gap.lost)} 分（本轮得 {plain(gap.points)} / {plain(gap.max)} 分）",
        f"失分原因：{gap.explanation}",
    ]
    if gap.missing:
        lines.append(f"缺少：{'、'.join(gap.missing)}")
    return "\n".join(lines)


def _check(round: AssessmentRound, codes: list[str], due_date, gaps: dict[str, Gap]) -> list[str]:
    errors: list[str] = []
    if not codes:
        errors.append(_("请至少选择一个失分项。"))
    if not isinstance(due_date, date):
        errors.append(_("请选择整改完成时限。"))
    elif due_date < timezone.localdate():
        errors.append(_("整改完成时限不能早于今天。"))
    for code in codes:
        gap = gaps.get(code)
        if gap is None:
            errors.append(_("评分项“%(code)s”不是本轮的失分项。") % {"code": code})
        elif gap.indicator_id is None:
            errors.append(
                _("评分项“%(code)s”所属指标不在本创建对象当前的指标体系中，无法生成整改任务。") % {"code": code}
            )
        elif not gap.units:
            errors.append(
                _("评分项“%(code)s”所属指标在责任分工矩阵中没有责任单位，请先指定责任单位。") % {"code": code}
            )
    return errors


@transaction.atomic
def rectification_tasks_create(round: AssessmentRound, codes: Iterable[str], due_date: date | None, user) -> list[Task]:
    """Rectification tasks for the selected gaps; returns the tasks made now (existing ones are left alone).

    Refuses an empty selection, an unknown code or a due date in the past with
    Chinese messages, and then creates nothing.
    """
    # One planner at a time per round: a second request waits, then finds the first one's tasks.
    AssessmentRound.objects.select_for_update().filter(pk=round.pk).first()
    codes = list(dict.fromkeys(str(c).strip() for c in (codes or ()) if str(c).strip()))
    gaps = {gap.code: gap for gap in round_gaps(round)}
    errors = _check(round, codes, due_date, gaps)
    if errors:
        raise ValidationError(errors)
    created: list[Task] = []
    for code in codes:
        gap = gaps[code]
        if gap.task_id is not None:  # the link, read under the round's lock: never two tasks
            continue
        task = task_create(
            zone=round.zone,
            title=_title(round, gap),
            description=_description(round, gap),
            category=CATEGORY,
            deadline=due_date,
            unit_ids=[u.id for u in gap.units],
            lead_unit_ids=[u.id for u in gap.lead_units],
            indicator_ids=[gap.indicator_id],
            user=user,
        )
        RectificationLink.objects.create(round=round, code=code, task=task)
        task.gap_code = code
        created.append(task)
    return created
