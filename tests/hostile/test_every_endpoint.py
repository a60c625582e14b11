"""No page or API escapes the request guard (config/middleware.py): every URL pattern of the
project, by query string, urlencoded form, multipart form and JSON body, refuses a control
character and an over-long integer with a Chinese 400 before its view runs — a new page is
covered the day it is added."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.hostile.hostile_helpers import CJK, HUGE, database_state, media_files

pytestmark = pytest.mark.django_db
SKIP = ("admin/", "static/", "media/")


def routes(resolver=None, prefix: str = "") -> list[str]:
    found = []
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += routes(pattern, route)
        elif isinstance(pattern, URLPattern) and not route.startswith(SKIP):
            found.append(route)
    return found


def url_of(route: str) -> str:
    path = re.sub(r"<int:\w+>", "1", route)
    path = re.sub(r"<(?:slug|str):\w+>", "operators", path)
    return "/" + path.lstrip("^").rstrip("$")


REQUESTS = {
    "query": lambda c, url, value: c.get(url, {"q": value}),
    "form": lambda c, url, value: c.post(url, f"name={value}", content_type="application/x-www-form-urlencoded"),
    "multipart": lambda c, url, value: c.post(url, {"name": value}),
    "json": lambda c, url, value: c.post(url, {"name": value}, content_type="application/json"),
}


@pytest.mark.parametrize("how", sorted(REQUESTS))
@pytest.mark.parametrize("value", ["园区\u202e", "\x00", HUGE], ids=["rtl", "nul", "huge"])
def test_every_endpoint_refuses_before_its_view(client, office_a, how, value):
    client.force_login(office_a)
    before = database_state(), media_files()
    failures = []
    for route in routes():
        url = url_of(route)
        response = REQUESTS[how](client, url, value)
        if response.status_code != 400:
            failures.append(f"{url}: HTTP {response.status_code}")
            continue
        if response.get("Content-Type", "").startswith("application/json"):
            text = response.json().get("message", "")
        else:
            text = response.content.decode()
        if not CJK.search(text) or ("U+" not in text and "位" not in text):
            failures.append(f"{url}: no Chinese reason")
    assert failures == []
    assert (database_state(), media_files()) == before
    assert len(routes()) > 150
