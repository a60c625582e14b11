"""One way to show a number everywhere: ``{{ value|num }}`` (a template builtin, see settings).

83.5 not 83.50, 2 not 2.00, 201.6 not 201.6000; thousands are not grouped here (figures are
read against their sources, which print them plainly)."""

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
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text
