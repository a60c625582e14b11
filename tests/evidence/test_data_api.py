"""The statistics API: list, upsert (the form's checks and permissions), history.

Until config/api_urls.py includes evidence.data.api_urls, this module is its own URLconf.
"""

import pytest
from django.urls import include, path, reverse

from evidence.models import DataChange, DataValue, Evidence
from tests.evidence.test_data_fixtures import data_liaison_y, data_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
__all__ = ["data_liaison_y", "data_matrix"]

urlpatterns = [
    path("api/data/", include("evidence.data.api_urls")),
    path("", include("config.urls")),
]


def upsert(client, zone, values):
    return client.post(
        reverse("api-data-values-upsert", args=[zone.pk]), {"values": values}, content_type="application/json"
    )


def test_upsert_creates_and_lists(client, office_a, zone_a, unit_x, data_matrix, django_capture_on_commit_callbacks):
    client.force_login(office_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = upsert(
            client,
            zone_a,
            [
                {"metric": "online_retail_sales", "year": 2024, "value": 381.2, "source": "统计公报"},
                {"metric": "online_retail_sales", "year": 2023, "value": "352.8", "published_growth": -1.5},
            ],
        )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["changes"] == 4
    assert [(v["year"], v["value"]) for v in body["values"]] == [(2023, "352.8000"), (2024, "381.2000")]
    listed = client.get(reverse("api-data-values", args=[zone_a.pk])).json()["results"]
    assert {(v["metric"], v["year"], v["published_growth"]) for v in listed} == {
        ("online_retail_sales", 2023, "-1.5000"),
        ("online_retail_sales", 2024, None),
    }
    assert DataChange.objects.filter(via="api").count() == 4


def test_fields_left_out_keep_what_is_stored_and_null_clears(client, office_a, zone_a, data_matrix):
    client.force_login(office_a)
    upsert(client, zone_a, [{"metric": "online_retail_sales", "year": 2024, "value": 381.2, "source": "公报"}])
    upsert(client, zone_a, [{"metric": "online_retail_sales", "year": 2024, "value": 390}])
    stored = DataValue.objects.get()
    assert (stored.value, stored.source) == (390, "公报")
    upsert(client, zone_a, [{"metric": "online_retail_sales", "year": 2024, "value": None}])
    assert not DataValue.objects.exists()
    assert DataChange.objects.filter(action="deleted").count() == 2  # value and source


def test_an_evidence_link(client, office_a, zone_a, unit_x, data_matrix):
    evidence = Evidence.objects.create(zone=zone_a, indicator=data_matrix["1"], unit=unit_x, title="统计公报")
    client.force_login(office_a)
    response = upsert(
        client, zone_a, [{"metric": "online_retail_sales", "year": 2024, "value": 1, "evidence": evidence.pk}]
    )
    assert response.json()["values"][0]["evidence"] == evidence.pk


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"metric": "online_retail_sales", "year": 2024, "value": "abc"},
            "第1条：“网上零售额”2024年数值“abc”不是有效的数字",
        ),
        ({"metric": "online_retail_sales", "year": 2024, "value": -1}, "第1条：“网上零售额”2024年数值不能为负数"),
        (
            {"metric": "consumer_satisfaction", "year": 2024, "value": 100.01},
            "第1条：“消费者满意度”2024年数值为比率，不能超过100%",
        ),
        ({"metric": "gdp", "year": 2024, "value": 1}, "第1条：未知的统计指标“gdp”"),
        (
            {"metric": "online_retail_sales", "year": 2020, "value": 1},
            "第1条：年度“2020”不在“网上零售额”可填报的年度内（可填：2022、2023、2024）",
        ),
        (
            {"metric": "online_retail_sales", "year": 2024, "evidence": 999999, "value": 1},
            "第1条：“网上零售额”2024年的佐证材料不存在或不属于本创建对象",
        ),
    ],
)
def test_bad_input_gets_the_same_messages_as_the_form(client, office_a, zone_a, data_matrix, row, message):
    client.force_login(office_a)
    response = upsert(client, zone_a, [row, {"metric": "social_retail_sales", "year": 2024, "value": 1}])
    assert response.status_code == 400
    assert message in str(response.json())
    assert not DataValue.objects.exists()


def test_a_liaison_cannot_upsert_another_units_metric(client, liaison_x, zone_a, data_matrix):
    client.force_login(liaison_x)
    response = upsert(
        client,
        zone_a,
        [
            {"metric": "online_retail_sales", "year": 2024, "value": 1},
            {"metric": "express_volume", "year": 2024, "value": 1},
        ],
    )
    assert response.status_code == 403
    assert response.json() == {"message": "没有权限执行此操作。", "extra": {}}
    assert not DataValue.objects.exists()
    assert upsert(client, zone_a, [{"metric": "online_retail_sales", "year": 2024, "value": 1}]).status_code == 200


@pytest.mark.parametrize(("persona", "status"), [("office_b", 404), ("evaluator_a", 403), ("reviewer_fujian", 403)])
def test_others_cannot_upsert(request, client, zone_a, data_matrix, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert upsert(client, zone_a, [{"metric": "online_retail_sales", "year": 2024, "value": 1}]).status_code == status
    assert not DataValue.objects.exists()


def test_the_list_follows_view_access(client, evaluator_a, office_b, zone_a):
    client.force_login(evaluator_a)
    assert client.get(reverse("api-data-values", args=[zone_a.pk])).status_code == 200
    client.force_login(office_b)
    assert client.get(reverse("api-data-values", args=[zone_a.pk])).status_code == 404


def test_history_is_scoped_for_a_liaison(client, office_a, liaison_x, zone_a, data_matrix):
    client.force_login(office_a)
    upsert(
        client,
        zone_a,
        [
            {"metric": "online_retail_sales", "year": 2024, "value": 1},
            {"metric": "express_volume", "year": 2024, "value": 2},
        ],
    )
    everything = client.get(reverse("api-data-history", args=[zone_a.pk])).json()["results"]
    assert {row["metric"] for row in everything} == {"online_retail_sales", "express_volume"}
    assert everything[0]["changed_by"] == "office_a" and everything[0]["via"] == "api"
    one = client.get(reverse("api-data-history", args=[zone_a.pk]) + "?metric=express_volume").json()["results"]
    assert [row["new_value"] for row in one] == ["2"]
    client.force_login(liaison_x)
    mine = client.get(reverse("api-data-history", args=[zone_a.pk])).json()["results"]
    assert {row["metric"] for row in mine} == {"online_retail_sales"}
