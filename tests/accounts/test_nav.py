"""The navigation bar offers each role only what it can use."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory
from zones.models import Membership

pytestmark = pytest.mark.django_db


def nav(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_liaison_sees_work_links(client, liaison_x):
    page = nav(client, liaison_x)
    for label in ("佐证材料", "任务", "数据填报", "完整性"):
        assert f">{label}</a>" in page
    assert ">用户管理</a>" not in page and ">授权管理</a>" not in page


def test_security_and_audit_admins_see_no_business_links(client, db):
    for role in (Membership.Role.SECURITY_ADMIN, Membership.Role.AUDIT_ADMIN):
        user = MembershipFactory(user=UserFactory(), role=role).user
        page = nav(client, user)
        for label in ("佐证材料", "任务", "数据填报", "完整性", "用户管理"):
            assert f">{label}</a>" not in page, (role, label)
