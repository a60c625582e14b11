"""Every app's services write the audit log inside their own transaction: zones (lifecycle),
assessments (judgements, score changes, rounds), evidence (review decisions), figures (linked
to their history rows)."""

from decimal import Decimal

import pytest
from django.db import transaction

from assessments import services as assessments
from assessments.models import AssessmentRound
from audit.models import AuditEvent
from audit.services import audit_verify
from evidence.data.services import FigureRow, Via, data_values_save
from evidence.models import DataChange, Evidence
from evidence.services import evidence_accept, evidence_return
from tests.assessments.round_helpers import item, score, sub, zone_at
from tests.evidence.test_data_fixtures import data_matrix
from zones.models import Zone

pytestmark = pytest.mark.django_db
__all__ = ["data_matrix"]
ZS = Zone.Status


def actions(**filters) -> list[str]:
    return list(AuditEvent.objects.filter(**filters).order_by("pk").values_list("action", flat=True))


def test_a_live_judgement_records_before_and_after(zone_a, office_a):
    item = sub(zone_a, "10")
    assessments.judgement_set(zone=zone_a, scoring_item=item, points=Decimal(2), user=office_a)
    assessments.judgement_set(zone=zone_a, scoring_item=item, points=Decimal("1.5"), comment="机制不全", user=office_a)
    first, second = AuditEvent.objects.filter(action="judgement_saved").order_by("pk")
    assert first.before_data is None and first.after_data["points"] == "2.00"
    assert second.before_data["points"] == "2.00" and second.after_data == {
        "points": "1.50", "options": [], "comment": "机制不全",
    }  # fmt: skip
    assert (second.zone_id, second.actor_username, second.target_label) == (zone_a.pk, "office_a", "10")


def test_a_change_rolled_back_leaves_no_audit_row(zone_a, office_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        assessments.judgement_set(zone=zone_a, scoring_item=sub(zone_a, "10"), points=Decimal(2), user=office_a)
        raise RuntimeError("the caller's transaction fails")
    assert not AuditEvent.objects.exists()


def test_a_round_open_scores_submit_and_reopen_are_audited(zone_a, office_a):
    zone_at(zone_a, ZS.CREATING)
    round = assessments.round_open(zone=zone_a, kind=AssessmentRound.Kind.SELF, user=office_a)
    score(round, office_a, "10", 2)
    score(round, office_a, "10", 1)
    assessments.round_submit(round=round, user=office_a)
    assessments.round_reopen(round=round, user=office_a, reason="补充材料")
    assert actions(target_type="assessments.assessmentround") == ["round_opened", "round_submitted", "round_reopened"]
    assert actions(target_type="zones.zone") == ["zone_transition", "zone_transition"]  # 创建中→自评→市级考评
    saved = AuditEvent.objects.filter(action="judgement_saved").order_by("pk")
    assert [(e.before_data and e.before_data["points"], e.after_data["points"]) for e in saved] == [
        (None, "2.00"),
        ("2.00", "1.00"),
        (None, "1.00"),  # submitting the 自评 makes its score the zone's live judgement
    ]
    assert saved[2].target_label == "10"  # the live one (a round's reads "10 · 自评…")
    submitted = AuditEvent.objects.get(action="round_submitted")
    assert "total" in submitted.after_data and submitted.zone_id == zone_a.pk
    assert AuditEvent.objects.get(action="round_reopened").reason == "补充材料"
    assert audit_verify().broken is None


def test_a_score_change_is_audited_and_an_unchanged_score_is_not(zone_a, office_a, django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assessments.score_snapshot_request(zone=zone_a, user=office_a)
    changed = AuditEvent.objects.get(action="score_changed")  # once: the second computation changed nothing
    assert changed.zone_id == zone_a.pk and changed.actor_username == "office_a" and "total" in changed.after_data


def test_evidence_review_decisions_are_audited(zone_a, unit_x, office_a, liaison_x):
    indicator = item(zone_a, "12")
    accepted = Evidence.objects.create(zone=zone_a, indicator=indicator, unit=unit_x, title="甲", status="submitted")
    returned = Evidence.objects.create(zone=zone_a, indicator=indicator, unit=unit_x, title="乙", status="submitted")
    evidence_accept(evidence=accepted, user=office_a)
    evidence_return(evidence=returned, user=office_a, reason="盖章不清")
    rows = AuditEvent.objects.filter(target_type="evidence.evidence").order_by("pk")
    assert [(r.action, r.target_id, r.reason, r.after_data["status"]) for r in rows] == [
        ("evidence_accepted", str(accepted.pk), "", "accepted"),
        ("evidence_returned", str(returned.pk), "盖章不清", "returned"),
    ]


def test_a_figure_change_links_its_history_rows(zone_a, office_a, data_matrix):
    rows = [FigureRow(metric="online_retail_sales", year=2024, value=Decimal("381.2"), source="统计公报")]
    changes = data_values_save(
        zone=zone_a, user=office_a, rows=rows, via=Via.FORM, allowed_keys={"online_retail_sales"}
    )
    event = AuditEvent.objects.get(action="data_changed")
    assert (
        sorted(event.after_data["changes"])
        == sorted(c.pk for c in changes)
        == sorted(DataChange.objects.values_list("pk", flat=True))
    )
    assert event.zone_id == zone_a.pk and "网上零售额" in event.target_label and event.after_data["via"] == "form"


def test_an_unchanged_save_writes_no_audit_row(zone_a, office_a, data_matrix):
    rows = [FigureRow(metric="online_retail_sales", year=2024, value=Decimal("381.2"))]
    data_values_save(zone=zone_a, user=office_a, rows=rows, via=Via.FORM, allowed_keys={"online_retail_sales"})
    data_values_save(zone=zone_a, user=office_a, rows=rows, via=Via.FORM, allowed_keys={"online_retail_sales"})
    assert AuditEvent.objects.filter(action="data_changed").count() == 1
