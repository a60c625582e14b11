"""Notifications: deduplicated, one digest per person per day, the bell, and privacy."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notification_create, notifications_mark_read, notifications_send_digests
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_same_reminder_is_never_created_twice():
    user = UserFactory(email="a@example.gov.cn")
    first = notification_create(recipient=user, title="任务到期前3天", dedupe_key="assignment:1:due-3")
    again = notification_create(recipient=user, title="任务到期前3天", dedupe_key="assignment:1:due-3")
    assert first is not None and again is None
    assert Notification.objects.count() == 1
    assert notification_create(recipient=user, title="普通通知") and notification_create(
        recipient=user, title="普通通知"
    )
    assert Notification.objects.count() == 3  # no key → no deduplication


def test_one_digest_per_person_and_nothing_sent_twice():
    alice, bob, silent = (
        UserFactory(email="alice@example.gov.cn"),
        UserFactory(email="bob@example.gov.cn"),
        UserFactory(),
    )
    for i in range(3):
        notification_create(recipient=alice, title=f"提醒{i}")
    notification_create(recipient=bob, title="提醒")
    notification_create(recipient=silent, title="没有邮箱的人只在站内看到")
    assert notifications_send_digests() == 2
    assert len(mail.outbox) == 2
    alice_mail = next(m for m in mail.outbox if m.to == ["alice@example.gov.cn"])
    assert "3 条" in alice_mail.subject and "提醒0" in alice_mail.body and "提醒2" in alice_mail.body
    assert notifications_send_digests(now=timezone.now() + timedelta(hours=1)) == 0
    assert len(mail.outbox) == 2


def test_bell_shows_the_unread_count_and_the_list_marks_read(client):
    user = UserFactory()
    other = UserFactory()
    notification_create(recipient=user, title="甲的消息")
    notification_create(recipient=other, title="乙的私信")
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert 'id="nav-unread">1<' in page
    listing = client.get(reverse("notifications:list")).content.decode()
    assert "甲的消息" in listing and "乙的私信" not in listing
    client.post(reverse("notifications:read"))
    assert 'id="nav-unread"' not in client.get(reverse("home")).content.decode()
    assert Notification.objects.get(title="乙的私信").read_at is None


def test_marking_someone_elses_notification_does_nothing():
    user, other = UserFactory(), UserFactory()
    theirs = notification_create(recipient=other, title="别人的")
    assert notifications_mark_read(user=user, ids=[theirs.pk]) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_never_redirects_off_site(client):
    client.force_login(UserFactory())
    response = client.post(reverse("notifications:read"), {"next": "https://evil.example.com/"})
    assert response["Location"] == reverse("notifications:list")
