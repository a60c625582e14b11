"""List inputs: item 4's operators and item 34's outcomes — add, edit, remove, with history and checks."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from evidence.models import DataChange, DataEvidenceLink, Evidence, OperatorEntry, OutcomeEntry
from tests.evidence.test_data_fixtures import data_liaison_y, data_matrix

pytestmark = pytest.mark.django_db
__all__ = ["data_liaison_y", "data_matrix"]

CODE = "91350100M000100Y43"  # GB 32100-2015's own example
OPERATOR = {"name": "甲电商有限公司", "credit_code": CODE, "year": "2024", "annual_sales": "26500"}


def entries_url(zone, name):
    return reverse("data:entries", args=[zone.pk, name])


def test_the_office_adds_edits_and_removes_an_operator_with_history(client, office_a, zone_a, data_matrix):
    client.force_login(office_a)
    assert client.post(entries_url(zone_a, "operators"), OPERATOR).status_code == 302
    entry = OperatorEntry.objects.get(zone=zone_a)
    assert (entry.name, entry.credit_code, entry.year, entry.annual_sales) == ("甲电商有限公司", CODE, 2024, 26500)
    created = DataChange.objects.filter(target="operator", action="created")
    assert {(c.field, c.new_value) for c in created} == {
        ("name", "甲电商有限公司"),
        ("credit_code", CODE),
        ("year", "2024"),
        ("annual_sales", "26500"),
    }
    assert created.first().label == f"甲电商有限公司（{CODE}，2024年）"

    edit = reverse("data:entry-edit", args=[zone_a.pk, "operators", entry.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, {**OPERATOR, "annual_sales": "19999.5"}).status_code == 302
    change = DataChange.objects.get(target="operator", action="updated")
    assert (change.field, change.old_value, change.new_value) == ("annual_sales", "26500", "19999.5")

    delete = reverse("data:entry-delete", args=[zone_a.pk, "operators", entry.pk])
    assert client.post(delete).status_code == 302
    assert not OperatorEntry.objects.exists()
    assert DataChange.objects.filter(target="operator", action="deleted").count() == 4

    history = client.get(reverse("data:history", args=[zone_a.pk])).content.decode()
    assert "甲电商有限公司" in history and "19999.5" in history


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credit_code", "91350100M000100Y44", "校验位错误（第18位应为“3”）"),
        ("credit_code", "91350100M000100Y4", "应为18位"),
        ("credit_code", "", "请填写统一社会信用代码"),
        ("name", "", "请填写经营者名称"),
        ("year", "2022", "年度“2022”应为参考年度（2023、2024）之一"),
        ("annual_sales", "-1", "年度电子商务销售额不能为负数"),
        ("annual_sales", "1e40", "年度电子商务销售额过大"),
        ("annual_sales", "两亿", "年度电子商务销售额“两亿”不是有效的数字"),
    ],
)
def test_a_bad_operator_is_refused_and_nothing_is_saved(client, office_a, zone_a, data_matrix, field, value, message):
    client.force_login(office_a)
    response = client.post(entries_url(zone_a, "operators"), {**OPERATOR, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not OperatorEntry.objects.exists() and not DataChange.objects.exists()


def test_the_same_operator_twice_in_a_year_is_refused(client, office_a, zone_a, data_matrix):
    client.force_login(office_a)
    client.post(entries_url(zone_a, "operators"), OPERATOR)
    response = client.post(entries_url(zone_a, "operators"), {**OPERATOR, "name": "别名"})
    assert f"统一社会信用代码为 {CODE} 的经营者在 2024 年已登记" in response.content.decode()
    assert OperatorEntry.objects.count() == 1
    # The other reference year is another entry.
    assert client.post(entries_url(zone_a, "operators"), {**OPERATOR, "year": "2023"}).status_code == 302


def test_an_outcome_with_its_evidence(client, office_a, zone_a, unit_y, data_matrix):
    evidence = Evidence.objects.create(zone=zone_a, indicator=data_matrix["34"], unit=unit_y, title="规范性文件扫描件")
    client.force_login(office_a)
    data = {"title": "网络交易监管办法", "kind": "normative", "issued_on": "2024-06-01", "evidence": str(evidence.pk)}
    assert client.post(entries_url(zone_a, "outcomes"), data).status_code == 302
    outcome = OutcomeEntry.objects.get()
    assert outcome.issued_on == date(2024, 6, 1)
    assert DataEvidenceLink.objects.get(outcome=outcome).evidence == evidence
    change = DataChange.objects.get(target="outcome", field="evidence")
    assert change.new_value == f"规范性文件扫描件（#{evidence.pk}）"
    assert "规范性文件扫描件" in client.get(entries_url(zone_a, "outcomes")).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "请填写成果名称"),
        ("kind", "", "请选择类型"),
        ("issued_on", "2024-13-01", "不是有效日期"),
        ("issued_on", (date.today() + timedelta(days=2)).isoformat(), "发布日期不能晚于今天"),
    ],
)
def test_a_bad_outcome_is_refused(client, office_a, zone_a, data_matrix, field, value, message):
    client.force_login(office_a)
    data = {"title": "网络交易监管办法", "kind": "rule", "issued_on": "2024-06-01", field: value}
    response = client.post(entries_url(zone_a, "outcomes"), data)
    assert message in response.content.decode()
    assert not OutcomeEntry.objects.exists()


def test_evidence_of_another_zone_cannot_back_an_outcome(client, office_a, zone_a, zone_b, data_matrix):
    from indicators.models import Indicator
    from tests.factories import UnitFactory

    other = Evidence.objects.create(
        zone=zone_b,
        indicator=Indicator.objects.get(system=zone_b.system, code="34"),
        unit=UnitFactory(zone=zone_b),
        title="他人的材料",
    )
    client.force_login(office_a)
    data = {"title": "办法", "kind": "rule", "issued_on": "2024-06-01", "evidence": str(other.pk)}
    response = client.post(entries_url(zone_a, "outcomes"), data)
    assert response.status_code == 200
    assert not OutcomeEntry.objects.exists()


def test_a_liaison_edits_the_list_their_unit_answers_for_only(client, liaison_x, data_liaison_y, zone_a, data_matrix):
    client.force_login(liaison_x)  # unit X answers for item 4
    assert client.post(entries_url(zone_a, "operators"), OPERATOR).status_code == 302
    assert client.get(entries_url(zone_a, "outcomes")).status_code == 403
    assert (
        client.post(
            entries_url(zone_a, "outcomes"), {"title": "办法", "kind": "rule", "issued_on": "2024-06-01"}
        ).status_code
        == 403
    )
    client.force_login(data_liaison_y)  # unit Y answers for item 34, not item 4
    entry = OperatorEntry.objects.get()
    assert client.get(entries_url(zone_a, "operators")).status_code == 403
    assert client.post(reverse("data:entry-delete", args=[zone_a.pk, "operators", entry.pk])).status_code == 403
    assert OperatorEntry.objects.filter(annual_sales=Decimal("26500")).exists()
    assert not OutcomeEntry.objects.exists()


def test_an_unknown_list_is_not_found(client, office_a, zone_a):
    client.force_login(office_a)
    assert client.get(reverse("data:entries", args=[zone_a.pk, "judges"])).status_code == 404


def test_office_b_does_not_see_zone_as_lists(client, office_b, zone_a, data_matrix):
    client.force_login(office_b)
    assert client.get(entries_url(zone_a, "operators")).status_code == 404
