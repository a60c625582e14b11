"""Where an evaluator works (EvaluatorProfile, read by the conflict-of-interest check) is written
by one service, from the admin too, and every change is audited with what it was before."""

import json

import pytest
from django.urls import reverse

from assessments.models import EvaluatorProfile
from assessments.services import evaluator_profile_save
from audit.models import AuditEvent
from tests.factories import UserFactory
from zones.models import Region

pytestmark = pytest.mark.django_db


def data(text):
    return json.loads(text) if text else None  # the audit row keeps before/after as JSON text


@pytest.fixture
def places():
    province = Region.objects.create(name="甲省", level=Region.Level.PROVINCE)
    return (
        Region.objects.create(name="甲省一市", level=Region.Level.CITY, parent=province),
        Region.objects.create(name="甲省二市", level=Region.Level.CITY, parent=province),
    )


def test_saving_a_profile_is_audited_with_before_and_after(places):
    expert, one, two = UserFactory(username="zj"), *places
    evaluator_profile_save(user=expert, home_region=one, organisation="某大学 ")
    evaluator_profile_save(user=expert, home_region=two, organisation="某大学", by=None)
    evaluator_profile_save(user=expert, home_region=two, organisation="某大学")  # unchanged: no row

    profile = EvaluatorProfile.objects.get(user=expert)
    assert (profile.home_region, profile.organisation) == (two, "某大学")
    rows = list(AuditEvent.objects.filter(action="user_changed", target_id=str(expert.pk)).order_by("id"))
    assert [(data(r.before), data(r.after)["home_region"]) for r in rows] == [
        (None, "甲省一市"),
        ({"home_region": "甲省一市", "organisation": "某大学"}, "甲省二市"),
    ]


def test_the_admin_saves_through_the_service_and_never_deletes(client, places):
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    expert = UserFactory(username="zj")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:assessments_evaluatorprofile_add"),
        {"user": expert.pk, "home_region": places[0].pk, "organisation": "某研究院"},
    )
    assert response.status_code == 302
    row = AuditEvent.objects.get(action="user_changed", target_id=str(expert.pk))
    assert row.actor_id == admin_user.pk and data(row.after) == {"home_region": "甲省一市", "organisation": "某研究院"}
    profile = EvaluatorProfile.objects.get(user=expert)
    assert client.get(reverse("admin:assessments_evaluatorprofile_delete", args=[profile.pk])).status_code == 403
