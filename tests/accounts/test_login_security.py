"""等保三级 login hardening: lockout, password policy, idle sessions, the login log."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import LoginEvent
from accounts.validators import PasswordComplexityValidator
from tests.factories import UserFactory

PASSWORD = "Test@2024!"
LOCKOUT = "登录失败次数过多，账号已锁定 15 分钟，请稍后再试。"
POLICY = "密码至少 8 位，且须同时包含字母、数字和符号。"


@pytest.fixture
def zhang(db):
    return UserFactory(username="zhangsan", full_name="张三")


def post_login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def logged_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


# Lockout (django-axes) -----------------------------------------------------------


def test_five_failures_lock_the_account_even_for_the_right_password(client, zhang):
    for _ in range(4):
        response = post_login(client, "zhangsan", "wrong")
        assert response.status_code == 200
        assert LOCKOUT not in response.content.decode()

    fifth = post_login(client, "zhangsan", "wrong")
    assert fifth.status_code == 429
    assert LOCKOUT in fifth.content.decode()

    sixth = post_login(client, "zhangsan", PASSWORD)
    assert sixth.status_code == 429
    page = sixth.content.decode()
    assert LOCKOUT in page
    assert 'id="login-lockout"' in page and 'name="password"' in page  # the login page itself
    assert not logged_in(client)


def test_the_lock_is_on_the_account_whatever_the_ip(client, zhang):
    for _ in range(5):
        post_login(client, "zhangsan", "wrong", REMOTE_ADDR="10.0.0.1")

    response = post_login(client, "zhangsan", PASSWORD, REMOTE_ADDR="10.0.0.2")

    assert response.status_code == 429
    assert not logged_in(client)


def test_the_lock_ends_after_15_minutes(client, zhang):
    for _ in range(5):
        post_login(client, "zhangsan", "wrong")
    assert post_login(client, "zhangsan", PASSWORD).status_code == 429

    # 15 minutes pass: move the recorded failures back in time.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))

    response = post_login(client, "zhangsan", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_not_yet_15_minutes_still_locked(client, zhang):
    for _ in range(5):
        post_login(client, "zhangsan", "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))

    assert post_login(client, "zhangsan", PASSWORD).status_code == 429


def test_a_successful_login_resets_the_count(client, zhang):
    for _ in range(4):
        post_login(client, "zhangsan", "wrong")
    assert post_login(client, "zhangsan", PASSWORD).status_code == 302
    client.post(reverse("logout"))

    for _ in range(4):
        post_login(client, "zhangsan", "wrong")
    assert post_login(client, "zhangsan", PASSWORD).status_code == 302


def test_other_accounts_are_not_locked(client, zhang):
    UserFactory(username="lisi")
    for _ in range(5):
        post_login(client, "zhangsan", "wrong")

    assert post_login(client, "lisi", PASSWORD).status_code == 302


def test_test_client_login_still_works(client, zhang):
    # Client.login() authenticates without a request (see config/settings/test.py).
    assert client.login(username="zhangsan", password=PASSWORD)
    assert logged_in(client)


# Password policy -------------------------------------------------------------------


@pytest.mark.parametrize("password", ["Demo@2024!", "Test@2024!", "abcd123!", "P@ssw0rd-长一点", "a1!a1!a1!"])
def test_passwords_that_comply(password):
    PasswordComplexityValidator().validate(password)


@pytest.mark.parametrize(
    "password",
    [
        "Ab1!xyz",  # 7 characters
        "abcd1234",  # no symbol
        "abcd!@#$",  # no digit
        "1234!@#$",  # no letter
        "密码密码1234!",  # Chinese characters are not 字母
        "abcd 1234",  # a space is not a symbol
        "",
    ],
)
def test_passwords_that_do_not(password):
    with pytest.raises(ValidationError) as exc:
        PasswordComplexityValidator().validate(password)
    assert exc.value.messages == [POLICY]


def test_the_policy_is_in_auth_password_validators(db):
    with pytest.raises(ValidationError) as exc:
        validate_password("abcdefgh1")
    assert POLICY in exc.value.messages
    validate_password("Demo@2024!")  # the demo password complies with every validator


# Idle sessions ---------------------------------------------------------------------


def _session() -> Session:
    return Session.objects.get()


def test_sessions_end_after_30_idle_minutes(client, zhang):
    client.force_login(zhang)
    assert logged_in(client)

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_every_request_pushes_the_expiry_30_minutes_on(client, zhang):
    client.force_login(zhang)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))

    assert logged_in(client)

    remaining = _session().expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_the_session_cookie_dies_with_the_browser(client, zhang):
    response = post_login(client, "zhangsan", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""


# The login log -----------------------------------------------------------------------


def test_a_login_is_recorded_with_ip_and_user_agent(client, zhang):
    post_login(client, "zhangsan", PASSWORD, REMOTE_ADDR="192.168.1.20", HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 400)

    event = LoginEvent.objects.get()
    assert (event.kind, event.user, event.username) == (LoginEvent.Kind.SUCCESS, zhang, "zhangsan")
    assert event.ip_address == "192.168.1.20"
    assert event.user_agent.startswith("Mozilla/5.0") and len(event.user_agent) == 255


def test_a_failure_is_recorded_with_the_username_as_typed(client, zhang):
    post_login(client, "zhangsan", "wrong")
    post_login(client, "nobody", "wrong")

    events = list(LoginEvent.objects.order_by("pk").values_list("kind", "username", "user"))
    assert events == [(LoginEvent.Kind.FAILURE, "zhangsan", zhang.pk), (LoginEvent.Kind.FAILURE, "nobody", None)]


def test_a_logout_is_recorded(client, zhang):
    post_login(client, "zhangsan", PASSWORD)
    client.post(reverse("logout"))

    assert list(LoginEvent.objects.order_by("pk").values_list("kind", flat=True)) == ["success", "logout"]
    assert LoginEvent.objects.get(kind="logout").user == zhang


def test_a_lockout_is_recorded(client, zhang):
    for _ in range(5):
        post_login(client, "zhangsan", "wrong")
    post_login(client, "zhangsan", PASSWORD)

    kinds = list(LoginEvent.objects.order_by("pk").values_list("kind", flat=True))
    # Every refused attempt is a failure; the one that locked and the one refused are lockouts too.
    assert kinds[:4] == ["failure"] * 4
    assert kinds.count("failure") == 6
    assert kinds.count("locked") == 2  # with the fifth failure, and with the refused sixth attempt
    assert "success" not in kinds
    assert set(LoginEvent.objects.filter(kind="locked").values_list("user", flat=True)) == {zhang.pk}
