"""The demo: 三明市 with its units, 演示数据 and an account per role, scored end to end."""

from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from assessments.models import ScoreSnapshot
from assessments.selectors import zone_score
from demo.zone import DEMO_ACCOUNTS, DEMO_PASSWORD
from zones.models import Membership, Unit, Zone

pytestmark = pytest.mark.django_db


def load(standard):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return Zone.objects.select_related("system", "region__parent").get(name="三明市")


def test_demo_zone_is_sanming_national_east(standard):
    zone = load(standard)
    assert zone.region.parent.name == "福建省" and zone.region_category == "east"
    assert zone.tier == Zone.Tier.NATIONAL and zone.system.code == "CN-2024"
    assert Unit.objects.filter(zone=zone, kind="county_government").count() == 11
    assert Unit.objects.filter(zone=zone, short_name="市场监管局").exists()


def test_demo_scores_the_hand_computed_total_from_the_database(standard, django_capture_on_commit_callbacks):
    """Same figures as indicators/examples/zone-input.json, whose hand computation
    (83.5 = 12.5 + 24.5 + 18 + 14 + 14.5) is tabulated in test_score_zone_command.py."""
    with django_capture_on_commit_callbacks(execute=True):
        zone = load(standard)
    result = zone_score(zone=zone)
    assert result.total == Decimal("83.5")
    assert [d.points for d in result.dimensions] == [Decimal(x) for x in ("12.5", "24.5", "18", "14", "14.5")]
    snapshot = ScoreSnapshot.objects.get(zone=zone, round__isnull=True)  # load_demo queues a computation
    assert snapshot.status == ScoreSnapshot.Status.DONE and Decimal(str(snapshot.result["total"])) == Decimal("83.5")


def test_demo_has_an_account_per_role_and_is_idempotent(standard):
    from evidence.models import DataChange, DataValue, OperatorEntry, OutcomeEntry

    def figures():
        return tuple(m.objects.count() for m in (DataValue, OperatorEntry, OutcomeEntry, DataChange))

    load(standard)
    first = figures()
    assert first[0] and first[1] and first[2] and first[3]  # entered through the services, with history
    load(standard)
    assert figures() == first  # loading again changes no figure and writes no history
    assert Zone.objects.filter(name="三明市").count() == 1
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Membership.Role.values)
    for username, *_ in DEMO_ACCOUNTS:
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username
    assert Membership.objects.count() == len(DEMO_ACCOUNTS)


def test_demo_has_evidence_in_every_status_with_readable_pdfs(standard):
    from evidence.models import Evidence

    zone = load(standard)
    statuses = set(Evidence.objects.filter(zone=zone).values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "accepted", "returned"}
    returned = Evidence.objects.get(zone=zone, status="returned")
    assert returned.return_reason and "演示数据" in returned.title
    first = Evidence.objects.filter(zone=zone).first().files.get()
    assert first.content_type == "application/pdf" and first.size > 1000  # a rendered page, not a stub


def test_the_demo_system_admin_configures_but_sees_no_business_data(standard, client):
    from django.urls import reverse

    load(standard)
    client.login(username="sysadmin", password=DEMO_PASSWORD)
    assert client.get(reverse("admin:indicators_indicatorsystem_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("admin:evidence_datavalue_changelist")).status_code == 403
    assert client.get(reverse("admin:zones_membership_changelist")).status_code == 403  # grants: security admin
    zone = Zone.objects.get(name="三明市")
    assert client.get(reverse("assessments:scores", args=[zone.pk])).status_code == 404


def test_demo_has_a_submitted_self_assessment_and_a_provincial_round_in_progress(standard):
    from assessments.models import AssessmentRound, DifferenceReason, Doubt, EvaluatorAssignment, Judgement
    from assessments.selectors import round_differences

    zone = load(standard)
    own = AssessmentRound.objects.get(zone=zone, kind="self")
    provincial = AssessmentRound.objects.get(zone=zone, kind="provincial")
    assert own.status == "submitted" and provincial.status == "in_review"
    experts = {
        name: set(
            EvaluatorAssignment.objects.filter(round=provincial, evaluator__username=name).values_list(
                "indicator__code", flat=True
            )
        )
        for name in ("expert", "expert2")
    }
    assert experts["expert"] & experts["expert2"]  # overlapping items
    # one shared item expert2 has not scored yet: blind review hides expert's score from expert2
    scored = {
        name: set(
            Judgement.objects.filter(round=provincial, judged_by__username=name).values_list(
                "scoring_item__indicator__code", flat=True
            )
        )
        for name in ("expert", "expert2")
    }
    assert (experts["expert"] & experts["expert2"] & scored["expert"]) - scored["expert2"]
    assert Doubt.objects.filter(round=provincial, status="open").count() == 1
    differences = round_differences(round=provincial)
    assert differences and all(d["reason"] is not None for d in differences)
    assert DifferenceReason.objects.filter(round=provincial).count() == len(differences)


def test_demo_has_rectification_tasks_from_the_self_assessment_gaps_once(standard):
    from tasks.models import Task

    zone = load(standard)
    load(standard)
    rectification = Task.objects.filter(zone=zone, category="整改")
    assert 1 <= rectification.count() <= 6
    assert all(t.title.startswith("【整改】自评") and t.assignments.exists() for t in rectification)


def test_demo_loading_lives_in_the_demo_package_and_calls_only_public_names():
    """Issue 10 §4: no app below holds demo loading, and demo/ reaches each app through its
    public functions (no ``_private`` helper imported, no ``bulk_create`` around the services)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for stale in ("zones/demo", "tasks/demo.py", "tasks/demo_data.py", "evidence/demo.py"):
        assert not (root / stale).exists(), stale
    offences = []
    for path in sorted((root / "demo").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                offences += [
                    f"{path.name} imports {node.module}.{a.name}" for a in node.names if a.name.startswith("_")
                ]
            if isinstance(node, ast.Attribute) and node.attr == "bulk_create":
                offences.append(f"{path.name}:{node.lineno} bulk_create")
    assert not offences, "\n".join(offences)
