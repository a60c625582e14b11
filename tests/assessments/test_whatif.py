"""What-if (模拟测算) of a zone's live score and points within reach: same engine, nothing stored."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import whatif
from assessments.selectors import zone_facts
from assessments.services import judgement_set
from common.numbers import num as number
from evidence.models import DataValue, OperatorEntry, OutcomeEntry
from indicators.models import Metric, ScoringItem
from indicators.scoring import JudgementRecord, OutcomeRecord, facts_with_changes, points_within_reach, score
from indicators.scoring import score_diff as engine_diff
from indicators.selectors import system_spec_for
from tests.test_permissions import changed, fingerprint

pytestmark = pytest.mark.django_db

D = Decimal
FIGURES = {
    ("online_retail_sales", 2022): "300",
    ("online_retail_sales", 2023): "330",
    ("online_retail_sales", 2024): "350",
    ("online_operators", 2024): "100",
    ("market_entities", 2024): "2000",
    ("consumer_satisfaction", 2024): "80",
}


@pytest.fixture
def data_a(zone_a, office_a):
    """Zone A with a few figures, one outcome and a live judgement of 12.1."""
    from datetime import date

    metrics = {m.key: m for m in Metric.objects.all()}
    for (key, year), value in FIGURES.items():
        DataValue.objects.create(zone=zone_a, metric=metrics[key], year=year, value=D(value))
    OutcomeEntry.objects.create(zone=zone_a, title="网络交易监管办法", kind="rule", issued_on=date(2024, 3, 1))
    judgement_set(zone=zone_a, scoring_item=ScoringItem.objects.get(code="12.1"), points=D(1), user=office_a)
    return zone_a


def whatif_url(zone):
    return reverse("assessments:whatif", args=[zone.pk])


def spec_of(zone):
    return system_spec_for(system=zone.system)


# ---------------------------------------------------------------- the selector


def test_what_if_equals_scoring_the_changed_facts(data_a):
    data = {
        "value:online_operators:2024": "180",  # 9% of market entities: the 8%–15% band
        "growth:online_retail_sales:2024": "12.5",
        "judgement:12.1": "0",
        "judgement:12.2": "1",
        "list:outcomes": "2",
    }
    run = whatif.whatif_run(zone=data_a, data=data)
    assert run.errors == {}
    facts = zone_facts(zone=data_a)
    before = score(spec_of(data_a), facts)
    added = tuple(OutcomeRecord(f"模拟成果{i}", "law") for i in (1, 2))
    direct = score(
        spec_of(data_a),
        facts_with_changes(
            facts,
            values={("online_operators", 2024): D(180)},
            published_growth={("online_retail_sales", 2024): D("12.5")},
            judgements={"12.1": JudgementRecord(D(0), (), "模拟测算"), "12.2": JudgementRecord(D(1), (), "模拟测算")},
            lists={"outcomes": facts.lists["outcomes"] + added},
        ),
    )
    assert run.before == before
    assert run.after == direct
    assert run.diff == engine_diff(before, direct)
    moved = {i.code: (i.before, i.after) for i in run.diff.items}
    assert moved["3"] == (D(0), D(1)) and moved["34"] == (D(1), D(2))
    assert run.diff.total_delta == direct.total - before.total
    assert len(run.dimensions) == 5 and sum(d.after for d in run.dimensions) == direct.total
    assert run.reach.hints == points_within_reach(spec_of(data_a), apply_facts(data_a, run), direct)


def apply_facts(zone, run):
    return whatif.apply_changes(spec_of(zone), zone_facts(zone=zone), run.changes)


def test_added_operators_qualify(data_a):
    run = whatif.whatif_run(zone=data_a, data={"list:operators": "3"})
    (moved,) = run.diff.items
    assert moved.code == "4" and moved.after > 0
    facts = apply_facts(data_a, run)
    assert len({e.credit_code for e in facts.lists["operators"]}) == 3


def test_removing_entries_equals_scoring_the_list_without_them(data_a):
    from datetime import date

    from evidence.models import OperatorEntry

    for n, (year, sales) in enumerate(((2023, "30000"), (2024, "25000"), (2024, "1000")), 1):  # 万元: two qualify
        OperatorEntry.objects.create(
            zone=data_a, name=f"经营者{n}", credit_code=f"91350000MA0000000{n}", year=year, annual_sales=D(sales)
        )
    OutcomeEntry.objects.create(zone=data_a, title="网络交易标准", kind="standard", issued_on=date(2024, 5, 1))
    run = whatif.whatif_run(zone=data_a, data={"list:operators": "-1", "list:outcomes": "-2"})
    assert run.errors == {}, run.errors
    facts = zone_facts(zone=data_a)
    operators = facts.lists["operators"]
    kept = tuple(e for e in operators if e.credit_code != "91350000MA00000002")  # the last one that counts
    direct = score(spec_of(data_a), facts_with_changes(facts, lists={"operators": kept, "outcomes": ()}))
    assert run.after == direct and run.diff == engine_diff(run.before, direct)
    assert run.diff.total_delta < 0
    assert whatif.whatif_run(zone=data_a, data={"list:operators": "-3"}).errors == {
        "list:operators": "年电子商务销售额达到2亿元的网络交易经营者现计入 2 家，最多减少 2 家"
    }


def test_the_inputs_are_the_figures_the_items_read_lists_and_judged_scores(data_a):
    run = whatif.whatif_run(zone=data_a)
    figures = {f.name: f for f in run.inputs.figures}
    assert figures["value:online_retail_sales:2024"].current == D(350)
    assert figures["value:online_retail_sales:2022"].items == ("1", "2")  # growth reads the year before
    assert "growth:online_retail_sales:2024" in figures
    assert "value:online_retail_growth:2024" not in figures  # a benchmark, never the zone's own figure
    assert figures["value:consumer_satisfaction:2024"].value_type == "percent"
    lists = {i.list_name: i for i in run.inputs.lists}
    assert lists["outcomes"].current == 1 and lists["operators"].current == 0
    assert "2亿元" in lists["operators"].label  # 东部 threshold
    judged = {j.code: j for j in run.inputs.judged}
    assert judged["12.1"].current == 1 and judged["12.2"].current is None and judged["16"].max == 3
    assert not run.changes and run.diff.items == () and run.after == run.before


def test_bad_numbers_get_a_message_each_and_the_rest_still_counts(data_a):
    data = {
        "value:online_retail_sales:2024": "很多",
        "value:market_entities:2024": "-5",
        "value:consumer_satisfaction:2024": "101",
        "value:online_operators:2024": "12.5",
        "growth:online_retail_sales:2024": "1e9",
        "judgement:12.2": "1.5",
        "judgement:12.3": "0.333",
        "list:outcomes": "-2",
        "list:operators": "2.5",
        "value:online_operators:2023": "",  # blank: unchanged
        "value:market_entities:2023": "99",  # not an input here: ignored
        "csrfmiddlewaretoken": "x",
        "value:online_operators:2022": "1",  # not read by any item: ignored
        "value:express_volume:2024": "5000",  # valid: counted
    }
    run = whatif.whatif_run(zone=data_a, data=data)
    assert run.errors == {
        "value:online_retail_sales:2024": "2024年 网上零售额：“很多”不是有效的数字",
        "value:market_entities:2024": "2024年 市场主体数量不能为负数",
        "value:consumer_satisfaction:2024": "2024年 消费者满意度为比率，不能超过100%",
        "value:online_operators:2024": "2024年 网络交易经营者数量应为整数",
        "growth:online_retail_sales:2024": "2024年 网上零售额同比增速（官方公布）过大",
        "judgement:12.2": "评分项 12.2 的得分应在 0 到 1 分之间",
        "judgement:12.3": "评分项 12.3 的得分最多保留两位小数",
        "list:outcomes": "制度化、标准化成果（法规、规章、规范性文件、标准）现计入 1 项，最多减少 1 项",
        "list:operators": "年电子商务销售额达到2亿元的网络交易经营者的增减数量应为整数",
    }
    assert run.changes.values == {("express_volume", 2024): D(5000)}
    assert not run.changes.judgements and not run.changes.add and not run.changes.published_growth


def test_an_unchanged_value_is_no_change(data_a):
    run = whatif.whatif_run(zone=data_a, data={"value:online_retail_sales:2024": "350.00", "judgement:12.1": "1"})
    assert len(run.changes) == 0 and run.errors == {}


# ---------------------------------------------------------------- nothing stored


def test_nothing_is_written(client, data_a, office_a):
    client.force_login(office_a)
    data = {"value:online_operators:2024": "400", "judgement:12.1": "0", "list:operators": "2", "list:outcomes": "1"}
    before = fingerprint()
    counts = (DataValue.objects.count(), OperatorEntry.objects.count(), OutcomeEntry.objects.count())
    with CaptureQueriesContext(connection) as queries:
        whatif.whatif_run(zone=data_a, data=data)
        assert client.post(whatif_url(data_a), data, HTTP_HX_REQUEST="true").status_code == 200
        assert client.post(whatif_url(data_a), data).status_code == 200
        api = client.post(
            reverse("api-zone-whatif", args=[data_a.pk]),
            {"values": [{"metric": "online_operators", "year": 2024, "value": "400"}], "add": {"operators": 2}},
            content_type="application/json",
        )
        assert api.status_code == 200
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) and "django_session" not in q["sql"]
    ]  # the session's idle timer is refreshed on every request: not something the what-if wrote
    assert writes == []
    assert not changed(before)
    assert counts == (DataValue.objects.count(), OperatorEntry.objects.count(), OutcomeEntry.objects.count())


# ---------------------------------------------------------------- the page


def test_the_page_lists_the_inputs_and_htmx_gets_the_result(client, data_a, liaison_x):
    client.force_login(liaison_x)  # any role that may view the zone
    page = client.get(whatif_url(data_a))
    assert page.status_code == 200
    html = page.content.decode()
    assert "模拟测算" in html and "2024年 网上零售额" in html and 'name="value:online_retail_sales:2024"' in html
    assert 'name="list:operators"' in html and 'name="judgement:12.1"' in html
    assert f'hx-post="{whatif_url(data_a)}"' in html and 'hx-target="#whatif-result"' in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []  # no inline script
    assert "可提分项" in html

    partial = client.post(
        whatif_url(data_a), {"value:online_operators:2024": "180", "judgement:12.1": "9"}, HTTP_HX_REQUEST="true"
    )
    text = partial.content.decode()
    assert "<html" not in text and 'id="whatif-total"' in text
    assert partial.context["run"].diff.total_delta == 1
    assert "网络交易经营者数量占市场主体比重" in text  # the item that moved
    assert "评分项 12.1 的得分应在 0 到 1 分之间" in text
    before, after = partial.context["run"].diff.total_before, partial.context["run"].diff.total_after
    delta = re.sub(r"\s+", " ", text.split('id="whatif-delta">')[1].split("</div>")[0])
    assert f"{number(before)} → {number(after)}" in delta and "（+1）" in delta

    same = client.post(whatif_url(data_a), {"value:express_volume:2024": "5000"}, HTTP_HX_REQUEST="true")
    run = same.context["run"]
    assert run.changes.changed and run.diff.total_delta == 0  # a change that moves nothing: before → before (±0)
    delta = re.sub(r"\s+", " ", same.content.decode().split('id="whatif-delta">')[1].split("</div>")[0])
    assert f"{number(run.diff.total_before)} → {number(run.diff.total_before)}" in delta and "（±0）" in delta
    assert 'id="whatif-list-help"' in html and 'min="-' in html  # the list control says what it does

    full = client.post(whatif_url(data_a), {"value:market_entities:2024": "-1"}).content.decode()
    assert "<html" in full and "is-invalid" in full and "2024年 市场主体数量不能为负数" in full


@pytest.mark.parametrize("persona", ["office_b", "reviewer_zhejiang", "outsider"])
def test_people_of_another_zone_get_404(client, request, data_a, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(whatif_url(data_a)).status_code == 404
    assert client.get(whatif_url(data_a), {"part": "reach"}).status_code == 404
    assert client.post(whatif_url(data_a), {"list:operators": "1"}).status_code == 404
    api = reverse("api-zone-whatif", args=[data_a.pk])
    assert client.post(api, {"values": "garbage"}, content_type="application/json").status_code == 404


# ---------------------------------------------------------------- points within reach


def test_the_score_page_loads_the_hints_and_links_to_what_if(client, data_a, office_a):
    from assessments.models import ScoreSnapshot
    from assessments.services import score_snapshot_compute

    snapshot = ScoreSnapshot.objects.create(zone=data_a, system=data_a.system)
    score_snapshot_compute(snapshot_id=snapshot.pk)
    client.force_login(office_a)
    html = client.get(reverse("assessments:scores", args=[data_a.pk])).content.decode()
    reach_url = f"{whatif_url(data_a)}?part=reach"
    assert f'hx-get="{reach_url}"' in html and 'id="open-whatif"' in html

    panel = client.get(reach_url)
    assert panel.status_code == 200
    text = panel.content.decode()
    hints = points_within_reach(spec_of(data_a), zone_facts(zone=data_a))
    assert [h.text for h in panel.context["reach"].hints] == [h.text for h in hints]
    gains = [h.gain for h in hints]
    assert gains == sorted(gains, reverse=True)
    ratio = next(h for h in hints if h.item_code == "3")
    assert ratio.text in text and ratio.exact and "再增加 60 户（至 160 户）" in ratio.text


def test_reach_for_zone_computes_only_when_asked(data_a, django_assert_num_queries):
    with django_assert_num_queries(0):
        panel = whatif.reach_for_zone(zone=data_a)
        assert not panel.loaded and panel.url.endswith("?part=reach")
    loaded = whatif.reach_for_zone(zone=data_a, load=True)
    assert loaded.loaded and list(loaded) == points_within_reach(spec_of(data_a), zone_facts(zone=data_a))


# ---------------------------------------------------------------- API


def test_api_answers_totals_dimensions_moved_items_and_hints(client, data_a, office_a):
    client.force_login(office_a)
    url = reverse("api-zone-whatif", args=[data_a.pk])
    body = {
        "values": [{"metric": "online_operators", "year": 2024, "value": "180"}],
        "judgements": [{"code": "12.2", "points": "1"}],
        "add": {"outcomes": 1},
    }
    data = client.post(url, body, content_type="application/json").json()
    run = whatif.whatif_run(
        zone=data_a, data={"value:online_operators:2024": "180", "judgement:12.2": "1", "list:outcomes": "1"}
    )
    assert data["total_before"] == float(run.diff.total_before)
    assert data["total_after"] == float(run.diff.total_after) == data["total_before"] + 3
    assert data["max"] == 100 and len(data["dimensions"]) == 5
    assert {"code", "name", "before", "after", "delta", "max"} == set(data["dimensions"][0])
    assert [(i["code"], i["delta"]) for i in data["items"]] == [("3", 1.0), ("12", 1.0), ("34", 1.0)]
    assert {"item_code", "sub_code", "text", "gain", "exact"} == set(data["reach"][0])
    assert data["changed"] == {"value:online_operators:2024": "180", "judgement:12.2": "1", "list:outcomes": "1"}

    refused = client.post(
        url,
        {
            "values": [{"metric": "market_entities", "year": 2024, "value": "-3"}],
            "judgements": [{"code": "99.9", "points": "1"}],
            "published_growth": [{"metric": "online_retail_growth", "year": 2024, "value": "9"}],
        },
        content_type="application/json",
    )
    assert refused.status_code == 400
    fields = refused.json()["extra"]["fields"]
    assert fields == {
        "value:market_entities:2024": ["2024年 市场主体数量不能为负数"],
        "judgement:99.9": ["评分项 99.9 不是需评审评分的评分项"],
        "growth:online_retail_growth:2024": ["2024年 online_retail_growth 不是本创建对象评分所用的数据项"],
    }
    assert client.post(url, {}, content_type="application/json").json()["total_delta"] == 0
