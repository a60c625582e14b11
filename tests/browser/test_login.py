import re

import pytest
from playwright.sync_api import expect

PASSWORD = "Demo@2024!"


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="zhangsan", password=PASSWORD)


def test_login_shows_portal_in_chinese(page, live_server, login, user):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    login("zhangsan", PASSWORD)

    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/$"))
    expect(page.locator(".navbar-brand")).to_have_text("示范区创建管理平台")
    expect(page.locator("#nav-user")).to_have_text("zhangsan")
    expect(page.get_by_role("button", name="退出")).to_be_visible()

    # Bootstrap and htmx came from static/ (the navbar is a flex box, htmx is
    # loaded) and nothing was fetched from anywhere but the portal: no CDN.
    assert page.locator(".navbar").evaluate("el => getComputedStyle(el).display") == "flex"
    assert page.evaluate("typeof htmx") == "object"
    assert requested and all(url.startswith(live_server.url) for url in requested), requested


def test_wrong_password_shows_chinese_error(page, live_server, login, user):
    login("zhangsan", "wrong-password")

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("#login-errors")).to_contain_text("请输入一个正确的用户名和密码")
    expect(page.locator("#nav-user")).to_have_count(0)


def test_logout_returns_to_login(page, live_server, login, user):
    login("zhangsan", PASSWORD)

    with page.expect_navigation():
        page.get_by_role("button", name="退出").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
