"""The end of the self-check phase does not end the 市级考评; what the evaluation, campaign,
self-check, findings and finding pages say (reasons, scale, 不适用理由, per-task counts, punctuation)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections import evaluation as ev
from inspections import findings as fs
from inspections import services
from inspections.models import Evaluation

from .conftest import answer_all

pytestmark = pytest.mark.django_db


def keys_of(evaluation):
    return services.row_keys(campaign=evaluation.campaign, unit=evaluation.unit)


def test_the_evaluation_goes_on_after_the_self_check_phase_closes(evaluation_x, evaluator_a, office_a, liaison_x):
    services.campaign_close(campaign=evaluation_x.campaign, user=office_a)
    ev.evaluation_results_save(
        evaluation=evaluation_x, user=evaluator_a, results={k: {"result": "done"} for k in keys_of(evaluation_x)}
    )
    ev.evaluation_method_add(evaluation=evaluation_x, user=evaluator_a, method="report", on=timezone.localdate())
    finding = fs.finding_create(
        evaluation=evaluation_x,
        user=evaluator_a,
        title="台账未更新",
        severity="general",
        deadline=timezone.localdate() + timedelta(days=5),
    )
    fs.finding_answer(finding=finding, user=liaison_x, text="已更新台账", submit=True)
    fs.finding_recheck(finding=finding, user=evaluator_a, close=True)
    ev.evaluation_finish(evaluation=evaluation_x, user=evaluator_a)
    ev.evaluation_reopen(evaluation=evaluation_x, user=office_a, reason="复核得分")
    assert Evaluation.objects.get(pk=evaluation_x.pk).status == Evaluation.Status.IN_PROGRESS


def test_the_evaluation_page_stays_a_form_after_the_close_and_says_why_when_locked(
    client, evaluation_x, evaluator_a, evaluator_a2, office_a
):
    services.campaign_close(campaign=evaluation_x.campaign, user=office_a)
    url = reverse("inspections:evaluation", args=[evaluation_x.pk])
    client.force_login(evaluator_a)
    page = client.get(url).content.decode()
    assert 'id="evaluation-form"' in page and 'id="finding-form"' in page
    assert 'id="evaluation-locked"' not in page and "自查阶段已结束，市级考评" in page
    ev.evaluation_results_save(
        evaluation=evaluation_x, user=evaluator_a, results={k: {"result": "done"} for k in keys_of(evaluation_x)}
    )
    ev.evaluation_method_add(evaluation=evaluation_x, user=evaluator_a, method="report", on=timezone.localdate())
    ev.evaluation_finish(evaluation=evaluation_x, user=evaluator_a)
    page = client.get(url).content.decode()
    assert 'id="evaluation-form"' not in page
    assert "该单位的考评已完成；如需修改，请办公室重新打开。" in page
    # the office may reopen it, though the self-check phase has closed
    client.force_login(office_a)
    assert reverse("inspections:evaluation-reopen", args=[evaluation_x.pk]) in client.get(url).content.decode()


def test_a_viewer_who_may_not_evaluate_is_told_why(client, evaluation_x, evaluator_a, liaison_x):
    """The unit's liaison reads its finished evaluation (access.evaluation_can) and is told why it is read-only."""
    ev.evaluation_results_save(
        evaluation=evaluation_x, user=evaluator_a, results={k: {"result": "done"} for k in keys_of(evaluation_x)}
    )
    ev.evaluation_method_add(evaluation=evaluation_x, user=evaluator_a, method="report", on=timezone.localdate())
    ev.evaluation_finish(evaluation=evaluation_x, user=evaluator_a)
    client.force_login(liaison_x)
    page = client.get(reverse("inspections:evaluation", args=[evaluation_x.pk])).content.decode()
    assert 'id="evaluation-form"' not in page
    assert "您可以查看该单位的考评，但不是它的考评人员，不能修改。" in page


def test_the_close_button_asks_first_and_counts_the_unsubmitted(client, campaign, selfcheck_x, liaison_x, office_a):
    answer_all(selfcheck_x, liaison_x)
    services.selfcheck_submit(selfcheck=selfcheck_x, user=liaison_x)
    client.force_login(office_a)
    page = client.get(reverse("inspections:campaign", args=[campaign.pk])).content.decode()
    form = page[page.index('id="campaign-close-form"') :]
    form = form[: form.index(">")]
    assert "data-confirm=" in form
    assert "不能再填写或报送自查报告" in form and "市级考评、问题记录和整改复核照常进行" in form
    assert "目前还有 1 个单位未报送自查报告" in form


def test_the_campaign_page_states_the_real_scale(client, campaign, office_a):
    client.force_login(office_a)
    page = client.get(reverse("inspections:campaign", args=[campaign.pk])).content.decode()
    assert "每项 10 分：完成得满分，基本完成得一半，未完成不得分。" in page
    assert "完成 1、基本完成 0.5" not in page


def test_the_evaluator_sees_a_units_reason_for_not_applicable(
    client, evaluation_x, selfcheck_x, liaison_x, evaluator_a
):
    answer_all(selfcheck_x, liaison_x, status="na")
    client.force_login(evaluator_a)
    page = client.get(reverse("inspections:evaluation", args=[evaluation_x.pk])).content.decode()
    assert "不适用理由：本单位无此职能" in page


def test_the_findings_page_counts_findings_per_task(client, evaluation_x, evaluator_a, office_a, tasks, unit_x):
    own = tasks["own"].assignments.get(unit=unit_x)
    for _ in range(2):
        fs.finding_create(
            evaluation=evaluation_x,
            user=evaluator_a,
            title="进度滞后",
            severity="general",
            deadline=timezone.localdate() + timedelta(days=5),
            target=f"a{own.pk}",
        )
    fs.finding_create(
        evaluation=evaluation_x,
        user=evaluator_a,
        title="未关联的问题",
        severity="general",
        deadline=timezone.localdate() + timedelta(days=5),
    )
    client.force_login(office_a)
    url = reverse("inspections:findings", args=[evaluation_x.campaign_id])
    response = client.get(url)
    titles = [t for t, _, _ in response.context["tables"]]
    assert titles == ["按单位", "按指标", "按任务"]
    by_task = response.context["tables"][2][2]
    assert [(r["id"], r["label"], r["total"]) for r in by_task] == [(tasks["own"].pk, "2 培育网络经营主体", 2)]
    page = response.content.decode()
    assert 'id="finding-states-task"' in page and "另有 1 个问题未关联具体指标或任务" in page
    assert len(client.get(url, {"task": tasks["own"].pk}).context["page"]) == 2


def test_the_self_check_and_finding_pages_use_chinese_punctuation(
    client, selfcheck_x, liaison_x, evaluation_x, evaluator_a, evidence_x
):
    answer_all(selfcheck_x, liaison_x)
    services.selfcheck_submit(selfcheck=selfcheck_x, user=liaison_x)
    client.force_login(liaison_x)
    page = client.get(reverse("inspections:selfcheck", args=[selfcheck_x.pk])).content.decode()
    for text in ("开展情况：", "自评状态：", "存在的问题："):
        assert text in page
    assert "佐证材料：" in page and "）" in page
    for bad in ("开展情况</span>:", "自评状态</span>:", "佐证材料:"):
        assert bad not in page
    finding = fs.finding_create(
        evaluation=evaluation_x,
        user=evaluator_a,
        title="台账未更新",
        severity="general",
        deadline=timezone.localdate() + timedelta(days=5),
    )
    fs.finding_answer(finding=finding, user=liaison_x, text="已安排专人", submit=False)
    page = client.get(reverse("inspections:finding", args=[finding.pk])).content.decode()
    assert "填报整改进展</strong>：已安排专人" in page


def test_the_evaluation_columns_keep_a_width_and_the_ranking_keeps_names_on_one_line(
    client, evaluation_x, evaluator_a, office_a
):
    """At 1366 px the 考评结果 and 说明 columns shrank to a character or two; on a phone the ranking
    wrapped unit names a character a line (checked in Chromium; here: the markup that prevents it)."""
    client.force_login(evaluator_a)
    page = client.get(reverse("inspections:evaluation", args=[evaluation_x.pk])).content.decode()
    head = page[page.index('id="evaluation-rows"') :]
    head = head[: head.index("</thead>")]
    assert '<th class="text-nowrap" style="min-width: 8rem">考评结果</th>' in head
    assert '<th style="min-width: 12rem">说明</th>' in head
    client.force_login(office_a)
    page = client.get(reverse("inspections:ranking", args=[evaluation_x.campaign_id])).content.decode()
    table = page[
        page.index('<div class="table-responsive">\n<table class="table table-sm align-middle" id="ranking-table">') :
    ]
    assert '<td class="unit-name text-nowrap">' in table
