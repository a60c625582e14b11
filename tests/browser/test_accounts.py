"""The office adds a liaison through the user pages; the new liaison logs in."""

import re

from playwright.sync_api import expect

from accounts.models import LoginEvent
from zones.models import Membership


def test_office_adds_a_liaison_who_then_logs_in(page, live_server, login, zone_a, unit_x, office_a):
    login("office_a", "Test@2024!")

    page.locator(".navbar").get_by_role("link", name="用户管理").click()
    expect(page).to_have_url(re.compile(rf"/users/zones/{zone_a.pk}/$"))
    page.get_by_role("link", name="添加用户").click()

    form = page.locator("#create-member")
    form.locator("#new_username").fill("zhaoliu")
    form.locator("#new_full_name").fill("赵六")
    form.locator("#new_phone").fill("0598-7654321")
    # A weak password first: the Chinese policy message, nothing created.
    form.locator("#new_password").fill("abc12345")
    form.locator("#new_password_confirm").fill("abc12345")
    form.locator("#new_role").select_option("liaison")
    form.locator("#new_unit").select_option(label="甲市商务局")
    form.get_by_role("button", name="创建账号并授权").click()
    expect(page.locator("#create-member .invalid-feedback", has_text="须同时包含字母、数字和符号")).to_have_text(
        "密码至少 8 位，且须同时包含字母、数字和符号。"
    )
    assert not Membership.objects.filter(user__username="zhaoliu").exists()

    form.locator("#new_password").fill("Zhao@2024!")
    form.locator("#new_password_confirm").fill("Zhao@2024!")
    form.get_by_role("button", name="创建账号并授权").click()

    expect(page).to_have_url(re.compile(rf"/users/zones/{zone_a.pk}/$"))
    expect(page.get_by_role("alert")).to_contain_text("已创建账号“zhaoliu”并授予角色。")
    row = page.locator("#members tr", has_text="zhaoliu")
    expect(row).to_contain_text("赵六")
    expect(row).to_contain_text("责任单位联络员")
    expect(row).to_contain_text("甲市商务局")

    page.get_by_role("button", name="退出").click()
    login("zhaoliu", "Zhao@2024!")

    expect(page.locator("#nav-user")).to_have_text("赵六")
    expect(page.get_by_text(zone_a.name)).to_be_visible()
    expect(page.locator(".navbar").get_by_role("link", name="用户管理")).to_have_count(0)
    assert LoginEvent.objects.filter(username="zhaoliu", kind=LoginEvent.Kind.SUCCESS).exists()
