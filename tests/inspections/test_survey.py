"""问卷调查: questions, answers typed in, the xlsx import (all or nothing, row-level Chinese errors),
the summary per question, and who may see it."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from common.xlsx import ExcelImportError
from inspections import survey
from inspections.models import SurveyAnswer, SurveyResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire(campaign):
    q = survey.questionnaire_set(campaign=campaign, title="网络市场营商环境满意度调查")
    survey.question_add(
        questionnaire=q, kind="single", text="您对网络交易监管工作是否满意", options=["满意", "基本满意", "不满意"]
    )
    survey.question_add(
        questionnaire=q,
        kind="multiple",
        text="您了解哪些投诉渠道",
        options=["12315热线", "全国12315平台", "微信小程序"],
    )
    survey.question_add(questionnaire=q, kind="text", text="意见建议", options=[])
    return q


def workbook_of(questionnaire, rows):
    wb = load_workbook(BytesIO(_template_bytes(questionnaire)))
    ws = wb["答卷"]
    for row in rows:
        ws.append(row)
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def _template_bytes(questionnaire):
    out = BytesIO()
    survey.questionnaire_template(questionnaire=questionnaire).save(out)
    return out.getvalue()


def test_questions_need_options_and_are_numbered(questionnaire):
    with pytest.raises(ValidationError, match="至少需要两个选项"):
        survey.question_add(questionnaire=questionnaire, kind="single", text="只有一个选项", options=["是"])
    assert [q.position for q in questionnaire.questions.all()] == [1, 2, 3]


def test_an_import_with_one_bad_row_imports_nothing_and_names_every_bad_cell(questionnaire, unit_x):
    rows = [
        ("001", "甲市商务局", "A", "A、C", "希望加强直播电商监管"),
        ("002", "", "满意", "全国12315平台", ""),
        ("003", "乙市公安局", "D", "A,B", ""),
        ("004", "", "A、B", "", ""),
        ("005", "", "", "", ""),
    ]
    with pytest.raises(ExcelImportError) as refused:
        survey.responses_import(questionnaire=questionnaire, user=None, file=workbook_of(questionnaire, rows))
    assert refused.value.messages == [
        "第 4 行：调查对象单位“乙市公安局”不是本创建对象的责任单位",
        "第 4 行 第 1 题：选项“D”不存在（可选 A–C 或选项原文）",
        "第 5 行 第 1 题：单选题只能选一个选项",
        "第 6 行：没有任何回答",
    ]
    assert not SurveyResponse.objects.exists() and not SurveyAnswer.objects.exists()


def test_a_clean_import_counts_per_question(questionnaire, unit_x):
    rows = [
        ("001", "商务局", "A", "A、C", "希望加强直播电商监管"),
        ("002", "", "满意", "全国12315平台", ""),
        ("003", "", "C", "a;b;c", "无"),
        (None, None, None, None, None),
    ]
    assert survey.responses_import(questionnaire=questionnaire, user=None, file=workbook_of(questionnaire, rows)) == 3
    assert SurveyResponse.objects.get(respondent="001").unit == unit_x
    total, summaries = survey.questionnaire_summary(questionnaire=questionnaire)
    assert total == 3
    single, multiple, text = summaries
    assert [(o.letter, o.count, o.percent) for o in single.options] == [("A", 2, 67), ("B", 0, 0), ("C", 1, 33)]
    assert [o.count for o in multiple.options] == [2, 2, 2]
    assert (single.answered, multiple.answered, text.answered) == (3, 3, 2)


def test_the_header_must_be_the_templates(questionnaire):
    wb = Workbook()
    wb.active.append(["答卷编号", "单位", "问题一"])
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    with pytest.raises(ExcelImportError, match="表头与问卷不一致"):
        survey.responses_import(questionnaire=questionnaire, user=None, file=out)
    with pytest.raises(ExcelImportError, match="不是有效的 Excel"):
        survey.responses_import(questionnaire=questionnaire, user=None, file=BytesIO(b"not a workbook"))


def test_one_response_typed_in(questionnaire, office_a):
    q1, q2, q3 = questionnaire.questions.all()
    with pytest.raises(ValidationError, match="第 1 题"):
        survey.response_add(questionnaire=questionnaire, user=office_a, answers={q1.pk: ["A", "B"]})
    with pytest.raises(ValidationError, match="至少回答一道题"):
        survey.response_add(questionnaire=questionnaire, user=office_a, answers={})
    survey.response_add(
        questionnaire=questionnaire, user=office_a, answers={q1.pk: "B", q2.pk: ["A", "C"], q3.pk: "好"}
    )
    assert sorted(SurveyAnswer.objects.filter(question=q2).values_list("option", flat=True)) == [0, 2]


def test_the_office_imports_through_the_page_and_liaisons_do_not_see_answers(
    client, questionnaire, office_a, liaison_x
):
    client.force_login(office_a)
    rows = [("001", "", "B", "A", "")]
    response = client.post(
        reverse("inspections:answers-import", args=[questionnaire.campaign_id]),
        {"file": workbook_of(questionnaire, rows)},
    )
    assert response.status_code == 302 and SurveyResponse.objects.count() == 1
    page = client.get(reverse("inspections:answers", args=[questionnaire.campaign_id]))
    assert page.status_code == 200 and page.context["page"].paginator.count == 1
    client.force_login(liaison_x)
    assert client.get(reverse("inspections:questionnaire", args=[questionnaire.campaign_id])).status_code == 404
