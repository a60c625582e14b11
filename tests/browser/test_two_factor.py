"""Two-factor set-up in a real browser: the QR code is drawn by the portal (no request leaves
it), a code from an authenticator (pyotp here) turns it on, the recovery codes show once."""

import re

import pyotp
import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory

PASSWORD = "Demo@2024!"


@pytest.fixture
def staff(db, settings):
    settings.TWO_FACTOR_ENFORCED = True
    return UserFactory(username="staff_2fa", password=PASSWORD, is_staff=True)


def test_an_admin_sets_up_two_factor_with_a_locally_drawn_qr_code(page, live_server, login, staff):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    login("staff_2fa", PASSWORD)
    expect(page).to_have_url(re.compile(r"/users/2fa/setup/"))
    expect(page.locator("#otp-qr svg")).to_be_visible()
    secret = page.locator("#otp-secret").inner_text().replace(" ", "")
    page.fill("#id_token", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.get_by_role("button", name="验证并启用").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    with page.expect_navigation():
        page.locator("#codes-done").click()
    expect(page.locator("#nav-user")).to_have_text(re.compile("staff_2fa|测试用户"))
    assert all(url.startswith(live_server.url) for url in requested), requested
