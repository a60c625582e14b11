"""Points within reach: the smallest change in a zone's own figures that earns the next point(s).

Every numeric hint is proved with the exact check (``hint_problems``): applying
its changes and re-scoring with ``score()`` raises the sub-criterion by exactly
the hint's gain, and any one change made one step smaller earns nothing. The
edges are those of the rules: strict and inclusive bounds, shared band bounds,
counts, growth from raw totals and from a published rate.
"""

import dataclasses

import pytest

from indicators.scoring import ReachChange, apply_hint, points_within_reach, score
from indicators.scoring.reach import QUANTITATIVE
from indicators.scoring.types import ZoneFacts
from tests.indicators.scoring_helpers import (
    CODE_A,
    CODE_B,
    SPEC,
    D,
    demo_zone,
    facts,
    hint_problems,
    judged,
    modified_spec,
    node,
    op,
    outcome,
)


def hints_for(sub_code: str, zone, system=SPEC):
    return [h for h in points_within_reach(system, zone) if h.sub_code == sub_code]


def only_hint(sub_code: str, zone, system=SPEC):
    hints = hints_for(sub_code, zone, system)
    assert len(hints) == 1, hints
    return hints[0]


def targets(hint) -> dict[tuple[str, int], object]:
    return {(c.metric, c.year): c.target for c in hint.changes}


def set_params(code: str, **params):
    """The national spec with scoring item ``code``'s params updated."""

    def change(data):
        for indicator in _all_indicators(data):
            for scoring_item in indicator.get("scoring_items") or []:
                if scoring_item["code"] == code:
                    scoring_item["params"].update(params)

    return modified_spec(change)


def _all_indicators(data):
    stack = list(data["indicators"])
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.get("children") or [])


# ---------------------------------------------------------------- the demo zone end to end
def test_demo_zone_hints_order_text_and_exactness():
    zone = demo_zone()
    hints = points_within_reach(SPEC, zone)
    assert [(h.item_code, h.sub_code, h.year) for h in hints] == [
        ("1", "1", 2024),
        ("3", "3", None),
        ("5", "5", 2024),
        ("6", "6", 2023),
        ("6", "6", 2024),
        ("7", "7", None),
        ("8", "8", None),
        ("25", "25.3", None),
    ]
    assert all(h.gain == 1 and h.exact for h in hints)
    for hint in hints:
        assert hint_problems(zone, hint) == [], hint.text
    by_sub = {(h.sub_code, h.year): h for h in hints}
    assert by_sub[("3", None)].text == (
        "2024年 网络交易经营者数量占市场主体比重 12.00%，"
        "网络交易经营者数量再增加 5,460 户（至 27,300 户）达到 15% 可得 1 分"
    )
    assert by_sub[("3", None)].changes == (
        ReachChange("online_operators", "网络交易经营者数量", 2024, D(21840), D(27300), D(5460), "户", D(1)),
    )
    assert (by_sub[("3", None)].current_points, by_sub[("3", None)].points_after) == (1, 2)
    assert by_sub[("1", 2024)].text == (
        "2024年 网上零售额同比增速 6.99%，网上零售额再增加 0.42 亿元（至 216.12 亿元）超过全国 7.20% 可得 1 分"
    )
    assert by_sub[("8", None)].text.endswith("电子商务纳税额再增加 21,000 万元（至 52,500 万元）达到 5% 可得 1 分")
    assert by_sub[("25.3", None)].text == (
        "2024年 消费者满意度 88.60%，再提高 1.51 个百分点（至 90.11%）超过全国 90.10% 可得 1 分"
    )


def test_passing_the_score_gives_the_same_hints():
    zone = demo_zone()
    assert points_within_reach(SPEC, zone, score(SPEC, zone)) == points_within_reach(SPEC, zone)


def test_only_the_zones_own_figures_change_never_benchmarks():
    zone = demo_zone()
    for hint in points_within_reach(SPEC, zone):
        assert all(c.source == "value" and (c.metric, c.year) in zone.values for c in hint.changes)
        assert apply_hint(SPEC, zone, hint).benchmarks == zone.benchmarks


# ---------------------------------------------------------------- every quantitative rule type at its edges
def ratio(numerator, denominator, num, den):
    return facts(values={numerator: {2024: num}, denominator: {2024: den}})


CASES = [
    # ratio bands: inclusive lower bounds, shared 15% bound (higher band wins), counts round up
    ("band_below_lowest", "3", ratio("online_operators", "market_entities", "799", "10000"),
     {("online_operators", 2024): 800}, 1),
    ("band_at_8_to_15", "3", ratio("online_operators", "market_entities", "800", "10000"),
     {("online_operators", 2024): 1500}, 1),
    ("band_shared_bound", "3", ratio("online_operators", "market_entities", "1499", "10000"),
     {("online_operators", 2024): 1500}, 1),
    ("band_count_rounds_up", "3", ratio("online_operators", "market_entities", "1", "182001"),
     {("online_operators", 2024): 14561}, 1),
    ("band_amount_cents", "8", ratio("ecommerce_tax", "total_tax", "299", "10000.37"),
     {("ecommerce_tax", 2024): D("300.02")}, 1),
    ("band_amount_exact_bound", "8", ratio("ecommerce_tax", "total_tax", "499.99", "10000"),
     {("ecommerce_tax", 2024): 500}, 1),
    ("band_employment", "7", ratio("online_employment", "total_employment", "2999", "100000"),
     {("online_employment", 2024): 3000}, 1),
    ("band_survival", "9", ratio("operators_over_2y", "online_operators", "4999", "10000"),
     {("operators_over_2y", 2024): 5000}, 1),
    # threshold: strict (超过/大于) and inclusive (达到/不低于), values and a count ratio
    ("threshold_strict_at_bound", "17.1", facts(values={"clue_verification_rate": {2024: "95"}}),
     {("clue_verification_rate", 2024): D("95.01")}, 1),
    ("threshold_strict_far", "17.1", facts(values={"clue_verification_rate": {2024: "80"}}),
     {("clue_verification_rate", 2024): D("95.01")}, 1),
    ("threshold_inclusive", "11.2", facts(values={"identity_claim_rate": {2024: "99.99"}}),
     {("identity_claim_rate", 2024): 100}, 1),
    ("threshold_ratio_count_strict_exact", "11.1", ratio("platform_users", "regulatory_staff", "48", "96"),
     {("platform_users", 2024): 49}, 1),
    ("threshold_ratio_count_strict_half", "11.1", ratio("platform_users", "regulatory_staff", "40", "97"),
     {("platform_users", 2024): 49}, 1),
    ("threshold_two_failing", "38.2",
     facts(values={"training_coverage_rate": {2024: "99.9"}, "training_hours_per_person": {2024: "49.9"}}),
     {("training_coverage_rate", 2024): 100, ("training_hours_per_person", 2024): 50}, 1),
    ("threshold_amount_below_cent", "38.2",
     facts(values={"training_coverage_rate": {2024: "100"}, "training_hours_per_person": {2024: "49.999"}}),
     {("training_hours_per_person", 2024): 50}, 1),
    ("threshold_one_of_two", "17.2",
     facts(values={"assigned_clue_timely_rate": {2024: "90"}, "assigned_clue_completion_rate": {2024: "99"}}),
     {("assigned_clue_timely_rate", 2024): D("90.01")}, 1),
    # vs benchmark: strict, equal, benchmark with more decimals, both conditions failing
    ("benchmark_equal", "25.2",
     facts(values={"mediation_success_rate": {2024: "65.3"}}, benchmarks={"mediation_success_rate": {2024: "65.3"}}),
     {("mediation_success_rate", 2024): D("65.31")}, 1),
    ("benchmark_fine", "25.3",
     facts(values={"consumer_satisfaction": {2024: "80"}}, benchmarks={"consumer_satisfaction": {2024: "80.005"}}),
     {("consumer_satisfaction", 2024): D("80.01")}, 1),
    ("benchmark_two_failing", "26.1",
     facts(values={"odr_closure_rate": {2024: "95"}, "odr_settlement_rate": {2024: "50"}},
           benchmarks={"odr_closure_rate": {2024: "95"}, "odr_settlement_rate": {2024: "58"}}),
     {("odr_closure_rate", 2024): D("95.01"), ("odr_settlement_rate", 2024): D("58.01")}, 1),
    # yearly vs benchmark: growth from raw totals (amount and count), ratio, published rate
    ("growth_raw_equal", "1",
     facts(values={"online_retail_sales": {2022: "100", 2023: "110", 2024: "121"}},
           benchmarks={"online_retail_growth": {2023: "10", 2024: "9"}}),
     {("online_retail_sales", 2023): D("110.01")}, 1),
    ("growth_raw_repeating", "1",
     facts(values={"online_retail_sales": {2022: "3", 2023: "3.1", 2024: "3.5"}},
           benchmarks={"online_retail_growth": {2023: "5", 2024: "1"}}),
     {("online_retail_sales", 2023): D("3.16")}, 1),
    ("growth_count", "5",
     facts(values={"express_volume": {2022: "10000", 2023: "11940"}}, published={"express_volume": {2024: "22"}},
           benchmarks={"express_volume_growth": {2023: "19.4", 2024: "21.5"}}),
     {("express_volume", 2023): 11941}, 1),
    ("growth_published", "1",
     facts(published={"online_retail_sales": {2023: "6", 2024: "8"}},
           benchmarks={"online_retail_growth": {2023: "7", 2024: "7"}}),
     {("online_retail_sales", 2023): D("7.01")}, 1),
    ("share_of_retail_equal", "6",
     facts(values={"online_retail_sales": {2023: "40", 2024: "27.6"},
                   "social_retail_sales": {2023: "100", 2024: "100"}},
           benchmarks={"online_retail_share": {2023: "27.6", 2024: "27.6"}}),
     {("online_retail_sales", 2024): D("27.61")}, 1),
    ("share_of_retail_repeating", "6",
     facts(values={"online_retail_sales": {2023: "201.6", 2024: "300"},
                   "social_retail_sales": {2023: "1331.3", 2024: "600"}},
           benchmarks={"online_retail_share": {2023: "32.7", 2024: "31.81"}}),
     {("online_retail_sales", 2023): D("435.34")}, 1),
    # yearly vs own series
    ("series_raw_equal", "2",
     facts(values={"online_retail_sales": {2022: "100", 2023: "110", 2024: "123.2"},
                   "social_retail_sales": {2022: "1000", 2023: "1100", 2024: "1155"}}),
     {("online_retail_sales", 2023): D("110.01")}, 1),
    ("series_against_repeating_growth", "2",
     facts(values={"online_retail_sales": {2023: "201.6", 2024: "209.9"},
                   "social_retail_sales": {2023: "1331.3", 2024: "1386.2"}},
           published={"online_retail_sales": {2023: "9"}, "social_retail_sales": {2023: "3"}}),
     {("online_retail_sales", 2024): D("209.92")}, 1),
    ("series_published", "2",
     facts(published={"online_retail_sales": {2023: "7", 2024: "9"}, "social_retail_sales": {2023: "7.2", 2024: "3"}}),
     {("online_retail_sales", 2023): D("7.21")}, 1),
    # lists
    ("qualifying_none_listed", "4", facts(), {("operators", 2024): 1}, 1),
    ("qualifying_one_more", "4", facts(operators=[op("示例一", CODE_A, 2024, "20000")]), {("operators", 2024): 2}, 1),
    ("qualifying_central_just_below", "4", facts(region="central", operators=[op("示例一", CODE_A, 2024, "9999.99")]),
     {("operators", 2024): 1}, 1),
    ("outcomes_none_listed", "34", facts(), {("outcomes", 2024): 1}, 1),
    ("outcomes_uncounted_kind", "34", facts(outcomes=[outcome("示例", "normative"), outcome("报告", "report")]),
     {("outcomes", 2024): 2}, 1),
]  # fmt: skip


@pytest.mark.parametrize(("sub_code", "zone", "expected", "gain"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hint_is_the_smallest_change_and_exact(sub_code, zone, expected, gain):
    hints = hints_for(sub_code, zone)
    assert len(hints) == 1, [h.text for h in hints]
    hint = hints[0]
    assert targets(hint) == {key: D(value) for key, value in expected.items()}
    assert hint.gain == gain and hint.points_after == hint.current_points + gain
    assert all(c.delta == c.target - c.current for c in hint.changes)
    assert hint_problems(zone, hint) == []


def test_every_quantitative_rule_type_is_covered():
    rule_types = {s.code: s.rule_type for i in SPEC.items() for s in i.scoring_items}
    assert {rule_types[c[1]] for c in CASES} == QUANTITATIVE


def test_raising_a_year_keeps_the_next_year_scoring():
    """Raising 2023's total lowers 2024's growth: the hint raises 2024 just enough to keep its point."""
    zone = facts(
        values={"online_retail_sales": {2022: "100", 2023: "105", 2024: "115.5"}},  # +5%, +10%
        benchmarks={"online_retail_growth": {2023: "7", 2024: "9.5"}},
    )
    hint = only_hint("1", zone)
    assert hint.year == 2023
    assert targets(hint) == {("online_retail_sales", 2023): D("107.01"), ("online_retail_sales", 2024): D("117.18")}
    assert "同时2024年 网上零售额再增加 1.68 亿元（至 117.18 亿元），以保持2024年得分" in hint.text
    assert hint_problems(zone, hint) == []


def test_one_hint_per_failing_year_each_worth_points_per_year():
    zone = facts(
        values={"online_retail_sales": {2022: "100", 2023: "105", 2024: "110.25"}},  # +5%, +5%
        benchmarks={"online_retail_growth": {2023: "7", 2024: "7"}},
    )
    hints = hints_for("1", zone)
    assert [(h.year, h.gain, h.current_points, h.points_after) for h in hints] == [(2023, 1, 0, 1), (2024, 1, 0, 1)]
    for hint in hints:
        assert hint_problems(zone, hint) == []


def test_yearly_gain_is_capped_at_the_sub_points():
    spec = set_params("1", points_per_year=1.5)
    zone = facts(
        values={"online_retail_sales": {2022: "100", 2023: "120", 2024: "126"}},  # +20%, +5%
        benchmarks={"online_retail_growth": {2023: "7", 2024: "7"}},
    )
    hint = only_hint("1", zone, spec)
    assert (hint.current_points, hint.gain, hint.points_after) == (D("1.5"), D("0.5"), 2)
    assert hint_problems(zone, hint, spec) == []


@pytest.mark.parametrize(
    ("published", "values", "expected"),
    [
        ({"online_retail_sales": {2023: "6", 2024: "8"}}, {}, ("published_growth", D("7"))),
        ({}, {"online_retail_sales": {2022: "100", 2023: "106", 2024: "120"}}, ("value", D("107"))),
    ],
    ids=["published_rate", "raw_totals"],
)
def test_inclusive_growth_reaches_the_bound_itself(published, values, expected):
    spec = set_params("1", op=">=")
    zone = facts(values=values, published=published, benchmarks={"online_retail_growth": {2023: "7", 2024: "7"}})
    hint = only_hint("1", zone, spec)
    assert (hint.changes[0].source, hint.changes[0].target) == expected
    assert "达到全国 7.00%" in hint.text
    assert hint_problems(zone, hint, spec) == []


def test_published_growth_hint_names_the_rate():
    zone = facts(
        published={"online_retail_sales": {2023: "6", 2024: "8"}},
        benchmarks={"online_retail_growth": {2023: "7", 2024: "7"}},
    )
    hint = only_hint("1", zone)
    assert hint.text == (
        "2023年 网上零售额同比增速 6.00%（官方公布），再提高 1.01 个百分点（至 7.01%）超过全国 7.00% 可得 1 分"
    )
    assert hint.changes[0] == ReachChange(
        "online_retail_sales", "网上零售额同比增速（官方公布）", 2023, D(6), D("7.01"), D("1.01"), "%", D("0.01"),
        "published_growth",
    )  # fmt: skip


def test_threshold_texts_say_exceed_or_reach():
    strict = only_hint("17.1", facts(values={"clue_verification_rate": {2024: "95"}}))
    assert strict.text == (
        "2024年 涉网违法案件线索举报按时核查率 95.00%，再提高 0.01 个百分点（至 95.01%）超过 95% 可得 1 分"
    )
    both = only_hint(
        "38.2", facts(values={"training_coverage_rate": {2024: "99.9"}, "training_hours_per_person": {2024: "49.9"}})
    )
    assert both.text == (
        "2024年 网络交易监管人员业务培训覆盖率 99.90%，再提高 0.1 个百分点（至 100%）达到 100%；"
        "人均年培训学时 49.9学时，再增加 0.1 学时（至 50 学时）达到 50学时 可得 1 分"
    )


def test_qualifying_count_text_and_a_band_two_operators_away():
    zone = facts(operators=[op("示例一", CODE_A, 2024, "20000")])
    hint = only_hint("4", zone)
    assert hint.text == (
        "2023—2024年符合条件的网络交易经营者 1 家，再新增 1 家年电子商务销售额达到 2亿元 的网络交易经营者可得 1 分"
    )
    spec = set_params("4", bands=[{"min": 1, "points": 1}, {"min": 3, "points": 2}])
    far = only_hint("4", zone, spec)
    assert (far.changes[0].delta, far.gain) == (2, 1)
    assert "再新增 2 家" in far.text
    assert hint_problems(zone, far, spec) == []


def test_qualifying_count_strict_operator():
    spec = set_params("4", op=">")
    zone = facts(operators=[op("示例一", CODE_A, 2024, "20000")])  # exactly 2亿元 does not exceed it
    hint = only_hint("4", zone, spec)
    assert hint.current_points == 0 and targets(hint) == {("operators", 2024): 1}
    assert "年电子商务销售额超过 2亿元" in hint.text
    assert hint_problems(zone, hint, spec) == []


def test_capped_count_text_and_half_points():
    hint = only_hint("34", facts(outcomes=[outcome("示例", "normative")]))
    assert hint.text == "已形成成果 1 项，再形成 1 项法规、规章、规范性文件或标准可得 1 分"
    spec = set_params("34", points_each=0.5)
    zone = facts(outcomes=[outcome(f"示例{i}", "standard") for i in range(3)])
    half = only_hint("34", zone, spec)
    assert (half.current_points, half.gain) == (D("1.5"), D("0.5"))
    assert hint_problems(zone, half, spec) == []


# ---------------------------------------------------------------- what gives no hint
def test_full_marks_and_judged_rules_give_no_hints():
    zone = facts(
        values={"clue_verification_rate": {2024: "99"}},
        operators=[op("示例一", CODE_A, 2024, "30000"), op("示例二", CODE_B, 2023, "30000")],
        judgements={"12.1": judged(0), "28": judged(options=[])},
    )
    codes = {h.sub_code for h in points_within_reach(SPEC, zone)}
    assert "17.1" not in codes and "4" not in codes
    judged_codes = {s.code for i in SPEC.items() for s in i.scoring_items if s.rule_type not in QUANTITATIVE}
    assert not codes & judged_codes


def test_unreachable_percent_gives_no_hint():
    def change(data):
        node(data, "17")["scoring_items"][0]["params"]["conditions"][0]["bound"] = 100

    spec = modified_spec(change)
    assert hints_for("17.1", facts(values={"clue_verification_rate": {2024: "99"}}), spec) == []


# ---------------------------------------------------------------- missing data: a hint that says what to fill in
def test_missing_data_hint_names_the_figures_and_the_most_it_could_earn():
    zone = facts(values={"market_entities": {2024: "1000"}})
    hint = only_hint("3", zone)
    assert hint.missing == ("2024年 网络交易经营者数量",)
    assert (hint.changes, hint.gain, hint.exact) == ((), 2, False)
    assert hint.text == "补充填报 2024年 网络交易经营者数量 后最多可得 2 分"
    assert hint_problems(zone, hint) != []  # nothing numeric to check


def test_missing_data_per_year_and_per_condition():
    zone = facts(
        values={"online_retail_sales": {2023: "110", 2024: "121"}, "training_coverage_rate": {2024: "90"}},
        benchmarks={"online_retail_growth": {2023: "5", 2024: "12"}},
    )
    yearly = hints_for("1", zone)
    assert [(h.year, h.exact, h.gain) for h in yearly] == [(2023, False, 1), (2024, True, 1)]
    assert yearly[0].missing == ("2022年 网上零售额",)
    conditions = only_hint("38.2", zone)
    assert conditions.missing == ("2024年 人均年培训学时",) and conditions.gain == 1


def test_missing_benchmark_is_named_but_never_a_target():
    zone = facts(values={"mediation_success_rate": {2024: "60"}})
    hint = only_hint("25.2", zone)
    assert hint.missing == ("2024年 全国网络消费调解成功率",) and hint.changes == ()


def test_empty_zone_hints_sorted_by_gain_then_item_order():
    hints = points_within_reach(SPEC, facts())
    order = {item.code: index for index, item in enumerate(SPEC.items())}
    keys = [(-h.gain, order[h.item_code]) for h in hints]
    assert keys == sorted(keys)
    assert hints[0].item_code == "3" and hints[0].gain == 2
    numeric = [h for h in hints if h.exact]
    assert {h.sub_code for h in numeric} == {"4", "34"}


# ---------------------------------------------------------------- the exact check itself
def test_exact_check_catches_a_target_too_high_or_too_low():
    zone = facts(values={"clue_verification_rate": {2024: "95"}})
    hint = only_hint("17.1", zone)
    change = hint.changes[0]
    too_high = dataclasses.replace(hint, changes=(dataclasses.replace(change, target=change.target + change.step),))
    too_low = dataclasses.replace(hint, changes=(dataclasses.replace(change, target=change.target - change.step),))
    assert any("still earns" in p for p in hint_problems(zone, too_high))
    assert any("the changes earn 0" in p for p in hint_problems(zone, too_low))


@pytest.mark.skipif(
    "disputed" not in {f.name for f in dataclasses.fields(ZoneFacts)}, reason="ZoneFacts has no 存疑 (disputed) yet"
)
def test_disputed_sub_criteria_give_no_hints():
    zone = facts(values={"clue_verification_rate": {2024: "90"}, "identity_claim_rate": {2024: "90"}})
    disputed = dataclasses.replace(zone, disputed={"17.1": "数据来源不明"})
    assert {h.sub_code for h in points_within_reach(SPEC, zone)} >= {"17.1", "11.2"}
    codes = {h.sub_code for h in points_within_reach(SPEC, disputed)}
    assert "17.1" not in codes and "11.2" in codes
