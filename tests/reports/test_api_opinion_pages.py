"""The zone's opinions in the API are paged (common.pagination.ApiPagination), newest first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import ReviewOpinion

pytestmark = pytest.mark.django_db


def test_the_opinion_list_is_paged_newest_first(client, zone_a, office_a, self_round):
    now = timezone.now()
    for i in range(5):
        ReviewOpinion.objects.create(
            zone=zone_a, round=self_round, conclusion="pass", text=f"意见{i}", author_name="评审", at=now + timedelta(i)
        )
    client.force_login(office_a)
    url = reverse("api-opinion-list", args=[zone_a.pk])
    first = client.get(url, {"page_size": 2}).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 5 and [o["text"] for o in first["results"]] == ["意见4", "意见3"] and first["next"]
    last = client.get(url, {"page_size": 2, "page": 3}).json()
    assert [o["text"] for o in last["results"]] == ["意见0"] and last["next"] is None and last["previous"]
