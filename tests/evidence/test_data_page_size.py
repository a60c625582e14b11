"""The figure pages stay small however much evidence the zone holds (issue 9): each select lists
only a metric's newest evidence, the rest is found with the metric's search box
(data:evidence-options), and any of it can still be linked."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evidence.data.forms import EVIDENCE_OFFERED
from evidence.data.selectors import zone_data_needs
from evidence.models import DataEvidenceLink, Evidence
from tests.evidence.test_data_fixtures import data_matrix, figure_post
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
__all__ = ["data_matrix"]  # fixture used below

BUDGET_BYTES = 300 * 1024
RETAIL = "online_retail_sales"


def add_evidence(zone, unit, author, n: int) -> None:
    """n pieces of evidence spread over every item a metric feeds (bulk-created)."""
    needs = zone_data_needs(zone=zone)
    items = sorted(set().union(*(need.indicator_ids for need in needs.metrics.values())))
    start = Evidence.objects.filter(zone=zone).count()
    Evidence.objects.bulk_create(
        (
            Evidence(
                zone=zone,
                indicator_id=items[i % len(items)],
                unit=unit,
                title=f"规模测试佐证材料{start + i + 1}",
                created_by=author,
            )
            for i in range(n)
        ),
        batch_size=1000,
    )


def measure(client, url) -> tuple[int, int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(response.content), len(queries), response.content.decode()


def test_the_figure_pages_stay_under_budget_with_province_scale_evidence(client, office_a, zone_a, unit_x, data_matrix):
    client.force_login(office_a)
    urls = [reverse("data:zone-all", args=[zone_a.pk]), reverse("data:unit", args=[zone_a.pk, unit_x.pk])]
    add_evidence(zone_a, unit_x, office_a, 300)
    for url in urls:
        client.get(url)  # warm the session
    tenth = {url: measure(client, url) for url in urls}
    add_evidence(zone_a, unit_x, office_a, 2700)
    full = {url: measure(client, url) for url in urls}
    for url in urls:
        size, queries, page = full[url]
        assert size < BUDGET_BYTES, f"{url}: {size / 1024:.0f} KB"
        assert queries == tenth[url][1], url
        for select in re.findall(r'<select name="evidence-.*?</select>', page, re.S):
            assert select.count("<option") <= EVIDENCE_OFFERED + 1
    page = full[urls[0]][2]
    assert 'class="form-control form-control-sm evidence-search"' in page  # the rest is searched for
    assert "下拉框列出最新的 10 份" in page


def test_an_older_piece_of_evidence_is_found_linked_and_shown(client, office_a, zone_a, zone_b, unit_x, data_matrix):
    old = Evidence.objects.create(zone=zone_a, indicator=data_matrix["1"], unit=unit_x, title="二〇二二年统计公报")
    Evidence.objects.bulk_create(  # newer ones push it out of the select
        Evidence(zone=zone_a, indicator=data_matrix["1"], unit=unit_x, title=f"月报{i}", created_by=office_a)
        for i in range(60)
    )
    client.force_login(office_a)
    url = reverse("data:unit", args=[zone_a.pk, unit_x.pk])
    assert f'value="{old.pk}"' not in client.get(url).content.decode()

    options = reverse("data:evidence-options", args=[zone_a.pk])
    found = client.get(options, {"metric": RETAIL, "q": "二〇二二"}).json()
    assert found == {"options": [[str(old.pk), f"1. 二〇二二年统计公报（{old.get_status_display()}）"]], "count": 1}
    everything = client.get(options, {"metric": RETAIL}).json()
    assert everything["count"] > len(everything["options"]) == 50

    field = f"evidence-{RETAIL}-2024"
    refused = client.post(url, figure_post({(RETAIL, 2024): "-1"}, **{field: str(old.pk)}))
    assert refused.status_code == 200 and not DataEvidenceLink.objects.exists()
    select = re.search(rf'<select name="{field}".*?</select>', refused.content.decode(), re.S).group(0)
    assert f'<option value="{old.pk}" selected>1. 二〇二二年统计公报' in select  # still chosen when shown again
    elsewhere = Evidence.objects.create(
        zone=zone_b, indicator=data_matrix["1"], unit=UnitFactory(zone=zone_b), title="他区材料"
    )
    forged = client.post(url, figure_post({(RETAIL, 2024): "381.2"}, **{field: str(elsewhere.pk)}))
    assert forged.status_code == 200 and "不在可用的选项中" in forged.content.decode()
    response = client.post(url, figure_post({(RETAIL, 2024): "381.2"}, **{field: str(old.pk)}))
    assert response.status_code == 302
    assert DataEvidenceLink.objects.get().evidence == old
    page = client.get(url).content.decode()
    select = re.search(rf'<select name="{field}".*?</select>', page, re.S).group(0)
    assert f'<option value="{old.pk}" selected>' in select  # the linked one stays listed


def test_the_evidence_search_refuses_bad_input_in_chinese(client, office_a, liaison_x, zone_a, unit_x, data_matrix):
    client.force_login(office_a)
    options = reverse("data:evidence-options", args=[zone_a.pk])
    response = client.get(options, {"metric": "no_such_metric"})
    assert response.status_code == 400 and response.json()["error"] == "没有这项统计数据。"
    response = client.get(options, {"metric": RETAIL, "q": "字" * 101})
    assert response.status_code == 400 and "不能超过 100 个字" in response.json()["error"]


def test_the_evidence_search_keeps_to_the_liaisons_share(
    client, office_a, liaison_x, zone_a, unit_x, unit_y, data_matrix
):
    from tests.evidence.test_data_fixtures import Y_METRICS

    own = Evidence.objects.create(zone=zone_a, indicator=data_matrix["1"], unit=unit_x, title="本单位公报")
    Evidence.objects.create(zone=zone_a, indicator=data_matrix["1"], unit=unit_y, title="他单位公报")
    client.force_login(liaison_x)
    options = reverse("data:evidence-options", args=[zone_a.pk])
    found = client.get(options, {"metric": RETAIL, "q": "公报"}).json()
    assert [value for value, _label in found["options"]] == [str(own.pk)]
    response = client.get(options, {"metric": sorted(Y_METRICS)[0]})
    assert response.status_code == 403 and response.json()["error"] == "您所在单位不负责该项数据。"
