"""Changes made in the admin go through data_admin_save / data_admin_delete: history and rescoring too."""

from decimal import Decimal

import pytest

from assessments.models import ScoreSnapshot
from evidence.data.services import data_admin_delete, data_admin_save
from evidence.models import DataChange, DataValue, OperatorEntry
from indicators.models import Metric

pytestmark = pytest.mark.django_db


def test_an_admin_edit_of_a_figure_is_recorded(office_a, zone_a, django_capture_on_commit_callbacks):
    metric = Metric.objects.get(key="online_retail_sales")
    with django_capture_on_commit_callbacks(execute=True):
        value = DataValue(zone=zone_a, metric=metric, year=2024, value=Decimal("381.2"))
        data_admin_save(obj=value, user=office_a)
        value.value, value.source = Decimal("390"), "公报"
        data_admin_save(obj=value, user=office_a)
        data_admin_delete(obj=DataValue.objects.get(), user=office_a)
    rows = list(DataChange.objects.order_by("id").values_list("action", "field", "old_value", "new_value", "via"))
    assert rows == [
        ("created", "value", "", "381.2", "admin"),
        ("updated", "value", "381.2", "390", "admin"),
        ("updated", "source", "", "公报", "admin"),
        ("deleted", "value", "390", "", "admin"),
        ("deleted", "source", "公报", "", "admin"),
    ]
    assert ScoreSnapshot.objects.filter(zone=zone_a, status="done").exists()


def test_an_admin_edit_of_an_operator_is_recorded(office_a, zone_a):
    entry = OperatorEntry(zone=zone_a, name="甲", credit_code="91350100M000100Y43", year=2024, annual_sales=1)
    data_admin_save(obj=entry, user=office_a)
    entry.annual_sales = Decimal("2")
    data_admin_save(obj=entry, user=office_a)
    change = DataChange.objects.get(action="updated")
    assert (change.target, change.field, change.old_value, change.new_value) == ("operator", "annual_sales", "1", "2")
