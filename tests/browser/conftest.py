"""Browser tests: Playwright driving Debian's Chromium against live_server.

Every test under tests/browser gets the ``browser`` marker, so
``pytest -m "not browser"`` leaves them out and ``pytest -m browser`` runs only
them (scripts/test.sh stage 3).
"""

import os
from collections.abc import Callable
from pathlib import Path

import pytest

BROWSER_DIR = Path(__file__).resolve().parent

# Debian's package (apt-get install chromium, done by scripts/setup.sh
# --browser) instead of `playwright install`, which downloads from the internet.
CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items) -> None:
    # Hooks in a sub-directory conftest still see every collected item.
    for item in items:
        if item.path.is_relative_to(BROWSER_DIR):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _allow_sync_orm_under_playwright():
    """Playwright's sync API keeps an asyncio loop running in the test thread,
    which makes Django refuse ORM calls (SynchronousOnlyOperation) from the
    test body and from database set-up/teardown. Nothing here is actually
    concurrent, so the check is switched off for the browser tests only."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run `bash scripts/setup.sh --browser` (installs Debian's chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": browser_type_launch_args.get("headless", True),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def login(page, live_server) -> Callable[[str, str], None]:
    """``login(username, password)``: submit the login form and wait for the next page."""

    def _login(username: str, password: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("form [type=submit]")

    return _login


@pytest.fixture(autouse=True)
def csp_violations(page) -> list[str]:
    """Every browser test fails on a Content-Security-Policy violation (an inline script or
    handler, a <style> element, eval, another site): Chromium reports each on the console."""
    found: list[str] = []

    def note(message) -> None:
        if "Content Security Policy" in message.text:
            found.append(message.text)

    page.on("console", note)
    yield found
    assert not found, "\n".join(found)
