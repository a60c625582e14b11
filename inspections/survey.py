"""问卷调查: the questionnaire, answers entered or imported (xlsx, all-or-nothing), the summary.

Import layout (the template the page offers): row 1 holds 答卷编号, 调查对象单位, then one
column per question headed "<题号>. <题目>"; each further row is one respondent. A choice is
written as its letter (A, B, …) or its full text; several choices are separated by "、", "，" or "；"
(or their ASCII forms). Any bad cell refuses the whole file, with a Chinese message naming the row and question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from common.xlsx import BORDER, HEADER_FILL, WRAP_CENTER, ExcelImportError, put, xlsx_open
from zones.models import Unit

from .models import Campaign, Question, Questionnaire, SurveyAnswer, SurveyResponse

Kind = Question.Kind
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_OPTIONS = 10
MAX_QUESTIONS = 50
MAX_ROWS = 5000
MAX_UNPACKED = 20 * 1024 * 1024
FIXED_HEADERS = ("答卷编号", "调查对象单位")
SEPARATORS = re.compile(r"[、,，;；]+")


def letter(index: int) -> str:
    return LETTERS[index]


# The questionnaire --------------------------------------------------------------------------


@transaction.atomic
def questionnaire_set(*, campaign: Campaign, title: str, intro: str = "") -> Questionnaire:
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("请填写问卷名称。"))
    questionnaire, _created = Questionnaire.objects.update_or_create(
        campaign=campaign, defaults={"title": title[:200], "intro": (intro or "").strip()[:5000]}
    )
    return questionnaire


def _options_clean(kind: str, options: list[str]) -> list[str]:
    options = [o.strip() for o in options if o and o.strip()]
    if kind == Kind.TEXT:
        return []
    if len(options) < 2:
        raise ValidationError(_("选择题至少需要两个选项。"))
    if len(options) > MAX_OPTIONS:
        raise ValidationError(_("选择题最多 %(count)s 个选项。") % {"count": MAX_OPTIONS})
    if len(set(options)) != len(options):
        raise ValidationError(_("选项不能重复。"))
    return [o[:200] for o in options]


@transaction.atomic
def question_add(*, questionnaire: Questionnaire, kind: str, text: str, options: list[str]) -> Question:
    if kind not in Kind.values:
        raise ValidationError(_("请选择题型（单选、多选、填空）。"))
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("请填写题目。"))
    count = Question.objects.filter(questionnaire=questionnaire).count()
    if count >= MAX_QUESTIONS:
        raise ValidationError(_("问卷最多 %(count)s 道题。") % {"count": MAX_QUESTIONS})
    position = (Question.objects.filter(questionnaire=questionnaire).aggregate(n=Max("position"))["n"] or 0) + 1
    return Question.objects.create(
        questionnaire=questionnaire,
        kind=kind,
        text=text[:300],
        options=_options_clean(kind, options),
        position=position,
    )


def question_delete(*, question: Question) -> None:
    if SurveyAnswer.objects.filter(question=question).exists():
        raise ValidationError(_("该题已有回答，不能删除。"))
    question.delete()


# Answers --------------------------------------------------------------------------------------


def _choice(question: Question, token: str) -> int | None:
    token = token.strip()
    if len(token) == 1 and token.upper() in LETTERS[: len(question.options)]:
        return LETTERS.index(token.upper())
    if token in question.options:
        return question.options.index(token)
    return None


def answer_parse(question: Question, value: Any) -> tuple[list[int], str]:
    """(option indexes, text) for one cell or form value; ValueError with a Chinese reason."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return [], ""
    if question.kind == Kind.TEXT:
        text = str(value).strip()
        if len(text) > 2000:
            raise ValueError(_("回答不能超过 2000 个字"))
        return [], text
    if isinstance(value, (list, tuple)):
        tokens = [str(v) for v in value]
    elif _choice(question, str(value)) is not None:
        tokens = [str(value)]  # an option's own text, separators and all
    else:
        tokens = [t for t in SEPARATORS.split(str(value)) if t.strip()]
    choices = []
    for token in tokens:
        index = _choice(question, token)
        if index is None:
            last = letter(len(question.options) - 1)
            raise ValueError(
                _("选项“%(option)s”不存在（可选 A–%(last)s 或选项原文）") % {"option": token.strip(), "last": last}
            )
        if index not in choices:
            choices.append(index)
    if question.kind == Kind.SINGLE and len(choices) > 1:
        raise ValueError(_("单选题只能选一个选项"))
    return sorted(choices), ""


def _answers(response: SurveyResponse, question: Question, choices: list[int], text: str) -> list[SurveyAnswer]:
    if text:
        return [SurveyAnswer(response=response, question=question, text=text)]
    return [SurveyAnswer(response=response, question=question, option=i) for i in choices]


def _unit_lookup(campaign: Campaign) -> dict[str, Unit]:
    found = {}
    for unit in Unit.objects.filter(zone_id=campaign.zone_id):
        found[unit.name] = unit
        if unit.short_name:
            found.setdefault(unit.short_name, unit)
    return found


@transaction.atomic
def response_add(
    *, questionnaire: Questionnaire, user, answers: dict[int, Any], respondent: str = "", unit: Unit | None = None
) -> SurveyResponse:
    """One respondent's answers typed in: question id → option index(es) or letters, or text."""
    questions = list(Question.objects.filter(questionnaire=questionnaire))
    if unit is not None and unit.zone_id != questionnaire.campaign.zone_id:
        raise ValidationError(_("调查对象单位不属于该创建对象。"))
    parsed, errors = [], []
    for question in questions:
        try:
            choices, text = answer_parse(question, answers.get(question.pk))
        except ValueError as exc:
            errors.append(_("第 %(number)s 题：%(reason)s。") % {"number": question.position, "reason": exc})
            continue
        parsed.append((question, choices, text))
    if errors:
        raise ValidationError(errors)
    if not any(choices or text for _question, choices, text in parsed):
        raise ValidationError(_("请至少回答一道题。"))
    response = SurveyResponse.objects.create(
        questionnaire=questionnaire, respondent=(respondent or "").strip()[:100], unit=unit, entered_by=user
    )
    SurveyAnswer.objects.bulk_create(a for q, c, t in parsed for a in _answers(response, q, c, t))
    return response


def response_delete(*, response: SurveyResponse) -> None:
    response.delete()


def headers_for(questions: list[Question]) -> list[str]:
    return [*FIXED_HEADERS, *(f"{q.position}. {q.text}" for q in questions)]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def responses_import(*, questionnaire: Questionnaire, user, file: IO[bytes]) -> int:
    """Import a workbook of answers; all rows or none. Raises ExcelImportError with row-level messages."""
    with xlsx_open(file, max_unpacked_bytes=MAX_UNPACKED) as workbook:
        sheet = workbook.worksheets[0]
        questions = list(Question.objects.filter(questionnaire=questionnaire))
        if not questions:
            raise ExcelImportError([_("问卷还没有题目，请先添加题目再导入回答")])
        expected = headers_for(questions)
        rows = sheet.iter_rows(values_only=True)
        header = [_cell_text(v) for v in next(rows, ())]
        header = header[: len(expected)] + [""] * (len(expected) - len(header))
        wrong = [
            _("第 %(column)s 列应为“%(title)s”") % {"column": i, "title": e}
            for i, (h, e) in enumerate(zip(header, expected), 1)
            if h != e
        ]
        if wrong:
            raise ExcelImportError(
                [_("第 1 行：表头与问卷不一致，请使用下载的导入模板（%(wrong)s）") % {"wrong": ";".join(wrong[:3])}]
            )
        units = _unit_lookup(questionnaire.campaign)
        errors: list[str] = []
        parsed: list[tuple[str, Unit | None, list]] = []
        for number, values in enumerate(rows, start=2):
            values = list(values)[: len(expected)] + [None] * max(0, len(expected) - len(values))
            if all(_cell_text(v) == "" for v in values):
                continue
            if len(parsed) >= MAX_ROWS:
                raise ExcelImportError([_("一次最多导入 %(count)s 份答卷") % {"count": MAX_ROWS}])
            respondent, unit_name = _cell_text(values[0]), _cell_text(values[1])
            unit, errors_before = None, len(errors)
            if unit_name:
                unit = units.get(unit_name)
                if unit is None:
                    errors.append(
                        _("第 %(row)s 行：调查对象单位“%(unit)s”不是本创建对象的责任单位")
                        % {"row": number, "unit": unit_name}
                    )
            answers, answered = [], False
            for question, value in zip(questions, values[2:]):
                try:
                    choices, text = answer_parse(question, value)
                except ValueError as exc:
                    errors.append(
                        _("第 %(row)s 行 第 %(number)s 题：%(reason)s")
                        % {"row": number, "number": question.position, "reason": exc}
                    )
                    continue
                answered = answered or bool(choices or text)
                answers.append((question, choices, text))
            if not answered and len(errors) == errors_before:
                errors.append(_("第 %(row)s 行：没有任何回答") % {"row": number})
            parsed.append((respondent[:100], unit, answers))
    if errors:
        raise ExcelImportError(errors)
    if not parsed:
        raise ExcelImportError([_("文件中没有答卷")])
    with transaction.atomic():
        for respondent, unit, answers in parsed:
            response = SurveyResponse.objects.create(
                questionnaire=questionnaire,
                respondent=respondent,
                unit=unit,
                source=SurveyResponse.Source.IMPORT,
                entered_by=user,
            )
            SurveyAnswer.objects.bulk_create(a for q, c, t in answers for a in _answers(response, q, c, t))
    return len(parsed)


def questionnaire_template(*, questionnaire: Questionnaire) -> Workbook:
    """The import template: the header row, and a second sheet explaining the options."""
    questions = list(Question.objects.filter(questionnaire=questionnaire))
    workbook = Workbook()
    ws = workbook.active
    ws.title = "答卷"
    for column, title in enumerate(headers_for(questions), 1):
        cell = put(ws, 1, column, title)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = WRAP_CENTER
        ws.column_dimensions[cell.column_letter].width = 18 if column <= 2 else 24
    ws.freeze_panes = "A2"
    legend = workbook.create_sheet("填写说明")
    put(legend, 1, 1, f"{questionnaire.title}：每行一份答卷；选择题填选项字母或原文，多选用“、”分隔。").font = Font(
        bold=True
    )
    row = 3
    for q in questions:
        put(legend, row, 1, f"{q.position}. {q.text}（{q.get_kind_display()}）")
        for i, option in enumerate(q.options):
            put(legend, row, 2 + i, f"{letter(i)}. {option}")
        row += 1
    legend.column_dimensions["A"].width = 50
    return workbook


# The summary ------------------------------------------------------------------------------------


@dataclass
class OptionCount:
    letter: str
    text: str
    count: int
    percent: int


@dataclass
class QuestionSummary:
    question: Question
    answered: int = 0
    options: list[OptionCount] = field(default_factory=list)


def questionnaire_summary(*, questionnaire: Questionnaire) -> tuple[int, list[QuestionSummary]]:
    """(number of responses, each question with its counts): 3 queries, GROUP BY question and option."""
    questions = list(Question.objects.filter(questionnaire=questionnaire))
    total = SurveyResponse.objects.filter(questionnaire=questionnaire).count()
    answers = SurveyAnswer.objects.filter(question__questionnaire=questionnaire)
    answered = dict(
        answers.values("question_id").annotate(n=Count("response_id", distinct=True)).values_list("question_id", "n")
    )
    counts = {
        (row["question_id"], row["option"]): row["n"]
        for row in answers.filter(option__isnull=False).values("question_id", "option").annotate(n=Count("pk"))
    }
    summaries = []
    for question in questions:
        n = answered.get(question.pk, 0)
        summary = QuestionSummary(question=question, answered=n)
        for index, text in enumerate(question.options):
            count = counts.get((question.pk, index), 0)
            summary.options.append(OptionCount(letter(index), text, count, round(count * 100 / n) if n else 0))
        summaries.append(summary)
    return total, summaries
