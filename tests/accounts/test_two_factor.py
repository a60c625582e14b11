"""Two-factor sign-in (django-otp): required for admin access, optional for others (or required
for all by a setting); QR code drawn locally; ten recovery codes; wrong codes count toward the
lockout; an administrator's reset is audited. Codes come from pyotp, an independent TOTP library,
reading the secret the way a phone app does (from the otpauth:// URI the QR code carries)."""

import re
import time
from urllib.parse import parse_qs, unquote, urlparse

import pyotp
import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import LoginEvent
from audit.models import AuditEvent
from demo.zone import system_admin_group
from tests.factories import MembershipFactory, UserFactory
from zones.models import Membership

pytestmark = pytest.mark.django_db
PASSWORD = "Test@2024!"  # tests/factories.py


@pytest.fixture(autouse=True)
def enforced(settings):
    settings.TWO_FACTOR_ENFORCED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own back-off would hide the lockout count


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def secret_of(page: str) -> str:
    """The secret as a phone app reads it: from the QR code's otpauth:// URI (here the page's
    copy of the secret, which the test checks against the device's URI)."""
    return re.search(r'id="otp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


def next_code(secret: str) -> str:
    """The code of the next 30-second step: the current one was spent enrolling (django-otp
    refuses a code twice), and one step of clock drift is allowed."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def enrol(client, user) -> tuple[str, list[str]]:
    page = client.get(reverse("accounts:two-factor-setup")).content.decode()
    secret = secret_of(page)
    uri = TOTPDevice.objects.get(user=user, confirmed=False).config_url
    query = parse_qs(urlparse(uri).query)
    assert query["secret"] == [secret] and unquote(urlparse(uri).path).endswith(user.username)
    response = client.post(reverse("accounts:two-factor-setup"), {"token": pyotp.TOTP(secret).now(), "next": "/"})
    codes = re.findall(r"<li class=\"col\">(\d{8})</li>", response.content.decode())
    return secret, codes


def test_an_account_with_admin_access_must_set_up_two_factor_first(client, office_a):
    assert sign_in(client, "office_a").status_code == 302
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two-factor-setup"))
    assert client.get(reverse("api-zone-list")).status_code == 403  # the API waits too
    page = client.get(reverse("accounts:two-factor-setup")).content.decode()
    assert "<svg" in page and "otpauth" not in page.split("<svg", 1)[0][-200:]  # the QR code is inline SVG
    assert not re.search(r"<img[^>]+src=\"https?:", page)  # no external QR service
    secret, codes = enrol(client, office_a)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="otp_enabled", actor_username="office_a").exists()


def test_the_next_sign_in_asks_for_a_code(client, office_a):
    sign_in(client, "office_a")
    secret, _codes = enrol(client, office_a)
    client.logout()
    sign_in(client, "office_a")
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:two-factor-verify"))
    wrong = client.post(reverse("accounts:two-factor-verify"), {"token": "000000"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    assert client.post(reverse("accounts:two-factor-verify"), {"token": next_code(secret)}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="otp_failed").count() == 1


def test_a_recovery_code_works_once(client, office_a):
    sign_in(client, "office_a")
    _secret, codes = enrol(client, office_a)
    client.logout()
    sign_in(client, "office_a")
    assert client.post(reverse("accounts:two-factor-verify"), {"token": codes[0]}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert StaticToken.objects.count() == 9
    assert AuditEvent.objects.get(action="recovery_code_used").after_data == {"remaining": 9}
    client.logout()
    sign_in(client, "office_a")
    assert client.post(reverse("accounts:two-factor-verify"), {"token": codes[0]}).status_code == 400


def test_wrong_codes_count_toward_the_lockout_and_a_password_does_not_clear_them(client, office_a):
    sign_in(client, "office_a")
    secret, _codes = enrol(client, office_a)
    client.logout()
    sign_in(client, "office_a")
    for _ in range(3):
        client.post(reverse("accounts:two-factor-verify"), {"token": "111111"})
    client.logout()
    sign_in(client, "office_a")  # the right password again: the three failures still count
    client.post(reverse("accounts:two-factor-verify"), {"token": "111111"})
    locked = client.post(reverse("accounts:two-factor-verify"), {"token": "111111"})
    assert locked.status_code == 429 and "账号已锁定" in locked.content.decode()
    assert client.get(reverse("home")).status_code == 302  # signed out
    # even the right password and code no longer get in
    refused = sign_in(client, "office_a")
    assert refused.status_code == 429
    assert LoginEvent.objects.filter(username="office_a", kind="locked").exists()
    assert AuditEvent.objects.filter(action="otp_failed").count() == 5  # five wrong codes locked it


def test_other_users_may_opt_in_and_a_setting_requires_it_for_all(client, liaison_x, settings):
    sign_in(client, "liaison_x")
    assert client.get(reverse("home")).status_code == 200  # optional
    enrol(client, liaison_x)
    client.logout()
    sign_in(client, "liaison_x")
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:two-factor-verify"))

    settings.TWO_FACTOR_REQUIRED_FOR_ALL = True
    UserFactory(username="plain")
    client.logout()
    sign_in(client, "plain")
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:two-factor-setup"))


def test_an_administrators_reset_is_audited_and_never_touches_another_privileged_account(client, liaison_x, settings):
    settings.TWO_FACTOR_ENFORCED = False  # the admin signs in with force_login (no code): not what is tested here
    sysadmin = MembershipFactory(
        user=UserFactory(username="sys_t", is_staff=True), role=Membership.Role.SYSTEM_ADMIN
    ).user
    sysadmin.groups.add(system_admin_group())
    secadmin = MembershipFactory(
        user=UserFactory(username="sec_t", is_staff=True), role=Membership.Role.SECURITY_ADMIN
    ).user
    for user in (liaison_x, secadmin):
        TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=True)
    client.force_login(sysadmin)
    changelist = reverse("admin:accounts_user_changelist")
    for user in (liaison_x, secadmin):
        client.post(changelist, {"action": "reset_two_factor", "_selected_action": [user.pk], "index": 0})
    assert not TOTPDevice.objects.filter(user=liaison_x).exists()
    assert TOTPDevice.objects.filter(user=secadmin).exists()
    event = AuditEvent.objects.get(action="otp_reset")
    assert (event.actor_username, event.target_label) == ("sys_t", "liaison_x")
    # the refused one is recorded, like a refused password reset
    refused = AuditEvent.objects.get(action="access_denied")
    assert (refused.actor_username, refused.target_label) == ("sys_t", "sec_t")
    assert refused.after_data["action"] == "reset_two_factor"


def test_a_role_granted_while_signed_in_requires_two_factor_at_once(client):
    from accounts.services import membership_grant

    newbie = UserFactory(username="newbie")
    secadmin = MembershipFactory(user=UserFactory(username="sec_t"), role=Membership.Role.SECURITY_ADMIN).user
    sign_in(client, "newbie")
    assert client.get(reverse("home")).status_code == 200  # no second factor needed yet
    membership_grant(user=newbie, role=Membership.Role.AUDIT_ADMIN, granted_by=secadmin)
    # the same session, not signed in again: the audit log waits for the set-up
    response = client.get(reverse("accounts:audit-events"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two-factor-setup"))
    assert client.get(reverse("api-zone-list")).status_code == 403
