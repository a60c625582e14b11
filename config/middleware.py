"""Refuse, before any view runs, what no field of the portal accepts.

Every query string and every form or JSON body (urlencoded, multipart — its text fields — or
JSON), names and values alike, is checked for:

- invisible control characters (``common.text``: C0/C1 controls, bidirectional overrides);
- integers of more than 18 digits (``common.params.MAX_ID_DIGITS``): no id, year, position or
  count of the portal is that long, and such a number fails inside the database (SQLite's and
  PostgreSQL's integers end at 2⁶³) instead of being refused;
- JSON numbers that are not finite (``1e309`` reads as infinity, ``NaN``).

A refusal answers 400 with a Chinese message naming the field (under /api/ in the API's JSON
shape) and nothing is written. The body is read in ``process_view``, after URL resolution, as
the CSRF middleware reads it: the receiving view's upload limit still applies to the files
(common.files.UploadLimitHandler).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from common.params import MAX_ID_DIGITS
from common.text import text_refusal
from common.uploads import too_large_message

from .errors import error_response

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
TOO_LONG_INTEGER = re.compile(rf"[+-]?[0-9]{{{MAX_ID_DIGITS + 1},}}")


MAX_JSON_DEPTH = 32  # no body the API takes nests deeper than a few levels


class TooDeep(Exception):
    """A JSON body nested deeper than MAX_JSON_DEPTH (or than the decoder can follow)."""


def _json_values(value: object, path: str = "", depth: int = 0) -> Iterator[tuple[str, object]]:
    """(label, value) of every key and scalar in a decoded JSON document."""
    if depth > MAX_JSON_DEPTH:
        raise TooDeep
    if isinstance(value, dict):
        for key, item in value.items():
            label = f"{path}.{key}" if path else str(key)
            yield label, str(key)
            yield from _json_values(item, label, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_values(item, f"{path}[{index}]", depth + 1)
    else:
        yield path or "body", value


def _query(request: HttpRequest) -> Iterator[tuple[str, object]]:
    for key, values in request.GET.lists():
        yield key, key
        for value in values:
            yield key, value


def _body(request: HttpRequest) -> Iterator[tuple[str, object]]:
    if request.method not in BODY_METHODS:
        return
    if request.content_type in FORM_TYPES:
        for key, values in request.POST.lists():
            yield key, key
            for value in values:
                yield key, value
    elif request.content_type == "application/json" and request.body:
        try:
            document = json.loads(request.body)
        except ValueError:
            return  # not JSON: the view's parser answers 400 itself
        except RecursionError:
            raise TooDeep from None
        yield from _json_values(document)


def refusal(label: str, value: object) -> str | None:
    """The Chinese message refusing ``value`` of the field ``label``, or None."""
    if isinstance(value, str):
        message = text_refusal(value, label=label)
        if message:
            return message
        if TOO_LONG_INTEGER.fullmatch(value.strip()):
            return _too_long(label)
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**MAX_ID_DIGITS:
        return _too_long(label)
    elif isinstance(value, float) and not math.isfinite(value):  # 1e309, NaN, Infinity
        return _("“%(label)s”不是有限的数字，已拒绝。") % {"label": label}
    return None


def _too_long(label: str) -> str:
    return _("“%(label)s”的数字超出范围（整数最多 %(digits)s 位），已拒绝。") % {
        "label": label,
        "digits": MAX_ID_DIGITS,
    }


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        try:
            for label, value in (*_query(request), *_body(request)):
                message = refusal(label, value)
                if message:
                    return error_response(request, 400, message)
        except MultiPartParserError:
            return error_response(request, 400, _("提交的表单数据格式有误，无法处理。"))
        except TooDeep:
            return error_response(
                request, 400, _("提交的 JSON 嵌套超过 %(depth)s 层，已拒绝。") % {"depth": MAX_JSON_DEPTH}
            )
        refused = getattr(request, "upload_refused", None)
        if refused and not _declares_limit(view_func):
            # A view with its own limit says so in its own page; any other (an import, a scan)
            # would only see a missing file: say what happened instead.
            return error_response(request, 400, too_large_message(refused[0], settings.UPLOAD_MAX_BYTES))
        return None


def _declares_limit(view_func) -> bool:
    """Whether the view handles files over its own upload limit itself (``@upload_limit`` or
    an API view's ``upload_max_bytes``)."""
    if getattr(view_func, "upload_max_bytes", None) is not None:
        return True
    return getattr(getattr(view_func, "cls", None), "upload_max_bytes", None) is not None
