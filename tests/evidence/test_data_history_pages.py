"""The data history and the statistics API lists come a page at a time, with the count and the filters kept."""

import pytest
from django.urls import include, path, reverse

from evidence.models import DataChange, DataValue
from indicators.models import Metric
from tests.evidence.test_data_fixtures import data_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
__all__ = ["data_matrix"]

urlpatterns = [
    path("api/data/", include("evidence.data.api_urls")),
    path("", include("config.urls")),
]


@pytest.fixture
def changes(zone_a, office_a, data_matrix):
    """60 changes of 网上零售额 2024 and 5 of express_volume 2023."""
    retail, express = Metric.objects.get(key="online_retail_sales"), Metric.objects.get(key="express_volume")
    rows = [(retail, 2024, i) for i in range(60)] + [(express, 2023, i) for i in range(5)]
    DataChange.objects.bulk_create(
        DataChange(
            zone=zone_a,
            target=DataChange.Target.VALUE,
            action=DataChange.Action.UPDATED,
            metric=metric,
            year=year,
            label=f"{metric.name} {year}年",
            field="value",
            old_value=str(i),
            new_value=str(i + 1),
            changed_by=office_a,
            via=DataChange.Via.FORM,
        )
        for metric, year, i in rows
    )


def history(client, zone, query=""):
    response = client.get(reverse("data:history", args=[zone.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_history_shows_a_page_with_the_count(client, office_a, zone_a, changes):
    client.force_login(office_a)
    page = history(client, zone_a)
    assert "共 65 条变更" in page and "第 1 / 2 页" in page
    assert page.count('class="history-row"') == 50
    second = history(client, zone_a, "?page=2")
    assert second.count('class="history-row"') == 15


def test_the_filters_stay_in_the_url_and_in_the_pager(client, office_a, zone_a, changes):
    client.force_login(office_a)
    page = history(client, zone_a, "?metric=online_retail_sales")
    assert "共 60 条变更" in page
    assert "metric=online_retail_sales&amp;page=2" in page  # page 2 keeps the filter
    assert '<option value="online_retail_sales" selected>' in page
    only = history(client, zone_a, "?metric=express_volume&year=2023")
    assert only.count('class="history-row"') == 5 and "共 5 条变更" in only
    assert history(client, zone_a, "?year=2022").count('class="history-row"') == 0


def test_a_year_that_is_not_a_number_is_refused_in_chinese(client, office_a, zone_a, changes):
    client.force_login(office_a)
    response = client.get(reverse("data:history", args=[zone_a.pk]) + "?year=abc")
    assert response.status_code == 400
    assert 'id="error-message"' in response.content.decode()


def test_the_history_api_pages_with_count_and_next(client, office_a, zone_a, changes):
    client.force_login(office_a)
    url = reverse("api-data-history", args=[zone_a.pk])
    body = client.get(url).json()
    assert body["count"] == 65 and len(body["results"]) == 50
    assert "page=2" in body["next"] and body["previous"] is None
    last = client.get(body["next"]).json()
    assert len(last["results"]) == 15 and last["next"] is None
    small = client.get(url, {"metric": "express_volume", "page_size": 2}).json()
    assert small["count"] == 5 and len(small["results"]) == 2
    bad = client.get(url, {"page_size": "many"})
    assert bad.status_code == 400 and "page_size" in bad.json()["message"]


def test_the_values_api_pages_with_count(client, office_a, zone_a, data_matrix):
    retail = Metric.objects.get(key="online_retail_sales")
    for year in (2022, 2023, 2024):
        DataValue.objects.create(zone=zone_a, metric=retail, year=year, value=year, updated_by=office_a)
    client.force_login(office_a)
    body = client.get(reverse("api-data-values", args=[zone_a.pk]), {"page_size": 2}).json()
    assert body["count"] == 3 and [v["year"] for v in body["results"]] == [2022, 2023]
    assert "page=2" in body["next"]
