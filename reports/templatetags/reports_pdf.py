"""Filters the report templates (PDF and pages) share."""

from __future__ import annotations

from django import template

from common.numbers import num as common_num

register = template.Library()


@register.filter
def num(value) -> str:
    """The portal's one number rule (``common.numbers.num``: 2 not 2.00, 21,840 grouped); "—"
    when there is none, as a printed table shows a blank."""
    if value is None or value == "":
        return "—"
    return str(common_num(value))


@register.filter
def get(mapping, key):
    """``mapping[key]`` in a template (None when absent)."""
    if mapping is None:
        return None
    return mapping.get(key)
