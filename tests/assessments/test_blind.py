"""Blind review on every surface of a round: the round page (its totals, side-by-side and
difference tables), the 失分分析 page, and the round and gaps APIs.

Expert one has scored item 10 (below the 自评, with a comment). Expert two, assigned to 10
too, has not scored yet; expert three is assigned to item 12 only; an evaluator of another
zone's round sees nothing of this one; the office sees everything."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import AssessmentRound, EvaluatorAssignment
from tests.assessments.round_helpers import item, pool_evaluator, provincial_round, score, zone_at
from zones.models import Zone

pytestmark = pytest.mark.django_db
ZS = Zone.Status
SECRET = "甲专家的保密意见"


@pytest.fixture
def blind(zone_a, office_a, reviewer_fujian):
    zone_at(zone_a, ZS.CREATING)
    own = services.round_open(zone=zone_a, kind=AssessmentRound.Kind.SELF, user=office_a)
    score(own, office_a, "10", 2)
    services.round_submit(round=own, user=office_a)
    round = provincial_round(zone_a, reviewer_fujian, blind=True)
    one, two = pool_evaluator(zone_a, "one"), pool_evaluator(zone_a, "two")
    three = pool_evaluator(zone_a, "three")
    for expert, code in ((one, "10"), (two, "10"), (three, "12")):
        services.evaluator_assign(round=round, evaluator=expert, indicators=[item(zone_a, code)], user=reviewer_fujian)
    services.round_start(round=round, user=reviewer_fujian)
    score(round, one, "10", 1, comment=SECRET)
    return round, one, two, three


@pytest.fixture
def elsewhere(zone_b):
    """An evaluator assigned in another zone's round."""
    other = AssessmentRound.objects.create(
        zone=zone_b,
        kind=AssessmentRound.Kind.PROVINCIAL,
        status=AssessmentRound.Status.IN_REVIEW,
        system=zone_b.system,
        reference_year_1=2023,
        reference_year_2=2024,
    )
    user = pool_evaluator(zone_b, "elsewhere", home=None)
    EvaluatorAssignment.objects.create(round=other, evaluator=user, indicator=item(zone_b, "10"))
    return user


def surfaces(client, round):
    page = client.get(reverse("assessments:round", args=[round.pk]))
    gaps = client.get(reverse("assessments:round-gaps", args=[round.pk]))
    api = client.get(reverse("api-round", args=[round.pk]))
    api_gaps = client.get(reverse("api-round-gaps", args=[round.pk]))
    return page, gaps, api, api_gaps


def sub_10(detail):
    return next((s for i in detail["items"] for s in i["subs"] if s["code"] == "10"), None)


def assert_nothing_of_item_10_leaks(page, gaps, api, api_gaps):
    assert all(r.status_code == 200 for r in (page, gaps, api, api_gaps))
    html = page.content.decode()
    assert SECRET not in html and 'id="diff-10"' not in html and 'id="round-total"' not in html
    gaps_html = gaps.content.decode()
    assert SECRET not in gaps_html and 'id="gap-10"' not in gaps_html
    detail = api.json()
    assert SECRET not in api.content.decode()
    assert detail["total"] is None and detail["dimensions"] == [] and detail["blind_hidden"] is True
    assert "10" not in [d["code"] for d in detail["differences"]]
    assert SECRET not in api_gaps.content.decode()
    assert "10" not in [g["code"] for g in api_gaps.json()["results"]]


def test_an_evaluator_of_the_same_item_sees_nothing_of_the_others_until_scoring(client, blind):
    round, _one, two, _three = blind
    client.force_login(two)
    page, gaps, api, api_gaps = surfaces(client, round)
    assert_nothing_of_item_10_leaks(page, gaps, api, api_gaps)
    hidden = sub_10(api.json())
    assert hidden["evaluators"] == [] and hidden["points"] is None and hidden["aggregate"] is None

    score(round, two, "10", 2)
    page, gaps, api, api_gaps = surfaces(client, round)
    assert SECRET in page.content.decode() and 'id="diff-10"' in page.content.decode()
    assert SECRET in gaps.content.decode()  # mean 1.5 of 2: a gap, explained with both comments
    assert [e["points"] for e in sub_10(api.json())["evaluators"]] == [1, 2]
    assert "10" in [g["code"] for g in api_gaps.json()["results"]]
    assert api.json()["total"] is None  # the totals add up items not assigned to them


def test_an_evaluator_of_another_item_sees_only_their_own_items(client, blind):
    round, _one, _two, three = blind
    client.force_login(three)
    page, gaps, api, api_gaps = surfaces(client, round)
    assert_nothing_of_item_10_leaks(page, gaps, api, api_gaps)
    assert [i["code"] for i in api.json()["items"]] == ["12"]
    assert {g["item_code"] for g in api_gaps.json()["results"]} <= {"12"}


def test_an_evaluator_of_another_zone_gets_404_everywhere(client, blind, elsewhere):
    round = blind[0]
    client.force_login(elsewhere)
    assert [r.status_code for r in surfaces(client, round)] == [404, 404, 404, 404]


@pytest.mark.parametrize("persona", ["office_a", "reviewer_fujian"])
def test_the_office_and_the_province_see_every_score_and_the_totals(client, request, blind, persona):
    round = blind[0]
    client.force_login(request.getfixturevalue(persona))
    page, gaps, api, api_gaps = surfaces(client, round)
    assert SECRET in page.content.decode() and 'id="diff-10"' in page.content.decode()
    assert 'id="round-total"' in page.content.decode()
    assert SECRET in gaps.content.decode()
    assert api.json()["total"] is not None and api.json()["dimensions"]
    assert sub_10(api.json())["evaluators"][0]["comment"] == SECRET
    assert "10" in [d["code"] for d in api.json()["differences"]]
    assert "10" in [g["code"] for g in api_gaps.json()["results"]]


def test_once_the_round_is_submitted_evaluators_see_the_result(client, blind, reviewer_fujian):
    round, one, two, _three = blind
    score(round, two, "10", 1, comment="乙专家意见")
    services.difference_reason_set(
        round=round, scoring_item=round.system.indicators.get(code="10").scoring_items.get(), user=one, text="核查"
    )
    services.round_submit(round=round, user=reviewer_fujian, conclusion="passed")
    client.force_login(two)
    api = client.get(reverse("api-round", args=[round.pk])).json()
    assert Decimal(str(sub_10(api)["aggregate"])) == 1  # blind is lifted on their own item
    # …but an evaluator still sees only the items assigned to them: no total of the others' items.
    assert [i["code"] for i in api["items"]] == ["10"] and api["total"] is None


def test_blind_off_an_evaluator_sees_only_the_items_assigned_to_them(client, zone_a, reviewer_fujian):
    """Blind review governs the other evaluators' scores on shared items only: with it off an
    evaluator still sees only their items (page, review tree, gaps, API), never the round's total."""
    round = provincial_round(zone_a, reviewer_fujian, blind=False)
    one, two = pool_evaluator(zone_a, "one"), pool_evaluator(zone_a, "two")
    dimension = item(zone_a, "12").parent.parent
    services.evaluator_assign(round=round, evaluator=one, indicators=[item(zone_a, "10")], user=reviewer_fujian)
    services.evaluator_assign(round=round, evaluator=two, indicators=[dimension], user=reviewer_fujian)
    services.round_start(round=round, user=reviewer_fujian)
    score(round, one, "10", 1, comment=SECRET)
    client.force_login(two)
    page, gaps, api, api_gaps = surfaces(client, round)
    assert_nothing_of_item_10_leaks(page, gaps, api, api_gaps)
    mine = set(EvaluatorAssignment.objects.filter(round=round, evaluator=two).values_list("indicator__code", flat=True))
    assert {i["code"] for i in api.json()["items"]} == mine and "12" in mine
    assert {g["item_code"] for g in api_gaps.json()["results"]} <= mine
    ten = client.get(reverse("assessments:review-item", args=[round.pk, item(zone_a, "10").pk]))
    assert ten.status_code == 403


def test_blind_off_shows_a_shared_item_at_once_and_nothing_else(client, zone_a, reviewer_fujian):
    round = provincial_round(zone_a, reviewer_fujian, blind=False)
    one, two = pool_evaluator(zone_a, "one"), pool_evaluator(zone_a, "two")
    services.evaluator_assign(round=round, evaluator=one, indicators=[item(zone_a, "10")], user=reviewer_fujian)
    services.evaluator_assign(round=round, evaluator=two, indicators=[item(zone_a, "12")], user=reviewer_fujian)
    services.round_start(round=round, user=reviewer_fujian)
    score(round, one, "10", 1, comment=SECRET)
    client.force_login(two)
    page, gaps, api, api_gaps = surfaces(client, round)
    assert_nothing_of_item_10_leaks(page, gaps, api, api_gaps)
    three = pool_evaluator(zone_a, "three")
    services.evaluator_assign(round=round, evaluator=three, indicators=[item(zone_a, "10")], user=reviewer_fujian)
    client.force_login(three)  # a co-assigned evaluator sees the other's score at once: blind is off
    page, gaps, api, _api_gaps = surfaces(client, round)
    assert SECRET in page.content.decode() and SECRET in gaps.content.decode()
    assert sub_10(api.json())["evaluators"][0]["comment"] == SECRET and api.json()["total"] is None
