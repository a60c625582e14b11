"""The portal's own words around a value use Chinese brackets and commas (issue 10 §2):
"甲市（东部）", "（2分，比值区间）"; names received from the published system stay as received."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
ASCII_AROUND_HAN = re.compile(r"[\u3400-\u9fff]\(|\)[\u3400-\u9fff]|分,|分\)")


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_the_overview_writes_the_region_category_in_chinese_brackets(client, office_a, zone_a):
    client.force_login(office_a)
    text = _text(client.get(reverse("zones:overview", args=[zone_a.pk])).content.decode())
    assert f"（{zone_a.get_region_category_display()}）" in text
    assert f"({zone_a.get_region_category_display()})" not in text


def test_the_system_page_writes_points_and_rule_in_chinese_brackets(client, office_a, zone_a):
    client.force_login(office_a)
    text = _text(client.get(reverse("indicators:system-detail", args=[zone_a.system_id])).content.decode())
    from indicators.models import RuleType

    rules = "|".join(re.escape(str(label)) for label in RuleType.labels)
    assert re.search(rf"\d分，({rules})）", text)
    assert not re.search(rf"\d分,({rules})\)", text)


def test_the_demo_judgement_comments_use_chinese_punctuation():
    """The demo's judgement comments are the portal's (made-up) text, shown in the audit log and
    on the score page: Chinese commas."""
    import json
    from pathlib import Path

    data = json.loads((Path(__file__).resolve().parents[2] / "indicators/examples/zone-input.json").read_text("utf-8"))
    comments = [j.get("comment", "") for j in (data.get("judgements") or {}).values() if isinstance(j, dict)]
    assert comments and not [c for c in comments if re.search(r"[\u3400-\u9fff][,;:]|[,;:][\u3400-\u9fff]", c)]
