"""The demo zone grown to province scale: 60 units, 522 tasks, 3,377 assignments, 2,027
progress reports and 5,008 pieces of evidence (the figures of issue 9), and what grows with
them as the zone is used: 8,000 notices, 20,000 login events, 10,000 audit events, 6,000
figure changes (数据变更记录), 600 findings, 2,000 questionnaire answers, 8,000 download
records, and one assignment with 120 progress reports (the task and report pages' history).

``province_scale_grow(zone=..., factor=...)`` adds what is missing to reach the targets
times ``factor`` (bulk_create, a few seconds), so it can grow the same zone to one tenth
and then to full scale; the page budget test (tests/test_page_budget.py) and the load
benchmark (``python -m benchmarks.load``) both use it. Rows are written directly, not
through the services: the point is the shape and size of the data, every state of an
assignment and of a piece of evidence, with the event rows the bulletin reads. The audit
rows are appended to the hash chain as ``audit_record`` would (``verify_audit`` still holds).
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

TARGETS = {
    "units": 60,
    "tasks": 522,
    "assignments": 3377,
    "reports": 2027,
    "evidence": 5008,
    "task_history": 120,  # progress reports of history_assignment() (counted in "reports" too)
    "notices": 8000,
    "login_events": 20000,
    "audit_events": 10000,
    "data_changes": 6000,
    "findings": 600,
    "survey_responses": 2000,
    "downloads": 8000,
}
TITLE = "规模测试"


def _at(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def history_assignment(zone):
    """The assignment whose history grows with the data: the first (oldest) assignment of the unit
    of the zone's first liaison. The page budget walks its task page and its progress-report page."""
    from tasks.models import Assignment
    from zones.models import Membership

    first = Membership.objects.filter(zone=zone, role=Membership.Role.LIAISON).order_by("pk").first()
    rows = Assignment.objects.filter(task__zone=zone).select_related("task", "unit").order_by("pk")
    return rows.filter(unit_id=first.unit_id).first() if first else rows.first()


@transaction.atomic
def province_scale_grow(*, zone, factor: float = 1.0, seed: int = 2026, accounts=None) -> dict[str, int]:
    """Grow ``zone`` to TARGETS × ``factor`` (never shrinks); returns the counts reached.

    ``accounts(units)``, when given, is called once the units exist and before the notices and
    login events are written (the load benchmark adds its accounts there, so they get their share)."""
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
    if accounts is not None:
        accounts(units)
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

    # ------------------------------------------------------ one long history
    # One assignment reported on week after week: its task page and its report page page their
    # history, and the budget test compares their queries at one tenth and at full scale.
    target = history_assignment(zone)
    have_history = ProgressReport.objects.filter(assignment=target).count() if target else 0
    history = [
        ProgressReport(
            assignment=target,
            text=f"{TITLE}第{n + 1}次进展：已召开推进会，完成阶段工作，按计划推进。",
            percent=target.progress,
            by=liaisons.get(target.unit_id),
            at=_at(start + timedelta(days=1 + n % 140)) + timedelta(minutes=n),
        )
        for n in range(have_history, want["task_history"] if target else 0)
    ]
    ProgressReport.objects.bulk_create(history, batch_size=1000)

    # -------------------------------------------------------------- reports
    have_reports = ProgressReport.objects.filter(assignment__task__zone=zone).count()
    started = list(
        Assignment.objects.filter(task__zone=zone, progress__gt=0)
        .exclude(pk=getattr(target, "pk", None))
        .select_related("task")
        .order_by("-pk")
    )
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
    for report in history:
        events.append(
            AssignmentEvent(
                assignment=report.assignment,
                kind=AssignmentEvent.Kind.PROGRESS,
                from_status=target.status,
                to_status=target.status,
                percent=report.percent,
                report=report,
                by=report.by,
                at=report.at,
            )
        )
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
    _grow_records(zone=zone, want=want, rng=rng, units=units, office_user=office_user, liaisons=liaisons)
    return {
        "units": Unit.objects.filter(zone=zone).count(),
        "tasks": Task.objects.filter(zone=zone).count(),
        "assignments": Assignment.objects.filter(task__zone=zone).count(),
        "reports": ProgressReport.objects.filter(assignment__task__zone=zone).count(),
        "evidence": Evidence.objects.filter(zone=zone).count(),
        "task_history": ProgressReport.objects.filter(assignment=target).count() if target else 0,
        **_record_counts(zone),
    }


# ------------------------------------------------------------------ records
# What grows as the zone is used rather than planned: notices, sign-ins, the audit log, the figure
# history, the 市级考评's findings and questionnaire answers, and the download log.


def _campaign(zone):
    from inspections.models import Campaign

    return Campaign.objects.filter(zone=zone).order_by("-pk").first()


def _record_counts(zone) -> dict[str, int]:
    from accounts.models import LoginEvent
    from audit.models import AuditEvent
    from evidence.models import DataChange
    from inspections.models_findings import Finding
    from inspections.models_survey import SurveyResponse
    from notifications.models import Notification
    from reports.models import DownloadRecord

    campaign = _campaign(zone)
    return {
        "notices": Notification.objects.filter(zone_id=zone.pk).count(),
        "login_events": LoginEvent.objects.count(),
        "audit_events": AuditEvent.objects.filter(zone_id=zone.pk).count(),
        "data_changes": DataChange.objects.filter(zone=zone).count(),
        "findings": Finding.objects.filter(campaign=campaign).count() if campaign else 0,
        "survey_responses": (
            SurveyResponse.objects.filter(questionnaire__campaign=campaign).count() if campaign else 0
        ),
        "downloads": DownloadRecord.objects.filter(zone=zone).count(),
    }


def _grow_records(*, zone, want, rng, units, office_user, liaisons) -> None:
    from django.urls import reverse

    from accounts.models import LoginEvent, User
    from audit.chain import GENESIS, canonical_json, row_hash
    from audit.models import AuditAction, AuditEvent, AuditHead
    from evidence.data.selectors import zone_data_needs
    from evidence.models import DataChange, Evidence, EvidenceFile
    from inspections.models_findings import Finding, FindingEvent, Severity
    from inspections.models_survey import Question, Questionnaire, SurveyAnswer, SurveyResponse
    from notifications.models import Notification
    from reports.models import DownloadRecord
    from tasks.models import Assignment
    from zones.models import Membership

    have = _record_counts(zone)
    now = timezone.now()

    # Spread over the last 180 days; sorted, so that a newer row has a larger id, as in use.
    def times(count: int) -> list[datetime]:
        return sorted(now - timedelta(minutes=rng.randint(5, 180 * 24 * 60)) for _ in range(count))

    # ---------------------------------------------------------- notices
    # The zone's office and liaisons share them: the office's to-dos, the liaisons' news.
    members = list(
        Membership.objects.filter(zone=zone, role__in=[Membership.Role.OFFICE, Membership.Role.LIAISON])
        .select_related("user")
        .order_by("pk")
    )
    assignments = list(Assignment.objects.filter(task__zone=zone).values_list("pk", flat=True).order_by("pk")[:500])
    queue_url = reverse("evidence:queue", args=[zone.pk])
    mine_url = reverse("tasks:mine")
    notices = []
    for i in range(max(0, want["notices"] - have["notices"]) if members else 0):
        member = members[i % len(members)]
        if member.role == Membership.Role.OFFICE:
            kind, title, url = Notification.Kind.EVIDENCE_SUBMITTED, f"{TITLE}：有佐证材料待审核（{i + 1}）", queue_url
        else:
            card = assignments[i % len(assignments)] if assignments else 0
            kind = (Notification.Kind.ASSIGNED, Notification.Kind.REMINDER)[i % 2]
            title, url = f"{TITLE}：任务提醒（{i + 1}）", f"{mine_url}?card={card}"
        notices.append(
            Notification(
                recipient=member.user,
                kind=kind,
                title=title,
                body="规模测试数据。",
                url=url,
                zone_id=zone.pk,
                zone_name=zone.name,
                read_at=now if rng.random() < 0.6 else None,
                emailed_at=now,  # no digest of test data
            )
        )
    Notification.objects.bulk_create(notices, batch_size=1000)

    # ----------------------------------------------------- login events
    people = list(User.objects.order_by("pk").values_list("pk", "username"))
    count = max(0, want["login_events"] - have["login_events"])
    kinds = [LoginEvent.Kind.SUCCESS] * 6 + [LoginEvent.Kind.LOGOUT] * 3 + [LoginEvent.Kind.FAILURE]
    LoginEvent.objects.bulk_create(
        (
            LoginEvent(
                user_id=people[i % len(people)][0],
                username=people[i % len(people)][1],
                kind=kinds[i % len(kinds)],
                ip_address=f"10.{i % 200}.{i % 97}.{1 + i % 250}",
                user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) 规模测试",
                at=at,
            )
            for i, at in enumerate(times(count))
        ),
        batch_size=1000,
    )

    # ------------------------------------------------------ audit events
    # Appended to the chain exactly as audit_record writes a row (verify_audit holds afterwards).
    evidence = list(Evidence.objects.filter(zone=zone).order_by("pk").values_list("pk", "title", "unit_id")[:500])
    files = list(EvidenceFile.objects.filter(evidence__zone=zone).select_related("evidence").order_by("pk")[:500])
    actors = [(office_user.pk, office_user.username)] + [(u.pk, u.username) for u in liaisons.values()]
    prev = AuditEvent.objects.order_by("-pk").values_list("hash", flat=True).first() or GENESIS
    rows = []
    for i, at in enumerate(times(max(0, want["audit_events"] - have["audit_events"]))):
        actor_id, username = actors[i % len(actors)]
        fields = {"at": at, "actor_id": actor_id, "actor_username": username, "zone_id": zone.pk,
                  "zone_name": zone.name, "reason": "", "ip": f"10.0.{i % 200}.{1 + i % 250}"}  # fmt: skip
        choice = i % 3
        if choice == 0 and evidence:
            pk, title, unit_id = evidence[i % len(evidence)]
            fields.update(
                action=AuditAction.EVIDENCE_ACCEPTED, target_type="evidence.evidence", target_id=str(pk),
                target_label=title[:200], before=canonical_json({"status": "submitted"}),
                after=canonical_json({"indicator": None, "status": "accepted", "unit": unit_id}),
            )  # fmt: skip
        elif choice == 1 and files:
            file = files[i % len(files)]
            path = reverse("evidence:file-download", args=[zone.pk, file.pk])
            fields.update(
                action=AuditAction.DOWNLOAD, target_type="evidence:file-download", target_id=str(file.pk),
                target_label=path, before="",
                after=canonical_json({"disposition": f'attachment; filename="{file.pk}.pdf"', "path": path}),
            )  # fmt: skip
        else:
            fields.update(
                action=AuditAction.DATA_CHANGED, target_type="evidence.datachange", target_id="",
                target_label=f"{TITLE}统计数据{i + 1}", before="",
                after=canonical_json({"changes": [], "fields": 1, "via": "form"}),
            )  # fmt: skip
        digest = row_hash(prev, fields)
        rows.append(AuditEvent(prev_hash=prev, hash=digest, **fields))
        prev = digest
    if rows:
        AuditEvent.objects.bulk_create(rows, batch_size=1000)
        last = rows[-1]
        if not AuditHead.objects.filter(pk=1).update(last_id=last.pk, last_hash=last.hash):
            AuditHead.objects.create(pk=1, last_id=last.pk, last_hash=last.hash)

    # ----------------------------------------------------- data changes
    needs = zone_data_needs(zone=zone)
    metrics = [need.metric for need in needs.metrics.values()]
    years = needs.all_years() or [timezone.localdate().year - 1]
    editors = list(liaisons.values()) or [office_user]
    changes = []
    for i in range(max(0, want["data_changes"] - have["data_changes"]) if metrics else 0):
        metric, year = metrics[i % len(metrics)], years[i % len(years)]
        old = rng.randint(100, 90000)
        changes.append(
            DataChange(
                zone=zone,
                target=DataChange.Target.VALUE,
                action=DataChange.Action.UPDATED,
                metric=metric,
                year=year,
                label=f"{metric.name} {year}年",
                field="value",
                old_value=str(old),
                new_value=str(old + rng.randint(1, 5000)),
                changed_by=editors[i % len(editors)],
                via=(DataChange.Via.FORM, DataChange.Via.EXCEL)[i % 5 == 0],
            )
        )
    DataChange.objects.bulk_create(changes, batch_size=1000)

    # ------------------------------------------- findings and answers
    campaign = _campaign(zone)
    evaluations = list(campaign.evaluations.select_related("unit").order_by("pk")) if campaign else []
    if evaluations:
        number = Finding.objects.filter(campaign=campaign).order_by("-number").values_list("number", flat=True)
        number = number.first() or 0
        statuses = list(Finding.Status.values)
        findings = []
        for i in range(max(0, want["findings"] - have["findings"])):
            evaluation = evaluations[i % len(evaluations)]
            status = statuses[i % len(statuses)]
            closed = status == Finding.Status.CLOSED
            findings.append(
                Finding(
                    campaign=campaign,
                    evaluation=evaluation,
                    unit=evaluation.unit,
                    number=number + i + 1,
                    title=f"{TITLE}问题{number + i + 1}：网店公示信息不全，未按要求亮照经营。",
                    location="辖区网络经营者",
                    severity=list(Severity.values)[i % 3],
                    deadline=timezone.localdate() + timedelta(days=rng.randint(-30, 60)),
                    status=status,
                    response="已督促整改。" if status != Finding.Status.PENDING else "",
                    created_by=evaluation.evaluator or office_user,
                    closed_by=(evaluation.evaluator or office_user) if closed else None,
                    closed_at=now if closed else None,
                )
            )
        Finding.objects.bulk_create(findings, batch_size=1000)
        FindingEvent.objects.bulk_create(
            (
                FindingEvent(
                    finding=f,
                    kind=FindingEvent.Kind.RAISED,
                    to_status=Finding.Status.PENDING,
                    text=f.title,
                    by=f.created_by,
                )
                for f in findings
            ),
            batch_size=1000,
        )
    questionnaire = Questionnaire.objects.filter(campaign=campaign).first() if campaign else None
    questions = list(Question.objects.filter(questionnaire=questionnaire).order_by("position")) if questionnaire else []
    if questions:
        entered = times(max(0, want["survey_responses"] - have["survey_responses"]))
        responses = SurveyResponse.objects.bulk_create(
            (
                SurveyResponse(
                    questionnaire=questionnaire,
                    respondent=f"GM{have['survey_responses'] + i + 1:05d}",
                    unit=units[i % len(units)],
                    source=SurveyResponse.Source.IMPORT,
                    entered_by=office_user,
                    entered_at=at,
                )
                for i, at in enumerate(entered)
            ),
            batch_size=1000,
        )
        answers = []
        for i, response in enumerate(responses):
            for question in questions:
                if question.kind == Question.Kind.TEXT:
                    if i % 5 == 0:
                        answers.append(
                            SurveyAnswer(response=response, question=question, text="希望加强直播带货监管。")
                        )
                    continue
                count = len(question.options) or 1
                chosen = {i % count} if question.kind == Question.Kind.SINGLE else {i % count, (i // 3) % count}
                answers += [SurveyAnswer(response=response, question=question, option=o) for o in sorted(chosen)]
        SurveyAnswer.objects.bulk_create(answers, batch_size=2000)

    # -------------------------------------------------------- downloads
    readers = [office_user, *liaisons.values()]
    downloads = []
    for i, at in enumerate(times(max(0, want["downloads"] - have["downloads"]) if files else 0)):
        file, reader = files[i % len(files)], readers[i % len(readers)]
        downloads.append(
            DownloadRecord(
                user=reader,
                username=reader.username,
                zone=zone,
                evidence_file=file,
                what=f"佐证材料：{file.evidence.title}(v{file.version})"[:200],
                file_name=file.original_name,
                size=file.size,
                sha256=file.sha256,
                via=(DownloadRecord.Via.PAGE, DownloadRecord.Via.PREVIEW)[i % 4 == 0],
                ip_address=f"10.1.{i % 200}.{1 + i % 250}",
                at=at,
            )
        )
    DownloadRecord.objects.bulk_create(downloads, batch_size=1000)
