"""Pages under the Content-Security-Policy: Swagger UI from static files, confirmations
without inline handlers (the csp_violations fixture fails any test with a CSP report)."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import MembershipFactory, UserFactory
from zones.models import KeyPark, Membership

PASSWORD = "Demo@2024!"


@pytest.fixture
def office(zone_a):
    user = UserFactory(username="office_csp", password=PASSWORD)
    MembershipFactory(user=user, role=Membership.Role.OFFICE, zone=zone_a)
    return user


def test_swagger_ui_renders_from_static_files(page, live_server, login, office):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    login("office_csp", PASSWORD)
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("示范区创建管理平台 API", timeout=15000)
    expect(page.locator(".opblock").first).to_be_visible()
    assert all(url.startswith(live_server.url) for url in requested), requested


def test_a_delete_asks_first_without_an_inline_handler(page, live_server, login, office, zone_a):
    park = KeyPark.objects.create(zone=zone_a, name="甲园区")
    login("office_csp", PASSWORD)
    page.goto(f"{live_server.url}/zones/{zone_a.pk}/settings/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator(f"form[action$='/parks/{park.pk}/delete/'] button").click()
    page.wait_for_timeout(300)
    assert KeyPark.objects.filter(pk=park.pk).exists()  # dismissed: nothing sent
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator(f"form[action$='/parks/{park.pk}/delete/'] button").click()
    expect(page).to_have_url(re.compile(r"/settings/$"))
    assert not KeyPark.objects.filter(pk=park.pk).exists()
