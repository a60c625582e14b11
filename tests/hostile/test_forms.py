"""Hostile values in the fields of every form of the portal's pages.

Each form has a valid baseline (``test_the_baseline_is_accepted`` proves it: the same POST
without the hostile value changes the database), and each case replaces one field with one
hostile value: the answer must be a Chinese refusal that writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from tests.hostile.hostile_helpers import (
    BAD_DATES,
    BAD_IDS,
    BAD_NUMBERS,
    BAD_TEXT,
    HUGE,
    database_state,
    message_text,
    refused,
)

pytestmark = pytest.mark.django_db
INT32 = "2147483648"  # one past PostgreSQL's integer: a position the database cannot hold


@dataclass(frozen=True)
class Form:
    name: str
    persona: str  # attribute of the World: office / liaison
    url: Callable  # world → url
    data: Callable  # world → valid POST data
    multipart: bool = False
    headers: tuple = ()


def _fields(**values):
    return lambda w: values


FORMS = {
    f.name: f
    for f in [
        Form(
            "zone-settings",
            "office",
            lambda w: reverse("zones:settings", args=[w.zone.pk]),
            lambda w: {
                "name": "甲创建对象（改）",
                "region_category": w.zone.region_category,
                "reference_year_1": "2023",
                "reference_year_2": "2024",
                "creation_start": "2024-01-01",
                "creation_end": "2026-02-28",
            },
        ),
        Form(
            "park-add",
            "office",
            lambda w: reverse("zones:park-add", args=[w.zone.pk]),
            _fields(name="高新园区", note=""),
        ),
        Form(
            "stage-add",
            "office",
            lambda w: reverse("zones:stages", args=[w.zone.pk]),
            _fields(name="巩固提升", start="2025-07-01", end="2025-12-31", position="5"),
        ),
        Form(
            "step-add",
            "office",
            lambda w: reverse("zones:step-add", args=[w.zone.pk, w.stage.pk]),
            _fields(title="开展督查", position="2"),
        ),
        Form(
            "unit-add",
            "office",
            lambda w: reverse("zones:unit-add", args=[w.zone.pk]),
            _fields(name="甲市财政局", short_name="财政局", kind="department", aliases="", position="3"),
        ),
        Form(
            "leading-group-add",
            "office",
            lambda w: reverse("zones:leading-group-add", args=[w.zone.pk]),
            lambda w: {
                "role": "member",
                "title": "市财政局局长",
                "unit": str(w.unit_y.pk),
                "user": "",
                "position": "2",
            },
        ),
        Form(
            "task-create",
            "office",
            lambda w: reverse("tasks:task-create", args=[w.zone.pk]),
            lambda w: {
                "number": "9",
                "title": "建设网络市场监管平台",
                "description": "",
                "category": "",
                "priority": "medium",
                "deadline": "2030-06-30",
                "stage": "",
                "units": [str(w.unit_x.pk)],
                "lead_units": [],
                "indicators": [],
            },
        ),
        Form(
            "progress-report",
            "liaison",
            lambda w: reverse("tasks:assignment-report", args=[w.task.assignments.get(unit=w.unit_x).pk]),
            _fields(percent="100", text="已补充执法记录", reason=""),
            multipart=True,
        ),
        Form(
            "send-back",
            "office",
            lambda w: reverse("tasks:assignment-send-back", args=[w.assignment.pk]),
            _fields(reason="佐证材料不全"),
        ),
        Form(
            "evidence-return",
            "office",
            lambda w: reverse("evidence:return", args=[w.zone.pk, w.evidence.pk]),
            _fields(reason="材料不清晰，请重新扫描"),
        ),
        Form(
            "figures",
            "office",
            lambda w: reverse("data:unit", args=[w.zone.pk, w.unit_x.pk]),
            _fields(**{"value-online_retail_sales-2024": "381.2", "source-online_retail_sales-2024": "市统计局年报"}),
        ),
        Form(
            "operator-add",
            "office",
            lambda w: reverse("data:entries", args=[w.zone.pk, "operators"]),
            _fields(name="某电商公司", credit_code="91350100M000100Y43", year="2024", annual_sales="26500"),
        ),
        Form(
            "member-add",
            "office",
            lambda w: reverse("accounts:zone-members-add", args=[w.zone.pk]),
            lambda w: {
                "username": "newliaison",
                "full_name": "新联络员",
                "phone": "",
                "email": "",
                "password": "Secret@2024!",
                "password_confirm": "Secret@2024!",
                "role": "liaison",
                "unit": str(w.unit_y.pk),
            },
        ),
    ]
}

# (form, field, values): one case per value.
TARGETS = [
    ("zone-settings", "reference_year_1", BAD_NUMBERS),
    ("zone-settings", "creation_start", BAD_DATES),
    ("zone-settings", "name", BAD_TEXT),
    ("park-add", "name", BAD_TEXT),
    ("stage-add", "position", {"huge": HUGE, "int32": INT32, "superscript": "²", "negative": "-1", "formula": "=1+1"}),
    ("stage-add", "end", BAD_DATES),
    ("step-add", "position", {"huge": HUGE, "int32": INT32, "superscript": "²", "nan": "NaN"}),
    ("step-add", "title", {"rtl": BAD_TEXT["rtl-override"], "nul": BAD_TEXT["nul"]}),
    ("unit-add", "position", {"huge": HUGE, "int32": INT32, "roman": "Ⅻ"}),
    ("unit-add", "kind", {"unknown": "ministry", "rtl": "department\u202e"}),
    ("unit-add", "aliases", {"escape": BAD_TEXT["escape"]}),
    ("leading-group-add", "unit", {**BAD_IDS, "foreign": "FOREIGN_UNIT"}),
    ("leading-group-add", "position", {"huge": HUGE, "int32": INT32}),
    ("task-create", "units", {**BAD_IDS, "foreign": "FOREIGN_UNIT"}),
    ("task-create", "deadline", BAD_DATES),
    ("task-create", "title", BAD_TEXT),
    ("task-create", "priority", {"unknown": "urgent!!"}),
    (
        "progress-report",
        "percent",
        {**{k: BAD_NUMBERS[k] for k in ("superscript", "huge", "nan", "formula", "hex")}, "over": "101", "neg": "-5"},
    ),
    ("progress-report", "text", {"nul": BAD_TEXT["nul"], "rtl": BAD_TEXT["rtl-override"], "bell": BAD_TEXT["bell"]}),
    ("send-back", "reason", {"rtl": BAD_TEXT["rtl-override"], "escape": BAD_TEXT["escape"], "blank": "   "}),
    ("evidence-return", "reason", {"isolate": BAD_TEXT["isolate"], "del": BAD_TEXT["del"]}),
    ("figures", "value-online_retail_sales-2024", BAD_NUMBERS),
    ("figures", "source-online_retail_sales-2024", {"rtl": BAD_TEXT["rtl-override"]}),
    ("operator-add", "annual_sales", {k: BAD_NUMBERS[k] for k in ("superscript", "huge", "exp-overflow", "formula")}),
    ("operator-add", "year", {"superscript": "²⁰²⁴", "huge": HUGE}),
    ("operator-add", "credit_code", {"rtl": "91350100M0001\u202e00Y43", "formula": "=HYPERLINK(1)"}),
    ("member-add", "unit", {"huge": HUGE, "superscript": "²", "foreign": "FOREIGN_UNIT"}),
    ("member-add", "username", {"rtl": "admin\u202e", "nul": "ad\x00min", "long": "a" * 200}),
    ("member-add", "role", {"escalate": "security_admin", "unknown": "root"}),
]

CASES = [
    pytest.param(form, field, value, id=f"{form}-{field}-{key}")
    for form, field, values in TARGETS
    for key, value in values.items()
]


def login(client, world, persona):
    client.force_login(getattr(world, persona))


def post(client, world, form: Form, data: dict):
    url = form.url(world)
    if form.multipart:
        return refused(client, "post", url, data)
    return refused(client, "post", url, data)


@pytest.mark.parametrize(("form_name", "field", "value"), CASES)
def test_a_hostile_value_is_refused(client, world, form_name, field, value):
    form = FORMS[form_name]
    login(client, world, form.persona)
    data = dict(form.data(world))
    if value == "FOREIGN_UNIT":
        value = str(world.unit_b.pk)
    data[field] = [value] if isinstance(data.get(field), list) else value
    post(client, world, form, data)


@pytest.mark.parametrize("form_name", sorted(FORMS))
def test_the_baseline_is_accepted(client, world, form_name):
    """Without the hostile value the same POST changes the database: the cases above test the value."""
    form = FORMS[form_name]
    login(client, world, form.persona)
    before = database_state()
    response = client.post(form.url(world), form.data(world))
    assert response.status_code < 400, response.content.decode()[:500]
    assert database_state() != before, f"{form_name}: the baseline changed nothing: {message_text(client, response)}"


def test_there_are_enough_cases():
    assert len(CASES) >= 100


@pytest.mark.parametrize("value", ["²", "٣", "９", "1" * 30])
def test_a_figure_forms_evidence_field_that_is_no_id_is_no_500(client, world, value):
    """The figure form reads every posted ``evidence-*`` field to label what was picked; a digit
    that ``int()`` cannot read (²) or a number no row has is no choice, never a server error."""
    form = FORMS["figures"]
    login(client, world, form.persona)
    data = {**form.data(world), "evidence-online_retail_sales-2024": value, "evidence-no_such-2024": value}
    response = client.post(form.url(world), data)
    assert response.status_code < 500
