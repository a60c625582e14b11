"""用户管理 lists a zone's members a page at a time (common.pagination.page_of), with the pager."""

import pytest
from django.urls import reverse

from accounts.views import PAGE_SIZE
from tests.factories import MembershipFactory, UserFactory
from zones.models import Membership

pytestmark = pytest.mark.django_db


def test_the_members_page_is_paged(client, zone_a, office_a):
    for i in range(PAGE_SIZE + 3):
        MembershipFactory(user=UserFactory(username=f"m{i:03d}"), zone=zone_a, role=Membership.Role.EVALUATOR)
    client.force_login(office_a)
    url = reverse("accounts:zone-members", args=[zone_a.pk])
    first = client.get(url)
    total = PAGE_SIZE + 4  # office_a too
    assert first.status_code == 200
    assert len(first.context["memberships"]) == PAGE_SIZE and first.context["listing"].count == total
    assert f"共 {total} 条" in first.content.decode() and "page=2" in first.content.decode()
    second = client.get(url, {"page": 2})
    assert len(second.context["memberships"]) == 4
    shown = {m.pk for m in first.context["memberships"]} | {m.pk for m in second.context["memberships"]}
    assert shown == set(Membership.objects.filter(zone=zone_a).values_list("pk", flat=True))
