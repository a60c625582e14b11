"""Fixtures for the inspections tests: zone A's matrix, tasks and evidence for units X and Y,
a campaign, a 考评组 with an evaluator assigned to unit X, and small valid files."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from evidence.services import evidence_create, evidence_submit
from indicators.models import Indicator
from inspections import evaluation as evaluation_services
from inspections import services
from tasks.services import task_create
from tests.factories import MembershipFactory, UserFactory
from zones.matrix import indicator_responsibility_set
from zones.models import Membership

Role = Membership.Role
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name: str = "现场照片.png", content: bytes | None = None, content_type: str = "image/png"):
    return SimpleUploadedFile(name, png_bytes() if content is None else content, content_type=content_type)


@pytest.fixture
def items(zone_a):
    """Zone A's level-3 indicators by code."""
    return {i.code: i for i in Indicator.objects.filter(system=zone_a.system, level=3)}


@pytest.fixture
def matrix(zone_a, unit_x, unit_y, items):
    """Unit X: lead on 13, responsible for 12 and 40, removed from 20. Unit Y: 12 (lead) and 20."""
    for code, unit, state in (
        ("12", unit_x, "responsible"),
        ("13", unit_x, "lead"),
        ("40", unit_x, "responsible"),
        ("20", unit_x, "none"),
        ("12", unit_y, "lead"),
        ("20", unit_y, "responsible"),
    ):
        indicator_responsibility_set(zone=zone_a, indicator=items[code], unit=unit, state=state)


@pytest.fixture
def tasks(zone_a, unit_x, unit_y, office_a, items):
    """Two tasks for X (one led by Y), one for Y only."""
    deadline = date(2030, 12, 31)
    shared = task_create(
        zone=zone_a,
        number="1",
        title="加大政策扶持力度",
        deadline=deadline,
        unit_ids=[unit_x.pk, unit_y.pk],
        lead_unit_ids=[unit_y.pk],
        indicator_ids=[items["12"].pk],
        user=office_a,
    )
    own = task_create(
        zone=zone_a, number="2", title="培育网络经营主体", deadline=deadline, unit_ids=[unit_x.pk], user=office_a
    )
    other = task_create(
        zone=zone_a, number="3", title="统计监测体系建设", deadline=deadline, unit_ids=[unit_y.pk], user=office_a
    )
    return {"shared": shared, "own": own, "other": other}


@pytest.fixture
def evidence_x(zone_a, unit_x, liaison_x, items, matrix):
    """A submitted piece of evidence of unit X on item 13, and a draft on 12 (not listed)."""
    submitted = evidence_create(
        zone=zone_a,
        indicator=items["13"],
        unit=unit_x,
        user=liaison_x,
        file=SimpleUploadedFile("监管平台建设方案.pdf", PDF, content_type="application/pdf"),
        title="监管平台建设方案",
    )
    evidence_submit(evidence=submitted, user=liaison_x)
    evidence_create(
        zone=zone_a,
        indicator=items["12"],
        unit=unit_x,
        user=liaison_x,
        file=SimpleUploadedFile("草稿.pdf", PDF + b"%draft", content_type="application/pdf"),
        title="草稿材料",
    )
    return submitted


@pytest.fixture
def campaign(zone_a, office_a, unit_x, unit_y, matrix, tasks):
    return services.campaign_open(
        zone=zone_a, user=office_a, title="2025年自查自纠", due_date=timezone.localdate() + timedelta(days=10)
    )


@pytest.fixture
def selfcheck_x(campaign, unit_x):
    return campaign.selfchecks.get(unit=unit_x)


@pytest.fixture
def selfcheck_y(campaign, unit_y):
    return campaign.selfchecks.get(unit=unit_y)


@pytest.fixture
def evaluator_a2(zone_a):
    return MembershipFactory(user=UserFactory(username="evaluator_a2"), role=Role.EVALUATOR, zone=zone_a).user


@pytest.fixture
def team(campaign, office_a, evaluator_a, evaluator_a2, unit_x, unit_y):
    """evaluator_a evaluates unit X, evaluator_a2 unit Y."""
    evaluation_services.team_member_add(campaign=campaign, member=office_a, role="leader", by=office_a)
    evaluation_services.team_member_add(campaign=campaign, member=evaluator_a, by=office_a)
    evaluation_services.team_member_add(campaign=campaign, member=evaluator_a2, by=office_a)
    evaluation_services.evaluation_assign(campaign=campaign, unit_ids=[unit_x.pk], evaluator=evaluator_a, by=office_a)
    evaluation_services.evaluation_assign(campaign=campaign, unit_ids=[unit_y.pk], evaluator=evaluator_a2, by=office_a)
    return campaign


@pytest.fixture
def evaluation_x(team, unit_x):
    return team.evaluations.select_related("campaign__zone", "unit").get(unit=unit_x)


def answer_all(selfcheck, user, status: str = "done") -> None:
    """Fill in every row of a self-check with ``status``."""
    keys = services.row_keys(campaign=selfcheck.campaign, unit=selfcheck.unit)
    answers = {
        key: {"done_text": f"{label}已落实", "status": status, "na_reason": "本单位无此职能" if status == "na" else ""}
        for key, label in keys.items()
    }
    services.selfcheck_save(selfcheck=selfcheck, user=user, answers=answers, summary="总体完成情况良好。")
