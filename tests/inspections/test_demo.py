"""The demo's 自查自纠 and 市级考评 in 三明市: a closed campaign, most units submitted and two late,
two city evaluators, findings in every state, a questionnaire with answers, the ranking; reloadable."""

import pytest
from django.core.management import call_command

from inspections.models import Campaign, Finding, SelfCheck, SurveyResponse
from inspections.ranking import campaign_ranking
from zones.models import Zone

pytestmark = pytest.mark.django_db


def test_the_demo_campaign(standard, django_capture_on_commit_callbacks):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    with django_capture_on_commit_callbacks(execute=True):  # reloading starts the campaign over
        call_command("load_demo", stdout=open("/dev/null", "w"))
    zone = Zone.objects.get(name="三明市")
    campaign = Campaign.objects.get(zone=zone)
    assert campaign.status == Campaign.Status.CLOSED
    selfchecks = list(campaign.selfchecks.select_related("unit", "campaign"))
    submitted = [s for s in selfchecks if s.status == SelfCheck.Status.SUBMITTED]
    assert len(submitted) >= len(selfchecks) - 2
    assert sorted(s.unit.short_name for s in submitted if s.is_late) == ["永安市", "财政局"]
    assert {s.unit.short_name: s.status for s in selfchecks if s.status != "submitted"} == {
        "文旅局": "returned",
        "林业局": "draft",
    }
    commerce = next(s for s in selfchecks if s.unit.short_name == "商务局")
    assert commerce.pdf_status == SelfCheck.PdfStatus.READY and len(commerce.pdf_sha256) == 64

    members = {m.user.username: m.role for m in campaign.team.select_related("user")}
    assert members == {"office": "leader", "expert": "member", "expert2": "member"}
    assert set(campaign.evaluations.values_list("evaluator__username", flat=True)) == {"expert", "expert2"}

    states = set(Finding.objects.filter(campaign=campaign).values_list("status", flat=True))
    assert states == set(Finding.Status.values)
    assert not Finding.objects.filter(campaign=campaign, severity="serious").exclude(status="closed").exists()
    assert zone.status == Zone.Status.PROVINCIAL_REVIEW
    assert SurveyResponse.objects.filter(questionnaire__campaign=campaign).count() == 40

    rows = campaign_ranking(campaign=campaign)
    grades = {r.entry.grade for r in rows if r.entry.rank}
    assert {"excellent", "good", "fail"} <= grades
    ranks = [r.entry.rank for r in rows if r.entry.rank]
    assert ranks == sorted(ranks) and len(set(ranks)) < len(ranks)  # ties share a rank
