"""The demo's second 福建省 zone: the provincial reviewer reaches the zone comparison from the UI."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from assessments.models import Judgement, ScoreSnapshot
from evidence.models import DataChange, DataValue
from zones.models import Zone

pytestmark = pytest.mark.django_db


def test_the_province_reviewer_compares_the_two_demo_zones(standard, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
    second = Zone.objects.get(name="南平市")
    assert second.region.parent.name == "福建省" and second.tier == Zone.Tier.PROVINCIAL
    assert DataValue.objects.filter(zone=second).exists() and Judgement.objects.filter(zone=second).exists()
    live = ScoreSnapshot.objects.filter(zone=second, round__isnull=True, status="done").latest("pk")
    assert Decimal("30") < live.total < Decimal("60")  # some figures, clearly below 三明市's 83.5

    client.force_login(get_user_model().objects.get(username="province"))
    home = client.get(reverse("reports:home")).content.decode()
    assert len(re.findall(r'<tr data-zone="\d+">', home)) == 2 and 'id="compare-link"' in home
    compare = client.get(reverse("reports:compare")).content.decode()
    assert compare.count('fill-opacity="0.18"') == 2  # both zones on the radar
    assert "三明市（83.5分）" in compare and f"南平市（{live.total.normalize():f}分）" in compare

    changes = DataChange.objects.count()
    call_command("load_demo", stdout=io.StringIO())  # loading again changes nothing
    assert DataChange.objects.count() == changes and Zone.objects.filter(name="南平市").count() == 1
