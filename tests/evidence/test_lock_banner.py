"""The lock, told before anyone types: while a submitted round locks the zone, the data entry
pages (a unit's figures, all figures, the item 4/34 lists), the evidence upload page and a piece
of evidence's page open with a banner in the refusal's own words (zones.locks.zone_lock_reason,
asked through common.hooks) and the inputs it would refuse disabled. The services still refuse."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import AssessmentRound
from evidence.models import DataValue, OperatorEntry
from tests.assessments.round_helpers import zone_at
from tests.evidence.test_data_fixtures import data_matrix, figure_post
from zones.locks import zone_lock_reason
from zones.models import Zone

pytestmark = pytest.mark.django_db
__all__ = ["data_matrix"]  # fixtures used below

RETAIL = "online_retail_sales"


@pytest.fixture
def locked(zone_a):
    """Zone A's self-assessment for 2023–2024 (it read 2022–2024), submitted."""
    zone_at(zone_a, Zone.Status.CITY_REVIEW)
    return AssessmentRound.objects.create(
        zone=zone_a,
        kind=AssessmentRound.Kind.SELF,
        status=AssessmentRound.Status.SUBMITTED,
        submitted_at=timezone.now(),
        system=zone_a.system,
        reference_year_1=2023,
        reference_year_2=2024,
    )


@pytest.fixture
def value_2024(zone_a):
    return DataValue.objects.create(
        zone=zone_a, metric_id=_metric_id(RETAIL), year=2024, value=Decimal("381.2"), source="统计公报"
    )


def _metric_id(key):
    from indicators.models import Metric

    return Metric.objects.get(key=key).pk


def tag(html: str, name: str) -> str:
    """The opening tag of the input or select called ``name``."""
    found = re.search(rf'<(?:input|select)\b[^>]*\bname="{re.escape(name)}"[^>]*>', html)
    assert found, name
    return found.group(0)


def disabled(html: str, name: str) -> bool:
    return re.search(r"\sdisabled(?=[\s>])", tag(html, name)) is not None


def banner(html: str) -> str | None:
    found = re.search(r'<div class="fw-semibold" id="lock-reason">(.*?)</div>', html, re.S)
    return found.group(1).strip() if found else None


def fieldset_disabled(html: str, marker: str) -> bool:
    """Is the <fieldset> around ``marker`` disabled?"""
    before = html[: html.index(marker)]
    opening = before[before.rindex("<fieldset") :]
    return opening.startswith("<fieldset disabled")


def get(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def unit_url(zone, unit):
    return reverse("data:unit", args=[zone.pk, unit.pk])


# Figures ---------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["unit", "all"])
def test_no_banner_and_open_inputs_when_nothing_is_locked(client, office_a, zone_a, unit_x, data_matrix, page):
    client.force_login(office_a)
    url = unit_url(zone_a, unit_x) if page == "unit" else reverse("data:zone-all", args=[zone_a.pk])
    html = get(client, url)
    assert banner(html) is None and 'id="lock-banner"' not in html
    for year in (2022, 2023, 2024):
        assert not disabled(html, f"value-{RETAIL}-{year}") and not disabled(html, f"source-{RETAIL}-{year}")
    assert " disabled" not in re.search(r'<button[^>]*id="data-save"[^>]*>', html).group(0)


@pytest.mark.parametrize("page", ["unit", "all"])
def test_the_banner_names_the_round_and_years_and_every_locked_input_is_disabled(
    client, office_a, zone_a, unit_x, data_matrix, value_2024, locked, page
):
    client.force_login(office_a)
    url = unit_url(zone_a, unit_x) if page == "unit" else reverse("data:zone-all", args=[zone_a.pk])
    html = get(client, url)
    reason = zone_lock_reason(zone=zone_a)
    assert banner(html) == reason  # the refusal's own words
    assert "“自评”评估轮次" in reason and "2022—2024 年度" in reason and "已锁定" in reason
    for year in (2022, 2023, 2024):
        assert disabled(html, f"value-{RETAIL}-{year}") and disabled(html, f"source-{RETAIL}-{year}")
    assert re.search(r'<button[^>]*id="data-save"[^>]*\sdisabled', html)
    # The server still refuses, with the same words.
    refused = client.post(url, figure_post({(RETAIL, 2024): "390"}))
    assert refused.status_code == 200 and reason in refused.content.decode()
    assert DataValue.objects.get().value == Decimal("381.2")


def test_only_the_years_the_round_read_are_disabled_and_the_rest_saves(
    client, office_a, zone_a, unit_x, data_matrix, value_2024, locked
):
    """The zone has moved on to 2024–2025: 2023 and 2024 (read by the round) locked, 2025 open."""
    Zone.objects.filter(pk=zone_a.pk).update(reference_year_1=2024, reference_year_2=2025)
    client.force_login(office_a)
    url = unit_url(zone_a, unit_x)
    html = get(client, url)
    assert banner(html) == zone_lock_reason(zone=zone_a)
    assert "其他年度的数据仍可填报" in html
    assert disabled(html, f"value-{RETAIL}-2024") and disabled(html, f"value-{RETAIL}-2023")
    assert not disabled(html, f"value-{RETAIL}-2025") and not disabled(html, f"source-{RETAIL}-2025")
    assert " disabled" not in re.search(r'<button[^>]*id="data-save"[^>]*>', html).group(0)
    # What a browser posts: the disabled inputs are left out. They read as stored, not as cleared.
    response = client.post(url, figure_post({(RETAIL, 2025): "400"}, **{f"source-{RETAIL}-2025": "统计公报"}))
    assert response.status_code == 302
    stored = {v.year: (v.value, v.source) for v in DataValue.objects.all()}
    assert stored == {2024: (Decimal("381.2"), "统计公报"), 2025: (Decimal("400"), "统计公报")}


def test_the_banner_goes_once_the_round_is_reopened(client, office_a, zone_a, unit_x, data_matrix, locked):
    assessment_services.round_reopen(round=locked, user=office_a, reason="补充材料后重新评估")
    client.force_login(office_a)
    html = get(client, unit_url(zone_a, unit_x))
    assert banner(html) is None and not disabled(html, f"value-{RETAIL}-2024")


# The item 4/34 lists ----------------------------------------------------------------------


@pytest.fixture
def operator(zone_a):
    return OperatorEntry.objects.create(
        zone=zone_a, name="甲电商有限公司", credit_code="91350100M000100Y43", year=2024, annual_sales=1
    )


def test_the_list_pages_show_the_banner_and_disable_the_forms(client, office_a, zone_a, data_matrix, operator, locked):
    client.force_login(office_a)
    html = get(client, reverse("data:entries", args=[zone_a.pk, "operators"]))
    assert banner(html) == zone_lock_reason(zone=zone_a)
    assert fieldset_disabled(html, 'name="name"')
    assert re.search(r'<button type="submit" class="btn btn-sm btn-outline-danger" disabled>', html)
    edit = get(client, reverse("data:entry-edit", args=[zone_a.pk, "operators", operator.pk]))
    assert banner(edit) == zone_lock_reason(zone=zone_a) and fieldset_disabled(edit, 'name="name"')


def test_the_list_pages_are_open_when_nothing_is_locked(client, office_a, zone_a, data_matrix, operator):
    client.force_login(office_a)
    html = get(client, reverse("data:entries", args=[zone_a.pk, "operators"]))
    assert banner(html) is None and not fieldset_disabled(html, 'name="name"')
    edit = get(client, reverse("data:entry-edit", args=[zone_a.pk, "operators", operator.pk]))
    assert banner(edit) is None and not fieldset_disabled(edit, 'name="name"')


def test_the_excel_page_shows_the_banner(client, office_a, zone_a, locked):
    client.force_login(office_a)
    assert banner(get(client, reverse("data:excel", args=[zone_a.pk]))) == zone_lock_reason(zone=zone_a)


# Evidence -------------------------------------------------------------------------------


def test_the_upload_page_shows_the_banner_and_disables_the_upload(
    client, liaison_x, zone_a, item_12, responsible_x, locked
):
    client.force_login(liaison_x)
    html = get(client, reverse("evidence:upload", args=[zone_a.pk]) + f"?indicator={item_12.pk}")
    assert banner(html) == zone_lock_reason(zone=zone_a)
    assert fieldset_disabled(html, 'id="evidence-files"') and fieldset_disabled(html, "data-upload-start")


def test_the_upload_page_is_open_when_nothing_is_locked(client, liaison_x, zone_a, item_12, responsible_x):
    client.force_login(liaison_x)
    html = get(client, reverse("evidence:upload", args=[zone_a.pk]) + f"?indicator={item_12.pk}")
    assert banner(html) is None and not fieldset_disabled(html, 'id="evidence-files"')


def test_the_evidence_page_shows_the_banner_and_disables_new_versions_and_submit(
    client, liaison_x, zone_a, evidence_x, locked
):
    client.force_login(liaison_x)
    url = reverse("evidence:detail", args=[zone_a.pk, evidence_x.pk])
    html = get(client, url)
    assert banner(html) == zone_lock_reason(zone=zone_a)
    assert fieldset_disabled(html, 'id="evidence-version-file"') and fieldset_disabled(html, 'id="submit-button"')
    locked.delete()
    html = get(client, url)
    assert banner(html) is None
    assert not fieldset_disabled(html, 'id="evidence-version-file"') and not fieldset_disabled(
        html, 'id="submit-button"'
    )


def test_the_review_buttons_are_disabled_under_the_banner(client, liaison_x, office_a, zone_a, evidence_x, locked):
    from evidence.models import Evidence

    Evidence.objects.filter(pk=evidence_x.pk).update(status="submitted")
    client.force_login(office_a)
    html = get(client, reverse("evidence:detail", args=[zone_a.pk, evidence_x.pk]))
    assert banner(html) == zone_lock_reason(zone=zone_a)
    assert fieldset_disabled(html, 'id="accept-button"') and fieldset_disabled(html, 'id="return-button"')


def test_the_list_and_the_queue_show_the_banner_and_the_rows_submit_is_disabled(
    client, liaison_x, office_a, zone_a, evidence_x, locked
):
    client.force_login(liaison_x)
    url = reverse("evidence:list", args=[zone_a.pk])
    html = get(client, url)
    assert banner(html) == zone_lock_reason(zone=zone_a)
    assert re.search(r'<button type="submit" class="btn btn-sm btn-primary" disabled>提交</button>', html)
    client.force_login(office_a)
    assert banner(get(client, reverse("evidence:queue", args=[zone_a.pk]))) == zone_lock_reason(zone=zone_a)
    locked.delete()
    client.force_login(liaison_x)
    html = get(client, url)
    assert banner(html) is None
    assert re.search(r'<button type="submit" class="btn btn-sm btn-primary">提交</button>', html)
