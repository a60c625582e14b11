"""Creation period, key parks and stages: the 001 template, shifted dates, date validation."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zones.models import KeyPark, Stage, StageStep, Zone
from zones.services import stage_create, stage_update, stages_create_from_template, zone_update
from zones.templates_data import SANMING_2024, template_dates

pytestmark = pytest.mark.django_db

D = date.fromisoformat
SANMING_DATES = [
    ("启动部署", "2024-01-01", "2024-03-31", []),
    ("组织实施", "2024-03-01", "2024-12-31", ["细化方案", "落实推进", "加强督导"]),
    ("自评完善", "2025-01-01", "2025-06-30", ["自查自纠", "市级考评", "整改完善"]),
    ("检查评估", "2025-06-01", "2025-12-31", ["省级评估", "推荐上报", "市场监管总局评估"]),
    ("巩固提升", "2026-01-01", "2026-02-28", []),
]


def test_template_dates_follow_001_when_starting_in_january_2024():
    dates = [
        (spec.name, str(s), str(e), list(spec.steps)) for spec, s, e in template_dates(SANMING_2024, D("2024-01-01"))
    ]
    assert dates == SANMING_DATES


def test_template_dates_shift_with_the_start_and_clamp_month_ends():
    shifted = template_dates(SANMING_2024, D("2025-03-01"))
    assert [(str(s), str(e)) for _spec, s, e in shifted][0] == ("2025-03-01", "2025-05-31")
    assert (str(shifted[-1][1]), str(shifted[-1][2])) == ("2027-03-01", "2027-04-30")
    mid = template_dates(SANMING_2024, D("2024-01-15"))
    assert (str(mid[0][1]), str(mid[0][2])) == ("2024-01-15", "2024-04-14")


def test_stages_from_template_on_the_zone(zone_a_stages, zone_a_period):
    stages = Stage.objects.filter(zone=zone_a_period).prefetch_related("steps").order_by("position")
    got = [(s.name, str(s.start), str(s.end), [step.title for step in s.steps.all()]) for s in stages]
    assert got == SANMING_DATES


def test_template_start_defaults_to_the_creation_start_and_needs_one(zone_a):
    with pytest.raises(ValidationError) as exc:
        stages_create_from_template(zone=zone_a, template="sanming-2024")
    assert "请先设置创建周期" in exc.value.messages[0]
    zone_update(zone=zone_a, data={"creation_start": D("2025-01-01"), "creation_end": D("2027-06-30")})
    stages = stages_create_from_template(zone=zone_a, template="sanming-2024")
    assert (stages[0].start, stages[-1].end) == (D("2025-01-01"), D("2027-02-28"))


def test_template_refused_twice_and_when_leaving_the_period(zone_a_stages, zone_a_period, zone_b):
    with pytest.raises(ValidationError, match="已有实施阶段"):
        stages_create_from_template(zone=zone_a_period, template="sanming-2024")
    zone_update(zone=zone_b, data={"creation_start": D("2024-01-01"), "creation_end": D("2025-12-31")})
    with pytest.raises(ValidationError) as exc:
        stages_create_from_template(zone=zone_b, template="sanming-2024")
    assert "巩固提升" in exc.value.messages[0] and "超出创建周期" in exc.value.messages[0]
    assert not Stage.objects.filter(zone=zone_b).exists()  # all or nothing


def test_creation_period_end_must_follow_start(zone_a):
    with pytest.raises(ValidationError) as exc:
        zone_update(zone=zone_a, data={"creation_start": D("2024-01-01"), "creation_end": D("2024-01-01")})
    assert exc.value.message_dict["creation_end"] == ["创建周期的结束日期必须晚于开始日期。"]
    assert Zone.objects.get(pk=zone_a.pk).creation_start is None


def test_period_cannot_shrink_below_existing_stages(zone_a_stages, zone_a_period):
    with pytest.raises(ValidationError) as exc:
        zone_update(zone=zone_a_period, data={"creation_end": D("2025-12-31")})
    assert "巩固提升" in str(exc.value)


def test_stage_dates_are_validated(zone_a_period):
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        stage_create(zone=zone_a_period, name="倒序", start=D("2024-05-01"), end=D("2024-04-01"))
    with pytest.raises(ValidationError, match="超出创建周期"):
        stage_create(zone=zone_a_period, name="过早", start=D("2023-12-01"), end=D("2024-02-01"))
    stage = stage_create(zone=zone_a_period, name="专项", start=D("2024-05-01"), end=D("2024-05-01"))
    with pytest.raises(ValidationError):
        stage_update(stage=stage, name="专项", start=D("2024-05-01"), end=D("2026-03-01"))
    stage.refresh_from_db()
    assert stage.end == D("2024-05-01")


# --- pages ---------------------------------------------------------------------------


def test_office_creates_stages_from_the_template_page(client, zone_a_period, office_a):
    client.force_login(office_a)
    page = client.get(reverse("zones:stages", args=[zone_a_period.pk])).content.decode()
    assert "按模板创建" in page
    client.post(reverse("zones:stages-from-template", args=[zone_a_period.pk]), {"template": "sanming-2024"})
    assert Stage.objects.filter(zone=zone_a_period).count() == 5
    page = client.get(reverse("zones:stages", args=[zone_a_period.pk])).content.decode()
    assert "市场监管总局评估" in page and "2026-02-28" in page


def test_office_adds_edits_and_deletes_stages_and_steps(client, zone_a_period, office_a):
    client.force_login(office_a)
    url = reverse("zones:stages", args=[zone_a_period.pk])
    bad = client.post(url, {"name": "倒序", "start": "2024-05-01", "end": "2024-04-01"})
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in bad.content.decode()
    outside = client.post(url, {"name": "过晚", "start": "2026-02-01", "end": "2026-05-01"})
    assert outside.status_code == 400 and "超出创建周期" in outside.content.decode()
    assert not Stage.objects.exists()

    assert client.post(url, {"name": "专项整治", "start": "2024-05-01", "end": "2024-06-30"}).status_code == 302
    stage = Stage.objects.get(zone=zone_a_period)
    client.post(reverse("zones:step-add", args=[zone_a_period.pk, stage.pk]), {"title": "排查"})
    step = StageStep.objects.get(stage=stage)
    edit = reverse("zones:stage-edit", args=[zone_a_period.pk, stage.pk])
    assert client.post(edit, {"name": "专项整治", "start": "2024-05-01", "end": "2024-07-31"}).status_code == 302
    client.post(reverse("zones:step-edit", args=[zone_a_period.pk, step.pk]), {"title": "全面排查"})
    stage.refresh_from_db()
    step.refresh_from_db()
    assert (stage.end, step.title) == (D("2024-07-31"), "全面排查")
    client.post(reverse("zones:step-delete", args=[zone_a_period.pk, step.pk]))
    client.post(reverse("zones:stage-delete", args=[zone_a_period.pk, stage.pk]))
    assert not Stage.objects.exists() and not StageStep.objects.exists()


def test_settings_page_saves_the_period_and_key_parks(client, zone_a, office_a):
    client.force_login(office_a)
    url = reverse("zones:settings", args=[zone_a.pk])
    data = {
        "name": zone_a.name,
        "tier": zone_a.tier,
        "region_category": zone_a.region_category,
        "reference_year_1": 2023,
        "reference_year_2": 2024,
        "creation_start": "2024-01-01",
        "creation_end": "2023-12-31",
    }
    bad = client.post(url, data)
    assert bad.status_code == 400 and "创建周期的结束日期必须晚于开始日期。" in bad.content.decode()
    assert client.post(url, {**data, "creation_end": "2026-02-28"}).status_code == 302
    zone_a.refresh_from_db()
    assert (zone_a.creation_start, zone_a.creation_end) == (D("2024-01-01"), D("2026-02-28"))

    client.post(reverse("zones:park-add", args=[zone_a.pk]), {"name": "海峡电商产业园", "note": "演示数据"})
    park = KeyPark.objects.get(zone=zone_a)
    client.post(reverse("zones:park-edit", args=[zone_a.pk, park.pk]), {"name": "电商产业园", "note": ""})
    park.refresh_from_db()
    assert park.name == "电商产业园"
    page = client.get(url).content.decode()
    assert "电商产业园" in page and "创建状态" in page
    client.post(reverse("zones:park-delete", args=[zone_a.pk, park.pk]))
    assert not KeyPark.objects.exists()
