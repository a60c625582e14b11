"""The province's home card links what it organises: the open rounds of its zones (issue 10 §2)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_province_home_links_its_open_rounds(client, zone_a, reviewer_fujian):
    from tests.assessments.round_helpers import provincial_round

    client.force_login(reviewer_fujian)
    before = client.get(reverse("home")).content.decode()
    assert 'id="home-open-rounds"' in before and "没有进行中的评估轮次" in before
    round = provincial_round(zone_a, reviewer_fujian)
    home = client.get(reverse("home")).content.decode()
    card = home[home.index('id="role-province"') :]
    card = card[: card.index("</div></div></div>")]
    assert reverse("assessments:round", args=[round.pk]) in card
    assert f"{zone_a.name} · {round.get_kind_display()}" in card and round.get_status_display() in card


def test_the_office_home_has_no_province_card(client, zone_a, office_a):
    client.force_login(office_a)
    assert 'id="home-open-rounds"' not in client.get(reverse("home")).content.decode()
