"""30-minute idle sessions that only the user's own requests keep alive.

A page that polls (the score page asks every 2 s whether its computation is done) must not keep
a forgotten session open for ever, as ``SESSION_SAVE_EVERY_REQUEST`` did. So the session is
saved only by requests the user makes: each one records the time of the user's last activity in
the session (which saves it and moves its expiry on), while a background request — a view
marked ``@background_request`` — reads the session and leaves it as it was. A session whose last
activity is older than ``SESSION_COOKIE_AGE`` ends at its next request, whatever kind.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse

LAST_ACTIVITY = "last_activity"  # seconds since the epoch of the user's last own request

# The clock (a module attribute, so that tests can turn it forward).
clock: Callable[[], float] = time.time


def background_request(view):
    """Mark a view as one the page calls by itself (a poll): it does not extend the session."""
    view.background_request = True
    return view


class IdleSessionMiddleware:
    """Between SessionMiddleware and AuthenticationMiddleware (it may end the session first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        last = session.get(LAST_ACTIVITY)
        if last is not None and clock() - last > settings.SESSION_COOKIE_AGE:
            session.flush()  # signed out: the page asks the user to sign in again
            if request.headers.get("HX-Request"):
                # htmx would swap the login page into a fragment: reload the page instead,
                # which then goes to the login page.
                response = HttpResponse(status=204)
                response["HX-Refresh"] = "true"
                return response
        request.background_request = False
        response = self.get_response(request)
        if not request.background_request and session.get(SESSION_KEY) is not None:
            session[LAST_ACTIVITY] = clock()  # saved by SessionMiddleware, which moves the expiry on
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        # A poll is a GET; a POST to the same view is the user acting (e.g. 生成 PDF).
        request.background_request = request.method == "GET" and getattr(view_func, "background_request", False)
