"""Evidence lists at province scale: a page at a time with the filters kept, a count of the matches,
a constant number of queries and a bounded page size however many rows, on the pages and the API."""

import hashlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from evidence.models import Evidence, EvidenceFile

pytestmark = pytest.mark.django_db


def bulk_evidence(zone, unit, indicator, count, *, status="draft", start=0, title="材料"):
    """``count`` rows of evidence with one file version each, written straight to the database
    (the services are tested elsewhere; these tests are about reading many rows)."""
    rows = Evidence.objects.bulk_create(
        Evidence(zone=zone, indicator=indicator, unit=unit, status=status, title=f"{title}{start + i:03d}")
        for i in range(count)
    )
    EvidenceFile.objects.bulk_create(
        EvidenceFile(
            evidence=row,
            version=1,
            stored_name=f"evidence/test/{row.pk}.pdf",
            original_name=f"{row.title}.pdf",
            size=100,
            sha256=hashlib.sha256(str(row.pk).encode()).hexdigest(),
            content_type="application/pdf",
        )
        for row in rows
    )
    return rows


def titles(html: str) -> list[str]:
    return re.findall(r'<a href="/evidence/\d+/\d+/">(材料\d+)</a>', html)


def get(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


def test_page_two_shows_rows_51_to_100_with_the_filters_kept(client, office_a, zone_a, unit_x, item_12):
    bulk_evidence(zone_a, unit_x, item_12, 120, status="submitted")
    bulk_evidence(zone_a, unit_x, item_12, 30, status="draft", start=500)  # filtered out by the status
    client.force_login(office_a)
    url = reverse("evidence:list", args=[zone_a.pk])
    page = get(client, url, {"status": "submitted", "sort": "title", "page": "2"})
    assert titles(page) == [f"材料{n:03d}" for n in range(50, 100)]
    assert "共 120 条材料" in page and "第 2 / 3 页" in page
    # The pager's links keep the filters and the sort; the form shows them chosen.
    assert "?status=submitted&amp;sort=title&amp;page=3" in page
    assert '<option value="submitted" selected>' in page and '<option value="title" selected>' in page
    # Without the status filter the drafts count too.
    assert "共 150 条材料" in get(client, url, {"sort": "title"})


def test_search_and_unit_filter(client, office_a, zone_a, unit_x, unit_y, item_12):
    bulk_evidence(zone_a, unit_x, item_12, 5, title="会议纪要")
    bulk_evidence(zone_a, unit_y, item_12, 3, title="统计报表")
    client.force_login(office_a)
    url = reverse("evidence:list", args=[zone_a.pk])
    assert "共 3 条材料" in get(client, url, {"q": "报表"})
    assert "共 5 条材料" in get(client, url, {"unit": unit_x.pk})
    assert "共 0 条材料" in get(client, url, {"q": "报表", "unit": unit_x.pk})
    assert "没有符合筛选条件的材料" in get(client, url, {"q": "不存在的材料"})


def test_the_liaison_filters_only_among_their_units(client, liaison_x, zone_a, unit_x, unit_y, item_12):
    bulk_evidence(zone_a, unit_y, item_12, 2, title="统计报表")
    client.force_login(liaison_x)
    page = get(client, reverse("evidence:list", args=[zone_a.pk]))
    assert f'<option value="{unit_x.pk}">' in page and f'<option value="{unit_y.pk}">' not in page
    assert "共 0 条材料" in page
    # Another unit's id is not a choice for them: a message, and still only their own rows.
    page = get(client, reverse("evidence:list", args=[zone_a.pk]), {"unit": unit_y.pk})
    assert "统计报表" not in page and "有效的选项" in page


@pytest.mark.parametrize("raw", ["abc", "0", "-1", "999", "999999999999", "²", "2.5"])
def test_a_bad_page_number_gives_a_page(client, office_a, zone_a, unit_x, item_12, raw):
    bulk_evidence(zone_a, unit_x, item_12, 60, status="submitted")
    client.force_login(office_a)
    for name in ("evidence:list", "evidence:queue"):
        page = get(client, reverse(name, args=[zone_a.pk]), {"page": raw})
        assert page.count('class="evidence-row"') in (50, 10)


def test_the_queue_is_paginated_and_keeps_its_filters(client, office_a, zone_a, unit_x, unit_y, item_12):
    bulk_evidence(zone_a, unit_x, item_12, 70, status="submitted")
    bulk_evidence(zone_a, unit_y, item_12, 5, status="submitted", start=900)
    client.force_login(office_a)
    url = reverse("evidence:queue", args=[zone_a.pk])
    page = get(client, url, {"unit": unit_x.pk, "page": "2"})
    assert page.count('class="evidence-row"') == 20 and "共 70 条材料" in page
    assert f"?unit={unit_x.pk}&amp;page=1" in page


def queries_and_size(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), len(response.content)


@pytest.mark.parametrize(
    ("persona", "url_name"),
    [("liaison_x", "evidence:list"), ("office_a", "evidence:list"), ("office_a", "evidence:queue")],
)
def test_queries_and_page_size_do_not_grow_with_the_rows(
    client, request, persona, url_name, zone_a, unit_x, item_12, responsible_x
):
    client.force_login(request.getfixturevalue(persona))
    url = reverse(url_name, args=[zone_a.pk])
    bulk_evidence(zone_a, unit_x, item_12, 10, status="submitted")
    client.get(url)  # warm the session and caches
    few_queries, few_bytes = queries_and_size(client, url)
    bulk_evidence(zone_a, unit_x, item_12, 190, status="submitted", start=10)
    many_queries, many_bytes = queries_and_size(client, url)
    assert many_queries == few_queries
    # 200 rows show 50: the page grows by 40 rows' worth, never by 190 (about 1 KB a row).
    assert many_bytes < 150_000
    assert many_bytes - few_bytes < 40 * 1_500


def test_the_api_list_is_paginated_with_a_count(office_a, zone_a, unit_x, item_12):
    bulk_evidence(zone_a, unit_x, item_12, 120, status="submitted")
    api = APIClient()
    api.force_authenticate(office_a)
    url = reverse("api-evidence-list", args=[zone_a.pk])
    body = api.get(url, {"sort": "title"}).json()
    assert body["count"] == 120 and len(body["results"]) == 50 and body["previous"] is None
    assert "page=2" in body["next"] and "sort=title" in body["next"]
    second = api.get(body["next"]).json()
    assert [row["title"] for row in second["results"]] == [f"材料{n:03d}" for n in range(50, 100)]
    assert len(api.get(url, {"page_size": 100}).json()["results"]) == 100
    assert api.get(url, {"q": "材料11"}).json()["count"] == 10
    assert api.get(url, {"page": "99"}).status_code == 404


def test_the_api_list_runs_a_constant_number_of_queries(office_a, zone_a, unit_x, item_12):
    api = APIClient()
    api.force_authenticate(office_a)
    url = reverse("api-evidence-list", args=[zone_a.pk])
    bulk_evidence(zone_a, unit_x, item_12, 10)
    api.get(url)
    few, _ = queries_and_size(api, url)
    bulk_evidence(zone_a, unit_x, item_12, 190, start=10)
    many, size = queries_and_size(api, url)
    assert many == few


def test_submitting_from_the_list_comes_back_to_the_same_page(client, liaison_x, zone_a, evidence_x):
    client.force_login(liaison_x)
    response = client.post(
        reverse("evidence:submit", args=[zone_a.pk, evidence_x.pk]),
        {"next": "list", "back": "status=draft&page=2&x=%22%3E"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("evidence:list", args=[zone_a.pk]) + "?status=draft&page=2&x=%22%3E"


def test_the_database_sorts_only_ids_and_reads_the_page_rows_whole(client, office_a, zone_a, unit_x, item_12):
    """The page is cut from the sorted ids; only its 50 rows are read with their joins, and no list
    query carries the indicators' long texts (they made every sorted row ~3 KB wide)."""
    bulk_evidence(zone_a, unit_x, item_12, 120, status="submitted")
    client.force_login(office_a)
    url = reverse("evidence:list", args=[zone_a.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = get(client, url, {"sort": "title", "page": "2"})
    assert titles(page) == [f"材料{n:03d}" for n in range(50, 100)]
    evidence = [q["sql"] for q in queries.captured_queries if 'FROM "evidence_evidence"' in q["sql"]]
    cut = [sql for sql in evidence if re.search(r"LIMIT 50( OFFSET \d+)?$", sql)]
    assert len(cut) == 1 and cut[0].startswith('SELECT "evidence_evidence"."id" AS "pk" FROM')
    whole = [sql for sql in evidence if '"evidence_evidence"."return_reason"' in sql]
    assert len(whole) == 1 and not re.search(r"LIMIT \d+( OFFSET \d+)?$", whole[0]) and " IN (" in whole[0]
    assert not any('"criteria"' in sql or '"methods"' in sql for sql in evidence)


def test_a_page_of_ids_is_read_back_in_its_order_without_the_rows_not_visible(
    office_a, liaison_x, zone_a, unit_x, unit_y, item_12
):
    from evidence.selectors import evidence_list, evidence_page

    mine = bulk_evidence(zone_a, unit_x, item_12, 3, status="submitted")
    other = bulk_evidence(zone_a, unit_y, item_12, 1, status="submitted", start=10)
    ids = [mine[2].pk, other[0].pk, mine[0].pk]
    office = evidence_page(rows=evidence_list(user=office_a, zone=zone_a), ids=ids)
    assert [row.pk for row in office] == ids
    assert office[0].latest_version == 1  # the annotations come with the rows
    liaison = evidence_page(rows=evidence_list(user=liaison_x, zone=zone_a), ids=ids)
    assert [row.pk for row in liaison] == [mine[2].pk, mine[0].pk]
