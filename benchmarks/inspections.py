"""Benchmark of 自查自纠 and 市级考评 at 60 units. Run: ``python -m benchmarks.inspections``.

One zone with 60 units, each responsible for 12 of the 41 items and assigned 20 of 200 tasks,
two evidence files per item, every self-check answered and submitted, every evaluation finished,
300 findings and 500 questionnaire answers (bulk_create). Prints, for the pages the issue names,
the median time over ``--repeat`` requests through Django's test Client (logged in as the
office) and the number of queries, which does not grow with the data; then the time to render
one unit's 自查报告 PDF and the 考评结果通报 workbook.
"""

import argparse
import os
import random
import statistics
import time
from datetime import timedelta
from decimal import Decimal

from benchmarks._setup import django_with_temp_db


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--items", type=int, default=12, help="items per unit")
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--per-unit", type=int, default=20, help="tasks per unit")
    parser.add_argument("--findings", type=int, default=300)
    parser.add_argument("--answers", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    db_path = django_with_temp_db()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from evidence.models import Evidence, EvidenceFile
    from indicators.models import Indicator, IndicatorSystem
    from inspections import report, services, survey
    from inspections.models import (
        Evaluation,
        EvaluationMethod,
        EvaluationResult,
        Finding,
        SelfCheck,
        SelfCheckEntry,
        SurveyAnswer,
        SurveyResponse,
    )
    from inspections.ranking import campaign_ranking, findings_for_export, ranking_to_workbook
    from tasks.models import Assignment, Task
    from zones.models import IndicatorResponsibility, Membership, Region, Unit, Zone

    setup_test_environment()
    call_command("load_standard", verbosity=0, stdout=open(os.devnull, "w"))
    rng = random.Random(2025)
    today = timezone.localdate()

    province = Region.objects.create(name="基准省", level=Region.Level.PROVINCE, category="east")
    city = Region.objects.create(name="基准市", level=Region.Level.CITY, parent=province)
    zone = Zone.objects.create(name="基准创建对象", region=city, system=IndicatorSystem.objects.get(code="CN-2024"))
    units = Unit.objects.bulk_create(
        Unit(zone=zone, name=f"基准单位{i:02d}", short_name=f"单位{i:02d}", position=i) for i in range(args.units)
    )
    office = User.objects.create_user(username="bench-office", password="Bench@2024!")
    Membership.objects.create(user=office, role=Membership.Role.OFFICE, zone=zone)
    items = list(Indicator.objects.filter(system=zone.system, level=3).order_by("position"))
    duties = {u.pk: rng.sample(items, args.items) for u in units}
    IndicatorResponsibility.objects.bulk_create(
        IndicatorResponsibility(zone=zone, indicator=item, unit_id=unit_id, is_lead=n == 0)
        for unit_id, unit_items in duties.items()
        for n, item in enumerate(unit_items)
    )
    evidence = Evidence.objects.bulk_create(
        Evidence(zone=zone, indicator=item, unit_id=unit_id, title=f"材料{unit_id}-{item.code}", status="submitted")
        for unit_id, unit_items in duties.items()
        for item in unit_items
    )
    EvidenceFile.objects.bulk_create(
        EvidenceFile(
            evidence=e,
            version=v,
            stored_name=f"evidence/bench/{e.pk}-{v}.pdf",
            original_name="材料.pdf",
            size=1000,
            sha256=f"{e.pk * 10 + v:064x}",
            content_type="application/pdf",
        )
        for e in evidence
        for v in (1, 2)
    )
    tasks = Task.objects.bulk_create(
        Task(zone=zone, number=str(i + 1), title=f"基准任务{i + 1}", deadline=today + timedelta(days=90), position=i)
        for i in range(args.tasks)
    )
    assignments = Assignment.objects.bulk_create(
        Assignment(task=task, unit=unit, due_date=task.deadline, progress=50, status="in_progress")
        for unit in units
        for task in rng.sample(tasks, args.per_unit)
    )

    campaign = services.campaign_open(zone=zone, user=office, title="基准自查考评", due_date=today + timedelta(days=5))
    selfchecks = {s.unit_id: s for s in SelfCheck.objects.filter(campaign=campaign)}
    evaluations = {e.unit_id: e for e in Evaluation.objects.filter(campaign=campaign)}
    statuses = ["done", "done", "done", "mostly", "not_done"]
    SelfCheckEntry.objects.bulk_create(
        [
            SelfCheckEntry(selfcheck=selfchecks[u], indicator=item, status=rng.choice(statuses), done_text="已落实")
            for u, unit_items in duties.items()
            for item in unit_items
        ]
        + [
            SelfCheckEntry(
                selfcheck=selfchecks[a.unit_id], assignment=a, status=rng.choice(statuses), done_text="已推进"
            )
            for a in assignments
        ]
    )
    SelfCheck.objects.filter(campaign=campaign).update(status="submitted", submitted_at=timezone.now())
    EvaluationResult.objects.bulk_create(
        [
            EvaluationResult(evaluation=evaluations[u], indicator=item, result=rng.choice(statuses[:4]))
            for u, unit_items in duties.items()
            for item in unit_items
        ]
        + [
            EvaluationResult(evaluation=evaluations[a.unit_id], assignment=a, result=rng.choice(statuses[:4]))
            for a in assignments
        ]
    )
    EvaluationMethod.objects.bulk_create(
        EvaluationMethod(evaluation=e, method=m, on=today)
        for e in evaluations.values()
        for m in ("report", "documents")
    )
    for evaluation in evaluations.values():
        evaluation.status = "done"
        evaluation.score = Decimal(rng.randint(50, 100))
        evaluation.finished_at = timezone.now()
    Evaluation.objects.bulk_update(list(evaluations.values()), ["status", "score", "finished_at"])
    Finding.objects.bulk_create(
        Finding(
            campaign=campaign,
            evaluation=evaluations[unit.pk],
            unit=unit,
            indicator=duties[unit.pk][0],
            number=n + 1,
            title=f"基准问题{n + 1}",
            severity=rng.choice(["general", "major", "serious"]),
            deadline=today + timedelta(days=rng.randint(-10, 30)),
            status=rng.choice(["pending", "rectifying", "recheck", "returned"]),
        )
        for n, unit in enumerate(rng.choices(units, k=args.findings))
    )
    questionnaire = survey.questionnaire_set(campaign=campaign, title="基准问卷")
    q1 = survey.question_add(questionnaire=questionnaire, kind="single", text="满意吗", options=["是", "一般", "否"])
    q2 = survey.question_add(questionnaire=questionnaire, kind="multiple", text="渠道", options=["甲", "乙", "丙"])
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(questionnaire=questionnaire, respondent=str(i)) for i in range(args.answers)
    )
    SurveyAnswer.objects.bulk_create(
        [SurveyAnswer(response=r, question=q1, option=rng.randrange(3)) for r in responses]
        + [SurveyAnswer(response=r, question=q2, option=o) for r in responses for o in (0, 2)]
    )

    client = Client()
    client.force_login(office)
    unit = units[0]
    pages = {
        "自查页面 (self-check, 1 unit)": reverse("inspections:selfcheck", args=[selfchecks[unit.pk].pk]),
        "考评页面 (evaluation, 1 unit)": reverse("inspections:evaluation", args=[evaluations[unit.pk].pk]),
        "自查进度 (campaign, 60 units)": reverse("inspections:campaign", args=[campaign.pk]),
        "考评结果排名 (ranking, 60 units)": reverse("inspections:ranking", args=[campaign.pk]),
        "问题清单 (findings, page 1)": reverse("inspections:findings", args=[campaign.pk]),
        "问卷汇总 (questionnaire)": reverse("inspections:questionnaire", args=[campaign.pk]),
        "驾驶舱 (dashboard with ranking)": reverse("tasks:dashboard", args=[zone.pk]),
    }
    print(
        f"{args.units} units, {len(items)} items, {args.units * args.items} responsibilities, "
        f"{len(assignments)} assignments, {len(evidence) * 2} evidence files, {args.findings} findings, "
        f"{args.answers} questionnaire answers"
    )
    print(f"{'page':<36} {'median ms':>10} {'queries':>8}")
    for label, url in pages.items():
        client.get(url)
        connection.queries_log.clear()  # a full log (DEBUG, 9,000 entries) would hide the count
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (label, response.status_code)
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        print(f"{label:<36} {statistics.median(timings):>10.1f} {len(ctx.captured_queries):>8}")

    selfcheck = SelfCheck.objects.select_related("campaign__zone", "campaign__system", "unit").get(
        pk=selfchecks[unit.pk].pk
    )
    start = time.perf_counter()
    pdf = report.selfcheck_report_pdf(selfcheck=selfcheck)
    seconds = time.perf_counter() - start
    print(f"自查报告 PDF of one unit ({args.items} items, {args.per_unit} tasks): {seconds:.2f} s, {len(pdf)} bytes")
    start = time.perf_counter()
    ranking_to_workbook(
        campaign=campaign,
        rows=campaign_ranking(campaign=campaign),
        findings=findings_for_export(campaign=campaign),
        on=today,
    )
    print(f"考评结果通报 workbook (60 units, {args.findings} findings): {(time.perf_counter() - start) * 1000:.0f} ms")
    if db_path:
        os.unlink(db_path)


if __name__ == "__main__":
    main()
