"""Choice lists, lists and messages show only what the user may see (issue 8 §2)."""

import pytest
from django.urls import reverse

from evidence.models import DataValue
from indicators.models import Metric
from tests.evidence.test_data_fixtures import X_METRICS, Y_METRICS, data_liaison_y, data_matrix

pytestmark = pytest.mark.django_db
__all__ = ["data_liaison_y", "data_matrix"]


@pytest.fixture
def figures(zone_a, data_matrix, office_a):
    for key in X_METRICS | Y_METRICS:
        DataValue.objects.create(
            zone=zone_a, metric=Metric.objects.get(key=key), year=2024, value=1, updated_by=office_a
        )


def listed(client, user, zone) -> set[str]:
    client.force_login(user)
    response = client.get(reverse("api-data-values", args=[zone.pk]))
    assert response.status_code == 200
    return {row["metric"] for row in response.json()["results"]}


def test_a_liaison_of_unit_y_does_not_read_unit_xs_figures(client, zone_a, data_liaison_y, figures):
    assert listed(client, data_liaison_y, zone_a) == Y_METRICS


def test_a_liaison_of_unit_x_reads_only_unit_xs_figures(client, zone_a, liaison_x, figures):
    assert listed(client, liaison_x, zone_a) == X_METRICS


@pytest.mark.parametrize("persona", ["office_a", "evaluator_a", "reviewer_fujian"])
def test_the_office_evaluators_and_reviewers_read_every_figure(client, request, zone_a, figures, persona):
    assert listed(client, request.getfixturevalue(persona), zone_a) == X_METRICS | Y_METRICS


def test_another_zones_office_reads_nothing(client, zone_a, office_b, figures):
    client.force_login(office_b)
    assert client.get(reverse("api-data-values", args=[zone_a.pk])).status_code == 404
