"""The admin is a client too: for the office of zone B, every zone-scoped admin page —
lists, filters, add forms — names nothing of zone A (its name, units, stages, accounts)."""

from datetime import date

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import MembershipFactory, UnitFactory, UserFactory
from zones.admin_mixins import ZoneScopedAdmin
from zones.models import LeadingGroupMember, Membership, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone_a_world(zone_a, unit_x, unit_y, office_a, liaison_x):
    office_a.full_name = "甲办公室张某"
    office_a.save()
    liaison_x.full_name = "甲联络员李某"
    liaison_x.save()
    Stage.objects.create(zone=zone_a, name="甲阶段启动", start=date(2024, 1, 1), end=date(2024, 3, 31))
    LeadingGroupMember.objects.create(zone=zone_a, role="member", title="甲市副市长", unit=unit_x, user=liaison_x)
    return [
        "甲创建对象",
        "甲市商务局",
        "甲市统计局",
        "甲阶段启动",
        "office_a",
        "甲办公室张某",
        "liaison_x",
        "甲联络员李某",
    ]


@pytest.fixture
def office_b_world(zone_b, office_b):
    unit = UnitFactory(zone=zone_b, name="乙市商务局", short_name="商务局")
    MembershipFactory(user=UserFactory(username="liaison_b"), role=Membership.Role.LIAISON, zone=zone_b, unit=unit)
    Stage.objects.create(zone=zone_b, name="乙阶段启动", start=date(2024, 1, 1), end=date(2024, 3, 31))
    return office_b


def zone_scoped_admins():
    return sorted(
        ((model, model_admin) for model, model_admin in admin.site._registry.items()
         if isinstance(model_admin, ZoneScopedAdmin)),
        key=lambda pair: pair[0]._meta.label,
    )  # fmt: skip


def test_zone_b_office_sees_nothing_of_zone_a_in_any_admin_page(client, zone_a_world, office_b_world):
    client.force_login(office_b_world)
    leaks, seen = [], 0
    for model, _model_admin in zone_scoped_admins():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        for name in (f"{prefix}_changelist", f"{prefix}_add"):
            response = client.get(reverse(name))
            if response.status_code != 200:
                continue
            seen += 1
            page = response.content.decode()
            leaks += [f"{name}: {word}" for word in zone_a_world if word in page]
    assert seen >= 10  # the walk reached the office's pages
    assert not leaks, "\n".join(leaks)


def test_the_leading_group_form_offers_the_zones_own_accounts_only(client, zone_a_world, office_b_world):
    client.force_login(office_b_world)
    form = client.get(reverse("admin:zones_leadinggroupmember_add")).context["adminform"].form
    assert set(form.fields["user"].queryset.values_list("username", flat=True)) == {"office_b", "liaison_b"}
    assert set(form.fields["unit"].queryset.values_list("name", flat=True)) == {"乙市商务局"}


def test_the_task_admins_zone_filter_lists_the_users_zones_only(client, zone_a_world, office_b_world):
    client.force_login(office_b_world)
    page = client.get(reverse("admin:tasks_task_changelist")).content.decode()
    assert "甲创建对象" not in page


def test_roles_cannot_be_changed_in_the_admin(client, office_a, django_user_model):
    """Grants go through the portal's services (三员分立, audit log), never the admin."""
    root = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(root)
    membership = Membership.objects.get(user=office_a)
    assert client.get(reverse("admin:zones_membership_add")).status_code == 403
    response = client.post(reverse("admin:zones_membership_change", args=[membership.pk]), {"role": "system_admin"})
    assert response.status_code == 403
    assert (
        client.post(reverse("admin:zones_membership_delete", args=[membership.pk]), {"post": "yes"}).status_code == 403
    )
    assert Membership.objects.get(pk=membership.pk).role == "office"
