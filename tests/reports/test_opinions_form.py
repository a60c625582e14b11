"""The 评审意见 form: no conclusion preselected, a missing one refused in Chinese (page and API),
the submit asks first; the opinion header in Chinese punctuation."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import ReviewOpinion

pytestmark = pytest.mark.django_db


def zone_page(client, zone):
    return client.get(reverse("reports:zone", args=[zone.pk])).content.decode()


def test_no_conclusion_is_preselected_and_the_form_asks_before_sending(client, zone_a, reviewer_fujian, self_round):
    client.force_login(reviewer_fujian)
    page = zone_page(client, zone_a)
    select = re.search(r'<select name="conclusion".*?</select>', page, re.S).group(0)
    options = re.findall(r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', select)
    assert options[0][0] == "" and options[0][2] == "请选择"
    assert not any("selected" in attrs for value, attrs, _ in options if value)
    assert "required" in select
    form = page[page.index('id="opinion-form"') :]
    form = form[: form.index(">")]
    assert "data-confirm=" in form and "发送给该创建对象的办公室" in form


def test_a_missing_conclusion_is_refused_in_chinese_and_nothing_is_sent(client, zone_a, reviewer_fujian, self_round):
    client.force_login(reviewer_fujian)
    response = client.post(
        reverse("reports:opinion-create", args=[zone_a.pk]),
        {"round": self_round.pk, "conclusion": "", "text": "材料齐全。"},
        follow=True,
    )
    assert "请选择评审结论" in response.content.decode()
    assert not ReviewOpinion.objects.exists()
    url = reverse("api-opinion-list", args=[zone_a.pk])
    api = client.post(url, {"round": self_round.pk, "text": "材料齐全。"}, "application/json")
    assert api.status_code == 400 and not ReviewOpinion.objects.exists()


def test_the_opinion_header_uses_chinese_parentheses(client, zone_a, reviewer_fujian, self_round):
    client.force_login(reviewer_fujian)
    client.post(
        reverse("reports:opinion-create", args=[zone_a.pk]),
        {"round": self_round.pk, "conclusion": "recheck", "text": "请补充材料。"},
    )
    page = zone_page(client, zone_a)
    day = f"{timezone.localtime(self_round.opened_at):%Y-%m-%d}"
    assert f"（{day} 发起）" in page and f"({day} 发起)" not in page
