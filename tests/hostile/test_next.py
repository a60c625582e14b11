"""A form's ``next`` that is no path on this site (a bare word, another host) is ignored: the
change is saved and the user lands on the form's own default page — never a 500 after the save
(``redirect("abc")`` looked "abc" up as a view name)."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from tasks.models import ProgressReport

pytestmark = pytest.mark.django_db
HOSTILE_NEXT = ["abc", "tasks:mine", "//evil.example/", "https://evil.example/x", "javascript:alert(1)"]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_a_progress_report_with_a_hostile_next_is_saved_and_goes_to_my_tasks(client, world, target):
    client.force_login(world.liaison)
    before = ProgressReport.objects.count()
    url = reverse("tasks:assignment-report", args=[world.assignment.pk])
    response = client.post(url, {"percent": "100", "text": "补充说明", "next": target})
    assert response.status_code == 302 and response["Location"] == reverse("tasks:mine")
    assert ProgressReport.objects.count() == before + 1


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_marking_notices_read_with_a_hostile_next_goes_to_the_notices(client, world, target):
    from notifications.services import notification_create

    notification_create(recipient=world.liaison, title="测试消息", kind=Notification.Kind.INFO)
    client.force_login(world.liaison)
    response = client.post(reverse("notifications:read"), {"next": target})
    assert response.status_code == 302 and response["Location"] == reverse("notifications:list")
    assert not Notification.objects.filter(recipient=world.liaison, read_at__isnull=True).exists()


def test_a_password_change_with_a_hostile_next_is_saved_and_goes_home(client, world, settings):
    client.force_login(world.liaison)
    new = "Kx9!mQ2#zR7$wP"
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": "Test@2024!", "new_password1": new, "new_password2": new, "next": "abc"},
    )
    assert response.status_code == 302, response.content.decode()[:300]
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL) or response["Location"] == "/"
    world.liaison.refresh_from_db()
    assert world.liaison.check_password(new)


def test_a_safe_next_is_still_followed(client, world):
    client.force_login(world.liaison)
    url = reverse("tasks:assignment-report", args=[world.assignment.pk])
    response = client.post(url, {"percent": "100", "text": "补充", "next": "/tasks/mine/?card=1"})
    assert response["Location"] == "/tasks/mine/?card=1"
