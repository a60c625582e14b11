"""The per-unit data form: what it asks for, validation, derived figures, history, permissions, rescoring."""

from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from assessments.models import ScoreSnapshot
from evidence.models import DataChange, DataValue
from tests.evidence.test_data_fixtures import X_METRICS, Y_METRICS, data_liaison_y, data_matrix, figure_post

pytestmark = pytest.mark.django_db
__all__ = ["data_liaison_y", "data_matrix"]  # fixtures used below


def unit_url(zone, unit):
    return reverse("data:unit", args=[zone.pk, unit.pk])


def values_of(zone):
    return {(v.metric.key, v.year): v for v in DataValue.objects.filter(zone=zone).select_related("metric")}


RETAIL = {
    ("online_retail_sales", 2022): "310.5",
    ("online_retail_sales", 2023): "352.8",
    ("online_retail_sales", 2024): "381.2",
}


# What the form asks for --------------------------------------------------------


def test_the_unit_form_lists_its_metrics_years_and_the_items_they_feed(client, office_a, zone_a, unit_x, data_matrix):
    client.force_login(office_a)
    response = client.get(unit_url(zone_a, unit_x))
    assert response.status_code == 200
    form = response.context["form"]
    assert {b.need.key for b in form.blocks} == X_METRICS
    retail = next(b for b in form.blocks if b.need.key == "online_retail_sales")
    # A growth metric: the year before each reference year too; official growth only for the reference years.
    assert [y.year for y in retail.years] == [2022, 2023, 2024]
    assert [y.year for y in retail.years if y.growth] == [2023, 2024]
    content = response.content.decode()
    assert "第1项：网上零售额同比增速=（当年/上年-1）×100%" in content
    assert "第6项：网上零售额占社会零售总额比重=网上零售额/社会消费品零售总额×100%" in content
    assert "亿元" in content
    assert "js/data-form.js" in content


def test_a_rate_metric_is_asked_for_the_reference_years_only(client, office_a, zone_a):
    client.force_login(office_a)
    response = client.get(reverse("data:zone-all", args=[zone_a.pk]))
    form = response.context["form"]
    satisfaction = next(b for b in form.blocks if b.need.key == "consumer_satisfaction")
    assert [y.year for y in satisfaction.years] == [2023, 2024]
    assert all(y.growth is None for y in satisfaction.years)
    assert "第25.3项：消费者满意度高于全国平均水平" in response.content.decode()


# Saving, derived figures and history ---------------------------------------------


def test_saving_stores_values_with_history_and_shows_the_derived_growth(
    client, office_a, zone_a, unit_x, data_matrix, django_capture_on_commit_callbacks
):
    client.force_login(office_a)
    data = figure_post(
        RETAIL, **{"source-online_retail_sales-2024": "市统计局年报", "growth-online_retail_sales-2023": ""}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(unit_url(zone_a, unit_x), data)
    assert response.status_code == 302
    stored = values_of(zone_a)
    assert stored[("online_retail_sales", 2024)].value == Decimal("381.2")
    assert stored[("online_retail_sales", 2024)].source == "市统计局年报"
    assert stored[("online_retail_sales", 2024)].updated_by == office_a

    changes = DataChange.objects.filter(zone=zone_a).order_by("id")
    assert {(c.metric.key, c.year, c.field, c.old_value, c.new_value) for c in changes} == {
        ("online_retail_sales", 2022, "value", "", "310.5"),
        ("online_retail_sales", 2023, "value", "", "352.8"),
        ("online_retail_sales", 2024, "value", "", "381.2"),
        ("online_retail_sales", 2024, "source", "", "市统计局年报"),
    }
    assert all(c.action == "created" and c.via == "form" and c.changed_by == office_a for c in changes)

    page = client.get(unit_url(zone_a, unit_x)).content.decode()
    # (381.2 / 352.8 − 1) × 100 = 8.0499 → 8.05%; (352.8 / 310.5 − 1) × 100 = 13.6232 → 13.62%
    assert "8.05%" in page and "13.62%" in page
    assert "按当年与上年总量计算" in page


def test_an_edit_records_old_and_new_and_a_cleared_value_deletes_the_figure(
    client, office_a, zone_a, unit_x, data_matrix
):
    client.force_login(office_a)
    client.post(unit_url(zone_a, unit_x), figure_post(RETAIL))
    client.post(
        unit_url(zone_a, unit_x),
        figure_post({**RETAIL, ("online_retail_sales", 2024): "390", ("online_retail_sales", 2022): ""}),
    )
    stored = values_of(zone_a)
    assert stored[("online_retail_sales", 2024)].value == Decimal("390")
    assert ("online_retail_sales", 2022) not in stored
    latest = {(c.year, c.action): (c.old_value, c.new_value) for c in DataChange.objects.filter(zone=zone_a)}
    assert latest[(2024, "updated")] == ("381.2", "390")
    assert latest[(2022, "deleted")] == ("310.5", "")


def test_the_official_growth_rate_wins_and_may_be_negative_or_above_100(client, office_a, zone_a, unit_x, data_matrix):
    client.force_login(office_a)
    data = figure_post(RETAIL, **{"growth-online_retail_sales-2023": "-3.5", "growth-online_retail_sales-2024": "150"})
    response = client.post(unit_url(zone_a, unit_x), data)
    assert response.status_code == 302
    stored = values_of(zone_a)
    assert stored[("online_retail_sales", 2023)].published_growth == Decimal("-3.5")
    assert stored[("online_retail_sales", 2024)].published_growth == Decimal("150")
    page = client.get(unit_url(zone_a, unit_x)).content.decode()
    assert "-3.50%" in page and "150.00%" in page and "采用官方公布的可比口径增速" in page


def test_an_unchanged_form_changes_nothing(client, office_a, zone_a, unit_x, data_matrix):
    client.force_login(office_a)
    client.post(unit_url(zone_a, unit_x), figure_post(RETAIL))
    count = DataChange.objects.count()
    client.post(unit_url(zone_a, unit_x), figure_post({k: v + "0" for k, v in RETAIL.items()}))  # 310.50 == 310.5
    assert DataChange.objects.count() == count


# Validation: each bad input has its Chinese message and saves nothing -------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("value-online_retail_sales-2024", "abc", "“网上零售额”2024年数值“abc”不是有效的数字"),
        ("value-online_retail_sales-2024", "-1", "“网上零售额”2024年数值不能为负数"),
        ("value-online_retail_sales-2024", "1e20", "“网上零售额”2024年数值过大"),
        ("value-online_retail_sales-2024", "1e40", "“网上零售额”2024年数值过大"),
        ("value-online_retail_sales-2024", "NaN", "“网上零售额”2024年数值“NaN”不是有效的数字"),
        ("growth-online_retail_sales-2024", "1e9", "“网上零售额”2024年官方公布增速过大"),
        ("growth-online_retail_sales-2024", "七", "“网上零售额”2024年官方公布增速“七”不是有效的数字"),
        ("source-online_retail_sales-2024", "来" * 201, "“网上零售额”2024年来源不能超过200个字"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message_and_nothing_is_saved(
    client, office_a, zone_a, unit_x, data_matrix, field, value, message
):
    client.force_login(office_a)
    response = client.post(unit_url(zone_a, unit_x), figure_post(RETAIL, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert message in response.context["form"].errors[field]
    assert not DataValue.objects.filter(zone=zone_a).exists()
    assert not DataChange.objects.exists()
    assert not ScoreSnapshot.objects.filter(zone=zone_a).exists()


def test_a_rate_above_100_is_refused_but_100_is_fine(client, office_a, zone_a):
    client.force_login(office_a)
    url = reverse("data:zone-all", args=[zone_a.pk])
    response = client.post(url, figure_post({("consumer_satisfaction", 2024): "100.5"}))
    assert "“消费者满意度”2024年数值为比率，不能超过100%" in response.content.decode()
    assert not DataValue.objects.exists()
    assert client.post(url, figure_post({("consumer_satisfaction", 2024): "100"})).status_code == 302
    assert DataValue.objects.get().value == 100


def test_a_source_without_a_value_is_refused(client, office_a, zone_a, unit_x, data_matrix):
    client.force_login(office_a)
    response = client.post(unit_url(zone_a, unit_x), {"source-social_retail_sales-2024": "统计公报"})
    assert "“社会消费品零售总额”2024年填写了来源或佐证材料，但未填写数值" in response.content.decode()
    assert not DataValue.objects.exists()


# Permissions ----------------------------------------------------------------------


def test_a_liaison_fills_in_their_own_units_metrics(client, liaison_x, zone_a, unit_x, data_matrix):
    client.force_login(liaison_x)
    response = client.get(unit_url(zone_a, unit_x))
    assert response.status_code == 200
    assert {b.need.key for b in response.context["form"].blocks} == X_METRICS
    assert client.post(unit_url(zone_a, unit_x), figure_post(RETAIL)).status_code == 302
    assert len(values_of(zone_a)) == 3


def test_a_liaison_cannot_submit_for_another_unit(client, liaison_x, zone_a, unit_y, data_matrix):
    client.force_login(liaison_x)
    assert client.get(unit_url(zone_a, unit_y)).status_code == 403
    response = client.post(unit_url(zone_a, unit_y), figure_post({("express_volume", 2024): "100"}))
    assert response.status_code == 403
    assert not DataValue.objects.exists() and not DataChange.objects.exists()
    # Nor the office's all-metrics form.
    assert client.get(reverse("data:zone-all", args=[zone_a.pk])).status_code == 403


def test_fields_of_other_units_posted_to_ones_own_form_are_ignored(client, liaison_x, zone_a, unit_x, data_matrix):
    client.force_login(liaison_x)
    client.post(unit_url(zone_a, unit_x), figure_post({**RETAIL, ("express_volume", 2024): "100"}))
    assert set(k for k, _ in values_of(zone_a)) == {"online_retail_sales"}


def test_the_office_may_fill_in_any_unit(client, office_a, zone_a, unit_y, data_matrix):
    client.force_login(office_a)
    response = client.get(unit_url(zone_a, unit_y))
    assert {b.need.key for b in response.context["form"].blocks} == Y_METRICS


@pytest.mark.parametrize(
    ("persona", "status"),
    [("office_b", 404), ("reviewer_zhejiang", 404), ("outsider", 404), ("evaluator_a", 403), ("reviewer_fujian", 403)],
)
def test_others_cannot_open_zone_as_data_pages(request, client, zone_a, unit_x, data_matrix, persona, status):
    client.force_login(request.getfixturevalue(persona))
    for url in (
        unit_url(zone_a, unit_x),
        reverse("data:zone", args=[zone_a.pk]),
        reverse("data:excel", args=[zone_a.pk]),
        reverse("data:history", args=[zone_a.pk]),
    ):
        assert client.get(url).status_code == status, url
    assert client.post(unit_url(zone_a, unit_x), figure_post(RETAIL)).status_code == status
    assert not DataValue.objects.exists()


def test_a_unit_of_another_zone_is_not_found(client, office_a, zone_a, zone_b):
    from tests.factories import UnitFactory

    other = UnitFactory(zone=zone_b)
    client.force_login(office_a)
    assert client.get(reverse("data:unit", args=[zone_a.pk, other.pk])).status_code == 404


# Rescoring: one coalesced job per request -------------------------------------------


def test_several_changes_in_one_request_send_one_job_after_commit(
    client, office_a, zone_a, unit_x, data_matrix, django_capture_on_commit_callbacks
):
    client.force_login(office_a)
    with mock.patch("assessments.jobs.compute_zone_score.apply_async") as send:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            client.post(unit_url(zone_a, unit_x), figure_post(RETAIL))
        assert send.call_count == 1
        assert send.call_args.kwargs["countdown"] == 5
        # our request for a score, then its job (besides the cache tokens replaced on commit: common.cache)
        assert len([c for c in callbacks if "invalidate" not in c.__qualname__]) == 2
        assert ScoreSnapshot.objects.filter(zone=zone_a, status="queued").count() == 1
        # While that snapshot waits in the queue, further saves join it.
        with django_capture_on_commit_callbacks(execute=True):
            client.post(unit_url(zone_a, unit_x), figure_post({("social_retail_sales", 2024): "1000"}))
        assert send.call_count == 1
        assert ScoreSnapshot.objects.filter(zone=zone_a).count() == 1


def test_no_job_when_nothing_changed(client, office_a, zone_a, unit_x, data_matrix, django_capture_on_commit_callbacks):
    client.force_login(office_a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(unit_url(zone_a, unit_x), figure_post({}))
    assert callbacks == []
    assert not ScoreSnapshot.objects.exists()


def test_after_the_job_the_score_page_shows_the_new_total(
    client, office_a, zone_a, unit_x, data_matrix, django_capture_on_commit_callbacks
):
    client.force_login(office_a)
    data = figure_post(
        {
            **RETAIL,
            ("social_retail_sales", 2022): "1000",
            ("social_retail_sales", 2023): "1010",
            ("social_retail_sales", 2024): "1020",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):  # jobs run eagerly in tests
        client.post(unit_url(zone_a, unit_x), data)
    snapshot = ScoreSnapshot.objects.get(zone=zone_a)
    assert snapshot.status == "done"
    # Item 2: online retail grew faster than social retail in both years → 2 points;
    # item 6: 381.2 / 1020 = 37.4% beats the national share in both years → 2 points.
    assert snapshot.total >= 4
    page = client.get(reverse("assessments:scores", args=[zone_a.pk])).content.decode()
    assert f'id="score-total">{snapshot.result["total"]}<' in page


@pytest.mark.parametrize("persona", ["office_a", "liaison_x"])
def test_every_data_page_opens(request, client, zone_a, unit_x, data_matrix, persona):
    client.force_login(request.getfixturevalue(persona))
    client.post(unit_url(zone_a, unit_x), figure_post(RETAIL))
    for url in (
        reverse("data:home"),
        reverse("data:completeness-home"),
        reverse("data:zone", args=[zone_a.pk]),
        unit_url(zone_a, unit_x),
        reverse("data:entries", args=[zone_a.pk, "operators"]),
        reverse("data:excel", args=[zone_a.pk]),
        reverse("data:history", args=[zone_a.pk]) + "?metric=online_retail_sales&page=1",
        reverse("data:completeness", args=[zone_a.pk]),
    ):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
    page = client.get(reverse("data:zone", args=[zone_a.pk])).content.decode()
    assert "商务局" in page and "3 / 6" in page  # 3 of unit X's 6 figures are in
    history = client.get(reverse("data:history", args=[zone_a.pk])).content.decode()
    assert "网上零售额 2024年" in history and "381.2" in history


def test_a_figure_links_evidence_of_the_zone_and_keeps_it(
    client, office_a, liaison_x, zone_a, unit_x, unit_y, data_matrix
):
    from evidence.models import DataEvidenceLink, Evidence

    own = Evidence.objects.create(zone=zone_a, indicator=data_matrix["1"], unit=unit_x, title="统计公报")
    other = Evidence.objects.create(zone=zone_a, indicator=data_matrix["1"], unit=unit_y, title="统计局数据")
    client.force_login(office_a)
    field = "evidence-online_retail_sales-2024"
    client.post(unit_url(zone_a, unit_x), figure_post(RETAIL, **{field: str(other.pk)}))
    assert DataEvidenceLink.objects.get().evidence == other
    assert DataChange.objects.get(field="evidence").new_value == f"统计局数据（#{other.pk}）"

    client.force_login(liaison_x)  # offered their unit's evidence, and what is already linked
    form = client.get(unit_url(zone_a, unit_x)).context["form"]
    assert {v for v, _ in form.fields[field].choices} == {"", str(own.pk), str(other.pk)}
    assert {v for v, _ in form.fields["evidence-online_retail_sales-2023"].choices} == {"", str(own.pk)}
    client.post(unit_url(zone_a, unit_x), figure_post(RETAIL, **{field: str(other.pk)}))
    assert DataEvidenceLink.objects.get().evidence == other
    client.post(unit_url(zone_a, unit_x), figure_post(RETAIL, **{field: str(own.pk)}))
    assert DataEvidenceLink.objects.get().evidence == own
    page = client.get(unit_url(zone_a, unit_x)).content.decode()
    assert "统计公报" in page


@pytest.mark.django_db(transaction=True)  # real commits: the job runs in-process after the data are committed
def test_the_data_are_saved_even_when_the_score_computation_fails(client, office_a, zone_a, unit_x, data_matrix):
    client.force_login(office_a)
    with mock.patch("assessments.selectors.zone_score", side_effect=RuntimeError("boom")):
        response = client.post(unit_url(zone_a, unit_x), figure_post(RETAIL))
    assert response.status_code == 302
    assert len(values_of(zone_a)) == 3
    assert ScoreSnapshot.objects.get(zone=zone_a).status == "failed"
