"""Dates a report shows are local (Asia/Shanghai): a round opened at 17:00 UTC was opened the next day.

Also the evidence list's 日期: the effective date, else the latest file's upload day (local), marked （上传）.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from assessments.models import AssessmentRound, ScoreSnapshot
from assessments.selectors import zone_score
from evidence.models import Evidence, EvidenceFile
from reports.content import evidence_rows, round_title, rounds_side_by_side
from reports.forms import OpinionForm, ReportRequestForm
from reports.kinds import kind_get
from tests.reports.report_helpers import evidence_with_file

pytestmark = pytest.mark.django_db

LATE_UTC = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 2026-12-02 01:00 in Shanghai


@pytest.fixture
def late_round(zone_a):
    """A submitted 自评 opened at 17:00 UTC on 2026-12-01 and submitted an hour later."""
    round = AssessmentRound.objects.create(
        zone=zone_a, kind="self", status="submitted", system=zone_a.system, reference_year_1=2023, reference_year_2=2024
    )
    AssessmentRound.objects.filter(pk=round.pk).update(
        opened_at=LATE_UTC, submitted_at=datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    )
    round.refresh_from_db()
    ScoreSnapshot.objects.create(
        zone=zone_a, round=round, system=zone_a.system, status="done", total=0, result=zone_score(zone=zone_a).to_dict()
    )
    return round


def test_round_title_and_drop_downs_use_the_local_day(late_round):
    assert round_title(late_round) == "自评（2026-12-02 发起）"
    request = dict(ReportRequestForm(rounds=[late_round]).fields["subject"].choices)
    assert request[str(late_round.pk)] == "自评（2026-12-02 发起，已提交）"
    opinion = dict(OpinionForm(rounds=[late_round]).fields["round"].choices)
    assert opinion[str(late_round.pk)] == "自评（2026-12-02 发起，已提交）"


def test_the_zone_page_drop_down_says_the_local_day(client, zone_a, office_a, late_round):
    client.force_login(office_a)
    page = client.get(reverse("reports:zone", args=[zone_a.pk])).content.decode()
    assert "自评（2026-12-02 发起，已提交）" in page and "2026-12-01 发起" not in page


def test_the_cover_label_is_not_submitted_before_it_was_opened(zone_a, late_round):
    label = kind_get("self").content(zone=zone_a, round=late_round).source_label
    assert label.startswith("自评（2026-12-02 发起） · 已于 2026-12-02 02:00 提交")


def test_score_sheet_rounds_and_pdf_rounds_side_by_side_use_the_local_day(zone_a, late_round):
    columns = kind_get("scores").content(zone=zone_a, round=None).data.columns
    assert [c.title for c in columns] == ["自评（2026-12-02 发起）", "实时得分"]
    side = rounds_side_by_side(zone=zone_a, current=None, result={"total": 1})
    assert [c.title for c in side] == ["自评（2026-12-02 发起）", "实时得分（本报告）"]


def test_evidence_date_falls_back_to_the_local_upload_day(zone_a, unit_x):
    dated, _ = evidence_with_file(zone_a, unit_x, "1", title="有日期")
    undated, file = evidence_with_file(zone_a, unit_x, "1", title="无日期")
    Evidence.objects.filter(pk=undated.pk).update(effective_date=None)
    EvidenceFile.objects.filter(pk=file.pk).update(uploaded_at=LATE_UTC)
    rows = {r.title: r for r in evidence_rows(zone=zone_a)}
    assert rows["有日期"].date_label == date(2024, 6, 1).isoformat()
    assert rows["无日期"].date_label == "2026-12-02（上传）"
