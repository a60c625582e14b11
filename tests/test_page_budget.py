"""The page budget (issue 9): at province scale every page of every role is under 300 KB of HTML
and runs the same number of queries as at one tenth of the data.

The demo zone is grown once for the module (benchmarks/load/data.py: 60 units, 522 tasks,
3,377 assignments, 2,027 progress reports, 5,008 pieces of evidence): first to one tenth,
where every page is fetched as its role, then to full scale, where every page is fetched
again. The database is rolled back afterwards. Each page is then one test of its own.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from assessments.models import AssessmentRound
from benchmarks.load.data import TARGETS, province_scale_grow
from inspections.models import Campaign
from zones.models import Membership, Zone

pytestmark = pytest.mark.django_db

BUDGET_BYTES = 300 * 1024

# (account, url name, arguments): "zone", "unit" (the liaison's), "round" (the 省级评估),
# "campaign" (the 自查自纠), or "" for none.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("office", "home", ""),
    ("office", "zones:overview", "zone"),
    ("office", "zones:units", "zone"),
    ("office", "zones:stages", "zone"),
    ("office", "zones:leading-group", "zone"),
    ("office", "zones:matrix", "zone"),
    ("office", "zones:matrix-unmatched", "zone"),
    ("office", "tasks:task-list", "zone"),
    ("office", "tasks:dashboard", "zone"),
    ("office", "tasks:bulletin", "zone"),
    ("office", "evidence:list", "zone"),
    ("office", "evidence:queue", "zone"),
    ("office", "data:zone", "zone"),
    ("office", "data:zone-all", "zone"),
    ("office", "data:history", "zone"),
    ("office", "data:completeness", "zone"),
    ("office", "notifications:list", ""),
    ("office", "assessments:scores", "zone"),
    ("office", "assessments:rounds", "zone"),
    ("office", "inspections:campaigns", "zone"),
    ("office", "inspections:campaign", "campaign"),
    ("office", "inspections:findings", "campaign"),
    ("office", "inspections:ranking", "campaign"),
    ("office", "reports:zone", "zone"),
    ("office", "accounts:zone-members", "zone"),
    ("liaison", "home", ""),
    ("liaison", "tasks:mine", ""),
    ("liaison", "evidence:list", "zone"),
    ("liaison", "data:unit", "unit"),
    ("liaison", "notifications:list", ""),
    ("expert", "home", ""),
    ("expert", "assessments:review-home", ""),
    ("expert", "assessments:round", "round"),
    ("province", "home", ""),
    ("province", "reports:home", ""),
    ("province", "reports:compare", ""),
    ("province", "reports:zone", "zone"),
    ("province", "assessments:scores", "zone"),
    ("province", "assessments:rounds", "zone"),
    ("province", "assessments:round", "round"),
    ("province", "assessments:round-assignments", "round"),
    ("national", "home", ""),
    ("national", "reports:home", ""),
    ("sysadmin", "admin:index", ""),
    ("sysadmin", "admin:accounts_user_changelist", ""),
    ("secadmin", "accounts:grants", ""),
    ("auditor", "accounts:login-events", ""),
    ("auditor", "accounts:audit-events", ""),
)


def _arguments(kind: str, zone: Zone, username: str) -> list[int]:
    if kind == "zone":
        return [zone.pk]
    if kind == "unit":
        unit_id = Membership.objects.get(user__username=username, role=Membership.Role.LIAISON).unit_id
        return [zone.pk, unit_id]
    if kind == "round":
        return [AssessmentRound.objects.get(zone=zone, kind="provincial").pk]
    if kind == "campaign":
        return [Campaign.objects.filter(zone=zone).latest("pk").pk]
    return []


def _walk(zone: Zone) -> dict[str, tuple[int, int, int]]:
    """Each page: (status, bytes, queries)."""
    seen = {}
    clients: dict[str, Client] = {}
    for username, name, kind in PAGES:
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        url = reverse(name, args=_arguments(kind, zone, username))
        with CaptureQueriesContext(connection) as queries:
            response = clients[username].get(url)
        seen[f"{username} {name}"] = (response.status_code, len(response.content), len(queries))
    return seen


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_standard", verbosity=0, stdout=io.StringIO())
        call_command("load_demo", verbosity=0, stdout=io.StringIO())
        zone = Zone.objects.get(name="三明市")
        province_scale_grow(zone=zone, factor=0.1)
        tenth = _walk(zone)
        counts = province_scale_grow(zone=zone, factor=1.0)
        full = _walk(zone)
        transaction.set_rollback(True)
    return counts, tenth, full


def test_the_data_is_province_scale(measured):
    counts, _tenth, _full = measured
    assert counts == TARGETS


@pytest.mark.parametrize("page_name", [f"{username} {name}" for username, name, _kind in PAGES])
def test_page_is_within_budget(measured, page_name):
    _counts, tenth, full = measured
    status, size, queries = full[page_name]
    assert status == 200, f"{page_name} answered {status}"
    assert size < BUDGET_BYTES, f"{page_name}: {size / 1024:.0f} KB of HTML at province scale (budget 300 KB)"
    small = tenth[page_name][2]
    assert queries == small, f"{page_name}: {small} queries at one tenth, {queries} at full scale"
