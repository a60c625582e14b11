"""Hostile values in the fields of the JSON API: the API's one error shape with a Chinese
``message``, never a 500, nothing written."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.hostile.hostile_helpers import BAD_TEXT, CJK, HUGE, database_state, refused

pytestmark = pytest.mark.django_db
INT32 = 2147483648


@dataclass(frozen=True)
class Api:
    name: str
    persona: str
    url: Callable
    body: Callable  # world → a valid JSON body


APIS = {
    a.name: a
    for a in [
        Api(
            "unit-create",
            "office",
            lambda w: f"/api/zones/{w.zone.pk}/units/create/",
            lambda w: {"name": "甲市财政局", "short_name": "财政局", "kind": "department", "position": 3},
        ),
        Api(
            "leading-group-create",
            "office",
            lambda w: f"/api/zones/{w.zone.pk}/leading-group/create/",
            lambda w: {"role": "member", "title": "市财政局局长", "unit": w.unit_y.pk, "position": 2},
        ),
        Api(
            "task-create",
            "office",
            lambda w: f"/api/tasks/zones/{w.zone.pk}/tasks/create/",
            lambda w: {"title": "建设网络市场监管平台", "deadline": "2030-06-30", "unit_ids": [w.unit_x.pk]},
        ),
        Api(
            "send-back",
            "office",
            lambda w: f"/api/tasks/assignments/{w.assignment.pk}/send-back/",
            lambda w: {"reason": "佐证材料不全"},
        ),
        Api(
            "figures-upsert",
            "office",
            lambda w: f"/api/data/zones/{w.zone.pk}/values/upsert/",
            lambda w: {"values": [{"metric": "online_retail_sales", "year": 2024, "value": 381.2}]},
        ),
        Api(
            "evidence-review",
            "office",
            lambda w: f"/api/evidence/{w.zone.pk}/{w.evidence.pk}/review/",
            lambda w: {"decision": "return", "reason": "材料不清晰"},
        ),
        Api(
            "what-if",
            "office",
            lambda w: f"/api/assessments/zones/{w.zone.pk}/what-if/",
            lambda w: {"values": [{"metric": "online_retail_sales", "year": 2024, "value": "381.2"}]},
        ),
    ]
}


def _set(body: dict, path: str, value):
    """``body`` with the field at ``path`` ("values.0.value") replaced."""
    body = json.loads(json.dumps(body))
    target = body
    *parents, last = path.split(".")
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return body


# (api, field path, values). Raw JSON text where Python cannot hold the value (1e309, NaN).
TARGETS = [
    ("unit-create", "name", {k: BAD_TEXT[k] for k in ("nul", "rtl-override", "escape")}),
    ("unit-create", "kind", {"unknown": "ministry", "list": ["department"]}),
    ("unit-create", "position", {"int32": INT32, "huge": int(HUGE), "string": "²", "float": 1.5}),
    ("leading-group-create", "unit", {"foreign": "FOREIGN_UNIT", "huge": int(HUGE), "string": "一", "negative": -1}),
    ("leading-group-create", "position", {"int32": INT32}),
    ("leading-group-create", "title", {"isolate": BAD_TEXT["isolate"]}),
    ("task-create", "unit_ids", {"foreign": ["FOREIGN_UNIT"], "huge": [int(HUGE)], "strings": ["²"], "empty": []}),
    ("task-create", "deadline", {"feb-30": "2024-02-30", "number": 20240101, "year-99999": "99999-01-01"}),
    ("task-create", "title", {"rtl": BAD_TEXT["rtl-override"], "bell": BAD_TEXT["bell"], "object": {"a": 1}}),
    ("send-back", "reason", {"rtl": BAD_TEXT["rtl-override"], "blank": ""}),
    (
        "figures-upsert",
        "values.0.value",
        {"exp-overflow": "RAW:1e309", "nan": "RAW:NaN", "formula": "=1+1", "superscript": "²", "huge": int(HUGE)},
    ),
    ("figures-upsert", "values.0.year", {"huge": int(HUGE), "string": "²⁰²⁴", "negative": -2024}),
    ("figures-upsert", "values.0.metric", {"unknown": "no_such_metric", "rtl": "online\u202e"}),
    ("evidence-review", "decision", {"unknown": "approve", "rtl": "accept\u202e"}),
    ("evidence-review", "reason", {"del": BAD_TEXT["del"]}),
    ("what-if", "values.0.value", {"nan": "NaN", "exp-overflow": "RAW:1e309", "formula": "=A1"}),
    ("what-if", "values.0.year", {"huge": int(HUGE), "superscript": "²"}),
]

CASES = [
    pytest.param(api, path, value, id=f"{api}-{path.replace('.', '_')}-{key}")
    for api, path, values in TARGETS
    for key, value in values.items()
]


def _body_text(world, api: Api, path: str, value) -> str:
    if value == "FOREIGN_UNIT":
        value = world.unit_b.pk
    if isinstance(value, list):
        value = [world.unit_b.pk if v == "FOREIGN_UNIT" else v for v in value]
    if isinstance(value, str) and value.startswith("RAW:"):
        marker = "__RAW__"
        return json.dumps(_set(api.body(world), path, marker), ensure_ascii=False).replace(f'"{marker}"', value[4:])
    return json.dumps(_set(api.body(world), path, value), ensure_ascii=False)


@pytest.mark.parametrize(("api_name", "path", "value"), CASES)
def test_a_hostile_api_field_is_refused(client, world, api_name, path, value):
    api = APIS[api_name]
    client.force_login(getattr(world, api.persona))
    response = refused(
        client, "post", api.url(world), _body_text(world, api, path, value), content_type="application/json"
    )
    body = response.json()
    assert set(body) == {"message", "extra"}  # the API's one error shape


@pytest.mark.parametrize("api_name", sorted(APIS))
def test_the_baseline_is_answered(client, world, api_name):
    """Without the hostile value the same call succeeds (and writes, except the what-if)."""
    api = APIS[api_name]
    client.force_login(getattr(world, api.persona))
    before = database_state()
    response = client.post(api.url(world), api.body(world), content_type="application/json")
    assert response.status_code < 400, response.content.decode()[:300]
    if api_name != "what-if":
        assert database_state() != before


# Whole bodies the API's parsers or the request guard must refuse in Chinese.
BODIES = {
    "nested-5000": "[" * 5000,
    "nested-40": '{"values": ' + "[" * 40 + "]" * 40 + "}",
    "malformed": '{"values": [{metric: 1}]}',
    "truncated": '{"values": [',
}


@pytest.mark.parametrize("body", BODIES.values(), ids=list(BODIES))
def test_a_hostile_json_body_is_refused_in_chinese(client, world, body):
    client.force_login(world.office)
    response = refused(
        client, "post", f"/api/data/zones/{world.zone.pk}/values/upsert/", body, content_type="application/json"
    )
    assert response.status_code == 400 and set(response.json()) == {"message", "extra"}
    assert "JSON" in response.json()["message"] and "parse error" not in response.json()["message"]


def test_a_body_that_is_not_utf8_is_refused_in_chinese(client, world):
    client.force_login(world.office)
    body = '{"values": [{"metric": "网上零售额"}]}'.encode("gbk")
    response = refused(
        client, "post", f"/api/data/zones/{world.zone.pk}/values/upsert/", body, content_type="application/json"
    )
    assert response.status_code == 400 and "codec" not in response.json()["message"]


@pytest.mark.parametrize(("query", "headers"), [("?format=api", {}), ("", {"HTTP_ACCEPT": "text/html"})])
def test_the_api_answers_json_only_never_the_english_browsable_page(client, world, query, headers):
    client.force_login(world.office)
    response = client.get(f"/api/evidence/{world.zone.pk}/{query}", **headers)
    assert "Django REST framework" not in response.content.decode()
    if response.status_code == 200:
        assert response["Content-Type"].startswith("application/json")
    else:  # ?format=api names a renderer the API does not have: a Chinese 404 in the API's shape
        assert response.status_code in (404, 406) and CJK.search(response.json()["message"])


@pytest.mark.parametrize("page", ["abc", "²", "0", "999"])
def test_an_api_page_that_is_no_page_is_a_chinese_404(client, world, page):
    """Unlike the HTML pages (which show the first or last page), the API answers a page that does
    not exist with 404, so a client that follows pages until the end stops."""
    client.force_login(world.office)
    response = client.get(f"/api/evidence/{world.zone.pk}/", {"page": page})
    assert response.status_code == 404 and CJK.search(response.json()["message"])
