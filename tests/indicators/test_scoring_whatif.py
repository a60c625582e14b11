"""What-if: changed facts scored by the same ``score``, and what moved between two scores."""

import dataclasses
from decimal import Decimal

import pytest

from indicators.scoring import (
    ItemDiff,
    NodeDiff,
    apply_hint,
    facts_with_changes,
    points_within_reach,
    score,
    score_diff,
)
from tests.indicators.scoring_helpers import (
    CODE_D,
    SPEC,
    D,
    demo_zone,
    judged,
    modified_spec,
    op,
    outcome,
    sub_points,
)


def test_what_if_equals_scoring_the_changed_facts_directly():
    zone = demo_zone()
    operators = zone.lists["operators"] + (op("三明示例茶业有限公司", CODE_D, 2024, "25000"),)
    changed = facts_with_changes(
        zone,
        values={("market_entities", 2024): D("140000"), ("consumer_satisfaction", 2024): D("91")},
        published_growth={("online_retail_sales", 2024): D("8"), ("social_retail_sales", 2023): None},
        judgements={"30": judged(options=[1]), "13.3": None},
        lists={"operators": operators},
    )
    direct = dataclasses.replace(
        zone,
        values={**zone.values, ("market_entities", 2024): D("140000"), ("consumer_satisfaction", 2024): D("91")},
        published_growth={("online_retail_sales", 2024): D("8"), ("social_retail_sales", 2024): D("3.9")},
        judgements={code: j for code, j in {**zone.judgements, "30": judged(options=[1])}.items() if code != "13.3"},
        lists={"operators": operators, "outcomes": zone.lists["outcomes"]},
    )
    assert changed == direct
    assert score(SPEC, changed) == score(SPEC, direct)
    assert score(SPEC, changed).total != score(SPEC, zone).total


def test_the_original_facts_are_untouched():
    zone = demo_zone()
    before = dataclasses.replace(zone, values=dict(zone.values), judgements=dict(zone.judgements))
    facts_with_changes(zone, values={("market_entities", 2024): None}, judgements={"10": None}, lists={"outcomes": ()})
    assert zone == before


def test_an_unchanged_what_if_moves_nothing():
    zone = demo_zone()
    before = score(SPEC, zone)
    diff = score_diff(before, score(SPEC, facts_with_changes(zone)))
    assert (diff.total_before, diff.total_after, diff.total_delta) == (before.total, before.total, 0)
    assert diff.items == () and not diff.moved
    assert [d.code for d in diff.dimensions] == ["A", "B", "C", "D", "E"]
    assert len(diff.second_level) == 10
    assert all(n.delta == 0 and n.before == n.after for n in diff.dimensions + diff.second_level)


def test_removing_a_figure_zeroes_what_used_it():
    zone = demo_zone()
    before = score(SPEC, zone)
    after = score(SPEC, facts_with_changes(zone, values={("market_entities", 2024): None}))
    diff = score_diff(before, after)
    assert diff.items == (ItemDiff("3", "网络交易经营者数量占市场主体比重", D(1), D(0), D(-1)),)
    assert diff.total_delta == -1
    assert "2024年 市场主体数量" in next(i for i in after.items if i.code == "3").missing
    removed = score(SPEC, facts_with_changes(zone, values={("consumer_satisfaction", 2024): None}))
    assert sub_points(removed, "25", "25.3") == 0


def test_removing_a_judgement_makes_it_pending():
    zone = demo_zone()
    after = score(SPEC, facts_with_changes(zone, judgements={"16": None}))
    item = next(i for i in after.items if i.code == "16")
    assert item.points == 0 and item.missing == ("待评审",)
    diff = score_diff(score(SPEC, zone), after)
    assert [(i.code, i.delta) for i in diff.items] == [("16", -3)]


def test_diff_lists_moved_items_in_item_order_with_their_nodes():
    zone = demo_zone()
    changed = facts_with_changes(
        zone,
        values={("consumer_satisfaction", 2024): D("95"), ("online_operators", 2024): D("30000")},
        lists={"outcomes": (outcome("示例", "standard"),)},
    )
    diff = score_diff(score(SPEC, zone), score(SPEC, changed))
    # more online operators also lower item 9 (存续2年以上的经营者占比), whose denominator they are
    assert [(i.code, i.before, i.after, i.delta) for i in diff.items] == [
        ("3", 1, 2, 1),
        ("9", 2, 1, -1),
        ("25", 2, 3, 1),
        ("34", 2, 1, -1),
    ]
    assert diff.total_delta == 0 and diff.moved
    assert {n.code: n.delta for n in diff.dimensions + diff.second_level if n.delta} == {
        "A1": 1,
        "A2": -1,
        "C": 1,
        "C2": 1,
        "D": -1,
        "D2": -1,
    }
    a2 = next(n for n in diff.second_level if n.code == "A2")
    assert a2 == NodeDiff("A2", "发展质量", 2, D("5.5"), D("4.5"), D(-1))


def test_values_accept_plain_numbers():
    zone = demo_zone()
    changed = facts_with_changes(zone, values={("market_entities", 2024): 140000}, published_growth={})
    assert changed.values[("market_entities", 2024)] == D(140000)
    assert isinstance(changed.values[("market_entities", 2024)], Decimal)


def test_lists_not_named_are_kept():
    zone = demo_zone()
    changed = facts_with_changes(zone, lists={"outcomes": ()})
    assert changed.lists["operators"] == zone.lists["operators"] and changed.lists["outcomes"] == ()
    assert facts_with_changes(zone, lists=None).lists == zone.lists


def test_applying_a_reach_hint_moves_its_item_by_the_gain():
    zone = demo_zone()
    before = score(SPEC, zone)
    for hint in points_within_reach(SPEC, zone, before):
        diff = score_diff(before, score(SPEC, apply_hint(SPEC, zone, hint)))
        moved = {i.code: i.delta for i in diff.items}
        assert moved[hint.item_code] == hint.gain


def test_scores_of_different_systems_are_not_compared():
    other = modified_spec(lambda data: data.update(code="XX-2025"))
    zone = demo_zone()
    with pytest.raises(ValueError, match="指标体系不同"):
        score_diff(score(SPEC, zone), score(other, zone))
