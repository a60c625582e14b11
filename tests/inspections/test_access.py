"""Who sees and does what: a liaison their unit, an evaluator the units assigned to them, the office
everything of its zone, a provincial reviewer reads."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections import findings as fs
from tests.factories import MembershipFactory, UserFactory
from zones.models import Membership

from .conftest import answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def liaison_y(unit_y):
    return MembershipFactory(
        user=UserFactory(username="liaison_y"), role=Membership.Role.LIAISON, zone=unit_y.zone, unit=unit_y
    ).user


@pytest.fixture
def finding_x(evaluation_x, evaluator_a):
    return fs.finding_create(
        evaluation=evaluation_x,
        user=evaluator_a,
        title="公示信息不全",
        severity="general",
        deadline=timezone.localdate() + timedelta(days=5),
    )


def status(client, user, name, *args, method="get", data=None):
    client.force_login(user)
    return getattr(client, method)(reverse(f"inspections:{name}", args=args), data or {}).status_code


def test_a_liaison_sees_and_edits_only_their_units_self_check_and_findings(
    client, team, selfcheck_x, selfcheck_y, finding_x, liaison_x, liaison_y, evaluation_x
):
    assert status(client, liaison_x, "selfcheck", selfcheck_x.pk) == 200
    assert status(client, liaison_x, "selfcheck", selfcheck_y.pk) == 404
    assert status(client, liaison_y, "finding", finding_x.pk) == 404
    assert status(client, liaison_x, "finding", finding_x.pk) == 200
    # the evaluation in progress is the 考评组's; the unit reads it once finished
    assert status(client, liaison_x, "evaluation", evaluation_x.pk) == 404
    assert status(client, liaison_x, "team", team.pk) == 403
    page = client.get(reverse("inspections:campaign", args=[team.pk]))
    assert [line.unit.pk for line in page.context["lines"]] == [selfcheck_x.unit_id]
    findings = client.get(reverse("inspections:findings", args=[team.pk]))
    assert [f.pk for f in findings.context["page"]] == [finding_x.pk]
    client.force_login(liaison_y)
    assert client.get(reverse("inspections:findings", args=[team.pk])).context["page"].paginator.count == 0


def test_an_evaluator_sees_only_the_units_assigned_to_them(
    client, team, evaluation_x, evaluator_a, evaluator_a2, finding_x, selfcheck_x, selfcheck_y, unit_y
):
    evaluation_y = team.evaluations.get(unit=unit_y)
    assert status(client, evaluator_a, "evaluation", evaluation_x.pk) == 200
    assert status(client, evaluator_a, "evaluation", evaluation_y.pk) == 404
    assert status(client, evaluator_a, "selfcheck", selfcheck_x.pk) == 200
    assert status(client, evaluator_a, "selfcheck", selfcheck_y.pk) == 404
    assert status(client, evaluator_a2, "finding", finding_x.pk) == 404
    # reading a self-check is not filling it in
    assert status(client, evaluator_a, "selfcheck", selfcheck_x.pk, method="post", data={"summary": "x"}) == 403
    # the other evaluator cannot record on X's evaluation
    assert status(client, evaluator_a2, "method-add", evaluation_x.pk, method="post") == 404


def test_an_evaluator_outside_the_team_sees_no_unit(client, campaign, evaluator_a, selfcheck_x):
    assert status(client, evaluator_a, "campaign", campaign.pk) == 404
    assert status(client, evaluator_a, "selfcheck", selfcheck_x.pk) == 404


def test_the_office_sees_everything_and_the_provincial_reviewer_reads(
    client, team, evaluation_x, finding_x, selfcheck_x, office_a, reviewer_fujian, liaison_x
):
    for user in (office_a, reviewer_fujian):
        assert status(client, user, "campaign", team.pk) == 200
        assert status(client, user, "evaluation", evaluation_x.pk) == 200
        assert status(client, user, "finding", finding_x.pk) == 200
        assert status(client, user, "ranking", team.pk) == 200
        assert status(client, user, "findings", team.pk) == 200
    answer_all(selfcheck_x, liaison_x)
    assert (
        status(client, reviewer_fujian, "selfcheck-return", selfcheck_x.pk, method="post", data={"reason": "x"}) == 403
    )
    assert status(client, reviewer_fujian, "finding-recheck", finding_x.pk, method="post") == 403
    assert status(client, reviewer_fujian, "campaign-close", team.pk, method="post") == 403
    assert status(client, office_a, "team", team.pk) == 200
    # the reviewer reads the 考核考评组 too (the issue: "a provincial reviewer reads"), without its forms
    client.force_login(reviewer_fujian)
    page = client.get(reverse("inspections:team", args=[team.pk])).content.decode()
    assert "evaluator_a2" in page and "team-add-form" not in page and "assign-form" not in page
    assert status(client, reviewer_fujian, "team", team.pk, method="post", data={"action": "assign"}) == 403
    # the office records on any unit's evaluation (it runs the 考评组)
    assert status(client, office_a, "method-add", evaluation_x.pk, method="post", data={"method": "report"}) == 302


def test_a_liaison_reaches_their_self_check_from_the_campaign(client, campaign, liaison_x, selfcheck_x):
    client.force_login(liaison_x)
    response = client.get(reverse("inspections:selfcheck-mine", args=[campaign.pk]))
    assert response["Location"] == reverse("inspections:selfcheck", args=[selfcheck_x.pk])
    home = client.get(reverse("inspections:home"))
    assert home.status_code == 200 and home.context["rows"][0]["selfcheck"] == selfcheck_x
