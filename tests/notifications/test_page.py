"""The notices page (one place, like GitHub's): filters, mark one / all read, pages; the bell; the digest."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.context_processors import bell
from notifications.models import Notification
from notifications.services import (
    digest_groups,
    notification_create,
    notifications_muted,
    notifications_send_digests,
    notify,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


class Zone:
    def __init__(self, pk, name):
        self.pk, self.name = pk, name


SANMING, FUZHOU = Zone(1, "三明市"), Zone(2, "福州市")


@pytest.fixture
def user():
    # Sees every zone: these notices name made-up zones (tests/notifications/test_notices.py has
    # the reader who loses access to a real one).
    return UserFactory(email="office@example.gov.cn", is_superuser=True)


def listing(client, **params):
    response = client.get(reverse("notifications:list"), params)
    assert response.status_code == 200
    return response, response.content.decode()


def test_mark_all_read_marks_only_mine_and_returns_to_the_filtered_page(client, user):
    other = UserFactory()
    for i in range(3):
        notification_create(recipient=user, title=f"待审核{i}", kind=Kind.EVIDENCE_SUBMITTED, zone=SANMING)
    theirs = notification_create(recipient=other, title="别人的")
    client.force_login(user)
    response = client.post(reverse("notifications:read"), {"next": "/notifications/?state=unread"})
    assert response.status_code == 302 and response["Location"] == "/notifications/?state=unread"
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_one_read(client, user):
    first = notification_create(recipient=user, title="甲")
    second = notification_create(recipient=user, title="乙")
    client.force_login(user)
    client.post(reverse("notifications:read"), {"id": first.pk})
    first.refresh_from_db(), second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_the_pages_script_marks_only_the_opened_notice(client, user):
    """A beacon (sent as a notice's link is followed) marks that one; without an id it marks none."""
    first = notification_create(recipient=user, title="甲", url="/tasks/mine/")
    second = notification_create(recipient=user, title="乙")
    client.force_login(user)
    assert client.post(reverse("notifications:read"), {"beacon": "1"}).status_code == 204
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    assert client.post(reverse("notifications:read"), {"beacon": "1", "id": first.pk}).status_code == 204
    first.refresh_from_db(), second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_a_bad_id_is_a_chinese_400(client, user):
    client.force_login(user)
    response = client.post(reverse("notifications:read"), {"id": "abc"})
    assert response.status_code == 400 and "参数“id”" in response.content.decode()


def test_unread_and_read_filters_with_their_counts(client, user):
    read = notification_create(recipient=user, title="已经看过的", url="/evidence/1/2/")
    notification_create(recipient=user, title="还没看的", url="/tasks/mine/", zone=SANMING, kind=Kind.ASSIGNED)
    client.force_login(user)
    client.post(reverse("notifications:read"), {"id": read.pk})
    _, page = listing(client, state="unread")
    assert "还没看的" in page and "已经看过的" not in page
    assert 'href="/tasks/mine/"' in page and "三明市" in page and "新任务" in page
    assert "标为已读" in page and "全部标为已读（1）" in page
    _, page = listing(client, state="read")
    assert "已经看过的" in page and "还没看的" not in page
    _, page = listing(client, state="whatever")  # an unknown filter shows everything
    assert "已经看过的" in page and "还没看的" in page


def test_the_kind_filter(client, user):
    notification_create(recipient=user, title="一份材料待审核", kind=Kind.EVIDENCE_SUBMITTED)
    notification_create(recipient=user, title="一项进展待确认", kind=Kind.PROGRESS_COMPLETED)
    client.force_login(user)
    _, page = listing(client, kind=Kind.PROGRESS_COMPLETED)
    assert "一项进展待确认" in page and "一份材料待审核" not in page
    _, page = listing(client, kind="<script>")
    assert "一份材料待审核" in page and "一项进展待确认" in page


def test_pages_of_twenty_keep_the_filter(client, user):
    for i in range(45):
        notification_create(recipient=user, title=f"消息{i:02d}")
    client.force_login(user)
    response, page = listing(client, state="unread")
    assert len(response.context["listing"].rows) == 20 and "共 45 条" in page
    assert "state=unread&amp;page=2" in page
    response, page = listing(client, state="unread", page=3)
    assert len(response.context["listing"].rows) == 5 and "消息00" in page


def test_the_page_runs_a_fixed_number_of_queries(client, user):
    for i in range(30):
        notification_create(recipient=user, title=f"消息{i}", zone=SANMING)
    client.force_login(user)
    listing(client)  # warm the session
    with CaptureQueriesContext(connection) as few:
        listing(client)
    for i in range(30):
        notification_create(recipient=user, title=f"更多{i}", zone=FUZHOU)
    with CaptureQueriesContext(connection) as many:
        listing(client)
    assert len(many) == len(few)


def test_the_bell_is_one_query(rf, user):
    notification_create(recipient=user, title="甲")
    notification_create(recipient=user, title="乙")
    request = rf.get("/")
    request.user = user
    with CaptureQueriesContext(connection) as queries:
        assert bell(request) == {"unread_notifications": 2}
    assert len(queries) == 1


def test_notify_skips_the_actor_the_inactive_and_whom_may_see_refuses(user):
    actor, blocked, inactive = UserFactory(), UserFactory(), UserFactory(is_active=False)
    made = notify(
        recipients=[user, actor, blocked, inactive, user],
        kind=Kind.INFO,
        title="一条通知",
        may_see=lambda u: u.pk != blocked.pk,
        actor=actor,
        zone=SANMING,
    )
    assert made == 1
    assert list(Notification.objects.values_list("recipient_id", "zone_id", "zone_name")) == [(user.pk, 1, "三明市")]


def test_muted_sends_nothing(user):
    with notifications_muted():
        assert notify(recipients=[user], kind=Kind.INFO, title="演示数据") == 0
    assert notify(recipients=[user], kind=Kind.INFO, title="之后照常") == 1


def test_the_digest_groups_by_zone_and_kind():
    user = UserFactory(email="liaison@example.gov.cn", is_superuser=True)  # sees the made-up zones
    for i in range(7):
        notification_create(recipient=user, title=f"佐证材料已采纳：材料{i}", kind=Kind.EVIDENCE_ACCEPTED, zone=SANMING)
    notification_create(recipient=user, title="新任务：加大政策扶持力度", kind=Kind.ASSIGNED, zone=SANMING)
    notification_create(recipient=user, title="新任务：统计监测", kind=Kind.ASSIGNED, zone=FUZHOU)
    notification_create(recipient=user, title="系统维护通知", kind=Kind.INFO)

    groups = digest_groups(list(Notification.objects.filter(recipient=user)))
    assert [(zone, label, len(items)) for zone, label, items in groups] == [
        ("三明市", "新任务", 1),
        ("三明市", "材料已采纳", 7),
        ("福州市", "新任务", 1),
        ("", "系统通知", 1),
    ]
    assert notifications_send_digests() == 1
    body = mail.outbox[0].body
    assert "10 条" in mail.outbox[0].subject
    assert "【三明市 · 材料已采纳】7 条" in body and "【福州市 · 新任务】1 条" in body and "【系统通知】1 条" in body
    assert body.count("佐证材料已采纳") == 5 and "另有 2 条" in body  # not a line per event
    assert body.index("【三明市 · 新任务】") < body.index("【三明市 · 材料已采纳】") < body.index("【福州市")
