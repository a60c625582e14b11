"""Editing accounts in the admin cannot grant privileges (三员分立)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_account_editor_cannot_make_anyone_a_superuser(client):
    editor = UserFactory(username="sysadmin_t", is_staff=True)
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    client.force_login(editor)
    url = reverse("admin:accounts_user_change", args=[editor.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "username": "sysadmin_t",
        "full_name": "改名",
        "phone": "",
        "email": "",
        "first_name": "",
        "last_name": "",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    client.post(url, data)
    editor.refresh_from_db()
    assert editor.full_name == "改名"  # the edit itself went through
    assert not editor.is_superuser  # but not the privilege


def test_the_add_user_form_always_sets_a_password(client):
    editor = UserFactory(username="sysadmin_t", is_staff=True)
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "add_user", "change_user"]))
    client.force_login(editor)
    url = reverse("admin:accounts_user_add")
    page = client.get(url).content.decode()
    assert page.count('name="password1"') == 1 and 'name="usable_password"' not in page
    # "disable password-based authentication" is not accepted either: no password, no account
    response = client.post(url, {"username": "nopass", "usable_password": "false", "password1": "", "password2": ""})
    assert response.status_code == 200 and not User.objects.filter(username="nopass").exists()


def test_admin_titles_read_as_chinese_sentences(client):
    """「选择要修改的用户」, 「修改用户」, 「新增用户」, 「选择要查看的用户」: not "选择 用户 来修改"."""
    import re

    editor = UserFactory(username="sysadmin_t", is_staff=True)
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "add_user", "change_user"]))
    client.force_login(editor)

    def h1(url):
        return re.search(r"<h1[^>]*>(.*?)</h1>", client.get(url).content.decode(), re.S).group(1).strip()

    assert h1(reverse("admin:accounts_user_changelist")) == "选择要修改的用户"
    assert h1(reverse("admin:accounts_user_change", args=[editor.pk])) == "修改用户"
    assert h1(reverse("admin:accounts_user_add")) == "新增用户"
    reader = UserFactory(username="reader_t", is_staff=True)
    reader.user_permissions.add(*Permission.objects.filter(codename="view_user"))
    client.force_login(reader)
    assert h1(reverse("admin:accounts_user_changelist")) == "选择要查看的用户"
    assert h1(reverse("admin:accounts_user_change", args=[reader.pk])) == "查看用户"
