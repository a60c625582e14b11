"""The self-check page, the evaluation page, the ranking and the lists run a fixed number of
queries, with 1× or 5× the units, items, tasks, evidence, findings and answers."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evidence.models import Evidence, EvidenceFile
from indicators.models import Indicator
from inspections import services, survey
from inspections.models import Evaluation, Finding, SelfCheckEntry
from tasks.models import Assignment, ProgressReport, Task
from tests.factories import UnitFactory
from zones.models import IndicatorResponsibility, Unit

pytestmark = pytest.mark.django_db


def grow(campaign, unit_x, office, n, step):
    """n more units (with rows, a finished evaluation and findings), and n more items, tasks,
    evidence files and answers for unit X."""
    zone = campaign.zone
    have = set(IndicatorResponsibility.objects.filter(zone=zone, unit=unit_x).values_list("indicator_id", flat=True))
    free = [i for i in Indicator.objects.filter(system=zone.system, level=3).order_by("position") if i.pk not in have]
    selfcheck = campaign.selfchecks.get(unit=unit_x)
    evaluation = campaign.evaluations.get(unit=unit_x)
    for i, indicator in enumerate(free[:n]):
        IndicatorResponsibility.objects.create(zone=zone, indicator=indicator, unit=unit_x, is_lead=i % 2 == 0)
        evidence = Evidence.objects.create(
            zone=zone, indicator=indicator, unit=unit_x, title=f"材料{step}-{i}", status="submitted"
        )
        for version in (1, 2):
            EvidenceFile.objects.create(
                evidence=evidence,
                version=version,
                stored_name=f"evidence/q/{step}-{i}-{version}.pdf",
                original_name="x.pdf",
                size=10,
                sha256=f"{version:064x}",
                content_type="application/pdf",
            )
        SelfCheckEntry.objects.create(selfcheck=selfcheck, indicator=indicator, status="done", done_text="已完成")
        evaluation.results.create(indicator=indicator, result="done")
    for i in range(n):
        task = Task.objects.create(zone=zone, title=f"任务{step}-{i}", deadline=date(2030, 1, 1))
        assignment = Assignment.objects.create(task=task, unit=unit_x, due_date=date(2030, 1, 1))
        ProgressReport.objects.create(assignment=assignment, text="进展", percent=20, by=office)
        SelfCheckEntry.objects.create(selfcheck=selfcheck, assignment=assignment, status="mostly")
        unit = UnitFactory(zone=zone, name=f"增加单位{step}-{i}", position=100 + i)
        services.campaign_units_sync(campaign=campaign)
        Evaluation.objects.filter(campaign=campaign, unit=unit).update(
            status="done", score=Decimal(50 + i), finished_at="2025-01-01T00:00:00Z"
        )
        number = Finding.objects.filter(campaign=campaign).count() + 1
        Finding.objects.create(
            campaign=campaign,
            evaluation=evaluation,
            unit=unit_x if i % 2 else Unit.objects.get(pk=unit.pk),
            indicator=free[i] if i < len(free) and i % 2 == 0 else None,
            assignment=assignment if i % 2 else None,  # the 按任务 table of the findings page
            number=number,
            title=f"问题{number}",
            deadline=date(2030, 1, 1),
            severity="serious" if i % 3 == 0 else "general",
        )
    questionnaire = survey.questionnaire_set(campaign=campaign, title="问卷")
    if not questionnaire.questions.exists():
        survey.question_add(questionnaire=questionnaire, kind="single", text="满意吗", options=["是", "否"])
        survey.question_add(questionnaire=questionnaire, kind="text", text="建议", options=[])
    q1, q2 = questionnaire.questions.all()
    for i in range(n):
        survey.response_add(questionnaire=questionnaire, user=office, answers={q1.pk: "A", q2.pk: f"建议{i}"})


PAGES = [
    ("campaign", "campaign"),
    ("selfcheck", "selfcheck"),
    ("evaluation", "evaluation"),
    ("ranking", "campaign"),
    ("findings", "campaign"),
    ("questionnaire", "campaign"),
    ("answers", "campaign"),
]


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("name", "target"), PAGES)
def test_fixed_number_of_queries(client, campaign, unit_x, office_a, name, target):
    client.force_login(office_a)
    objects = {
        "campaign": campaign.pk,
        "selfcheck": campaign.selfchecks.get(unit=unit_x).pk,
        "evaluation": campaign.evaluations.get(unit=unit_x).pk,
    }
    url = reverse(f"inspections:{name}", args=[objects[target]])
    grow(campaign, unit_x, office_a, 2, "a")
    client.get(url)  # warm the session
    small = count(client, url)
    grow(campaign, unit_x, office_a, 10, "b")
    assert count(client, url) == small, f"{name}: the number of queries grows with the data"
