"""Per-zone data in the admin goes through zones.access like every other page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import Judgement
from evidence.models import DataValue
from indicators.models import Metric, ScoringItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def value_a(zone_a):
    return DataValue.objects.create(
        zone=zone_a, metric=Metric.objects.get(key="online_retail_sales"), year=2024, value=10
    )


def test_office_sees_and_edits_its_own_zone_data(client, office_a, value_a):
    client.force_login(office_a)
    listing = client.get(reverse("admin:evidence_datavalue_changelist"))
    assert listing.status_code == 200 and listing.context["cl"].result_count == 1
    url = reverse("admin:evidence_datavalue_change", args=[value_a.pk])
    response = client.post(
        url, {"zone": value_a.zone_id, "metric": value_a.metric_id, "year": 2024, "value": "12.5", "source": "统计局"}
    )
    assert response.status_code == 302
    value_a.refresh_from_db()
    assert value_a.value == Decimal("12.5") and value_a.updated_by == office_a


def test_office_of_another_zone_neither_sees_nor_changes_it(client, office_b, value_a):
    client.force_login(office_b)
    listing = client.get(reverse("admin:evidence_datavalue_changelist"))
    assert listing.context["cl"].result_count == 0
    url = reverse("admin:evidence_datavalue_change", args=[value_a.pk])
    response = client.post(url, {"zone": value_a.zone_id, "metric": value_a.metric_id, "year": 2024, "value": "99"})
    assert response.status_code in (302, 403, 404)
    value_a.refresh_from_db()
    assert value_a.value == Decimal("10")
    # nor can it add a row to zone A: zone A is not among the choices
    add = client.post(
        reverse("admin:evidence_datavalue_add"),
        {"zone": value_a.zone_id, "metric": value_a.metric_id, "year": 2023, "value": "1"},
    )
    assert add.status_code == 200 and "选择一个有效的选项" in add.content.decode()
    assert DataValue.objects.count() == 1


@pytest.mark.parametrize("persona", ["liaison_x", "reviewer_fujian", "outsider"])
def test_non_staff_roles_are_kept_out_of_the_admin(client, request, persona, value_a):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("admin:evidence_datavalue_change", args=[value_a.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_judgements_are_not_written_through_the_admin(client, office_a, zone_a):
    """Scores go through the review screen's services (rules, locks, rescoring): the admin only lists them."""
    client.force_login(office_a)
    item = ScoringItem.objects.get(indicator__system=zone_a.system, code="12.1")
    response = client.post(
        reverse("admin:assessments_judgement_add"),
        {"zone": zone_a.pk, "scoring_item": item.pk, "points": "1", "options": "[]", "comment": ""},
    )
    assert response.status_code == 403
    assert not Judgement.objects.exists()


def test_an_automatic_sub_criterion_cannot_be_judged_by_hand(zone_a):
    from django.core.exceptions import ValidationError

    from assessments.services import judgement_set

    with pytest.raises(ValidationError, match="自动计算"):
        judgement_set(zone=zone_a, scoring_item=ScoringItem.objects.get(code="17.1"), points=Decimal(1))
    assert not Judgement.objects.exists()


def test_an_admin_edit_is_kept_in_the_history(client, office_a, value_a):
    from evidence.models_data import DataChange

    client.force_login(office_a)
    url = reverse("admin:evidence_datavalue_change", args=[value_a.pk])
    client.post(url, {"zone": value_a.zone_id, "metric": value_a.metric_id, "year": 2024, "value": "11", "source": "x"})
    change = DataChange.objects.get(zone=value_a.zone, field="value")
    assert change.changed_by == office_a and change.via == "admin"
    assert "10" in change.old_value and "11" in change.new_value
