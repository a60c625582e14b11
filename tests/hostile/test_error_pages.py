"""400, 403, 404 and 500 in the portal's layout, in Chinese, without debug detail; the API's
JSON shape under /api/; the CSRF failure page; refusals before any view (the request guard)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

DEBUG_DETAIL = ("Traceback", "Page not found", "Server Error", "Bad Request", "Forbidden", "CSRF verification failed")


def assert_portal_error_page(response, status: int, words: str):
    page = response.content.decode()
    assert response.status_code == status
    assert '<html lang="zh-hans">' in page
    assert "示范区创建管理平台" in page and 'id="error-message"' in page  # the layout and the message
    assert words in page
    assert not any(detail in page for detail in DEBUG_DETAIL)


def test_404_is_a_chinese_page_in_the_layout(client, office_a):
    client.force_login(office_a)
    response = client.get("/no-such-page/")
    assert_portal_error_page(response, 404, "页面不存在")
    assert "首页" in response.content.decode()  # the menu of a signed-in user


@pytest.mark.parametrize("zone_id", ["99999999999999999999", "9223372036854775808", "0"])
def test_an_id_beyond_the_database_answers_404(client, office_a, zone_id):
    client.force_login(office_a)
    assert_portal_error_page(client.get(f"/zones/{zone_id}/"), 404, "页面不存在")
    response = client.get(f"/api/zones/{zone_id}/")
    assert response.status_code == 404 and "不存在" in response.json()["message"]


def test_404_under_the_api_is_json(client, office_a):
    client.force_login(office_a)
    response = client.get("/api/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json() == {"message": "页面不存在，或您无权访问。请检查链接是否正确。", "extra": {}}


def test_403_is_a_chinese_page(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("indicators:system-import"))
    assert_portal_error_page(response, 403, "没有权限")


def test_400_for_a_body_django_refuses(client, office_a, zone_a, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client.force_login(office_a)
    response = client.post(reverse("zones:park-add", args=[zone_a.pk]), {f"f{i}": "x" for i in range(20)})
    assert_portal_error_page(response, 400, "请求有误")


def test_400_from_the_request_guard_names_the_field(client, office_a, zone_a):
    client.force_login(office_a)
    response = client.post(reverse("zones:park-add", args=[zone_a.pk]), {"name": "园区\u202e"})
    assert_portal_error_page(response, 400, "“name”含有不可见的控制字符（U+202E）")
    api = client.post(f"/api/zones/{zone_a.pk}/units/create/", {"name": "x\x00"}, content_type="application/json")
    assert api.status_code == 400 and "U+0000" in api.json()["message"]


def test_500_is_a_chinese_page_without_the_error(client, office_a):
    client.force_login(office_a)
    client.raise_request_exception = False
    with mock.patch("zones.views.selectors.zone_list_for_user", side_effect=RuntimeError("secret detail")):
        response = client.get(reverse("home"))
    assert_portal_error_page(response, 500, "服务器处理请求时出错")
    assert "secret detail" not in response.content.decode()


def test_500_under_the_api_is_json(client, office_a, zone_a):
    client.force_login(office_a)
    client.raise_request_exception = False
    with mock.patch("zones.api.zone_get_for_user", side_effect=RuntimeError("secret detail")):
        response = client.get(f"/api/zones/{zone_a.pk}/")
    assert response.status_code == 500
    assert response.json() == {"message": "服务器处理请求时出错，工作人员会尽快处理。请稍后重试。", "extra": {}}


def test_a_failed_csrf_check_says_why_in_chinese(office_a, zone_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(office_a)
    response = client.post(reverse("zones:park-add", args=[zone_a.pk]), {"name": "园区"})
    assert_portal_error_page(response, 403, "页面已过期或表单来源无法验证")


def test_a_failed_csrf_check_under_the_api_says_why_in_chinese(office_a, zone_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(office_a)
    response = client.post(f"/api/data/zones/{zone_a.pk}/values/", {}, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"message": "页面已过期或表单来源无法验证，请刷新页面后重新提交。", "extra": {}}
