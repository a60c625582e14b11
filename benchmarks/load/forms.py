"""The one form the load benchmark sends besides the login: a liaison's progress report.

Kept apart from the locustfile (which needs locust and a plan) so that a test can send it
through Django's test client with CSRF checks on (tests/test_load_benchmark.py).
"""

from __future__ import annotations

import re

# The hidden input Django's {% csrf_token %} renders: the token to send back with the form.
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token_in(html: str) -> str | None:
    match = CSRF_INPUT.search(html or "")
    return match.group(1) if match else None


def progress_report_form(*, token: str, percent: int) -> dict[str, str]:
    """A progress report at the assignment's last figure (a reason given, as a lower one needs),
    sent as from its own page: saved answers 302 (back to 我的任务), refused the page again (400)."""
    return {
        "csrfmiddlewaretoken": token,
        "percent": str(percent),
        "text": "压测：本周召开推进会，按计划推进。",
        "reason": "压测数据：进度按上次填报。",
        "from": "page",
    }
