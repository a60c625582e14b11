"""The admin's catalogue pages read by a person: metrics by name (the key last), and each rule's
parameters read out in Chinese beside the raw JSON."""

import re

import pytest
from django.urls import reverse

from indicators.admin import rule_readout
from indicators.models import Indicator, Metric, ScoringItem
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(standard, client):
    user = UserFactory(username="root_t", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_every_shipped_rule_reads_in_chinese(standard):
    names = dict(Metric.objects.values_list("key", "name"))
    for item in ScoringItem.objects.all():
        lines = rule_readout(item.rule_type, item.params, names)
        assert lines and "无法解读" not in "".join(lines), (item.code, item.params)
        assert not re.search(r"[a-z]{3,}_[a-z]", "".join(lines)), (item.code, lines)  # no raw keys


def test_the_indicator_page_shows_the_rule_beside_its_json(client, root):
    item = ScoringItem.objects.filter(rule_type="ratio_bands").select_related("indicator").first()
    html = client.get(reverse("admin:indicators_indicator_change", args=[item.indicator_id])).content.decode()
    assert "规则说明" in html and "及以上得" in html and "取最高档" in html


def test_metrics_are_listed_by_name_first(client, root):
    html = client.get(reverse("admin:indicators_metric_changelist")).content.decode()
    headers = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', html)
    assert headers[:2] == ["name", "unit"] and headers[-1] == "key"
    assert Indicator.objects.exists()
