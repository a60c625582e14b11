"""Every URL pattern, every role, against objects of another zone, unit and province.

The walker reads the project's URL patterns, so a new page cannot escape: a
pattern with a URL argument the walker does not know fails here until someone
says which object of zone A it takes. Each outsider persona requests every page
with zone A's objects — and, where a URL carries both a zone and an object, with
their own zone plus zone A's object (the classic IDOR) — by GET and by POST. The
answer must be 403 or 404 (405 where the view refuses the method before looking
at anything), and nothing in the database changes.
"""

import hashlib
import re
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver

from assessments.models import AssessmentRound, Doubt, EvaluatorAssignment
from evidence.models import Evidence, EvidenceFile, OperatorEntry
from indicators.models import Indicator, IndicatorSystem
from indicators.services import indicator_system_revise
from inspections.models import EvaluationMethod, Finding, FindingFile, Question, Questionnaire, SurveyResponse
from inspections.services import campaign_open
from reports.models import Report, ReviewOpinion
from tasks.models import Assignment, ProgressReport, Task
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from zones.models import KeyPark, LeadingGroupMember, Membership, Stage, StageStep

Role = Membership.Role
ALLOWED = {403, 404}
# Pages without an object in their URL: they list the signed-in user's own things,
# so there is nothing of another zone to aim at. A new one must be added here consciously.
USER_SCOPED = {
    "home",
    "favicon",
    "login",
    "logout",
    "api-schema",
    "api-docs",
    "api-system-list",
    "api-zone-list",
    "tasks:index",
    "tasks:mine",
    "tasks:dashboard-index",
    "accounts:index",
    "accounts:password-change",
    "accounts:two-factor",
    "accounts:two-factor-setup",
    "accounts:two-factor-verify",
    "accounts:grants",
    "accounts:login-events",
    "accounts:audit-events",
    "notifications:list",
    "notifications:read",
    "indicators:system-list",
    "indicators:system-import",
    "data:home",
    "data:completeness-home",
    "evidence:home",
    "assessments:review-home",
    "inspections:home",
    "reports:home",
    "reports:compare",
    "reports:downloads",
}
# Access that is the role's job, not a leak: the security admin grants and revokes
# roles in every zone (三员分立: that is all it does).
BY_DESIGN = {("security admin", "accounts:grants-revoke")}
# URL arguments that name a kind of thing, not an object of a zone.
NOT_OBJECTS = {"list_name"}
# Round-scoped kwargs: the walker gives zone A's round and its objects.
ROUND_KWARGS = {"round_id", "evaluator_assignment_id", "doubt_id", "indicator_id"}
# Kwargs that point at an object which belongs to one unit of zone A (unit X).
UNIT_SCOPED_KWARGS = {"unit_id", "assignment_id", "report_id", "evidence_id", "file_id", "task_id"}
# 自查自纠/市级考评: a self-check, an evaluation, a finding (and their rows) belong to one unit.
UNIT_SCOPED_KWARGS |= {"selfcheck_id", "evaluation_id", "finding_id", "attachment_id", "method_id"}
# Not ours to check (the admin has its own tests in tests/evidence/test_admin.py).
SKIP_PREFIXES = ("admin/", "static/", "media/")
# Rows that a request may legitimately add without changing anything the user asked for.
IGNORED_MODELS = {
    "accounts.loginevent",
    # every refused request is audited (access_denied); refused_only_audited() checks that is all
    "audit.auditevent",
    "audit.audithead",  # the chain head moves with every audit row
    "sessions.session",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
}


def url_patterns():
    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if route.startswith(SKIP_PREFIXES):
                    continue
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, route

    return sorted(set(walk(get_resolver().url_patterns)))


def fill(route: str, values: dict[str, object]) -> str:
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
    path = path.replace("^", "").replace("$", "")
    return "/" + path


def kwargs_of(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def fingerprint() -> dict[str, str]:
    """A hash of every row of every project model, per model (a change anywhere shows)."""
    hashes = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in IGNORED_MODELS or model._meta.app_label in {"contenttypes", "auth", "admin"}:
            continue
        # signing in (force_login) stamps last_login: not something the request did
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        rows = list(model.objects.order_by("pk").values_list(*fields))
        hashes[label] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return hashes


def refused_only_audited() -> set[str]:
    """The audit rows the walk wrote: refusals (and each persona's sign-in) only — no download,
    no change got through."""
    from audit.models import AuditEvent

    return set(AuditEvent.objects.values_list("action", flat=True)) - {"access_denied", "login"}


def changed(before: dict[str, str]) -> list[str]:
    after = fingerprint()
    return [label for label in after if after[label] != before.get(label)]


@pytest.fixture
def world(zone_a, zone_b, unit_x, unit_y, office_a, liaison_x, settings, media_root):
    """Zone A with one object of every kind the URLs take, most of them belonging to unit X."""
    system = zone_a.system
    indicator = Indicator.objects.get(system=system, code="12")
    task = Task.objects.create(zone=zone_a, title="只派给X单位的任务", deadline=date(2026, 12, 31))
    assignment = Assignment.objects.create(task=task, unit=unit_x, due_date=date(2026, 12, 31))
    report = ProgressReport.objects.create(assignment=assignment, text="进展", percent=10, by=liaison_x)
    report.attachment.save("r.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    evidence = Evidence.objects.create(
        zone=zone_a, indicator=indicator, unit=unit_x, title="X单位的材料", created_by=liaison_x
    )
    stored = "evidence/test/x.pdf"
    (media_root / "evidence" / "test").mkdir(parents=True)
    (media_root / stored).write_bytes(b"%PDF-1.4 test")
    evidence_file = EvidenceFile.objects.create(
        evidence=evidence,
        version=1,
        stored_name=stored,
        original_name="x.pdf",
        size=13,
        sha256="0" * 64,
        content_type="application/pdf",
        uploaded_by=liaison_x,
    )
    stage = Stage.objects.create(zone=zone_a, name="启动部署", start=date(2024, 1, 1), end=date(2024, 3, 31))
    step = StageStep.objects.create(stage=stage, title="动员部署")
    park = KeyPark.objects.create(zone=zone_a, name="甲园区")
    member = LeadingGroupMember.objects.create(zone=zone_a, role="member", title="市商务局副局长", unit=unit_x)
    entry = OperatorEntry.objects.create(
        zone=zone_a, name="甲公司", credit_code="91350400MA0000000X", year=2024, annual_sales=Decimal(30000)
    )
    draft = indicator_system_revise(system=IndicatorSystem.objects.get(code="CN-2024"), code="CN-DRAFT", version="x")
    membership = Membership.objects.get(user=liaison_x)
    round_a = AssessmentRound.objects.create(
        zone=zone_a, kind="provincial", status="in_review", system=system, reference_year_1=2023, reference_year_2=2024
    )
    expert_a = MembershipFactory(
        user=UserFactory(username="expert_fj"), role=Role.EVALUATOR, province=zone_a.region.province
    ).user
    duty = EvaluatorAssignment.objects.create(round=round_a, evaluator=expert_a, indicator=indicator)
    doubt = Doubt.objects.create(
        round=round_a,
        scoring_item=Indicator.objects.get(system=system, code="17").scoring_items.first(),
        reason="数据口径不一致",
        raised_by=expert_a,
    )
    campaign = campaign_open(zone=zone_a, user=office_a, title="自查自纠", due_date=date(2030, 6, 30))
    team_member = campaign.team.create(user=office_a)
    evaluation = campaign.evaluations.get(unit=unit_x)
    method = EvaluationMethod.objects.create(evaluation=evaluation, method="report", on=date(2025, 1, 2))
    finding = Finding.objects.create(
        campaign=campaign, evaluation=evaluation, unit=unit_x, number=1, title="台账不全", deadline=date(2030, 1, 1)
    )
    (media_root / "evidence" / "test" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    attachment = FindingFile.objects.create(
        finding=finding,
        purpose="finding",
        stored_name="evidence/test/photo.png",
        original_name="photo.png",
        size=8,
        sha256="1" * 64,
        content_type="image/png",
    )
    questionnaire = Questionnaire.objects.create(campaign=campaign, title="满意度调查")
    question = Question.objects.create(
        questionnaire=questionnaire, position=1, kind="single", text="是否满意", options=["是", "否"]
    )
    response = SurveyResponse.objects.create(questionnaire=questionnaire, respondent="1")
    stored_report = {"status": "ready", "stored_name": "reports/a.xlsx", "sha256": "2" * 64, "download_name": "a.xlsx"}
    zone_report = Report.objects.create(zone=zone_a, kind="scores", **stored_report)
    (media_root / "reports").mkdir()
    (media_root / "reports" / "a.xlsx").write_bytes(b"PK")
    opinion = ReviewOpinion.objects.create(zone=zone_a, round=round_a, conclusion="pass", text="通过", author_name="甲")
    a_objects = {
        "zone_id": zone_a.pk,
        "unit_id": unit_x.pk,
        "task_id": task.pk,
        "assignment_id": assignment.pk,
        "report_id": report.pk,
        "evidence_id": evidence.pk,
        "file_id": evidence_file.pk,
        "stage_id": stage.pk,
        "step_id": step.pk,
        "park_id": park.pk,
        "member_id": member.pk,
        "membership_id": membership.pk,
        "entry_id": entry.pk,
        "list_name": "operators",
        "system_id": draft.pk,
        "round_id": round_a.pk,
        "evaluator_assignment_id": duty.pk,
        "doubt_id": doubt.pk,
        "indicator_id": indicator.pk,
        "campaign_id": campaign.pk,
        "selfcheck_id": campaign.selfchecks.get(unit=unit_x).pk,
        "evaluation_id": evaluation.pk,
        "finding_id": finding.pk,
        "attachment_id": attachment.pk,
        "team_member_id": team_member.pk,
        "method_id": method.pk,
        "question_id": question.pk,
        "response_id": response.pk,
        "zone_report_id": zone_report.pk,
        "opinion_id": opinion.pk,
    }
    return a_objects


def outsiders(zone_b, reviewer_zhejiang, office_b):
    unit_b = UnitFactory(zone=zone_b, name="乙市商务局", short_name="商务局")
    liaison_b = MembershipFactory(
        user=UserFactory(username="liaison_b"), role=Role.LIAISON, zone=zone_b, unit=unit_b
    ).user
    evaluator_b = MembershipFactory(user=UserFactory(username="evaluator_b"), role=Role.EVALUATOR, zone=zone_b).user
    # an evaluator of another round: in 浙江省's pool, assigned to score zone B
    round_b = AssessmentRound.objects.create(
        zone=zone_b,
        kind="provincial",
        status="in_review",
        system=zone_b.system,
        reference_year_1=2023,
        reference_year_2=2024,
    )
    round_evaluator = MembershipFactory(
        user=UserFactory(username="expert_zj"), role=Role.EVALUATOR, province=zone_b.region.province
    ).user
    EvaluatorAssignment.objects.create(
        round=round_b, evaluator=round_evaluator, indicator=zone_b.system.indicators.filter(level=3).first()
    )
    security = MembershipFactory(user=UserFactory(username="sec", is_staff=True), role=Role.SECURITY_ADMIN).user
    audit = MembershipFactory(user=UserFactory(username="aud", is_staff=True), role=Role.AUDIT_ADMIN).user
    system = MembershipFactory(user=UserFactory(username="sys", is_staff=True), role=Role.SYSTEM_ADMIN).user
    return {
        "office of another zone": (office_b, zone_b.pk),
        "liaison of another zone": (liaison_b, zone_b.pk),
        "evaluator of another zone": (evaluator_b, zone_b.pk),
        "evaluator of another round": (round_evaluator, zone_b.pk),
        "reviewer of another province": (reviewer_zhejiang, zone_b.pk),
        "security admin": (security, None),
        "audit admin": (audit, None),
        "system admin (not superuser)": (system, None),
        "user without any role": (UserFactory(username="nobody"), None),
    }


def attempts(route: str, a_objects: dict, own_zone: int | None):
    yield fill(route, a_objects)
    objects = set(kwargs_of(route)) - NOT_OBJECTS - {"zone_id"}
    if own_zone is not None and "zone_id" in kwargs_of(route) and objects:
        yield fill(route, {**a_objects, "zone_id": own_zone})  # my zone, your object


def check(client, user, url, failures, who):
    client.force_login(user)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        allowed = ALLOWED | ({405} if method == "get" or response.status_code == 405 else set())
        if response.status_code not in allowed:
            failures.append(f"{who}: {method.upper()} {url} → {response.status_code}")


@pytest.mark.django_db
def test_every_pattern_is_known_to_the_walker():
    known = {
        "zone_id",
        "unit_id",
        "task_id",
        "assignment_id",
        "report_id",
        "evidence_id",
        "file_id",
        "stage_id",
        "step_id",
        "park_id",
        "member_id",
        "membership_id",
        "entry_id",
        "list_name",
        "system_id",
        "campaign_id",
        "team_member_id",
        "question_id",
        "response_id",
        "zone_report_id",
        "opinion_id",
        *UNIT_SCOPED_KWARGS,
        *ROUND_KWARGS,
    }
    unknown = []
    for name, route in url_patterns():
        args = kwargs_of(route)
        if not args and name not in USER_SCOPED:
            unknown.append(
                f"{name} ({route}): no object in the URL — add it to USER_SCOPED if it only lists the user's own"
            )
        unknown += [f"{name} ({route}): unknown argument {a}" for a in args if a not in known]
    assert not unknown, "\n".join(unknown)


@pytest.mark.django_db
def test_no_role_reaches_another_zones_objects(client, world, zone_b, reviewer_zhejiang, office_b):
    people = outsiders(zone_b, reviewer_zhejiang, office_b)
    before = fingerprint()
    failures: list[str] = []
    for name, route in url_patterns():
        if not kwargs_of(route):
            continue
        for who, (user, own_zone) in people.items():
            if (who, name) in BY_DESIGN:
                continue
            for url in attempts(route, world, own_zone):
                check(client, user, url, failures, who)
    assert not failures, "\n".join(failures)
    assert not changed(before), f"a refused request changed the database: {changed(before)}"
    assert not refused_only_audited(), refused_only_audited()


@pytest.mark.django_db
def test_a_liaison_does_not_reach_another_units_objects(client, world, unit_y):
    liaison_y = MembershipFactory(
        user=UserFactory(username="liaison_y"), role=Role.LIAISON, zone=unit_y.zone, unit=unit_y
    ).user
    before = fingerprint()
    failures: list[str] = []
    for _name, route in url_patterns():
        if not set(kwargs_of(route)) & UNIT_SCOPED_KWARGS:
            continue
        check(client, liaison_y, fill(route, world), failures, "liaison of unit Y")
    assert not failures, "\n".join(failures)
    assert not changed(before), f"a refused request changed the database: {changed(before)}"
    assert not refused_only_audited(), refused_only_audited()
