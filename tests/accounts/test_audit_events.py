"""Account and role changes are audited, and only the audit admin reads the trail (三员分立)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.services import membership_grant, membership_revoke, zone_member_create
from tests.factories import MembershipFactory, UserFactory
from zones.models import Membership

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture
def auditor(db):
    return MembershipFactory(user=UserFactory(username="auditor_t", is_staff=True), role=Role.AUDIT_ADMIN).user


@pytest.fixture
def security(db):
    return MembershipFactory(user=UserFactory(username="security_t", is_staff=True), role=Role.SECURITY_ADMIN).user


def test_creating_granting_and_revoking_leave_a_trail(office_a, zone_a, unit_x):
    member = zone_member_create(
        zone=zone_a,
        username="new_liaison",
        full_name="新联络员",
        password="Good@2024!",
        role=Role.LIAISON,
        unit=unit_x,
        granted_by=office_a,
    )
    membership_revoke(membership=member, revoked_by=office_a)
    trail = list(AuditEvent.objects.order_by("pk").values_list("actor_username", "action", "target_username"))
    assert trail == [
        ("office_a", "user_created", "new_liaison"),
        ("office_a", "role_granted", "new_liaison"),
        ("office_a", "role_revoked", "new_liaison"),
    ]
    assert "责任单位联络员" in AuditEvent.objects.get(action="role_granted").detail


def test_a_refused_grant_leaves_no_trail(office_a):
    with pytest.raises(ValidationError, match="不能给自己授权"):
        membership_grant(user=office_a, role=Role.SYSTEM_ADMIN, granted_by=office_a)
    assert not AuditEvent.objects.exists()


def test_only_the_audit_admin_reads_the_trail(client, auditor, security, office_a, zone_a):
    membership_grant(user=UserFactory(username="x"), role=Role.OFFICE, zone=zone_a, granted_by=security)
    client.force_login(auditor)
    page = client.get(reverse("accounts:audit-events"))
    assert page.status_code == 200 and "授予角色" in page.content.decode() and "security_t" in page.content.decode()
    for other in (security, office_a):
        client.force_login(other)
        assert client.get(reverse("accounts:audit-events")).status_code == 403


def test_the_audit_page_runs_a_fixed_number_of_queries(
    client, auditor, security, zone_a, django_assert_max_num_queries
):
    client.force_login(auditor)
    membership_grant(user=UserFactory(), role=Role.OFFICE, zone=zone_a, granted_by=security)
    client.get(reverse("accounts:audit-events"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("accounts:audit-events"))
    for _ in range(20):
        membership_grant(user=UserFactory(), role=Role.OFFICE, zone=zone_a, granted_by=security)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("accounts:audit-events"))
