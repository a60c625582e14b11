"""The campaign's tabs offer only what the reader may open: a liaison (no questionnaire for them)
sees no 问卷调查 tab and no link to it on any page of the campaign."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections import findings as fs

pytestmark = pytest.mark.django_db


def test_a_liaison_sees_no_link_to_the_questionnaire(client, evaluation_x, evaluator_a, liaison_x, selfcheck_x):
    campaign = evaluation_x.campaign
    finding = fs.finding_create(
        evaluation=evaluation_x,
        user=evaluator_a,
        title="台账未更新",
        severity="general",
        deadline=timezone.localdate() + timedelta(days=5),
    )
    questionnaire = reverse("inspections:questionnaire", args=[campaign.pk])
    client.force_login(liaison_x)
    assert client.get(questionnaire).status_code == 404
    pages = [
        reverse("inspections:campaign", args=[campaign.pk]),
        reverse("inspections:selfcheck", args=[selfcheck_x.pk]),
        reverse("inspections:findings", args=[campaign.pk]),
        reverse("inspections:finding", args=[finding.pk]),
        reverse("inspections:ranking", args=[campaign.pk]),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert 'id="campaign-nav"' in html
        assert questionnaire not in html and "问卷调查" not in html, page


def test_the_office_and_the_evaluator_keep_the_questionnaire_tab(client, team, office_a, evaluator_a):
    questionnaire = reverse("inspections:questionnaire", args=[team.pk])
    for user in (office_a, evaluator_a):
        client.force_login(user)
        html = client.get(reverse("inspections:campaign", args=[team.pk])).content.decode()
        assert questionnaire in html
        assert client.get(questionnaire).status_code == 200
