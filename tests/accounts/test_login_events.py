"""The audit admin's login log (users/login-events/)."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import LoginEvent

URL = reverse("accounts:login-events")
Kind = LoginEvent.Kind


def event(username, kind, at, user=None):
    return LoginEvent.objects.create(username=username, kind=kind, at=at, user=user, ip_address="10.1.2.3")


def local(y, m, d, h=12):
    return timezone.make_aware(datetime(y, m, d, h))


def shown(response) -> list[tuple[str, str]]:
    return [(e.username, e.kind) for e in response.context["page"].object_list]


@pytest.fixture
def events(db):
    event("zhangsan", Kind.SUCCESS, local(2025, 3, 1))
    event("zhangsan", Kind.FAILURE, local(2025, 3, 2))
    event("lisi", Kind.FAILURE, local(2025, 3, 3, 0))  # 00:00 local: the start of the 3rd
    event("lisi", Kind.LOCKED, local(2025, 3, 3, 23))
    event("zhangsan", Kind.LOGOUT, local(2025, 3, 4))


def test_audit_admin_reads_the_log_newest_first(client, audit_admin, events):
    client.force_login(audit_admin)

    response = client.get(URL)

    assert response.status_code == 200
    # (the audit admin's own login, via force_login, is the newest event)
    assert shown(response)[-5:] == [
        ("zhangsan", Kind.LOGOUT),
        ("lisi", Kind.LOCKED),
        ("lisi", Kind.FAILURE),
        ("zhangsan", Kind.FAILURE),
        ("zhangsan", Kind.SUCCESS),
    ]
    page = response.content.decode()
    assert "账号锁定" in page and "10.1.2.3" in page and "2025-03-03 23:00:00" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"username": "lisi"}, [("lisi", Kind.LOCKED), ("lisi", Kind.FAILURE)]),
        ({"kind": Kind.FAILURE}, [("lisi", Kind.FAILURE), ("zhangsan", Kind.FAILURE)]),
        ({"date_from": "2025-03-02", "date_to": "2025-03-03"}, [
            ("lisi", Kind.LOCKED), ("lisi", Kind.FAILURE), ("zhangsan", Kind.FAILURE)
        ]),
        ({"date_from": "2025-03-04"}, None),  # checked below: the logout and later
        ({"username": "zhangsan", "kind": Kind.FAILURE, "date_to": "2025-03-02"}, [("zhangsan", Kind.FAILURE)]),
        ({"username": "wangwu"}, []),
    ],
)  # fmt: skip
def test_filters(client, audit_admin, events, query, expected):
    client.force_login(audit_admin)

    response = client.get(URL, query)

    if expected is None:
        assert ("zhangsan", Kind.LOGOUT) in shown(response) and ("lisi", Kind.LOCKED) not in shown(response)
    else:
        assert shown(response) == expected


def test_a_bad_filter_is_reported_and_ignored(client, audit_admin, events):
    client.force_login(audit_admin)

    response = client.get(URL, {"date_from": "2025-03-04", "date_to": "2025-03-01", "kind": "nonsense"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "结束日期不能早于开始日期。" in page and "选择一个有效的选项" in page
    assert ("zhangsan", Kind.LOGOUT) in shown(response)


def test_the_log_is_paginated_50_a_page(client, audit_admin):
    start = local(2025, 1, 1)
    LoginEvent.objects.bulk_create(
        LoginEvent(username=f"user{i}", kind=Kind.FAILURE, at=start + timedelta(minutes=i)) for i in range(120)
    )
    client.force_login(audit_admin)

    first = client.get(URL, {"kind": Kind.FAILURE})
    third = client.get(URL, {"kind": Kind.FAILURE, "page": 3})

    assert first.context["page"].paginator.num_pages == 3
    assert len(shown(first)) == 50 and shown(first)[0] == ("user119", Kind.FAILURE)
    assert len(shown(third)) == 20 and shown(third)[-1] == ("user0", Kind.FAILURE)
    assert "kind=failure&amp;page=2" in first.content.decode()


def test_superusers_read_the_log(client, superuser):
    client.force_login(superuser)

    assert client.get(URL).status_code == 200


def test_nav_shows_the_log_to_the_audit_admin_only(client, audit_admin, security_admin):
    client.force_login(audit_admin)
    page = client.get(reverse("home")).content.decode()
    assert "登录日志" in page and "授权管理" not in page and "用户管理" not in page

    client.force_login(security_admin)
    assert "登录日志" not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("persona", ["security_admin", "office_a", "liaison_x", "reviewer_fujian", "outsider"])
def test_nobody_else_reads_the_log(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(URL).status_code == 403


def test_the_audit_admin_only_reads(client, audit_admin, office_b):
    client.force_login(audit_admin)
    membership = office_b.memberships.get()

    assert client.post(URL).status_code == 405
    assert client.post(reverse("accounts:grants"), {"username": "auditor", "role": "office"}).status_code == 403
    assert client.post(reverse("accounts:grants-revoke", args=[membership.pk])).status_code == 403
    assert client.get(reverse("accounts:zone-members", args=[membership.zone_id])).status_code == 404


def test_the_log_runs_a_fixed_number_of_queries(client, audit_admin, office_a, django_assert_max_num_queries):
    def add(n):
        LoginEvent.objects.bulk_create(
            LoginEvent(username="office_a", user=office_a, kind=Kind.SUCCESS, at=local(2025, 1, 1)) for _ in range(n)
        )

    add(5)
    client.force_login(audit_admin)
    with django_assert_max_num_queries(12) as few:
        assert client.get(URL).status_code == 200

    add(50)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL).status_code == 200
