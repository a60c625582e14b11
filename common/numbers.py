"""One way to show a number everywhere: ``{{ value|num }}`` (a template builtin, see settings).

The one rule: no trailing zeros (83.5 not 83.50, 2 not 2.00, 201.6 not 201.6000) and the integer
part grouped by thousands with a comma, always (21,840, 1,030,000, 1,412 — as the engine's
可提分项 hints write them, indicators.scoring.reach._n). Years, codes and ids are not numbers a
person reads as amounts: never pass them through ``num``. A form field keeps the plain value."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def num(value):
    """A number without trailing zeros; anything else as it is (None → "")."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    if not number.is_finite():
        return value
    text = format(number.normalize(), ",f")
    return "0" if text in ("-0", "") else text


SIZE_UNITS = ("KB", "MB", "GB", "TB")


def size_text(size: int | None) -> str:
    """A file size one way everywhere: "599 B", "2 KB", "1.2 MB", "100 MB" (binary units, one
    decimal at most, none when it is .0)."""
    if size is None or size == "":
        return ""
    size = int(size)
    if size < 1024:
        return f"{size} B"
    value, unit = size / 1024, SIZE_UNITS[0]
    for bigger in SIZE_UNITS[1:]:
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    text = f"{value:.1f}".removesuffix(".0")
    return f"{text} {unit}"


@register.filter
def size(value):
    """``{{ file.size|size }}``: see size_text (instead of filesizeformat's "599 字节")."""
    try:
        return size_text(value)
    except (TypeError, ValueError):
        return value
