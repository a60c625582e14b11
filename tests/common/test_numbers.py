"""Numbers, sizes and dates are shown one way everywhere (common/numbers.py, config/formats)."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template

from common.files import human_size
from common.numbers import size_text


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0 B"), (599, "599 B"), (1024, "1 KB"), (1536, "1.5 KB"), (1258291, "1.2 MB"), (104857600, "100 MB")],
)
def test_one_size_style(size, text):
    assert size_text(size) == text == human_size(size)


def test_templates_show_numbers_sizes_and_dates_one_way():
    rendered = Template("{{ total|num }}|{{ size|size }}|{{ day }}|{{ at }}|{{ day|date }}").render(
        Context(
            {
                "total": Decimal("83.50"),
                "size": 599,
                "day": datetime.date(2026, 12, 1),
                "at": datetime.datetime(2026, 12, 1, 14, 5),
            }
        )
    )
    assert rendered == "83.5|599 B|2026-12-01|2026-12-01 14:05|2026-12-01"


def test_the_admin_shows_a_decimal_as_the_portal_does():
    from django.contrib.admin import helpers
    from django.contrib.admin.templatetags import admin_list

    from assessments.models import ScoreSnapshot

    field = ScoreSnapshot._meta.get_field("total")
    assert admin_list.display_for_field(Decimal("83.50"), field, "-") == "83.5"
    assert helpers.display_for_field(Decimal("2.00"), field, "-") == "2"
    assert 'alt="是"' in str(admin_list._boolean_icon(True))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("83.50"), "83.5"),
        (Decimal("201.60"), "201.6"),
        (21840, "21,840"),
        (Decimal("1030000"), "1,030,000"),
        (Decimal("1412.00"), "1,412"),
        (Decimal("-12345.10"), "-12,345.1"),
        (Decimal("0.00"), "0"),
        (None, ""),
        ("未填报", "未填报"),
    ],
)
def test_num_is_the_one_number_rule(value, text):
    """No trailing zeros, thousands always grouped: the score page's figures read as its
    可提分项 hints do ("至 27,300 户")."""
    from common.numbers import num
    from indicators.scoring.reach import _n

    assert num(value) == text
    if isinstance(value, Decimal):
        assert _n(value) == text
