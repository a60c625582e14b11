"""Filters the report templates (PDF and pages) share."""

from __future__ import annotations

from django import template

from ..content import plain

register = template.Library()


@register.filter
def num(value) -> str:
    """A score as written: 2 not 2.00, 1.5 not 1.50; "—" when there is none."""
    if value is None or value == "":
        return "—"
    try:
        return plain(value)
    except (ValueError, ArithmeticError):
        return str(value)


@register.filter
def get(mapping, key):
    """``mapping[key]`` in a template (None when absent)."""
    if mapping is None:
        return None
    return mapping.get(key)
