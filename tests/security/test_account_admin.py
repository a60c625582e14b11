"""三员分立 in the admin: no administrator takes over another privileged account; every account
change made in the admin is audited like the portal's own user pages; a password the system
admin set must be changed at the next sign-in."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from audit.models import AuditEvent
from demo.zone import system_admin_group
from tests.factories import MembershipFactory, UserFactory
from zones.models import Membership

pytestmark = pytest.mark.django_db
Role = Membership.Role
User = get_user_model()
NEW = "Neu@2024!pass"


@pytest.fixture
def sysadmin(db):
    user = MembershipFactory(user=UserFactory(username="sys_t", is_staff=True), role=Role.SYSTEM_ADMIN).user
    user.groups.add(system_admin_group())
    return user


def privileged():
    def admin(username, role):
        return MembershipFactory(user=UserFactory(username=username, is_staff=True), role=role).user

    return {
        "security admin": admin("sec_t", Role.SECURITY_ADMIN),
        "audit admin": admin("aud_t", Role.AUDIT_ADMIN),
        "another system admin": admin("sys2_t", Role.SYSTEM_ADMIN),
        "superuser": UserFactory(username="root_t", is_staff=True, is_superuser=True),
    }


def change_data(user, **changes):
    data = {
        "username": user.username, "full_name": user.full_name, "phone": user.phone, "email": user.email,
        "first_name": "", "last_name": "", "is_active": "on" if user.is_active else "",
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2024-01-01", "date_joined_1": "00:00:00",
    }  # fmt: skip
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("who", ["security admin", "audit admin", "another system admin", "superuser"])
def test_the_system_admin_cannot_take_over_a_privileged_account(client, sysadmin, who):
    target = privileged()[who]
    before = User.objects.get(pk=target.pk)
    client.force_login(sysadmin)
    password_url = reverse("admin:auth_user_password_change", args=[target.pk])
    assert client.get(password_url).status_code == 403
    assert client.post(password_url, {"password1": NEW, "password2": NEW}).status_code == 403
    change_url = reverse("admin:accounts_user_change", args=[target.pk])
    response = client.post(change_url, change_data(target, email="evil@example.com", is_active=""))
    assert response.status_code == 403
    after = User.objects.get(pk=target.pk)
    assert (after.password, after.email, after.is_active) == (before.password, before.email, before.is_active)
    assert not AuditEvent.objects.exclude(action__in=["access_denied", "login"]).exists()


def test_not_even_a_superuser_takes_over_another_privileged_account(client):
    people = privileged()
    client.force_login(people["superuser"])
    url = reverse("admin:auth_user_password_change", args=[people["security admin"].pk])
    assert client.post(url, {"password1": NEW, "password2": NEW}).status_code == 403


def test_an_ordinary_password_reset_is_audited_and_must_be_changed_at_next_sign_in(client, sysadmin, office_a):
    client.force_login(sysadmin)
    url = reverse("admin:auth_user_password_change", args=[office_a.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"password1": NEW, "password2": NEW}).status_code == 302
    office_a.refresh_from_db()
    assert office_a.check_password(NEW) and office_a.password_change_required
    event = AuditEvent.objects.get(action="password_reset")
    assert (event.actor_username, event.target_label, event.target_id) == ("sys_t", "office_a", str(office_a.pk))
    assert NEW not in event.after and NEW not in event.before

    client.logout()
    assert client.post(reverse("login"), {"username": "office_a", "password": NEW}).status_code == 302
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:password-change"))
    assert client.get(reverse("api-zone-list")).status_code == 403
    page = client.get(reverse("accounts:password-change"))
    assert "您的密码由管理员设置" in page.content.decode()
    own = "Mine@2024!ok"
    data = {"old_password": NEW, "new_password1": own, "new_password2": own, "next": "/"}
    assert client.post(reverse("accounts:password-change"), data).status_code == 302
    office_a.refresh_from_db()
    assert office_a.check_password(own) and not office_a.password_change_required
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="password_changed", actor_username="office_a").exists()


def test_the_system_admin_may_change_his_own_password_without_being_forced(client, sysadmin):
    client.force_login(sysadmin)
    url = reverse("admin:auth_user_password_change", args=[sysadmin.pk])
    assert client.post(url, {"password1": NEW, "password2": NEW}).status_code == 302
    sysadmin.refresh_from_db()
    assert sysadmin.check_password(NEW) and not sysadmin.password_change_required


def test_creating_deactivating_and_editing_accounts_in_the_admin_is_audited(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {"username": "wang", "password1": NEW, "password2": NEW, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    wang = User.objects.get(username="wang")
    assert wang.password_change_required  # an administrator chose the password
    created = AuditEvent.objects.get(action="user_created")
    assert (created.actor_username, created.target_label) == ("sys_t", "wang")

    url = reverse("admin:accounts_user_change", args=[wang.pk])
    response = client.post(url, change_data(wang, email="wang@example.gov.cn", is_active=""))
    assert response.status_code == 302, response.content.decode()[:3000]
    deactivated = AuditEvent.objects.get(action="user_deactivated")
    assert deactivated.before_data == {"is_active": True} and deactivated.after_data == {"is_active": False}
    changed = AuditEvent.objects.get(action="user_changed")
    assert changed.before_data == {"email": ""} and changed.after_data == {"email": "wang@example.gov.cn"}


def test_accounts_are_never_deleted_in_the_admin(client, sysadmin, office_a):
    client.force_login(sysadmin)
    response = client.post(reverse("admin:accounts_user_delete", args=[office_a.pk]), {"post": "yes"})
    assert response.status_code == 403 and User.objects.filter(pk=office_a.pk).exists()
