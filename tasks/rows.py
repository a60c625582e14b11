"""What the task list's rows and 我的任务's cards print, worked out once here (no query per row,
no URL reversal or include in the template): a page of 50 tasks holds some 650 assignments.

The lists themselves (filters, order, access) are tasks/selectors.py; this module turns a page of
them into rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import Assignment, Task
from .selectors import ASSIGNMENT_ORDER

Status = Assignment.Status


@dataclass(frozen=True, slots=True)
class RowAssignment:
    """What a task-list row reads of an assignment, from plain values: a page holds some 650
    assignments, and making a model instance (and its unit's) of each cost more than the rest."""

    task_id: int
    is_lead: bool
    status: str
    progress: int
    due_date: date
    confirmed_at: object
    unit_name: str
    unit_short_name: str

    @property
    def is_pending_confirmation(self) -> bool:
        return self.status == Status.COMPLETED and self.confirmed_at is None


def row_assignments(task_ids: list[int]) -> dict[int, list[RowAssignment]]:
    found: dict[int, list[RowAssignment]] = {task_id: [] for task_id in task_ids}
    values = (
        Assignment.objects.filter(task_id__in=task_ids)
        .order_by(*ASSIGNMENT_ORDER)
        .values_list(
            "task_id", "is_lead", "status", "progress", "due_date", "confirmed_at", "unit__name", "unit__short_name"
        )
    )
    for row in values:
        found[row[0]].append(RowAssignment(*row))
    return found


@dataclass
class TaskSummary:
    total: int
    completed: int
    pending: int
    overdue: int
    progress: int  # mean of the units' progress, rounded


def task_summary(*, task: Task) -> TaskSummary:
    """Counts over the task's (prefetched) assignments; no query."""
    return summarize(list(task.assignments.all()), timezone.localdate())


def is_late(assignment: Assignment, today: date) -> bool:
    """Assignment.is_overdue with today's date worked out once for a whole list."""
    if assignment.status == Status.COMPLETED:
        return False
    return assignment.status == Status.OVERDUE or assignment.due_date < today


def summarize(assignments: list[Assignment], today: date) -> TaskSummary:
    total = len(assignments)
    return TaskSummary(
        total=total,
        completed=sum(a.status == Status.COMPLETED for a in assignments),
        pending=sum(a.is_pending_confirmation for a in assignments),
        overdue=sum(is_late(a, today) for a in assignments),
        progress=round(sum(a.progress for a in assignments) / total) if total else 0,
    )


STATUS_LABELS = {  # translated where shown, as STATUS_FILTERS
    Status.NOT_STARTED: gettext_noop("未开始"),
    Status.IN_PROGRESS: gettext_noop("进行中"),
    Status.COMPLETED: gettext_noop("已完成"),
    Status.OVERDUE: gettext_noop("逾期"),
}


@dataclass(frozen=True)
class UnitChip:
    """One unit of a task-list row: what the badge says and how it is coloured."""

    label: str
    title: str
    tone: str  # "late", "done" or ""


@dataclass
class TaskRow:
    """A row of the task list, worked out here so the template only prints it."""

    task: Task
    url: str
    summary: TaskSummary
    chips: list[UnitChip]
    indicator_codes: list[str]

    @property
    def chips_html(self) -> str:
        """The row's unit badges as HTML, joined here rather than by the template (a page of 50
        rows holds some 300 of them)."""
        return mark_safe(  # every value escaped here
            " ".join(
                f'<span class="badge rounded-pill border bg-white fw-normal mb-1 unit-chip'
                f'{" unit-chip-" + c.tone if c.tone else ""}" title="{escape(c.title)}">{escape(c.label)}</span>'
                for c in self.chips
            )
        )

    @property
    def html(self) -> str:
        """The whole ``<tr>``, built once here: printing 50 rows of six cells through the template
        costs more than reading them (the grids do the same, zones.selectors/evidence.completeness)."""
        task, s = self.task, self.summary
        meta = [part for part in (task.category, task.stage.name if task.stage_id else "") if part]
        meta.append(_("优先级") + task.get_priority_display())
        meta_html = conditional_escape(" · ".join(meta))
        if self.indicator_codes:
            meta_html += format_html(
                " · {}{}",
                _("指标"),
                format_html_join(
                    "", ' <span class="badge text-bg-light border">{}</span>', ((c,) for c in self.indicator_codes)
                ),
            )
        status = [conditional_escape(_("%(done)s/%(total)s 完成") % {"done": s.completed, "total": s.total})]
        if s.pending:
            status.append(format_html('<span class="text-info">{}</span>', _("%(n)s 待确认") % {"n": s.pending}))
        if s.overdue:
            status.append(format_html('<span class="text-danger">{}</span>', _("%(n)s 逾期") % {"n": s.overdue}))
        return format_html(
            '<tr class="task-row" data-task="{pk}"><td class="text-muted">{number}</td>'
            '<td><a href="{url}" class="fw-semibold">{title}</a><div class="small text-muted">{meta}</div></td>'
            '<td class="task-units">{chips}</td><td class="text-nowrap">{deadline}</td>'
            '<td><div class="d-flex align-items-center gap-2 task-progress"><div class="progress flex-grow-1 task-bar"'
            ' role="progressbar" aria-label="{bar_label}" aria-valuenow="{progress}" aria-valuemin="0"'
            ' aria-valuemax="100"><div class="progress-bar{done}" style="width: {progress}%"></div></div>'
            '<span class="small num progress-value">{progress}%</span></div></td>'
            '<td class="small text-nowrap">{status}</td></tr>',
            pk=task.pk,
            number=task.number,
            url=self.url,
            title=task.title,
            meta=meta_html,
            chips=self.chips_html,
            deadline=task.deadline.isoformat() if task.deadline else "",
            bar_label=_("进度"),
            progress=s.progress,
            done=" bg-success" if s.progress == 100 else "",
            status=mark_safe("<br>".join(status)),  # each part escaped above
        )


def task_rows(*, tasks: Iterable[Task]) -> list[TaskRow]:
    """The rows of a page of ``task_list_for_zone(lean=True)``: one query for the page's
    assignments (plain values), the indicators from its prefetch."""
    today = timezone.localdate()
    tasks = list(tasks)
    by_task = row_assignments([task.pk for task in tasks])
    rows = []
    for task in tasks:
        assignments = by_task[task.pk]
        chips = []
        for a in assignments:
            late = is_late(a, today)
            status = "pending" if a.is_pending_confirmation else (Status.OVERDUE if late else a.status)
            label = "已完成（待确认）" if status == "pending" else STATUS_LABELS.get(status, status)
            name = a.unit_short_name or a.unit_name
            chips.append(
                UnitChip(
                    label=f"{'★' if a.is_lead else ''}{name} {a.progress}%",
                    title=f"{a.unit_name} · {label} · {a.progress}%",
                    tone="late" if late else ("done" if a.status == Status.COMPLETED else ""),
                )
            )
        rows.append(
            TaskRow(
                task=task,
                url=reverse("tasks:task-detail", args=[task.pk]),
                summary=summarize(assignments, today),
                chips=chips,
                indicator_codes=[i.code for i in task.indicators.all()],
            )
        )
    return rows


def assignment_cards(*, assignments: Iterable[Assignment], own_unit_ids: set[int] | None = None) -> list[Assignment]:
    """A page of ``assignment_list_for_units`` with what each card prints worked out once (no query,
    no URL reversal in the template): ``overdue``, ``status_key``/``status_label``, ``last_report``,
    ``detail_url``, ``report_url``, ``history_url``, ``attachment_url``, ``indicator_list``."""
    today = timezone.localdate()
    cards = []
    for a in assignments:
        a.overdue = is_late(a, today)
        if a.is_pending_confirmation:
            a.status_key, a.status_label = "pending", "已完成（待确认）"
        elif a.status == Status.COMPLETED:
            a.status_key, a.status_label = "confirmed", "已完成"
        else:
            key = Status.OVERDUE if a.overdue else a.status
            a.status_key, a.status_label = str(key), STATUS_LABELS.get(key, key)
        a.last_report = a.report_list[0] if a.report_list else None
        a.detail_url = reverse("tasks:task-detail", args=[a.task_id])
        a.report_url = reverse("tasks:assignment-report", args=[a.pk])
        a.attachment_url = (
            reverse("tasks:report-attachment", args=[a.last_report.pk])
            if a.last_report and a.last_report.attachment
            else ""
        )
        a.indicator_list = list(a.task.indicators.all())
        a.can_report = own_unit_ids is None or a.unit_id in own_unit_ids
        cards.append(a)
    return cards
