"""Error answers in Chinese, in the portal's layout, never with debug detail.

``handler400/403/404/500`` (config/urls.py) answer a page under /api/ in the API's one JSON
shape (``{"message": …, "extra": {}}``, config/api.py) and any other page with the templates
``400.html`` … ``500.html``; a refused CSRF check (CSRF_FAILURE_VIEW) gets the 403 page with
its own reason. ``refusal`` is the answer for a request a guard refuses before any view runs.
"""

from __future__ import annotations

import re

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

CJK = re.compile(r"[\u4e00-\u9fff]")


def _title(status: int) -> str:
    return {400: _("请求有误"), 403: _("没有权限"), 404: _("页面不存在"), 500: _("服务器出错")}[status]


def _default_message(status: int) -> str:
    return {
        400: _("提交的内容格式有误或过大，无法处理。请检查后重新提交。"),
        403: _("您没有权限访问此页面或执行此操作。"),
        404: _("页面不存在，或您无权访问。请检查链接是否正确。"),
        500: _("服务器处理请求时出错，工作人员会尽快处理。请稍后重试。"),
    }[status]


def _is_api(request: HttpRequest | None) -> bool:
    return request is not None and request.path.startswith("/api/")


def error_response(request: HttpRequest | None, status: int, message: str | None = None) -> HttpResponse:
    """The error page (or the API's JSON) for ``status`` with a Chinese ``message``."""
    message = message or _default_message(status)
    if _is_api(request):
        return JsonResponse({"message": message, "extra": {}}, status=status, json_dumps_params={"ensure_ascii": False})
    template = loader.get_template(f"{status}.html")
    # 500: rendered without the request, so that no context processor (database queries, the
    # user's menu) can fail a second time; the layout then shows no menu.
    context = {"title": _title(status), "message": message, "status": status}
    body = template.render(context, request if status != 500 else None)
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A BadRequest raised by our own code carries a Chinese message naming the problem (e.g.
    # common.params.query_int); Django's own (a body too large, a suspicious header) do not.
    message = str(exception) if isinstance(exception, BadRequest) and CJK.search(str(exception)) else None
    return error_response(request, 400, message)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(request, 500)


def csrf_failure_message() -> str:
    """The reason given for a refused CSRF check, on a page and in the API (config/api.py)."""
    return _("页面已过期或表单来源无法验证，请刷新页面后重新提交。")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_response(request, 403, csrf_failure_message())
