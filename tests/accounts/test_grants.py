"""The security admin's grants page (users/grants/) and 三员分立."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import MembershipFactory, UnitFactory, UserFactory
from zones.access import zones_visible_to
from zones.models import Membership, Region

User = get_user_model()
Role = Membership.Role
GRANTS = reverse("accounts:grants")


def revoke_url(membership):
    return reverse("accounts:grants-revoke", args=[membership.pk])


def snapshot():
    return set(Membership.objects.values_list("pk", "user", "role", "zone", "unit", "province"))


def test_security_admin_sees_every_membership(client, security_admin, office_a, liaison_x, office_b, reviewer_fujian):
    client.force_login(security_admin)

    response = client.get(GRANTS)

    assert response.status_code == 200
    page = response.content.decode()
    for text in ("office_a", "liaison_x", "office_b", "reviewer_fj", "甲创建对象 · 甲市商务局", "福建省", "授权管理"):
        assert text in page


def test_security_admin_grants_a_provincial_reviewer(client, security_admin, zone_a, zone_b, outsider):
    client.force_login(security_admin)
    fujian = Region.objects.get(name="福建省", parent=None)

    response = client.post(GRANTS, {"username": "outsider", "role": Role.PROVINCIAL_REVIEWER, "province": fujian.pk})

    assert response.status_code == 302
    membership = outsider.memberships.get()
    assert (membership.role, membership.province, membership.zone, membership.unit) == (
        Role.PROVINCIAL_REVIEWER,
        fujian,
        None,
        None,
    )
    assert list(zones_visible_to(User.objects.get(pk=outsider.pk))) == [zone_a]


def test_security_admin_grants_an_evaluator_and_a_liaison(client, security_admin, zone_a, unit_x, outsider):
    client.force_login(security_admin)

    # Only the scope the role needs is kept (the unit sent with the evaluator is dropped).
    client.post(GRANTS, {"username": "outsider", "role": Role.EVALUATOR, "zone": zone_a.pk, "unit": unit_x.pk})
    client.post(GRANTS, {"username": "outsider", "role": Role.LIAISON, "unit": unit_x.pk})

    assert set(outsider.memberships.values_list("role", "zone", "unit")) == {
        (Role.EVALUATOR, zone_a.pk, None),
        (Role.LIAISON, zone_a.pk, unit_x.pk),
    }


def test_security_admin_puts_an_evaluator_in_a_provinces_pool(client, security_admin, zone_a, outsider):
    """The pool a provincial reviewer assigns 省级评估 evaluators from (evaluator_candidates)."""
    from assessments.models import AssessmentRound
    from assessments.selectors import evaluator_candidates

    fujian = zone_a.region.province
    client.force_login(security_admin)
    response = client.post(GRANTS, {"username": "outsider", "role": Role.EVALUATOR, "province": fujian.pk})

    assert response.status_code == 302
    membership = outsider.memberships.get()
    assert (membership.role, membership.zone, membership.province) == (Role.EVALUATOR, None, fujian)
    round = AssessmentRound(zone=zone_a, kind=AssessmentRound.Kind.PROVINCIAL)
    assert outsider in evaluator_candidates(round=round)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "outsider", "role": Role.PROVINCIAL_REVIEWER}, "省级评审人员须选择省份。"),
        ({"username": "outsider", "role": Role.PROVINCIAL_REVIEWER, "province": "CITY"}, "选择一个有效的选项"),
        ({"username": "outsider", "role": Role.EVALUATOR}, "评审专家须选择创建对象，或选择省份加入该省评审专家库。"),
        ({"username": "outsider", "role": Role.OFFICE}, "请选择创建对象。"),
        ({"username": "outsider", "role": Role.EVALUATOR, "province": "CITY"}, "选择一个有效的选项"),
        ({"username": "outsider", "role": Role.LIAISON}, "责任单位联络员须选择责任单位。"),
        (
            {"username": "outsider", "role": Role.LIAISON, "zone": "ZONE_A", "unit": "UNIT_B"},
            "所选责任单位不属于该创建对象。",
        ),
        ({"username": "nobody", "role": Role.AUDIT_ADMIN}, "用户名“nobody”不存在。"),
        ({"username": "secadmin", "role": Role.OFFICE, "zone": "ZONE_A"}, "不能给自己授权。"),
        ({"username": "auditor", "role": Role.SECURITY_ADMIN}, "三员分立"),
        ({"username": "auditor", "role": Role.EVALUATOR, "zone": "ZONE_A"}, "三员分立"),
        ({"username": "office_a", "role": Role.AUDIT_ADMIN}, "三员分立"),
        ({"username": "outsider", "role": "king"}, "选择一个有效的选项"),
    ],
)
def test_bad_grants_change_nothing(
    client, security_admin, audit_admin, office_a, outsider, zone_a, unit_b, data, message
):
    client.force_login(security_admin)
    ids = {
        "ZONE_A": zone_a.pk,
        "UNIT_B": unit_b.pk,
        "CITY": zone_a.region.pk,
    }
    data = {k: ids.get(v, v) for k, v in data.items()}
    before = snapshot()

    response = client.post(GRANTS, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot() == before


def test_security_admin_revokes_any_role(client, security_admin, reviewer_fujian, office_b):
    client.force_login(security_admin)
    reviewer, office = reviewer_fujian.memberships.get(), office_b.memberships.get()

    assert client.post(revoke_url(reviewer)).status_code == 302
    assert client.post(revoke_url(office)).status_code == 302

    assert not Membership.objects.filter(pk__in=[reviewer.pk, office.pk]).exists()


def test_security_admin_cannot_revoke_itself(client, security_admin):
    client.force_login(security_admin)
    own = security_admin.memberships.get()

    response = client.post(revoke_url(own), follow=True)

    assert "不能撤销自己的授权。" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_security_admin_sees_no_business_data(client, security_admin, zone_a):
    client.force_login(security_admin)

    assert zone_a.name not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("assessments:scores", args=[zone_a.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["audit_admin", "office_a", "liaison_x", "reviewer_fujian", "outsider"])
def test_only_the_security_admin_grants(client, request, persona, zone_a, office_b, outsider):
    client.force_login(request.getfixturevalue(persona))
    before = snapshot()

    assert client.get(GRANTS).status_code == 403
    assert client.post(GRANTS, {"username": "outsider", "role": Role.OFFICE, "zone": zone_a.pk}).status_code == 403
    assert client.post(revoke_url(office_b.memberships.get())).status_code == 403
    assert snapshot() == before


def test_nav_shows_grants_to_the_security_admin(client, security_admin):
    client.force_login(security_admin)

    page = client.get(reverse("home")).content.decode()

    assert "授权管理" in page and "登录日志" not in page and "用户管理" not in page


def test_grants_page_filters_and_paginates(client, security_admin, zone_a):
    for _ in range(60):
        MembershipFactory(user=UserFactory(), role=Role.OFFICE, zone=zone_a)
    client.force_login(security_admin)

    first = client.get(GRANTS, {"role": Role.OFFICE})
    assert first.context["page"].paginator.count == 60
    assert len(first.context["page"].object_list) == 50
    assert "role=office&amp;page=2" in first.content.decode()
    assert len(client.get(GRANTS, {"role": Role.OFFICE, "page": 2}).context["page"].object_list) == 10
    assert client.get(GRANTS, {"username": "secadmin"}).context["page"].paginator.count == 1


def test_grants_page_runs_a_fixed_number_of_queries(client, security_admin, zone_a, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            unit = UnitFactory(zone=zone_a)
            MembershipFactory(user=UserFactory(), role=Role.LIAISON, zone=zone_a, unit=unit)

    add(1)
    client.force_login(security_admin)
    with django_assert_max_num_queries(14) as few:
        assert client.get(GRANTS).status_code == 200

    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(GRANTS).status_code == 200
