"""Idle sessions: only the user's own requests keep a session alive, not a page's polls.

The clock is accounts.sessions.clock, turned forward by the tests; the session row's expiry
(which Django checks against the real time) is read directly.
"""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts import sessions
from assessments.models import ScoreSnapshot

MINUTE = 60


class Clock:
    def __init__(self, start: float = 1_800_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def forward(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(sessions, "clock", fake)
    return fake


@pytest.fixture
def scores_page(client, clock, office_a, zone_a):
    """The office on the score page of zone A while a computation is queued (so the page polls)."""
    ScoreSnapshot.objects.create(zone=zone_a, system=zone_a.system, sent_at=timezone.now())
    client.force_login(office_a)
    page = client.get(reverse("assessments:scores", args=[zone_a.pk]))
    assert page.status_code == 200 and b"every 2s" in page.content
    return reverse("assessments:scores-status", args=[zone_a.pk])


def poll(client, url):
    return client.get(url, HTTP_HX_REQUEST="true")


def test_a_poll_leaves_the_session_as_it_was(client, clock, scores_page):
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=10))
    before = Session.objects.get()
    clock.forward(2)

    assert poll(client, scores_page).status_code == 200

    after = Session.objects.get()
    assert after.expire_date == before.expire_date
    assert after.session_data == before.session_data  # the last activity was not moved either


def test_the_users_own_request_moves_the_expiry_on(client, clock, scores_page, zone_a):
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    clock.forward(5 * MINUTE)

    assert client.get(reverse("assessments:scores", args=[zone_a.pk])).status_code == 200

    remaining = Session.objects.get().expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_polling_does_not_keep_the_session_alive(client, clock, scores_page):
    for _ in range(30 * MINUTE // 20):  # half an hour of polls (one in ten of the page's 2 s polls)
        clock.forward(20)
        assert poll(client, scores_page).status_code == 200
    clock.forward(1)

    ended = poll(client, scores_page)

    # The page reloads itself (HX-Refresh) and lands on the login page.
    assert ended.status_code == 204 and ended["HX-Refresh"] == "true"
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_click_within_30_minutes_keeps_the_session_for_another_30(client, clock, scores_page, zone_a):
    clock.forward(29 * MINUTE)
    assert client.get(reverse("assessments:scores", args=[zone_a.pk])).status_code == 200
    clock.forward(29 * MINUTE)

    assert poll(client, scores_page).status_code == 200
    assert client.get(reverse("home")).status_code == 200


def test_an_idle_user_is_signed_out_at_the_next_page(client, clock, office_a):
    client.force_login(office_a)
    assert client.get(reverse("home")).status_code == 200
    clock.forward(30 * MINUTE + 1)

    response = client.get(reverse("home"))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get(reverse("home")).status_code == 302  # the session is gone, not just this request


def test_a_sign_in_starts_the_clock(client, clock, office_a):
    """The login page's own session (before signing in) carries no activity: nothing is stored for it."""
    assert client.get(reverse("login")).status_code == 200
    assert Session.objects.count() == 0


def test_every_poll_in_the_templates_is_a_background_request():
    """A page that polls (hx-trigger="every …") must not keep the session alive: its view is marked."""
    import re
    from pathlib import Path

    from django.urls import resolve

    root = Path(__file__).resolve().parents[2] / "templates"
    polled = set()
    for template in root.rglob("*.html"):
        for tag in re.findall(r"<[^>]*hx-trigger=\"every[^>]*>", template.read_text(encoding="utf-8")):
            polled |= set(re.findall(r"{% url '([\w:-]+)'", tag))
    assert polled >= {"assessments:scores-status", "reports:status", "inspections:selfcheck-pdf-status"}
    for name in polled:
        view = resolve(reverse(name, args=[1] * reverse_args(name))).func
        assert getattr(view, "background_request", False), f"{name} polls but extends the session"


def reverse_args(name: str) -> int:
    from django.urls import NoReverseMatch

    for count in range(4):
        try:
            reverse(name, args=[1] * count)
            return count
        except NoReverseMatch:
            continue
    raise AssertionError(name)
