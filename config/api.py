"""One JSON error shape for the whole API (HackSoft's approach).

Django's ValidationError, PermissionDenied and Http404 are mapped to DRF's
exceptions so every error body reads ``{"message": ..., "extra": {...}}``.
"""

from django.core.exceptions import BadRequest, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import csrf_failure_message


def exception_handler(exc, context):
    message = None
    if isinstance(exc, DjangoValidationError):
        if not hasattr(exc, "error_dict"):
            # A rule of a service (a lock, a state, a bound): its own words are the message.
            message = " ".join(exc.messages)
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, BadRequest):  # e.g. a malformed query parameter (common.params.query_int)
        exc = exceptions.ParseError(str(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("对象不存在或无权访问。")
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied("没有权限执行此操作。")
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        exc = exceptions.PermissionDenied(csrf_failure_message())  # DRF's own words are English
    if isinstance(exc, exceptions.ParseError):
        # DRF's parsers put the decoder's English reason in the message.
        detail = str(exc.detail)
        if detail.startswith("JSON parse error"):
            exc = exceptions.ParseError("请求内容不是有效的 JSON（或不是 UTF-8 编码），未做任何更改。")
        elif "parse error" in detail:
            exc = exceptions.ParseError("提交的表单数据格式有误，无法处理，未做任何更改。")

    response = drf_exception_handler(exc, context)
    if response is None:
        return response
    if isinstance(exc.detail, (list, dict)):
        response.data = {"message": message or "提交的数据有误。", "extra": {"fields": response.data}}
    else:
        response.data = {"message": str(exc.detail), "extra": {}}
    return response
