"""督办通报 at scale: the page shows the overdue rows 50 at a time (the export keeps them all)."""

from datetime import date

import pytest
from django.urls import reverse

from tasks.services import task_create

pytestmark = pytest.mark.django_db

T = date(2030, 7, 10)


@pytest.fixture
def many_overdue(zone_a, unit_x, unit_y, office_a):
    """30 tasks due before T for X and Y: 60 overdue assignments, 30 a unit."""
    for i in range(30):
        task_create(
            zone=zone_a,
            number=str(i + 1),
            title=f"逾期任务{i + 1}",
            deadline=date(2030, 6, 1 + i % 28),
            unit_ids=[unit_x.pk, unit_y.pk],
            user=office_a,
        )


def test_page_shows_fifty_overdue_rows_a_page_with_the_count(client, office_a, zone_a, many_overdue):
    client.force_login(office_a)
    url = reverse("tasks:bulletin", args=[zone_a.pk])
    first = client.get(url, {"date": "2030-07-10"}).content.decode()
    assert first.count('class="bulletin-row"') == 50
    assert 'id="bulletin-overdue-count">60<' in first
    assert "共 60 条" in first and "第 1 / 2 页" in first
    assert "date=2030-07-10&amp;page=2" in first  # the chosen date stays in the pager's links
    assert first.count("30 项逾期") == 2  # each unit's group header gives its full count, not the page's

    second = client.get(url, {"date": "2030-07-10", "page": 2}).content.decode()
    assert second.count('class="bulletin-row"') == 10
    assert "第 2 / 2 页" in second and "截至 2030-07-10" in second


def test_export_keeps_every_overdue_row(client, office_a, zone_a, many_overdue):
    import io

    from openpyxl import load_workbook

    client.force_login(office_a)
    response = client.get(reverse("tasks:bulletin-export", args=[zone_a.pk]), {"date": "2030-07-10"})
    sheet = load_workbook(io.BytesIO(response.content))["逾期任务"]
    assert sheet.max_row - 2 == 60
