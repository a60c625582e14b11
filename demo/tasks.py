"""Demo tasks: the 22 main tasks of 三明市's plan (001), with a little progress and history,
written through tasks.services (``task_create``, and ``assignment_history_record`` for the
dated past).

Idempotent: a task whose 序号 the zone already has is left as it is (with its
history), so running it again creates nothing. Units come from the plan's
责任单位 text through ``zones.unit_names``; 001 says every task also includes
every county government (任务1: "以下任务责任单位均包括各县(市、区)人民政府"). 001
names no 牵头单位, so the demo marks the first unit named as the lead (the usual
reading of such lists). Progress reports and the office's decisions are 演示数据.
"""

from __future__ import annotations

import calendar
import logging
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from notifications.services import notifications_muted, notify_on_commit
from tasks.models import Assignment, Task
from tasks.notices import assignments_assigned_notify, assignments_waiting_notify
from tasks.services import PastStep, assignment_history_record, task_create
from zones.models import Membership, Unit, Zone
from zones.unit_names import UnitRef, match_units, parse_unit_names

from .task_data import MAIN_TASKS

logger = logging.getLogger(__name__)

DEMO_NOTE = "（演示数据）"
IMPLEMENTATION_STAGE = "组织实施"
EARLY_TASKS = {"1", "14"}  # policy and market-access tasks: due mid-stage

# (task number, unit short name, [(days after start, percent, text, reason)], office decision, reason)
HISTORY: tuple[tuple[str, str, list[tuple[int, int, str, str]], str, str], ...] = (
    (
        "1",
        "商务局",
        [(10, 40, "已起草电商扶持政策初稿，征求相关部门意见。", ""), (30, 70, "政策已报市政府审议。", "")],
        "",
        "",
    ),
    ("1", "发改委", [(20, 100, "网络经济发展规划已印发。", "")], "confirm", ""),
    ("1", "财政局", [(25, 100, "年度电商专项资金已列入预算。", "")], "", ""),
    ("2", "工信局", [(15, 30, "已梳理数字化转型重点企业名单。", "")], "", ""),
    (
        "8",
        "市场监管局",
        [(12, 100, "线上线下一体化监管工作机制已建立。", ""), (40, 90, "补充联合执法记录中。", "按办公室意见补充材料")],
        "send_back",
        "佐证材料缺少联合执法记录，请补充。",
    ),
    ("9", "市场监管局", [(18, 60, "已接入网络市场智慧监管平台，完成主体库清洗。", "")], "", ""),
    ("14", "三元区", [(22, 50, "企业开办“全程网办”已覆盖全部乡镇便民服务中心。", "")], "", ""),
    ("20", "市场监管局", [(28, 100, "已完成平台经营者主体责任专项检查。", "")], "confirm", ""),
)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _stage_dates(zone: Zone) -> tuple[date, date, date]:
    """(start, mid-stage, end) of 组织实施, or 2024's dates from 001 when the zone has no stages."""
    stage = zone.stages.filter(name=IMPLEMENTATION_STAGE).first()
    start, end = (stage.start, stage.end) if stage else (date(2024, 3, 1), date(2024, 12, 31))
    month = start.month + 3
    mid = _month_end(date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1))
    return start, min(mid, end), end


def _users(zone: Zone) -> tuple[object | None, dict[int, object]]:
    memberships = Membership.objects.filter(zone=zone).select_related("user")
    office = next((m.user for m in memberships if m.role == Membership.Role.OFFICE), None)
    liaisons = {m.unit_id: m.user for m in memberships if m.role == Membership.Role.LIAISON and m.unit_id}
    return office, liaisons


@transaction.atomic
def demo_tasks_load(*, zone: Zone) -> int:
    """Create 001's main tasks in ``zone`` (those it does not have yet); returns how many were created."""
    units = list(zone.units.order_by("position", "pk"))
    refs = [UnitRef(u.pk, u.name, u.short_name, tuple(u.aliases or ())) for u in units]
    counties = [u.pk for u in units if u.kind == Unit.Kind.COUNTY_GOVERNMENT]
    county_names = [u.short_name or u.name for u in units if u.kind == Unit.Kind.COUNTY_GOVERNMENT]
    indicators = dict(zone.system.indicators.filter(level=3).values_list("code", "pk"))
    existing = set(zone.tasks.values_list("number", flat=True))
    office, liaisons = _users(zone)
    start, mid, end = _stage_dates(zone)

    created: list[Task] = []
    with notifications_muted():  # a notice per task and unit would bury the liaison's bell
        for number, category, title, description, units_text, codes, priority in MAIN_TASKS:
            if number in existing:
                continue
            parsed = parse_unit_names(units_text, counties=county_names)
            matched, unmatched = match_units(parsed.units, refs, city=zone.region.name)
            if unmatched:
                logger.warning("demo task %s: units not in zone %s: %s", number, zone.pk, "、".join(unmatched))
            named = [matched[name] for name in parsed.units if name in matched]
            created.append(
                task_create(
                    zone=zone,
                    number=number,
                    title=title,
                    description=description,
                    category=category,
                    priority=priority,
                    deadline=mid if number in EARLY_TASKS else end,
                    unit_ids=named + counties,  # every task includes every county government (001)
                    lead_unit_ids=named[:1],
                    indicator_ids=[indicators[c] for c in codes if c in indicators],
                    user=office,
                )
            )
        if created:
            _history(created, office, liaisons, start=start)
    if created:  # what the liaisons would have been told: one notice per unit naming how many
        notify_on_commit(
            assignments_assigned_notify,
            assignment_ids=list(Assignment.objects.filter(task__in=created).values_list("pk", flat=True)),
            actor_id=office.pk if office else None,
        )
        # What the history leaves waiting (100%, not confirmed) is on the office's list of to-dos.
        assignments_waiting_notify(assignments=Assignment.objects.filter(task__in=created).select_related("task"))
    return len(created)


def _history(tasks: list[Task], office, liaisons: dict[int, object], *, start: date) -> None:
    """Reports and decisions dated from the start of 组织实施, as if the work had happened then."""
    start = timezone.make_aware(datetime.combine(start, time(9, 0)))
    by_number = {t.number: t for t in tasks}
    steps: dict[int, list[PastStep]] = {}
    for number, short_name, reports, decision, reason in HISTORY:
        task = by_number.get(number)
        assignment = Assignment.objects.filter(task=task, unit__short_name=short_name).first() if task else None
        if assignment is None:
            continue
        liaison = liaisons.get(assignment.unit_id)
        past = steps.setdefault(assignment.pk, [])
        for index, (days, percent, text, why) in enumerate(reports):
            at = start + timedelta(days=days)
            past.append(PastStep("progress", at, liaison, percent, text + DEMO_NOTE, why))
            if index == 0 and decision == "send_back":
                past.append(PastStep("send_back", at + timedelta(days=3), office, reason=reason))
        if decision == "confirm":
            past.append(PastStep("confirm", start + timedelta(days=reports[-1][0] + 2), office))
    for assignment in Assignment.objects.filter(task__in=tasks).order_by("pk"):
        assignment_history_record(assignment=assignment, created_at=start, steps=steps.get(assignment.pk, ()))
