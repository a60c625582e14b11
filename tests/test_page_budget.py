"""The page budget (issue 9): at province scale every page of every role is under 300 KB of HTML
and runs the same number of queries as at one tenth of the data.

The demo zone is grown once for the module (benchmarks/load/data.py: 60 units, 522 tasks,
3,377 assignments, 2,027 progress reports, 5,008 pieces of evidence, and what grows with use:
8,000 notices, 20,000 login events, 10,000 audit events, 6,000 figure changes, 600 findings,
2,000 questionnaire answers, 8,000 download records, one assignment with 120 progress
reports): first to one tenth, where every page is fetched as its role, then to full scale,
where every page is fetched again. Lists are fetched as they open and, where they grow, at a
later page and with a filter. The database is rolled back afterwards. Each page is then one
test of its own.
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
from audit.services import audit_verify
from benchmarks.load.data import TARGETS, history_assignment, province_scale_grow
from inspections.models import Campaign
from zones.models import Membership, Zone

pytestmark = pytest.mark.django_db

BUDGET_BYTES = 300 * 1024

# (account, url name, arguments[, query]): arguments "zone", "unit" (the liaison's), "round" (the
# 省级评估), "campaign" (the 自查自纠), "task" / "assignment" (the one whose history grows:
# benchmarks.load.data.history_assignment), or "" for none. The query (a later page, a filter)
# is one that has rows at one tenth too.
PAGES: tuple[tuple[str, ...], ...] = (
    ("office", "home", ""),
    ("office", "zones:overview", "zone"),
    ("office", "zones:units", "zone"),
    ("office", "zones:stages", "zone"),
    ("office", "zones:leading-group", "zone"),
    ("office", "zones:matrix", "zone"),
    ("office", "zones:matrix-unmatched", "zone"),
    ("office", "tasks:task-list", "zone"),
    ("office", "tasks:task-list", "zone", "?status=in_progress&sort=deadline"),
    ("office", "tasks:task-list", "zone", "?status=not_started&sort=progress"),
    ("office", "tasks:task-list", "zone", "?page=2"),
    ("office", "tasks:task-detail", "task"),
    ("office", "tasks:assignment-report", "assignment"),
    ("office", "tasks:assignment-report", "assignment", "?page=2"),
    ("office", "tasks:dashboard", "zone"),
    ("office", "tasks:bulletin", "zone"),
    ("office", "evidence:list", "zone"),
    ("office", "evidence:list", "zone", "?page=2&status=submitted&sort=newest"),
    ("office", "evidence:queue", "zone"),
    ("office", "evidence:queue", "zone", "?page=2"),
    ("office", "data:zone", "zone"),
    ("office", "data:zone-all", "zone"),
    ("office", "data:history", "zone"),
    ("office", "data:history", "zone", "?page=3"),
    ("office", "data:completeness", "zone"),
    ("office", "notifications:list", ""),
    ("office", "notifications:list", "", "?page=2"),
    ("office", "assessments:scores", "zone"),
    ("office", "assessments:rounds", "zone"),
    ("office", "assessments:round-gaps", "round"),
    ("office", "inspections:campaigns", "zone"),
    ("office", "inspections:campaign", "campaign"),
    ("office", "inspections:findings", "campaign"),
    ("office", "inspections:findings", "campaign", "?page=2"),
    ("office", "inspections:findings", "campaign", "?status=pending&severity=general"),
    ("office", "inspections:answers", "campaign"),
    ("office", "inspections:answers", "campaign", "?page=3"),
    ("office", "inspections:ranking", "campaign"),
    ("office", "reports:zone", "zone"),
    ("office", "accounts:zone-members", "zone"),
    ("liaison", "home", ""),
    ("liaison", "tasks:mine", ""),
    ("liaison", "tasks:mine", "", "?status=not_started"),
    ("liaison", "tasks:mine", "", "?status=overdue"),
    ("liaison", "tasks:task-detail", "task"),
    ("liaison", "tasks:assignment-report", "assignment"),
    ("liaison", "evidence:list", "zone"),
    ("liaison", "data:unit", "unit"),
    ("liaison", "data:history", "zone"),
    ("liaison", "data:completeness", "zone"),
    ("liaison", "inspections:findings", "campaign"),
    ("liaison", "notifications:list", ""),
    ("liaison", "notifications:list", "", "?page=2"),
    ("expert", "home", ""),
    ("expert", "assessments:review-home", ""),
    ("expert", "assessments:round", "round"),
    ("province", "home", ""),
    ("province", "reports:home", ""),
    ("province", "reports:compare", ""),
    ("province", "reports:zone", "zone"),
    ("province", "tasks:dashboard", "zone"),
    ("province", "tasks:bulletin", "zone"),
    ("province", "tasks:bulletin", "zone", "?page=2"),
    ("province", "assessments:scores", "zone"),
    ("province", "assessments:rounds", "zone"),
    ("province", "assessments:round", "round"),
    ("province", "assessments:round-assignments", "round"),
    ("province", "assessments:round-gaps", "round"),
    ("national", "home", ""),
    ("national", "reports:home", ""),
    ("sysadmin", "admin:index", ""),
    ("sysadmin", "admin:accounts_user_changelist", ""),
    ("secadmin", "accounts:grants", ""),
    ("auditor", "accounts:login-events", ""),
    ("auditor", "accounts:login-events", "", "?page=5"),
    ("auditor", "accounts:audit-events", ""),
    ("auditor", "accounts:audit-events", "", "?page=5"),
    ("auditor", "reports:downloads", ""),
    ("auditor", "reports:downloads", "", "?page=5"),
)


def _key(page: tuple[str, ...]) -> str:
    username, name, _kind, *query = page
    return " ".join([username, name, *query])


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
    if kind == "task":
        return [history_assignment(zone).task_id]
    if kind == "assignment":
        return [history_assignment(zone).pk]
    return []


def _walk(zone: Zone) -> dict[str, tuple[int, int, int]]:
    """Each page: (status, bytes, queries)."""
    seen = {}
    clients: dict[str, Client] = {}
    for page in PAGES:
        username, name, kind, *query = page
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        url = reverse(name, args=_arguments(kind, zone, username)) + "".join(query)
        with CaptureQueriesContext(connection) as queries:
            response = clients[username].get(url)
        seen[_key(page)] = (response.status_code, len(response.content), len(queries))
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
        chain = audit_verify()
        full = _walk(zone)
        transaction.set_rollback(True)
    return counts, tenth, full, chain


def test_the_data_is_province_scale(measured):
    counts, _tenth, _full, _chain = measured
    assert counts == TARGETS


def test_the_audit_rows_of_the_data_keep_the_chain(measured):
    chain = measured[3]
    assert chain.broken is None and not chain.problem
    assert chain.checked >= TARGETS["audit_events"]


def test_every_page_is_walked_once():
    assert len({_key(page) for page in PAGES}) == len(PAGES)


@pytest.mark.parametrize("page_name", [_key(page) for page in PAGES])
def test_page_is_within_budget(measured, page_name):
    _counts, tenth, full, _chain = measured
    status, size, queries = full[page_name]
    assert status == 200, f"{page_name} answered {status}"
    assert size < BUDGET_BYTES, f"{page_name}: {size / 1024:.0f} KB of HTML at province scale (budget 300 KB)"
    small = tenth[page_name][2]
    assert queries == small, (
        f"{page_name}: {small} queries at one tenth ({tenth[page_name][1] / 1024:.0f} KB), "
        f"{queries} at full scale ({size / 1024:.0f} KB)"
    )
