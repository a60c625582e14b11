"""The demo's 自查自纠 and 市级考评 in 三明市, written through inspections' services.

A campaign whose self-check phase has closed: most units submitted their 自查报告 on time (each with
its generated PDF), two late, one sent back by the office (still answerable after closing) and one
never submitted — the campaign page counts those four as 逾期 (not sent by the due date); a task row
is answered as the task's progress stands (0 % 未完成, started 基本完成, 100 % 已完成); a
考核考评组 of the office and the two demo evaluators (``expert`` and ``expert2``, invited from the
province's pool) who evaluated the units with the four methods, graded them and recorded findings,
linked to an item or a task, that are now in every state (the 严重 ones closed, as the zone has
moved past 整改); a questionnaire with 40 answers. Reloading starts it over. It runs after the
rounds' demo, which gives the two evaluators their role on 三明市. Each unit's liaison fills in,
submits and answers; the demo has one liaison account (商务局), so the other units' reports and
answers name nobody rather than the office, which cannot submit for a unit.
Only the units and titles of the seeds are used, never people's names.
"""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from inspections import evaluation as ev
from inspections import findings as fs
from inspections import services, survey
from inspections.models import Campaign, SelfCheck, SelfCheckEvent
from tasks.models import Assignment
from zones.models import Membership, Zone

# (unit short name, what was found, where, severity, final state)
FINDINGS = (
    ("商务局", "电商企业培育台账未按季度更新，缺少2024年第四季度数据", "市商务局电子商务科", "major", "recheck"),
    ("商务局", "直播电商基地入驻企业名录与实际不符", "某直播电商基地（演示）", "general", "pending"),
    ("市场监管局", "网络交易监测发现的违法线索未全部建立核查台账", "市市场监管局网监科", "serious", "closed"),
    ("市场监管局", "消费投诉超时限未办结件未说明原因", "12315投诉举报处置中心", "major", "returned"),
    ("统计局", "网上零售额数据口径说明缺失", "市统计局贸易外经科", "general", "closed"),
    ("公安局", "网络犯罪案件通报机制未形成书面制度", "市公安局网安支队", "general", "rectifying"),
    ("邮政管理局", "快递末端网点登记信息不全", "某快递末端网点（演示）", "general", "pending"),
    ("网信办", "涉网舆情处置记录未归档", "市委网信办", "serious", "closed"),
)
METHOD_NOTES = {
    "report": "听取单位负责同志汇报创建工作开展情况（演示）。",
    "documents": "查阅工作台账、制度文件和佐证材料（演示）。",
    "survey": "对辖区网络经营者开展问卷调查（演示）。",
    "visit": "不打招呼实地走访相关点位（演示）。",
}


def _photo(label: int) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), (236, 240, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 310, 190), outline=(120, 130, 150), width=3)
    draw.text((24, 90), f"DEMO PHOTO {label}", fill=(60, 60, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    return SimpleUploadedFile(f"现场照片{label}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _evaluators(zone: Zone) -> list:
    """The demo's evaluators, expert and expert2: the province's pool, assigned to 三明市 in its
    省级评估 round (so they hold the evaluator role on the zone and may sit in its 考评组)."""
    User = get_user_model()
    return [User.objects.get(username=username) for username in ("expert", "expert2")]


def _task_answer(label: str, assignment: Assignment) -> dict[str, str]:
    """A task row answered as its progress stands: 100 % (or completed) 已完成, started 基本完成,
    not started 未完成 — never 已完成 for a task at 0 %."""
    p = assignment.progress
    if assignment.status == Assignment.Status.COMPLETED or p >= 100:
        return {"status": "done", "done_text": f"{label}已按期完成，成果材料已归档（演示数据）。", "gaps": ""}
    if p > 0:
        return {
            "status": "mostly",
            "done_text": f"{label}正在推进，目前进度 {p}%，已完成阶段性工作（演示数据）。",
            "gaps": f"尚有 {100 - p}% 的工作量未完成，将在完成时限前加快推进（演示数据）。",
        }
    return {
        "status": "not_done",
        "done_text": f"{label}尚未启动，已明确责任科室和启动时间（演示数据）。",
        "gaps": "任务尚未开始，需尽快制定实施计划（演示数据）。",
    }


def _answer(selfcheck: SelfCheck, user, index: int) -> None:
    keys = services.row_keys(campaign=selfcheck.campaign, unit=selfcheck.unit)
    tasks = Assignment.objects.in_bulk([int(k[1:]) for k in keys if k.startswith("a")])
    answers = {}
    for n, (key, label) in enumerate(keys.items()):
        if key.startswith("a"):
            answers[key] = {"na_reason": "", **_task_answer(label, tasks[int(key[1:])])}
            continue
        status = "done" if (n + index) % 5 else ("mostly" if index % 2 else "not_done")
        if index % 7 == 3 and n == 1:
            status = "na"
        answers[key] = {
            "done_text": f"对照创建标准，{label}已制定工作方案并按计划推进（演示数据）。",
            "status": status,
            "na_reason": "本单位不承担该项具体职能（演示数据）。" if status == "na" else "",
            "gaps": "" if status == "done" else "部分工作进度滞后，台账资料有待完善（演示数据）。",
        }
    services.selfcheck_save(
        selfcheck=selfcheck, user=user, answers=answers, summary="本单位对照创建标准逐项开展了自查自纠（演示数据）。"
    )


def _submitted_on(selfcheck: SelfCheck, when) -> None:
    SelfCheck.objects.filter(pk=selfcheck.pk).update(submitted_at=when)
    SelfCheckEvent.objects.filter(selfcheck=selfcheck, kind=SelfCheckEvent.Kind.SUBMITTED).update(at=when)


def _evaluate(evaluation, user, index: int) -> None:
    keys = services.row_keys(campaign=evaluation.campaign, unit=evaluation.unit)
    # Mostly 完成; every third unit has gaps; a few fall behind: grades from 优秀 to 不合格, with ties.
    share = (0, 0, 0.1, 0.2, 0, 0.3, 0, 0.1, 0.7)[index % 9]
    shortfall = round(len(keys) * share)
    results = {}
    for n, key in enumerate(keys):
        result = "done"
        if n < shortfall:
            result = "mostly" if n % 2 == 0 else "not_done"
        results[key] = {"result": result, "comment": "" if result == "done" else "现场核查发现落实不到位（演示数据）。"}
    ev.evaluation_results_save(
        evaluation=evaluation, user=user, results=results, summary="该单位创建工作总体有序推进（演示数据）。"
    )
    methods = ("report", "documents") + (("survey",) if index % 3 == 0 else ()) + (("visit",) if index % 4 == 1 else ())
    day = evaluation.campaign.due_date + timedelta(days=3 + index % 5)
    for method in methods:
        ev.evaluation_method_add(evaluation=evaluation, user=user, method=method, on=day, notes=METHOD_NOTES[method])
    ev.evaluation_finish(evaluation=evaluation, user=user)


def _findings(campaign: Campaign, evaluations: dict, liaisons: dict, office) -> int:
    for number, (short, title, where, severity, state) in enumerate(FINDINGS, start=1):
        evaluation = evaluations.get(short)
        if evaluation is None:
            continue
        evaluator = evaluation.evaluator or office
        # Odd findings concern one of the unit's items, even ones one of its tasks (the 按指标 table).
        keys = list(services.row_keys(campaign=campaign, unit=evaluation.unit))
        wanted = "i" if number % 2 else "a"
        target = next((k for k in keys if k.startswith(wanted)), keys[0] if keys else "")
        finding = fs.finding_create(
            evaluation=evaluation,
            user=evaluator,
            title=f"{title}（演示数据）",
            location=where,
            severity=severity,
            deadline=timezone.localdate() + timedelta(days=5 + 5 * number),
            files=[_photo(number)] if number % 2 else [],
            target=target,
        )
        liaison = liaisons.get(evaluation.unit_id)  # the unit answers; without an account, no name
        if state in ("rectifying", "recheck", "closed", "returned"):
            fs.finding_answer(
                finding=finding, user=liaison, text="已制定整改方案，正在逐项落实（演示数据）。", submit=False
            )
        if state in ("recheck", "closed", "returned"):
            fs.finding_answer(finding=finding, user=liaison, text="已完成整改并补充相关台账（演示数据）。", submit=True)
        if state == "closed":
            fs.finding_recheck(finding=finding, user=evaluator, close=True, reason="复核属实，同意销号（演示数据）。")
        if state == "returned":
            fs.finding_recheck(
                finding=finding, user=evaluator, close=False, reason="整改佐证不充分，请补充办结记录（演示数据）。"
            )
        if number == 2:  # one overdue: the office moved its deadline back
            fs.finding_deadline_set(
                finding=finding,
                user=office,
                deadline=timezone.localdate() - timedelta(days=4),
                reason="按考评通报要求的整改时限更正（演示数据）。",
            )
    return len(FINDINGS)


def _questionnaire(campaign: Campaign, office) -> None:
    questionnaire = survey.questionnaire_set(
        campaign=campaign,
        title="网络市场营商环境满意度调查（演示）",
        intro="面向辖区网络经营者和消费者的抽样调查，答卷为演示数据。",
    )
    single = survey.question_add(
        questionnaire=questionnaire,
        kind="single",
        text="您对本地网络市场监管与服务工作是否满意",
        options=["满意", "基本满意", "不满意"],
    )
    multiple = survey.question_add(
        questionnaire=questionnaire,
        kind="multiple",
        text="您了解哪些网络消费投诉渠道",
        options=["12315热线", "全国12315平台", "政务服务小程序", "都不了解"],
    )
    text = survey.question_add(questionnaire=questionnaire, kind="text", text="您的意见和建议", options=[])
    units = list(campaign.zone.units.order_by("position", "pk")[:6])
    for i in range(40):
        survey.response_add(
            questionnaire=questionnaire,
            user=office,
            respondent=f"DC{i + 1:03d}",
            unit=units[i % len(units)] if units else None,
            answers={
                single.pk: "ABACAAB"[i % 7],
                multiple.pk: [("A", "B"), ("A",), ("B", "C"), ("D",), ("A", "B", "C")][i % 5],
                text.pk: "希望加强直播带货监管（演示）" if i % 6 == 0 else "",
            },
        )


@transaction.atomic
def demo_inspections_load(*, zone: Zone) -> Campaign:
    Campaign.objects.filter(zone=zone).delete()
    office = get_user_model().objects.get(username="office")
    city1, city2 = _evaluators(zone)
    liaisons = {
        m.unit_id: m.user
        for m in Membership.objects.filter(zone=zone, role=Membership.Role.LIAISON).select_related("user")
    }
    today = timezone.localdate()
    campaign = services.campaign_open(
        zone=zone, user=office, title="2025年度自查自纠与市级考评（演示）", due_date=today - timedelta(days=30)
    )
    selfchecks = list(
        campaign.selfchecks.select_related("unit", "campaign__zone").order_by("unit__position", "unit_id")
    )
    due_at = timezone.make_aware(datetime.combine(campaign.due_date, time(9)))
    late, returned, draft = {"财政局", "永安市"}, "文旅局", "林业局"
    submitted = []
    for index, selfcheck in enumerate(selfchecks):
        if not services.row_keys(campaign=campaign, unit=selfcheck.unit):
            continue
        # The unit's liaison fills in and submits. The demo has one liaison account (商务局); the other
        # units' reports carry no 报送人 rather than the office's name (the office cannot submit for a unit).
        author = liaisons.get(selfcheck.unit_id)
        _answer(selfcheck, author, index)
        short = selfcheck.unit.short_name
        if short == draft:
            continue  # filled in, never submitted
        # Every submitted report gets its PDF through the job, as in use (run once the load commits).
        services.selfcheck_submit(selfcheck=selfcheck, user=author)
        if short in late:
            _submitted_on(selfcheck, due_at + timedelta(days=2 + index % 3, hours=6))
        else:
            _submitted_on(selfcheck, due_at - timedelta(days=1 + index % 6, hours=3))
        if short == returned:
            services.selfcheck_return(
                selfcheck=selfcheck,
                user=office,
                reason="部分任务的开展情况过于简略，请补充具体措施和成效（演示数据）。",
            )
            continue
        submitted.append(selfcheck)

    ev.team_member_add(campaign=campaign, member=office, role="leader", by=office)
    ev.team_member_add(campaign=campaign, member=city1, by=office)
    ev.team_member_add(campaign=campaign, member=city2, by=office)
    units = [s.unit_id for s in selfchecks]
    ev.evaluation_assign(campaign=campaign, unit_ids=units[0::2], evaluator=city1, by=office)
    ev.evaluation_assign(campaign=campaign, unit_ids=units[1::2], evaluator=city2, by=office)
    evaluations = {e.unit_id: e for e in campaign.evaluations.select_related("campaign__zone", "unit", "evaluator")}
    by_short = {}
    for index, selfcheck in enumerate(submitted):
        evaluation = evaluations[selfcheck.unit_id]
        by_short[selfcheck.unit.short_name] = evaluation
        if index % 10 == 9:
            continue  # still being evaluated
        _evaluate(evaluation, evaluation.evaluator, index)
    _findings(campaign, by_short, liaisons, office)
    _questionnaire(campaign, office)
    services.campaign_close(campaign=campaign, user=office)
    return campaign
