"""Hostile query parameters on every page and API that reads one: a Chinese 400 (or the page's
own message), never a 500 and never a page silently showing something else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.hostile.hostile_helpers import BAD_DATES, BAD_IDS, HUGE, refused

pytestmark = pytest.mark.django_db

# (name, persona, url, parameter, values)
TARGETS = [
    ("task-list", "office", lambda w: reverse("tasks:task-list", args=[w.zone.pk]), "unit", BAD_IDS),
    ("task-list", "office", lambda w: reverse("tasks:task-list", args=[w.zone.pk]), "stage", BAD_IDS),
    (
        "task-list",
        "office",
        lambda w: reverse("tasks:task-list", args=[w.zone.pk]),
        "q",
        {"nul": "政策\x00", "rtl": "政策\u202e", "huge": HUGE},
    ),
    ("task-list", "office", lambda w: reverse("tasks:task-list", args=[w.zone.pk]), "status", {"rtl": "open\u202e"}),
    ("bulletin", "office", lambda w: reverse("tasks:bulletin", args=[w.zone.pk]), "date", BAD_DATES),
    ("evidence-upload", "liaison", lambda w: reverse("evidence:upload", args=[w.zone.pk]), "indicator", BAD_IDS),
    (
        "review-queue",
        "office",
        lambda w: reverse("evidence:queue", args=[w.zone.pk]),
        "unit",
        {"superscript": "²", "huge": HUGE, "foreign": "FOREIGN_UNIT"},
    ),
    ("data-history", "office", lambda w: reverse("data:history", args=[w.zone.pk]), "year", BAD_IDS),
    ("data-template", "office", lambda w: reverse("data:template", args=[w.zone.pk]), "unit", BAD_IDS),
    ("completeness", "office", lambda w: reverse("data:completeness", args=[w.zone.pk]), "unit", BAD_IDS),
    ("api-evidence", "office", lambda w: f"/api/evidence/{w.zone.pk}/", "unit", BAD_IDS),
    (
        "api-evidence",
        "office",
        lambda w: f"/api/evidence/{w.zone.pk}/",
        "indicator",
        {"superscript": "²", "huge": HUGE},
    ),
    ("api-data-history", "office", lambda w: f"/api/data/zones/{w.zone.pk}/history/", "year", BAD_IDS),
    (
        "api-data-history",
        "office",
        lambda w: f"/api/data/zones/{w.zone.pk}/history/",
        "page_size",
        {"superscript": "²", "huge": HUGE, "negative": "-1"},
    ),
    (
        "login-events",
        "auditor",
        lambda w: reverse("accounts:login-events"),
        "date_from",
        {"feb-30": "2024-02-30", "rtl": "2024-01-01\u202e"},
    ),
]

CASES = [
    pytest.param(url, persona, parameter, value, id=f"{name}-{parameter}-{key}")
    for name, persona, url, parameter, values in TARGETS
    for key, value in values.items()
]


@pytest.fixture
def auditor(db):
    from tests.factories import MembershipFactory, UserFactory
    from zones.models import Membership

    return MembershipFactory(
        user=UserFactory(username="auditor_q", is_staff=True), role=Membership.Role.AUDIT_ADMIN
    ).user


@pytest.mark.parametrize(("url", "persona", "parameter", "value"), CASES)
def test_a_hostile_query_parameter_is_refused(client, world, auditor, url, persona, parameter, value):
    client.force_login(auditor if persona == "auditor" else getattr(world, persona))
    if value == "FOREIGN_UNIT":
        value = str(world.unit_b.pk)
    refused(client, "get", url(world), {parameter: value})


def test_a_valid_parameter_filters(client, world):
    """The same parameters, well formed, are answered (so the cases above test the values)."""
    client.force_login(world.office)
    assert client.get(reverse("tasks:task-list", args=[world.zone.pk]), {"unit": world.unit_x.pk}).status_code == 200
    assert client.get(f"/api/evidence/{world.zone.pk}/", {"unit": world.unit_x.pk}).status_code == 200
    assert client.get(reverse("data:history", args=[world.zone.pk]), {"year": "2024"}).status_code == 200
