"""The demo zone grown to province scale: 60 units, 522 tasks, 3,377 assignments, 2,027
progress reports and 5,008 pieces of evidence (the figures of issue 9).

``province_scale_grow(zone=..., factor=...)`` adds what is missing to reach the targets
times ``factor`` (bulk_create, a few seconds), so it can grow the same zone to one tenth
and then to full scale; the page budget test (tests/test_page_budget.py) and the load
benchmark (``python -m benchmarks.load``) both use it. Rows are written directly, not
through the services: the point is the shape and size of the data, every state of an
assignment and of a piece of evidence, with the event rows the bulletin reads.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

TARGETS = {"units": 60, "tasks": 522, "assignments": 3377, "reports": 2027, "evidence": 5008}
TITLE = "规模测试"


def _at(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@transaction.atomic
def province_scale_grow(*, zone, factor: float = 1.0, seed: int = 2026) -> dict[str, int]:
    """Grow ``zone`` to TARGETS × ``factor`` (never shrinks); returns the counts reached."""
    from django.db import connection

    from accounts.models import User
    from evidence.models import Evidence, EvidenceEvent, EvidenceFile
    from indicators.models import Indicator
    from tasks.models import Assignment, AssignmentEvent, ProgressReport, Task
    from zones.models import Membership, Unit

    # bulk_create sets the primary keys (PostgreSQL, SQLite ≥ 3.35): the rows below point at them.
    assert connection.features.can_return_rows_from_bulk_insert
    rng = random.Random(f"{seed}-{factor}")
    want = {key: round(value * factor) for key, value in TARGETS.items()}
    today = timezone.localdate()
    office = Membership.objects.filter(zone=zone, role=Membership.Role.OFFICE).select_related("user").first()
    office_user = office.user if office else User.objects.order_by("pk").first()

    have_units = Unit.objects.filter(zone=zone).count()
    last = Unit.objects.filter(zone=zone).order_by("-position").values_list("position", flat=True).first() or 0
    Unit.objects.bulk_create(
        Unit(zone=zone, name=f"{TITLE}单位{i:03d}", short_name=f"规模{i:03d}", position=last + 1 + i)
        for i in range(have_units, want["units"])
    )
    units = list(Unit.objects.filter(zone=zone).order_by("position", "pk"))
    liaisons = {
        m.unit_id: m.user
        for m in Membership.objects.filter(zone=zone, role=Membership.Role.LIAISON).select_related("user")
    }

    # ---------------------------------------------------------------- tasks
    have_tasks = Task.objects.filter(zone=zone).count()
    have_assignments = Assignment.objects.filter(task__zone=zone).count()
    new_tasks = max(0, want["tasks"] - have_tasks)
    new_assignments = max(0, want["assignments"] - have_assignments)
    position = (Task.objects.filter(zone=zone).order_by("-position").values_list("position", flat=True).first()) or 0
    tasks = Task.objects.bulk_create(
        Task(
            zone=zone,
            number=f"S{have_tasks + i + 1}",
            title=f"{TITLE}任务{have_tasks + i + 1}：推进网络市场监管与服务重点工作",
            description="规模测试数据。",
            deadline=today + timedelta(days=rng.randint(-90, 120)),
            position=position + i + 1,
            created_by=office_user,
        )
        for i in range(new_tasks)
    )
    assignments = []
    per_task = [new_assignments // new_tasks + (1 if i < new_assignments % new_tasks else 0) for i in range(new_tasks)]
    for task, count in zip(tasks, per_task):
        for index, unit in enumerate(rng.sample(units, min(count, len(units)))):
            state = rng.random()
            if state < 0.3:
                status, progress = Assignment.Status.COMPLETED, 100
            elif state < 0.6:
                status, progress = Assignment.Status.IN_PROGRESS, rng.randint(10, 90)
            elif task.deadline < today and state < 0.8:
                status, progress = Assignment.Status.OVERDUE, rng.randint(0, 60)
            else:
                status, progress = Assignment.Status.NOT_STARTED, 0
            assignments.append(
                Assignment(
                    task=task,
                    unit=unit,
                    is_lead=index == 0,
                    status=status,
                    progress=progress,
                    due_date=task.deadline,
                    confirmed_by=office_user if status == Assignment.Status.COMPLETED and state < 0.15 else None,
                    confirmed_at=_at(today) if status == Assignment.Status.COMPLETED and state < 0.15 else None,
                )
            )
    Assignment.objects.bulk_create(assignments, batch_size=1000)
    start = today - timedelta(days=150)
    AssignmentEvent.objects.bulk_create(
        (
            AssignmentEvent(
                assignment=a,
                kind=AssignmentEvent.Kind.CREATED,
                to_status=Assignment.Status.NOT_STARTED,
                by=office_user,
                at=_at(start),
            )
            for a in assignments
        ),
        batch_size=1000,
    )

    # -------------------------------------------------------------- reports
    have_reports = ProgressReport.objects.filter(assignment__task__zone=zone).count()
    started = list(Assignment.objects.filter(task__zone=zone, progress__gt=0).select_related("task").order_by("-pk"))
    reports, events = [], []
    for i in range(max(0, want["reports"] - have_reports) if started else 0):
        a = started[i % len(started)]
        second = i >= len(started)  # a second report: the earlier, lower figure
        percent = max(1, a.progress // 2) if second else a.progress
        day = min(today, a.due_date + timedelta(days=rng.randint(-40, 10))) - timedelta(days=20 if second else 0)
        reports.append(
            ProgressReport(
                assignment=a,
                text=f"{a.task.title}：已完成{percent}%的工作，按计划推进。",
                percent=percent,
                by=liaisons.get(a.unit_id),
                at=_at(max(day, start + timedelta(days=1))),
            )
        )
    ProgressReport.objects.bulk_create(reports, batch_size=1000)
    for report in reports:
        a = report.assignment
        done = report.percent == 100 and a.status == Assignment.Status.COMPLETED
        events.append(
            AssignmentEvent(
                assignment=a,
                kind=AssignmentEvent.Kind.SUBMITTED if done else AssignmentEvent.Kind.PROGRESS,
                from_status=Assignment.Status.NOT_STARTED,
                to_status=Assignment.Status.COMPLETED if done else Assignment.Status.IN_PROGRESS,
                percent=report.percent,
                report=report,
                by=report.by,
                at=report.at,
            )
        )
    AssignmentEvent.objects.bulk_create(events, batch_size=1000)

    # ------------------------------------------------------------- evidence
    have_evidence = Evidence.objects.filter(zone=zone).count()
    items = list(Indicator.objects.filter(system=zone.system_id, level=3).order_by("position"))
    authors = list(liaisons.values()) or [office_user]
    evidence = []
    for i in range(max(0, want["evidence"] - have_evidence)):
        unit = units[i % len(units)]
        state = rng.random()
        status = (
            "accepted" if state < 0.45 else "submitted" if state < 0.66 else "returned" if state < 0.72 else "draft"
        )
        evidence.append(
            Evidence(
                zone=zone,
                indicator=items[i % len(items)],
                unit=unit,
                title=f"{TITLE}佐证材料{have_evidence + i + 1}",
                description="规模测试数据。",
                effective_date=today - timedelta(days=rng.randint(0, 400)),
                status=status,
                created_by=liaisons.get(unit.pk) or authors[i % len(authors)],
                reviewed_by=office_user if status in ("accepted", "returned") else None,
                reviewed_at=_at(today) if status in ("accepted", "returned") else None,
                return_reason="材料不完整，请补充盖章页。" if status == "returned" else "",
            )
        )
    Evidence.objects.bulk_create(evidence, batch_size=1000)
    files = []
    for e in evidence:
        digest = hashlib.sha256(f"{zone.pk}-{e.pk}".encode()).hexdigest()
        files.append(
            EvidenceFile(
                evidence=e,
                version=1,
                stored_name=f"evidence/scale/{digest}.pdf",
                original_name=f"{e.title}.pdf",
                size=20480,
                sha256=digest,
                content_type="application/pdf",
                uploaded_by=e.created_by,
            )
        )
    EvidenceFile.objects.bulk_create(files, batch_size=1000)
    EvidenceEvent.objects.bulk_create(
        (
            EvidenceEvent(evidence=e, from_status="draft", to_status=e.status, by=e.created_by)
            for e in evidence
            if e.status != "draft"
        ),
        batch_size=1000,
    )
    return {
        "units": Unit.objects.filter(zone=zone).count(),
        "tasks": Task.objects.filter(zone=zone).count(),
        "assignments": Assignment.objects.filter(task__zone=zone).count(),
        "reports": ProgressReport.objects.filter(assignment__task__zone=zone).count(),
        "evidence": Evidence.objects.filter(zone=zone).count(),
    }
