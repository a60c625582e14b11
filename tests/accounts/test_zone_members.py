"""The zone office's user pages: list, add (new or existing account), revoke."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import MembershipFactory, UnitFactory, UserFactory
from zones.access import zones_visible_to
from zones.models import Membership

User = get_user_model()
Role = Membership.Role
PASSWORD = "Test@2024!"


def members_url(zone):
    return reverse("accounts:zone-members", args=[zone.pk])


def add_url(zone):
    return reverse("accounts:zone-members-add", args=[zone.pk])


def grant_url(zone):
    return reverse("accounts:zone-members-grant", args=[zone.pk])


def revoke_url(zone, membership):
    return reverse("accounts:zone-members-revoke", args=[zone.pk, membership.pk])


def new_liaison(unit, /, **overrides) -> dict:
    data = {
        "username": "wangwu",
        "full_name": "王五",
        "phone": "0598-1234567",
        "email": "wangwu@example.gov.cn",
        "password": "Xin@2024#",
        "password_confirm": "Xin@2024#",
        "role": Role.LIAISON,
        "unit": unit.pk if unit else "",
    }
    return {**data, **overrides}


def snapshot():
    return (User.objects.count(), set(Membership.objects.values_list("pk", "user", "role", "zone", "unit")))


# Listing -----------------------------------------------------------------------------


def test_office_sees_its_zone_members(client, office_a, liaison_x, evaluator_a):
    client.force_login(office_a)

    response = client.get(members_url(liaison_x.memberships.get().zone))

    assert response.status_code == 200
    page = response.content.decode()
    for name in ("office_a", "liaison_x", "evaluator_a", "甲市商务局", "责任单位联络员", "评审专家"):
        assert name in page


def test_index_takes_an_office_of_one_zone_straight_to_it(client, zone_a, office_a):
    client.force_login(office_a)

    response = client.get(reverse("accounts:index"))

    assert response.status_code == 302
    assert response.url == members_url(zone_a)


def test_index_lists_the_zones_of_an_office_of_several(client, zone_a, zone_b, office_a):
    MembershipFactory(user=office_a, role=Role.OFFICE, zone=zone_b)
    client.force_login(office_a)

    response = client.get(reverse("accounts:index"))

    assert response.status_code == 200
    assert members_url(zone_a) in response.content.decode() and members_url(zone_b) in response.content.decode()


def test_nav_shows_user_management_to_the_office_only(client, office_a, liaison_x):
    client.force_login(office_a)
    assert "用户管理" in client.get(reverse("home")).content.decode()

    client.force_login(liaison_x)
    page = client.get(reverse("home")).content.decode()
    assert "用户管理" not in page and "授权管理" not in page and "登录日志" not in page


# Adding --------------------------------------------------------------------------------


def test_office_adds_a_liaison_to_its_unit(client, zone_a, office_a, unit_x):
    client.force_login(office_a)

    response = client.post(add_url(zone_a), new_liaison(unit_x))

    assert response.status_code == 302 and response.url == members_url(zone_a)
    user = User.objects.get(username="wangwu")
    assert (user.full_name, user.phone, user.email, user.is_active) == (
        "王五",
        "0598-1234567",
        "wangwu@example.gov.cn",
        True,
    )
    assert user.check_password("Xin@2024#") and user.password != "Xin@2024#"
    membership = user.memberships.get()
    assert (membership.role, membership.zone, membership.unit) == (Role.LIAISON, zone_a, unit_x)
    assert "wangwu" in client.get(members_url(zone_a)).content.decode()

    client.logout()
    assert client.post(reverse("login"), {"username": "wangwu", "password": "Xin@2024#"}).status_code == 302


def test_office_adds_an_office_colleague(client, zone_a, office_a):
    client.force_login(office_a)

    response = client.post(add_url(zone_a), new_liaison(None, role=Role.OFFICE))

    assert response.status_code == 302

    membership = User.objects.get(username="wangwu").memberships.get()
    assert (membership.role, membership.zone, membership.unit) == (Role.OFFICE, zone_a, None)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password": "abc12345", "password_confirm": "abc12345"}, "密码至少 8 位，且须同时包含字母、数字和符号。"),
        ({"password_confirm": "Other@2024#"}, "两次输入的密码不一致。"),
        ({"unit": ""}, "责任单位联络员须选择责任单位。"),
        ({"username": "liaison_x"}, "已被使用"),
        ({"username": "bad name!"}, "用户名"),
        ({"full_name": ""}, "该字段是必填项。"),
        ({"email": "not-an-email"}, "请输入有效的电子邮箱地址。"),
        ({"phone": "call me"}, "联系电话只能包含数字"),
        ({"role": Role.EVALUATOR}, "选择一个有效的选项"),
    ],
)
def test_bad_input_changes_nothing(client, zone_a, office_a, unit_x, liaison_x, overrides, message):
    client.force_login(office_a)
    before = snapshot()

    response = client.post(add_url(zone_a), new_liaison(unit_x, **overrides))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot() == before


def test_a_unit_of_another_zone_is_a_404_and_changes_nothing(client, zone_a, office_a, unit_x, unit_b):
    client.force_login(office_a)
    before = snapshot()

    assert client.post(add_url(zone_a), new_liaison(unit_b)).status_code == 404
    assert client.post(add_url(zone_a), new_liaison(unit_x, unit=999999)).status_code == 404
    assert (
        client.post(grant_url(zone_a), {"username": "outsider", "role": Role.LIAISON, "unit": unit_b.pk}).status_code
        == 404
    )
    assert snapshot() == before


def test_office_grants_an_existing_account(client, zone_a, office_a, unit_x, outsider):
    client.force_login(office_a)

    response = client.post(grant_url(zone_a), {"username": "outsider", "role": Role.LIAISON, "unit": unit_x.pk})

    assert response.status_code == 302
    membership = outsider.memberships.get()
    assert (membership.role, membership.zone, membership.unit) == (Role.LIAISON, zone_a, unit_x)
    assert list(zones_visible_to(User.objects.get(pk=outsider.pk))) == [zone_a]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "nobody", "role": Role.OFFICE}, "不能为“nobody”授权：该账号不存在、已停用，或不能担任业务角色。"),
        ({"username": "liaison_x", "role": Role.LIAISON, "unit": "UNIT_X"}, "该用户已拥有此授权。"),
        ({"username": "office_a", "role": Role.LIAISON, "unit": "UNIT_X"}, "不能给自己授权。"),
        (
            {"username": "auditor", "role": Role.OFFICE},
            "不能为“auditor”授权：该账号不存在、已停用，或不能担任业务角色。",
        ),
        ({"username": "outsider", "role": Role.PROVINCIAL_REVIEWER}, "选择一个有效的选项"),
    ],
)
def test_bad_grants_change_nothing(client, zone_a, office_a, unit_x, liaison_x, outsider, audit_admin, data, message):
    client.force_login(office_a)
    data = {k: (unit_x.pk if v == "UNIT_X" else v) for k, v in data.items()}
    before = snapshot()

    response = client.post(grant_url(zone_a), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot() == before


def test_an_inactive_account_cannot_be_granted(client, zone_a, office_a):
    UserFactory(username="gone", is_active=False)
    client.force_login(office_a)

    response = client.post(grant_url(zone_a), {"username": "gone", "role": Role.OFFICE})

    assert response.status_code == 400 and "该账号不存在、已停用" in response.content.decode()
    assert not Membership.objects.filter(user__username="gone").exists()


def test_the_office_cannot_tell_a_missing_account_from_a_disabled_or_system_one(client, zone_a, office_a, audit_admin):
    """No message lets the office probe accounts beyond its zone."""
    UserFactory(username="gone", is_active=False)
    client.force_login(office_a)
    answers = set()
    for name in ("nobody", "gone", audit_admin.username):
        page = client.post(grant_url(zone_a), {"username": name, "role": Role.OFFICE}).content.decode()
        answers.add(page.replace(name, "NAME").split("不能为")[1].split("。")[0])
    assert len(answers) == 1


# Revoking --------------------------------------------------------------------------------


def test_office_revokes_a_liaison(client, zone_a, office_a, liaison_x):
    client.force_login(office_a)
    membership = liaison_x.memberships.get()

    response = client.post(revoke_url(zone_a, membership))

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.filter(pk=liaison_x.pk).exists()  # the account stays


def test_office_cannot_revoke_itself_or_an_evaluator(client, zone_a, office_a, evaluator_a):
    client.force_login(office_a)
    own, evaluator = office_a.memberships.get(), evaluator_a.memberships.get()

    response = client.post(revoke_url(zone_a, own), follow=True)
    assert "不能撤销自己的授权。" in response.content.decode()
    response = client.post(revoke_url(zone_a, evaluator), follow=True)
    assert "办公室只能撤销办公室工作人员和责任单位联络员的授权。" in response.content.decode()

    assert Membership.objects.filter(pk__in=[own.pk, evaluator.pk]).count() == 2


def test_a_membership_of_another_zone_cannot_be_revoked_through_this_one(client, zone_a, office_a, office_b):
    client.force_login(office_a)
    other = office_b.memberships.get()

    assert client.post(revoke_url(zone_a, other)).status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


def test_revoke_needs_post(client, zone_a, office_a, liaison_x):
    client.force_login(office_a)

    assert client.get(revoke_url(zone_a, liaison_x.memberships.get())).status_code == 405


# Other zones and other roles ------------------------------------------------------------------


def test_office_of_zone_b_cannot_see_or_change_zone_a(client, zone_a, office_b, liaison_x, unit_x):
    client.force_login(office_b)
    before = snapshot()

    assert client.get(members_url(zone_a)).status_code == 404
    assert client.get(add_url(zone_a)).status_code == 404
    assert client.post(add_url(zone_a), new_liaison(unit_x)).status_code == 404
    assert client.post(grant_url(zone_a), {"username": "office_b", "role": Role.OFFICE}).status_code == 404
    assert client.post(revoke_url(zone_a, liaison_x.memberships.get())).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("liaison_x", 403),
        ("evaluator_a", 403),
        ("reviewer_fujian", 403),
        ("outsider", 404),
        ("security_admin", 404),  # 三员分立: no business data
        ("audit_admin", 404),
    ],
)
def test_other_roles_cannot_reach_the_pages(client, request, zone_a, unit_x, liaison_x, persona, status):
    client.force_login(request.getfixturevalue(persona))
    before = snapshot()

    assert client.get(members_url(zone_a)).status_code == status
    assert client.get(add_url(zone_a)).status_code == status
    assert client.post(add_url(zone_a), new_liaison(unit_x)).status_code == status
    assert client.post(grant_url(zone_a), {"username": "outsider", "role": Role.OFFICE}).status_code == status
    assert client.post(revoke_url(zone_a, liaison_x.memberships.get())).status_code == status
    assert client.get(reverse("accounts:index")).status_code == 403
    assert snapshot() == before


def test_anonymous_is_sent_to_login(client, zone_a):
    response = client.get(members_url(zone_a))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# Fixed number of queries ---------------------------------------------------------------------------


def _add_members(zone, n):
    for _ in range(n):
        unit = UnitFactory(zone=zone)
        MembershipFactory(user=UserFactory(), role=Role.LIAISON, zone=zone, unit=unit)
        MembershipFactory(user=UserFactory(), role=Role.OFFICE, zone=zone)


@pytest.mark.parametrize("url_for", [members_url, add_url])
def test_pages_run_a_fixed_number_of_queries(client, zone_a, office_a, django_assert_max_num_queries, url_for):
    _add_members(zone_a, 1)
    client.force_login(office_a)
    with django_assert_max_num_queries(13) as few:  # 13: the members page counts its rows for the pager
        assert client.get(url_for(zone_a)).status_code == 200

    _add_members(zone_a, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url_for(zone_a)).status_code == 200
