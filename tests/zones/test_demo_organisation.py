"""The demo's organisation: 附件1's leading group by title only, five stages, status 创建中.

The names of the officials in 附件1 must never reach the database. The repository holds only
their SHA-256 digests, in tests/fixtures/sanming_2024_leading_group.json (one per seat, next
to the seat's unit and title; see tests/fixtures/README.md), and the test hashes every 2- and
3-character window of every text stored by every model.
"""

import hashlib
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from zones.lifecycle import ZoneStatus
from zones.models import LeadingGroupMember, Stage, ZoneTransition
from zones.templates_data import add_months

pytestmark = pytest.mark.django_db

# 附件1 of 三明市's 工作方案 (2024): role, unit and title, sha256 of the name written without spaces.
LEADING_GROUP = Path(__file__).resolve().parents[1] / "fixtures" / "sanming_2024_leading_group.json"
SEATS = json.loads(LEADING_GROUP.read_text(encoding="utf-8"))["seats"]
NAME_DIGESTS = frozenset(seat["name_sha256"] for seat in SEATS)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def database_text() -> str:
    """Every text, char and JSON value of every model, joined."""
    chunks = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            chunks.extend(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in row if v)
    return "\n".join(chunks)


def digests_found(text: str, digests: frozenset[str]) -> set[str]:
    found = set()
    for variant in (text, re.sub(r"\s+", "", text)):
        windows = {variant[i : i + n] for n in (2, 3) for i in range(len(variant) - n + 1)}
        found |= {d for d in map(digest, windows) if d in digests}
    return found


def test_the_fixture_has_a_digest_for_each_of_the_36_seats_and_no_name():
    assert [seat["role"] for seat in SEATS] == ["组长"] + ["副组长"] * 2 + ["成员"] * 33
    assert len(NAME_DIGESTS) == 36
    assert all(re.fullmatch(r"[0-9a-f]{64}", d) for d in NAME_DIGESTS)
    assert all(seat["unit_and_title"] for seat in SEATS)
    # the fixture itself carries digests, units and titles, never a name
    assert digests_found(LEADING_GROUP.read_text(encoding="utf-8"), NAME_DIGESTS) == set()


def test_no_name_of_the_leading_group_anywhere_in_the_database(sanming):
    text = database_text()
    assert "市政府副市长" in text  # the scan does read the leading group
    assert digests_found(text, frozenset({digest("演示")})), "the scanner finds a known word"
    assert digests_found(text, NAME_DIGESTS) == set()


def test_demo_leading_group_by_roles_and_titles(sanming):
    seats = list(LeadingGroupMember.objects.filter(zone=sanming).select_related("unit").order_by("position"))
    by_role = {}
    for seat in seats:
        by_role.setdefault(seat.role, []).append(seat)
    assert [s.title for s in by_role["leader"]] == ["市政府副市长"]
    assert [s.title for s in by_role["deputy"]] == ["市政府副秘书长", "市市场监管局局长"]
    for role, label in (("leader", "组长"), ("deputy", "副组长")):  # as 附件1 lists them
        assert [s.title for s in by_role[role]] == [t["unit_and_title"] for t in SEATS if t["role"] == label]
    assert len(by_role["member"]) == 33
    assert len({s.unit_id for s in by_role["member"]}) == 33
    assert by_role["office_director"][0].unit.short_name == "市场监管局"
    assert len(by_role["liaison"]) == 33
    assert any(s.user and s.user.username == "liaison" for s in by_role["liaison"])


def test_demo_stages_status_and_transitions(sanming):
    # 001's 26 months (2024-01 – 2026-02), shifted so that today falls in 组织实施
    today = timezone.localdate()
    assert sanming.creation_start == add_months(today.replace(day=1), -6)
    assert add_months(sanming.creation_start, 26) == sanming.creation_end + timedelta(days=1)
    implementation = Stage.objects.get(zone=sanming, name="组织实施")
    assert implementation.start <= today <= implementation.end
    assert [s.name for s in Stage.objects.filter(zone=sanming).order_by("position")] == [
        "启动部署",
        "组织实施",
        "自评完善",
        "检查评估",
        "巩固提升",
    ]
    # The organisation reaches 创建中; the assessment demo then runs a 自评 and brings the
    # zone through 市级考评 and 整改 to 省级评估, each move an event.
    assert sanming.status == ZoneStatus.PROVINCIAL_REVIEW
    events = ZoneTransition.objects.filter(zone=sanming).order_by("at", "pk")
    assert [(e.from_status, e.to_status) for e in events] == [
        ("application", "approved"),
        ("approved", "creating"),
        ("creating", "self_assessment"),
        ("self_assessment", "city_review"),
        ("city_review", "rectification"),
        ("rectification", "provincial_review"),
    ]


def test_demo_reload_is_idempotent(sanming):
    from django.core.management import call_command

    counts = (
        LeadingGroupMember.objects.count(),
        Stage.objects.count(),
        ZoneTransition.objects.count(),
        sanming.responsibilities.count(),
    )
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert counts == (
        LeadingGroupMember.objects.count(),
        Stage.objects.count(),
        ZoneTransition.objects.count(),
        sanming.responsibilities.count(),
    )
