"""Pages of the 问卷调查: the questionnaire and its summary, answers typed in or imported (xlsx).

The office edits and enters; reviewers and the 考评组's evaluators read. Liaisons do not see
what others answered about the units.
"""

from __future__ import annotations

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.http import attachment_disposition
from common.pagination import page_of
from common.params import int_param
from common.xlsx import ExcelImportError

from . import survey
from .access import Action, campaign_can, campaign_get_for_user, nav_context, survey_visible
from .models import Question, Questionnaire, SurveyResponse

PAGE_SIZE = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _campaign(request: HttpRequest, campaign_id: int, action: Action = Action.VIEW):
    campaign = campaign_get_for_user(request.user, campaign_id, action)
    if not survey_visible(request.user, campaign):
        raise Http404("问卷不存在或无权访问。")
    return campaign


def _questionnaire(campaign) -> Questionnaire | None:
    return Questionnaire.objects.filter(campaign=campaign).first()


@login_required
def questionnaire_page(request: HttpRequest, campaign_id: int) -> HttpResponse:
    if request.method == "POST":
        return _questionnaire_post(request, campaign_id)
    campaign = _campaign(request, campaign_id)
    questionnaire = _questionnaire(campaign)
    total, summaries = survey.questionnaire_summary(questionnaire=questionnaire) if questionnaire else (0, [])
    context = {
        "campaign": campaign,
        "zone": campaign.zone,
        "questionnaire": questionnaire,
        "total": total,
        "summaries": summaries,
        "kinds": Question.Kind.choices,
        "can_manage": campaign_can(request.user, campaign, Action.MANAGE),
        "units": campaign.zone.units.order_by("position", "pk"),
    }
    context.update(nav_context(request.user, campaign))
    return render(request, "inspections/questionnaire.html", context)


def _questionnaire_post(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id, Action.MANAGE)
    action = request.POST.get("action", "")
    try:
        if action == "set":
            survey.questionnaire_set(
                campaign=campaign, title=request.POST.get("title", ""), intro=request.POST.get("intro", "")
            )
            messages.success(request, _("已保存问卷。"))
        elif action == "question":
            questionnaire = _questionnaire(campaign)
            if questionnaire is None:
                raise ValidationError("请先填写问卷名称。")
            survey.question_add(
                questionnaire=questionnaire,
                kind=request.POST.get("kind", ""),
                text=request.POST.get("text", ""),
                options=request.POST.get("options", "").splitlines(),
            )
            messages.success(request, _("已添加题目。"))
        else:
            messages.error(request, _("未知的操作。"))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("inspections:questionnaire", campaign_id=campaign.pk)


@login_required
@require_POST
def question_delete(request: HttpRequest, campaign_id: int, question_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id, Action.MANAGE)
    question = Question.objects.filter(questionnaire__campaign=campaign, pk=question_id).first()
    if question is None:
        raise Http404("题目不存在。")
    try:
        survey.question_delete(question=question)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已删除题目。"))
    return redirect("inspections:questionnaire", campaign_id=campaign.pk)


@login_required
def answers_page(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The answers, paginated (GET); one respondent's answers typed in (POST, the office)."""
    if request.method == "POST":
        campaign = _campaign(request, campaign_id, Action.MANAGE)
        questionnaire = _questionnaire(campaign)
        if questionnaire is None:
            raise Http404("问卷不存在。")
        answers = {}
        for question in questionnaire.questions.all():
            key = f"q{question.pk}"
            answers[question.pk] = (
                request.POST.getlist(key) if question.kind == Question.Kind.MULTIPLE else request.POST.get(key)
            )
        unit_raw = request.POST.get("unit", "").strip()
        unit = None
        if unit_raw:
            unit_id = int_param(unit_raw)
            unit = campaign.zone.units.filter(pk=unit_id).first() if unit_id is not None else None
            if unit is None:
                messages.error(request, _("所选单位不存在或不属于该创建对象，答卷未录入。"))
                return redirect("inspections:questionnaire", campaign_id=campaign.pk)
        try:
            survey.response_add(
                questionnaire=questionnaire,
                user=request.user,
                answers=answers,
                respondent=request.POST.get("respondent", ""),
                unit=unit,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已录入答卷。"))
        return redirect("inspections:questionnaire", campaign_id=campaign.pk)
    campaign = _campaign(request, campaign_id)
    questionnaire = _questionnaire(campaign)
    if questionnaire is None:
        raise Http404("问卷不存在。")
    responses = (
        SurveyResponse.objects.filter(questionnaire=questionnaire)
        .select_related("unit", "entered_by")
        .prefetch_related("answers")
        .order_by("-entered_at", "-pk")
    )
    listing = page_of(request, responses, per_page=PAGE_SIZE)
    page = listing.page
    questions = list(questionnaire.questions.all())
    for response in page:
        by_question: dict[int, list] = {}
        for answer in response.answers.all():
            by_question.setdefault(answer.question_id, []).append(answer)
        response.cells = [
            "、".join(a.text if a.option is None else f"{survey.letter(a.option)}" for a in by_question.get(q.pk, []))
            for q in questions
        ]
    context = {
        "campaign": campaign,
        "zone": campaign.zone,
        "questionnaire": questionnaire,
        "questions": questions,
        "page": page,
        "listing": listing,
        "can_manage": campaign_can(request.user, campaign, Action.MANAGE),
    }
    context.update(nav_context(request.user, campaign))
    return render(request, "inspections/answers.html", context)


@login_required
@require_POST
def response_delete(request: HttpRequest, campaign_id: int, response_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id, Action.MANAGE)
    response = SurveyResponse.objects.filter(questionnaire__campaign=campaign, pk=response_id).first()
    if response is None:
        raise Http404("答卷不存在。")
    survey.response_delete(response=response)
    messages.success(request, _("已删除答卷。"))
    return redirect("inspections:answers", campaign_id=campaign.pk)


@login_required
@require_POST
def answers_import(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id, Action.MANAGE)
    questionnaire = _questionnaire(campaign)
    upload = request.FILES.get("file")
    if questionnaire is None or upload is None:
        messages.error(request, _("请先建立问卷并选择要导入的 Excel 文件。"))
        return redirect("inspections:questionnaire", campaign_id=campaign.pk)
    try:
        count = survey.responses_import(questionnaire=questionnaire, user=request.user, file=upload)
    except ExcelImportError as exc:
        messages.error(request, _("导入失败，未导入任何答卷："))
        for message in exc.messages[:50]:
            messages.error(request, message)
        if len(exc.messages) > 50:
            messages.error(request, _("……以及另外 %(n)s 处错误。") % {"n": len(exc.messages) - 50})
    else:
        messages.success(request, _("已导入 %(n)s 份答卷。") % {"n": count})
    return redirect("inspections:questionnaire", campaign_id=campaign.pk)


@login_required
def answers_template(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    questionnaire = _questionnaire(campaign)
    if questionnaire is None:
        raise Http404("问卷不存在。")
    buffer = BytesIO()
    survey.questionnaire_template(questionnaire=questionnaire).save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = attachment_disposition(
        f"{questionnaire.title}导入模板.xlsx", fallback=f"questionnaire_{campaign.pk}.xlsx"
    )
    return response
