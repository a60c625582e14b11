"""Indicator systems: loading, roll-up checks, publishing freezes, revising makes a version."""

import copy
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from indicators.models import Indicator, IndicatorSystem
from indicators.selectors import indicator_system_to_data
from indicators.services import indicator_system_create_from_data, indicator_system_publish, indicator_system_revise

pytestmark = pytest.mark.django_db
NATIONAL = Path(__file__).resolve().parents[2] / "indicators" / "standards" / "national-2024.json"


def national() -> dict:
    return json.loads(NATIONAL.read_text(encoding="utf-8"))


def test_load_standard_is_idempotent_and_complete(standard):
    call_command("load_standard", stdout=open("/dev/null", "w"))
    system = IndicatorSystem.objects.get(code="CN-2024")
    assert system.is_published
    assert [system.indicators.filter(level=n).count() for n in (1, 2, 3)] == [5, 10, 41]
    data = indicator_system_to_data(system=system)
    original = national()
    assert data["indicators"] == original["indicators"]


def test_points_that_do_not_roll_up_are_refused_naming_level_and_numbers(db):
    data = national()
    data["code"] = "BROKEN"
    data["indicators"][0]["children"][0]["children"][0]["points"] = 3  # item 1: 2 → 3
    data["indicators"][0]["children"][0]["children"][0]["scoring_items"][0]["points"] = 3
    data["indicators"][4]["points"] = 16
    with pytest.raises(ValidationError) as exc:
        indicator_system_create_from_data(data=data)
    messages = exc.value.messages
    assert "二级指标“发展规模”：三级指标合计 11 分，应为 10 分" in messages
    assert "一级指标“综合保障”：二级指标合计 15 分，应为 16 分" in messages
    assert "一级指标合计 101 分，应为 100 分" in messages
    assert not IndicatorSystem.objects.filter(code="BROKEN").exists()
    assert not Indicator.objects.exists()


def test_load_standard_refuses_a_broken_file(db, tmp_path):
    data = national()
    data["indicators"][1]["children"][0]["points"] = 14
    (tmp_path / "bad.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="一级指标“规范监管”：二级指标合计 24 分，应为 25 分"):
        call_command("load_standard", "--dir", str(tmp_path), stdout=open("/dev/null", "w"))
    assert not IndicatorSystem.objects.exists()


def test_a_published_system_cannot_be_edited_and_a_revision_is_a_new_draft(standard, admin_client):
    system = IndicatorSystem.objects.get(code="CN-2024")
    with pytest.raises(ValidationError, match="已发布的指标体系不可修改"):
        indicator_system_publish(system=system)
    item = Indicator.objects.get(system=system, code="1")
    response = admin_client.post(reverse("admin:indicators_indicator_change", args=[item.pk]), {"name": "改名"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.name == "网上零售额同比增速"

    draft = indicator_system_revise(system=system, code="CN-2024-R1", version="2024-修订")
    assert draft.status == IndicatorSystem.Status.DRAFT and draft.based_on == system
    before, after = indicator_system_to_data(system=system), indicator_system_to_data(system=draft)
    assert after["indicators"] == before["indicators"]
    assert (
        admin_client.get(
            reverse("admin:indicators_indicator_change", args=[draft.indicators.get(code="1").pk])
        ).status_code
        == 200
    )


def test_unknown_metrics_and_bad_params_are_named(db):
    data = copy.deepcopy(national())
    data["code"] = "BAD-PARAMS"
    data["metrics"] = []
    rule = data["indicators"][0]["children"][0]["children"][2]["scoring_items"][0]
    rule["params"]["bands"] = []
    with pytest.raises(ValidationError) as exc:
        indicator_system_create_from_data(data=data)
    text = "\n".join(exc.value.messages)
    assert "评分项“3”：规则 缺少区间 bands" in text
    assert "统计指标“online_retail_sales”未定义" in text
