"""Account and role changes are audited (audit.AuditEvent), and only the audit admin reads the
log (三员分立): the page with filters, the .xlsx export, the read-only admin."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from accounts.services import membership_grant, membership_revoke, zone_member_create
from audit.models import AuditEvent
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
    trail = list(AuditEvent.objects.order_by("pk").values_list("actor_username", "action", "target_label", "zone_id"))
    assert trail == [
        ("office_a", "user_created", "new_liaison", zone_a.pk),
        ("office_a", "role_granted", "new_liaison", zone_a.pk),
        ("office_a", "role_revoked", "new_liaison", zone_a.pk),
    ]
    granted = AuditEvent.objects.get(action="role_granted")
    assert granted.after_data["role"] == "liaison" and "责任单位联络员" in granted.after_data["scope"]
    assert AuditEvent.objects.get(action="role_revoked").before_data["role"] == "liaison"


def test_a_refused_grant_leaves_no_trail(office_a):
    with pytest.raises(ValidationError, match="不能给自己授权"):
        membership_grant(user=office_a, role=Role.SYSTEM_ADMIN, granted_by=office_a)
    assert not AuditEvent.objects.exists()


def test_only_the_audit_admin_reads_the_trail(client, auditor, security, office_a, zone_a):
    membership_grant(user=UserFactory(username="x"), role=Role.OFFICE, zone=zone_a, granted_by=security)
    client.force_login(auditor)
    page = client.get(reverse("accounts:audit-events"))
    assert page.status_code == 200 and "授予角色" in page.content.decode()
    assert security.full_name in page.content.decode()  # the actor's display name, not the login
    for other in (security, office_a):
        client.force_login(other)
        assert client.get(reverse("accounts:audit-events")).status_code == 403
        assert client.get(reverse("accounts:audit-events"), {"export": "xlsx"}).status_code == 403


def test_filters_and_the_xlsx_export(client, auditor, security, zone_a, zone_b):
    membership_grant(user=UserFactory(username="in_a"), role=Role.OFFICE, zone=zone_a, granted_by=security)
    membership_grant(user=UserFactory(username="in_b"), role=Role.OFFICE, zone=zone_b, granted_by=security)
    client.force_login(auditor)
    page = client.get(reverse("accounts:audit-events"), {"zone": zone_a.pk, "action": "role_granted"})
    rows = list(page.context["page"])
    assert [r.target_label for r in rows] == ["in_a"]
    response = client.get(reverse("accounts:audit-events"), {"actor": "security_t", "export": "xlsx"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    labels = [row[6] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(labels) == ["in_a", "in_b"] and sheet["A1"].value == "编号"
    exported = AuditEvent.objects.filter(action="audit_exported").get()  # the export is audited too
    assert exported.actor_username == "auditor_t" and exported.after_data == {"actor": "security_t"}


def test_the_admin_shows_the_log_read_only_to_the_audit_admin_alone(client, auditor, security, zone_a):
    membership_grant(user=UserFactory(username="x"), role=Role.OFFICE, zone=zone_a, granted_by=security)
    event = AuditEvent.objects.get(action="role_granted")
    client.force_login(auditor)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).status_code == 200
    assert client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"reason": "x"}).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    root = UserFactory(username="root", is_staff=True, is_superuser=False)
    for other in (security, root):
        client.force_login(other)
        assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).hash == event.hash


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


def test_the_log_reads_in_chinese(client, auditor, security, zone_a):
    """Actor and target by display name, the object's kind in Chinese, before/after as a table of
    Chinese field names and choice labels, numbers through num (83.5, not 83.50)."""
    from audit.services import audit_record

    target = UserFactory(username="grantee", full_name="张三")
    membership_grant(user=target, role=Role.OFFICE, zone=zone_a, granted_by=security)
    audit_record(action="zone_changed", actor=security, target=zone_a, zone=zone_a,
                 before={"region_category": "east", "tier": "provincial"}, after={"tier": "national"})  # fmt: skip
    audit_record(action="score_changed", actor=security, target_type="assessments.scoresnapshot", target_id=1,
                 target_label="三明市", after={"total": "83.50", "max": "100"})  # fmt: skip
    audit_record(action="download", actor=security, target_type="evidence:file-inline", target_id=1,
                 target_label="/evidence/1/files/1/inline/",
                 after={"path": "/evidence/1/files/1/inline/",
                        "disposition": "inline; filename*=UTF-8''%E6%8A%A5%E8%A1%A8.pdf"})  # fmt: skip
    client.force_login(auditor)
    html = client.get(reverse("accounts:audit-events")).content.decode()
    for shown in ("张三", security.full_name, "用户", "创建对象", "示范区级别", "省级", "全国", "东部", "总分",
                  "83.5", "佐证材料文件", "报表.pdf"):  # fmt: skip
        assert shown in html, shown
    for hidden in ("region_category", "provincial", "83.50", "accounts.user", "evidence:file-inline",
                   "disposition", '"total"', "grantee"):  # fmt: skip
        assert hidden not in html, hidden
    admin_html = client.get(reverse("admin:audit_auditevent_changelist")).content.decode()
    assert "张三" in admin_html and security.full_name in admin_html and "accounts.user" not in admin_html
    event = AuditEvent.objects.get(action="zone_changed")
    detail = client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).content.decode()
    assert "示范区级别" in detail and "全国" in detail and "region_category" not in detail
