"""The zones API lists are paged like every other API list (common.pagination.ApiPagination):
``count``, ``next``, ``previous``, ``results``; ``page_size`` up to 200."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UnitFactory, UserFactory, ZoneFactory
from zones.models import LeadingGroupMember, ZoneTransition

pytestmark = pytest.mark.django_db


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    return body


def test_the_zone_list_is_paged(client, zone_a, zone_b):
    ZoneFactory.create_batch(3)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse("api-zone-list")
    first = page(client, url, page_size=2)
    assert first["count"] == 5 and len(first["results"]) == 2 and first["previous"] is None and first["next"]
    last = page(client, url, page_size=2, page=3)
    assert len(last["results"]) == 1 and last["next"] is None
    names = [z["name"] for p in (1, 2, 3) for z in page(client, url, page_size=2, page=p)["results"]]
    assert names == sorted(names) and len(set(names)) == 5


@pytest.mark.parametrize(
    ("name", "make", "field"),
    [
        ("api-zone-unit-list", lambda zone, i: UnitFactory(zone=zone, name=f"单位{i:02d}"), "name"),
        (
            "api-zone-leading-group-list",
            lambda zone, i: LeadingGroupMember.objects.create(zone=zone, role="member", title=f"成员{i:02d}"),
            "title",
        ),
        (
            "api-zone-transition-list",
            lambda zone, i: ZoneTransition.objects.create(
                zone=zone, from_status="application", to_status="approved", reason=f"理由{i:02d}"
            ),
            "reason",
        ),
    ],
)
def test_the_zone_sub_lists_are_paged(client, zone_a, office_a, name, make, field):
    made = [getattr(make(zone_a, i), field) for i in range(5)]
    client.force_login(office_a)
    url = reverse(name, args=[zone_a.pk])
    first = page(client, url, page_size=3)
    assert first["count"] == 5 and len(first["results"]) == 3 and first["next"]
    second = page(client, url, page_size=3, page=2)
    assert second["previous"] and second["next"] is None
    assert [row[field] for row in first["results"] + second["results"]] == made
    assert page(client, url)["count"] == 5  # 50 a page by default: one page


def test_a_page_size_that_is_not_a_number_is_refused_in_chinese(client, zone_a, office_a):
    client.force_login(office_a)
    response = client.get(reverse("api-zone-unit-list", args=[zone_a.pk]), {"page_size": "many"})
    assert response.status_code == 400 and "page_size" in response.content.decode()
