"""Hostile ids in the 自查考评 forms and the render_report command: "²" and "١٢" pass
``str.isdigit`` but are no id. Each gets a clear Chinese message and changes nothing (no 500)."""

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.urls import reverse

from inspections import survey
from inspections.models import Evaluation, SurveyResponse

pytestmark = pytest.mark.django_db
# (A number too large for the database is refused before the view by config.middleware with a 400.)
HOSTILE = ["²", "١٢", "12abc", "-1", "1e3"]


def _errors(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


def _assignments(campaign) -> dict[int, int | None]:
    return dict(Evaluation.objects.filter(campaign=campaign).values_list("unit_id", "evaluator_id"))


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_evaluator_id_is_refused_and_unassigns_nothing(client, team, office_a, unit_x, value):
    before = _assignments(team)
    client.force_login(office_a)
    response = client.post(
        reverse("inspections:team", args=[team.pk]), {"action": "assign", "evaluator": value, "units": [unit_x.pk]}
    )
    assert response.status_code == 302
    assert _errors(response) == ["所选考评人员不存在，请刷新页面后重试。"]
    assert _assignments(team) == before


def test_an_unknown_evaluator_id_is_refused_and_an_empty_one_unassigns(client, team, office_a, unit_x):
    client.force_login(office_a)
    url = reverse("inspections:team", args=[team.pk])
    response = client.post(url, {"action": "assign", "evaluator": "999999", "units": [unit_x.pk]})
    assert _errors(response) == ["所选考评人员不存在，请刷新页面后重试。"]
    assert _assignments(team)[unit_x.pk] is not None
    assert "所选考评人员不存在" in client.get(url).content.decode()  # shown (and so used up)
    response = client.post(url, {"action": "assign", "evaluator": "", "units": [unit_x.pk]})
    assert _errors(response) == [] and _assignments(team)[unit_x.pk] is None


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_unit_id_is_refused_and_assigns_nothing(client, team, office_a, evaluator_a, unit_x, unit_y, value):
    before = _assignments(team)
    client.force_login(office_a)
    response = client.post(
        reverse("inspections:team", args=[team.pk]),
        {"action": "assign", "evaluator": evaluator_a.pk, "units": [unit_y.pk, value]},
    )
    assert response.status_code == 302
    assert _errors(response) == ["所选单位编号无效，请刷新页面后重试。"]
    assert _assignments(team) == before


def test_a_hostile_row_key_on_the_evaluation_form_saves_nothing(client, evaluation_x, evaluator_a, items):
    client.force_login(evaluator_a)
    response = client.post(
        reverse("inspections:evaluation", args=[evaluation_x.pk]),
        {f"i{items['13'].pk}-result": "done", "i²-result": "done"},
    )
    assert response.status_code == 302
    assert _errors(response) == ["所填事项不属于该单位的责任指标或任务，请刷新页面后重试。"]
    assert not evaluation_x.results.exists()


@pytest.fixture
def questionnaire(campaign):
    q = survey.questionnaire_set(campaign=campaign, title="满意度调查")
    survey.question_add(questionnaire=q, kind="single", text="是否满意", options=["满意", "不满意"])
    return q


@pytest.mark.parametrize("value", [*HOSTILE, "999999"])
def test_a_hostile_unit_on_a_typed_in_answer_is_refused_and_records_nothing(client, questionnaire, office_a, value):
    q1 = questionnaire.questions.get()
    client.force_login(office_a)
    response = client.post(
        reverse("inspections:answers", args=[questionnaire.campaign_id]), {f"q{q1.pk}": "A", "unit": value}
    )
    assert response.status_code == 302
    assert _errors(response) == ["所选单位不存在或不属于该创建对象，答卷未录入。"]
    assert not SurveyResponse.objects.exists()


def test_a_typed_in_answer_keeps_its_unit_or_none(client, questionnaire, office_a, unit_x, zone_b):
    from tests.factories import UnitFactory

    q1 = questionnaire.questions.get()
    client.force_login(office_a)
    url = reverse("inspections:answers", args=[questionnaire.campaign_id])
    other = UnitFactory(zone=zone_b, name="乙市商务局")
    response = client.post(url, {f"q{q1.pk}": "A", "unit": other.pk})
    assert _errors(response) and not SurveyResponse.objects.exists()
    client.get(url)
    client.post(url, {f"q{q1.pk}": "A", "unit": unit_x.pk})
    client.post(url, {f"q{q1.pk}": "B", "unit": ""})
    assert sorted(SurveyResponse.objects.values_list("unit_id", flat=True), key=str) == sorted(
        [unit_x.pk, None], key=str
    )


@pytest.mark.parametrize("value", ["²", "١٢", "9" * 30])
def test_render_report_names_a_zone_it_cannot_find(zone_a, tmp_path, value):
    with pytest.raises(CommandError, match=f"找不到创建对象：{value}"):
        call_command("render_report", zone=value, kind=_a_kind(), output=str(tmp_path / "out.pdf"))


def _a_kind() -> str:
    from reports.kinds import REGISTRY

    return sorted(REGISTRY)[0]
