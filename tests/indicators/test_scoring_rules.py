"""The pure scoring engine: the quantitative rule types at their edges.

No database: the SystemSpec is built from indicators/standards/national-2024.json
and each test hands the engine a small ZoneFacts. Rule types are checked at their
edges (wording is law: 超过/大于/高于 strict, 达到/不低于/以上 inclusive, ratio
bands 均含本数 with the higher band winning on a shared bound), together with the
Chinese explanation and the ``missing`` list a person would read.
"""

import dataclasses

import pytest

from indicators.scoring.engine import score_sub
from tests.indicators.scoring_helpers import (
    CODE_A,
    CODE_B,
    CODE_C,
    METRICS,
    SPEC,
    SUBS,
    D,
    facts,
    item,
    judged,
    op,
    outcome,
    sub,
)


def test_national_spec_shape():
    assert SPEC.code == "CN-2024"
    assert len(SPEC.items()) == 41
    assert [d.max_points for d in SPEC.dimensions] == [20, 25, 20, 20, 15]


# ---------------------------------------------------------------- ratio bands (3, 7, 8, 9)
@pytest.mark.parametrize(
    ("operators", "entities", "points", "text"),
    [
        ("799", "10000", 0, "为 7.99%，低于 8%，不得分"),
        ("8", "100", 1, "为 8.00%，在 8%–15% 区间（均含本数），得1分"),
        ("1499", "10000", 1, "为 14.99%，在 8%–15% 区间（均含本数），得1分"),
        ("15", "100", 2, "为 15.00%，在 15%及以上 区间（均含本数），得2分"),  # shared bound → higher band
        ("30", "100", 2, "为 30.00%，在 15%及以上 区间（均含本数），得2分"),
    ],
)
def test_item3_ratio_bands_edges(operators, entities, points, text):
    zone = facts(values={"online_operators": {2024: operators}, "market_entities": {2024: entities}})
    result = item("3", zone)
    assert result.points == points
    assert result.explanation.startswith("2024年 网络交易经营者数量占市场主体比重 ")
    assert text in result.explanation
    assert result.missing == ()


def test_explanation_never_rounds_a_value_onto_the_bound_it_missed():
    """14.995% scores in the 8%–15% band; showing "15.00%" would contradict the verdict."""
    zone = facts(values={"online_operators": {2024: "14995"}, "market_entities": {2024: "100000"}})
    result = item("3", zone)
    assert result.points == 1
    assert "为 14.9950%" in result.explanation and "15.00%" not in result.explanation
    exact = sub("17.1", facts(values={"clue_verification_rate": {2024: "94.999"}}))
    assert exact.points == 0 and "94.9990% 未超过 95%" in exact.explanation


def test_item3_uses_the_latest_reference_year_only():
    zone = facts(
        values={
            "online_operators": {2023: "20", 2024: "5"},
            "market_entities": {2023: "100", 2024: "100"},
        }
    )
    assert item("3", zone).points == 0


@pytest.mark.parametrize(
    ("code", "numerator", "denominator", "value", "points"),
    [
        ("7", "online_employment", "total_employment", "2.99", 0),
        ("7", "online_employment", "total_employment", "3", 1),
        ("7", "online_employment", "total_employment", "4.99", 1),
        ("7", "online_employment", "total_employment", "5", 2),
        ("8", "ecommerce_tax", "total_tax", "2.99", 0),
        ("8", "ecommerce_tax", "total_tax", "3", 1),
        ("8", "ecommerce_tax", "total_tax", "4.99", 1),
        ("8", "ecommerce_tax", "total_tax", "5", 2),
        ("9", "operators_over_2y", "online_operators", "29.99", 0),
        ("9", "operators_over_2y", "online_operators", "30", 1),
        ("9", "operators_over_2y", "online_operators", "49.99", 1),
        ("9", "operators_over_2y", "online_operators", "50", 2),
    ],
)
def test_items_7_8_9_ratio_bands_at_their_bounds(code, numerator, denominator, value, points):
    # value is a percentage: numerator = value × 100, denominator = 10000
    zone = facts(values={numerator: {2024: D(value) * 100}, denominator: {2024: "10000"}})
    result = item(code, zone)
    assert result.points == points, result.explanation
    assert f"为 {D(value).quantize(D('0.01'))}%" in result.explanation


def test_ratio_bands_zero_denominator_scores_zero_and_says_why():
    zone = facts(values={"online_operators": {2024: "10"}, "market_entities": {2024: "0"}})
    result = item("3", zone)
    assert result.points == 0
    assert result.missing == ("2024年 市场主体数量（为0，无法计算比值）",)
    assert "得0分" in result.explanation


def test_ratio_bands_missing_numerator_names_metric_and_year():
    zone = facts(values={"market_entities": {2024: "1000"}, "online_operators": {2023: "200"}})
    result = item("3", zone)
    assert result.points == 0
    assert result.missing == ("2024年 网络交易经营者数量",)
    assert result.explanation == "2024年 缺少数据：2024年 网络交易经营者数量，得0分。"


# ---------------------------------------------------------------- yearly vs benchmark (1, 5, 6)
def test_item1_growth_equal_to_national_scores_nothing_above_scores_one():
    zone = facts(
        values={"online_retail_sales": {2022: "100", 2023: "110", 2024: "121"}},  # +10%, +10%
        benchmarks={"online_retail_growth": {2023: "10", 2024: "9"}},
    )
    result = item("1", zone)
    assert result.points == 1
    assert (
        "2023年 本地网上零售额同比增速 10.00%（按当年与上年总量计算） 未超过全国 10.00%，不得分" in result.explanation
    )
    assert "2024年 本地网上零售额同比增速 10.00%（按当年与上年总量计算） 超过全国 9.00%，得1分" in result.explanation
    assert result.explanation.endswith("合计1分。")
    assert result.missing == ()


def test_item1_both_years_above_scores_two():
    zone = facts(
        values={"online_retail_sales": {2022: "100", 2023: "112", 2024: "123.2"}},  # +12%, +10%
        benchmarks={"online_retail_growth": {2023: "11", 2024: "7.2"}},
    )
    result = item("1", zone)
    assert result.points == 2
    assert result.explanation.endswith("合计2分。")


def test_item1_one_year_missing_data_other_year_still_scored():
    zone = facts(
        values={"online_retail_sales": {2023: "110", 2024: "121"}},  # no 2022 → no 2023 growth
        benchmarks={"online_retail_growth": {2023: "5", 2024: "9"}},
    )
    result = item("1", zone)
    assert result.points == 1
    assert result.missing == ("2022年 网上零售额",)
    assert "2023年 缺少数据：2022年 网上零售额，不得分" in result.explanation
    assert "2024年 本地网上零售额同比增速 10.00%" in result.explanation


def test_item1_missing_benchmark_is_named():
    zone = facts(
        values={"online_retail_sales": {2022: "100", 2023: "120", 2024: "150"}},
        benchmarks={"online_retail_growth": {2023: "11"}},
    )
    result = item("1", zone)
    assert result.points == 1
    assert result.missing == ("2024年 全国网上零售额同比增速",)
    assert "2024年 缺少数据：2024年 全国网上零售额同比增速，不得分" in result.explanation


def test_item1_benchmark_scope_is_shown():
    zone = facts(
        values={"online_retail_sales": {2022: "100", 2023: "120", 2024: "150"}},
        benchmarks={"online_retail_growth": {2023: "11", 2024: "30"}},
        scope="全省",
    )
    result = item("1", zone)
    assert "超过全省 11.00%，得1分" in result.explanation
    assert "未超过全省 30.00%，不得分" in result.explanation


def test_published_growth_wins_when_raw_totals_would_fail():
    zone = facts(
        values={"online_retail_sales": {2022: "100", 2023: "105", 2024: "110.25"}},  # raw +5%, +5%
        published={"online_retail_sales": {2023: "8", 2024: "8"}},
        benchmarks={"online_retail_growth": {2023: "7", 2024: "7"}},
    )
    result = item("1", zone)
    assert result.points == 2
    assert "同比增速 8.00%（采用官方公布的可比口径增速） 超过全国 7.00%" in result.explanation
    assert "官方公布" in result.explanation
    assert "按当年与上年总量计算" not in result.explanation


def test_published_growth_wins_when_raw_totals_would_pass():
    zone = facts(
        values={"online_retail_sales": {2022: "100", 2023: "120", 2024: "144"}},  # raw +20%, +20%
        published={"online_retail_sales": {2023: "6"}},
        benchmarks={"online_retail_growth": {2023: "7", 2024: "7"}},
    )
    result = item("1", zone)
    assert result.points == 1  # 2023 published 6% ≤ 7%; 2024 raw 20% > 7%
    assert (
        "2023年 本地网上零售额同比增速 6.00%（采用官方公布的可比口径增速） 未超过全国 7.00%，不得分"
    ) in result.explanation
    assert "2024年 本地网上零售额同比增速 20.00%（按当年与上年总量计算） 超过全国 7.00%，得1分" in result.explanation


def test_published_growth_needs_no_raw_totals():
    zone = facts(
        published={"online_retail_sales": {2023: "12", 2024: "8"}},
        benchmarks={"online_retail_growth": {2023: "11", 2024: "7.2"}},
    )
    result = item("1", zone)
    assert result.points == 2
    assert result.missing == ()


def test_growth_with_zero_previous_year_is_missing_not_a_crash():
    zone = facts(
        values={"online_retail_sales": {2022: "0", 2023: "10", 2024: "20"}},
        benchmarks={"online_retail_growth": {2023: "11", 2024: "7.2"}},
    )
    result = item("1", zone)
    assert result.points == 1
    assert result.missing == ("2022年 网上零售额（为0，无法计算增速）",)


def test_item6_share_of_retail_against_national_share():
    zone = facts(
        values={
            "online_retail_sales": {2023: "30", 2024: "27.6"},
            "social_retail_sales": {2023: "100", 2024: "100"},
        },
        benchmarks={"online_retail_share": {2023: "27.6", 2024: "27.6"}},
    )
    result = item("6", zone)
    assert result.points == 1
    assert "2023年 本地网上零售额占社会零售总额比重 30.00% 超过全国 27.60%，得1分" in result.explanation
    assert "2024年 本地网上零售额占社会零售总额比重 27.60% 未超过全国 27.60%，不得分" in result.explanation


def test_item6_missing_denominator_names_it():
    zone = facts(
        values={"online_retail_sales": {2023: "30", 2024: "30"}, "social_retail_sales": {2023: "100"}},
        benchmarks={"online_retail_share": {2023: "27.6", 2024: "26.8"}},
    )
    result = item("6", zone)
    assert result.points == 1
    assert result.missing == ("2024年 社会消费品零售总额",)


def test_item5_express_growth():
    zone = facts(
        values={"express_volume": {2022: "10000", 2023: "12000", 2024: "13200"}},  # +20%, +10%
        published={"express_volume": {2024: "22"}},
        benchmarks={"express_volume_growth": {2023: "19.4", 2024: "21.5"}},
    )
    result = item("5", zone)
    assert result.points == 2
    assert "2023年 本地快递业务量同比增速 20.00%（按当年与上年总量计算） 超过全国 19.40%，得1分" in result.explanation
    assert (
        "2024年 本地快递业务量同比增速 22.00%（采用官方公布的可比口径增速） 超过全国 21.50%，得1分"
    ) in result.explanation


def test_item5_express_growth_raw_below_national():
    zone = facts(
        values={"express_volume": {2022: "10000", 2023: "11940", 2024: "13200"}},  # +19.4%, +10.55%
        benchmarks={"express_volume_growth": {2023: "19.4", 2024: "21.5"}},
    )
    result = item("5", zone)
    assert result.points == 0
    assert "未超过全国 19.40%" in result.explanation
    assert result.explanation.endswith("合计0分。")


# ---------------------------------------------------------------- yearly vs own series (2)
def test_item2_online_growth_against_social_retail_growth():
    zone = facts(
        values={
            "online_retail_sales": {2022: "100", 2023: "110", 2024: "123.2"},  # +10%, +12%
            "social_retail_sales": {2022: "1000", 2023: "1100", 2024: "1155"},  # +10%, +5%
        }
    )
    result = item("2", zone)
    assert result.points == 1
    assert (
        "2023年 网上零售额同比增速 10.00%（按当年与上年总量计算） "
        "未超过社会消费品零售总额同比增速 10.00%（按当年与上年总量计算），不得分"
    ) in result.explanation
    assert (
        "2024年 网上零售额同比增速 12.00%（按当年与上年总量计算） 超过社会消费品零售总额同比增速 5.00%"
    ) in result.explanation


def test_item2_published_social_growth_and_missing_year():
    zone = facts(
        values={"online_retail_sales": {2023: "110", 2024: "123.2"}},  # no 2022 → 2023 missing
        published={"social_retail_sales": {2023: "3", 2024: "4"}},
    )
    result = item("2", zone)
    assert result.points == 1
    assert result.missing == ("2022年 网上零售额",)
    assert "社会消费品零售总额同比增速 4.00%（采用官方公布的可比口径增速），得1分" in result.explanation


def test_item2_both_years_scores_two():
    zone = facts(
        published={"online_retail_sales": {2023: "12", 2024: "8"}, "social_retail_sales": {2023: "7.2", 2024: "3.5"}}
    )
    assert item("2", zone).points == 2


# ---------------------------------------------------------------- threshold
@pytest.mark.parametrize(("rate", "points"), [("95", 0), ("95.01", 1), ("100", 1), ("80", 0)])
def test_17_1_greater_than_95_is_strict(rate, points):
    result = sub("17.1", facts(values={"clue_verification_rate": {2024: rate}}))
    assert result.points == points
    verb = "超过" if points else "未超过"
    assert result.explanation == (
        f"2024年 涉网违法案件线索举报按时核查率 {D(rate).quantize(D('0.01'))}% {verb} 95%，"
        f"{'得1分' if points else '不得分'}。"
    )


@pytest.mark.parametrize(
    ("timely", "completion", "points"),
    [("95", "95", 1), ("90", "95", 0), ("95", "90", 0), ("90.01", "90.01", 1)],
)
def test_17_2_both_conditions_must_pass(timely, completion, points):
    zone = facts(
        values={"assigned_clue_timely_rate": {2024: timely}, "assigned_clue_completion_rate": {2024: completion}}
    )
    result = sub("17.2", zone)
    assert result.points == points
    assert "交办督办涉网案件线索处置及时率" in result.explanation
    assert "交办督办涉网案件线索完成率" in result.explanation


def test_17_2_one_at_90_says_which_failed():
    zone = facts(values={"assigned_clue_timely_rate": {2024: "90"}, "assigned_clue_completion_rate": {2024: "99"}})
    result = sub("17.2", zone)
    assert result.explanation == (
        "2024年 交办督办涉网案件线索处置及时率 90.00% 未超过 90%；交办督办涉网案件线索完成率 99.00% 超过 90%，不得分。"
    )


@pytest.mark.parametrize(("users", "staff", "points"), [("50", "100", 0), ("51", "100", 1), ("49", "100", 0)])
def test_11_1_platform_users_over_half_of_staff(users, staff, points):
    result = sub("11.1", facts(values={"platform_users": {2024: users}, "regulatory_staff": {2024: staff}}))
    assert result.points == points
    assert "国家网络交易监管平台用户数占在编监管人员数比例" in result.explanation
    assert ("超过 50%" if points else "未超过 50%") in result.explanation


def test_11_1_zero_staff_is_missing():
    result = sub("11.1", facts(values={"platform_users": {2024: "5"}, "regulatory_staff": {2024: "0"}}))
    assert result.points == 0
    assert result.missing == ("2024年 在编监管人员数（为0，无法计算比值）",)


@pytest.mark.parametrize(("rate", "points"), [("100", 1), ("99.99", 0)])
def test_11_2_reaching_100_percent_is_inclusive(rate, points):
    result = sub("11.2", facts(values={"identity_claim_rate": {2024: rate}}))
    assert result.points == points
    assert ("达到 100%" if points else "未达到 100%") in result.explanation


@pytest.mark.parametrize(
    ("coverage", "hours", "points", "text"),
    [
        ("100", "50", 1, "业务培训覆盖率 100.00% 达到 100%；人均年培训学时 50学时 达到 50学时，得1分。"),
        ("100", "49.9", 0, "人均年培训学时 49.9学时 未达到 50学时，不得分。"),
        ("99.9", "60", 0, "业务培训覆盖率 99.90% 未达到 100%"),
    ],
)
def test_38_2_coverage_and_hours(coverage, hours, points, text):
    zone = facts(values={"training_coverage_rate": {2024: coverage}, "training_hours_per_person": {2024: hours}})
    result = sub("38.2", zone)
    assert result.points == points
    assert text in result.explanation


def test_threshold_missing_one_figure_scores_zero_and_names_it():
    result = sub("38.2", facts(values={"training_coverage_rate": {2024: "100"}}))
    assert result.points == 0
    assert result.missing == ("2024年 人均年培训学时",)
    assert result.explanation == "2024年 缺少数据：2024年 人均年培训学时，得0分。"


def test_threshold_reads_latest_year_only():
    result = sub("17.1", facts(values={"clue_verification_rate": {2023: "99"}}))
    assert result.points == 0
    assert result.missing == ("2024年 涉网违法案件线索举报按时核查率",)


def test_item_with_several_subs_names_each_sub():
    zone = facts(
        values={"platform_users": {2024: "60"}, "regulatory_staff": {2024: "100"}, "identity_claim_rate": {2024: "98"}},
        judgements={"11.3": judged(1)},
    )
    result = item("11", zone)
    assert result.points == 2
    assert [s.points for s in result.subs] == [1, 0, 1]
    assert result.explanation.startswith("（11.1）2024年 ")
    assert "（11.2）2024年 主体身份信息认领处置率 98.00% 未达到 100%，不得分。" in result.explanation
    assert "（11.3）评审认定符合，得1分。" in result.explanation


# ---------------------------------------------------------------- vs benchmark (25.2, 25.3, 26.1)
@pytest.mark.parametrize(
    ("code", "metric", "zone_value", "bench", "points"),
    [
        ("25.2", "mediation_success_rate", "65.3", "65.3", 0),
        ("25.2", "mediation_success_rate", "65.31", "65.3", 1),
        ("25.3", "consumer_satisfaction", "80", "80", 0),
        ("25.3", "consumer_satisfaction", "80.5", "80", 1),
    ],
)
def test_vs_benchmark_equal_scores_nothing(code, metric, zone_value, bench, points):
    result = sub(code, facts(values={metric: {2024: zone_value}}, benchmarks={metric: {2024: bench}}))
    assert result.points == points
    verb = "超过" if points else "未超过"
    assert f"{D(zone_value).quantize(D('0.01'))}% {verb}全国 {D(bench).quantize(D('0.01'))}%" in result.explanation


@pytest.mark.parametrize(
    ("closure", "settlement", "points"),
    [("96", "60", 1), ("95", "60", 0), ("96", "58", 0), ("95", "58", 0)],
)
def test_26_1_needs_both_rates_above_national(closure, settlement, points):
    zone = facts(
        values={"odr_closure_rate": {2024: closure}, "odr_settlement_rate": {2024: settlement}},
        benchmarks={"odr_closure_rate": {2024: "95"}, "odr_settlement_rate": {2024: "58"}},
    )
    result = sub("26.1", zone)
    assert result.points == points
    assert "ODR单位按时办结率" in result.explanation and "ODR单位和解成功率" in result.explanation


def test_vs_benchmark_missing_benchmark_is_named():
    zone = facts(
        values={"odr_closure_rate": {2024: "99"}, "odr_settlement_rate": {2024: "99"}},
        benchmarks={"odr_settlement_rate": {2024: "58"}},
    )
    result = sub("26.1", zone)
    assert result.points == 0
    assert result.missing == ("2024年 全国ODR单位按时办结率",)


def test_vs_benchmark_uses_provincial_scope_wording():
    zone = facts(
        values={"mediation_success_rate": {2024: "70"}},
        benchmarks={"mediation_success_rate": {2024: "60"}},
        scope="全省",
    )
    assert "网络消费调解成功率 70.00% 超过全省 60.00%，得1分。" in sub("25.2", zone).explanation


# ---------------------------------------------------------------- qualifying count (4)
@pytest.mark.parametrize(
    ("region", "sales", "points"),
    [
        ("east", "20000", 1),
        ("east", "19999.99", 0),
        ("central", "10000", 1),
        ("central", "9999.99", 0),
        ("west", "5000", 1),
        ("west", "4999.99", 0),
    ],
)
def test_item4_regional_threshold_is_inclusive(region, sales, points):
    zone = facts(region=region, operators=[op("三明示例电子商务有限公司", CODE_A, 2024, sales)])
    result = item("4", zone)
    assert result.points == points
    assert f"符合条件的网络交易经营者 {points} 家" in result.explanation


def test_item4_explanation_names_region_rule_and_operators():
    zone = facts(operators=[op("三明示例电子商务有限公司", CODE_A, 2024, "20000")])
    result = item("4", zone)
    assert result.explanation == (
        "东部地区标准：年度电子商务销售额达到2亿元（2023—2024年）；"
        "符合条件的网络交易经营者 1 家：三明示例电子商务有限公司（2024年 2亿元），得1分。"
    )
    assert "中部地区标准：年度电子商务销售额达到1亿元" in item("4", facts(region="central")).explanation
    assert "西部地区标准：年度电子商务销售额达到5000万元" in item("4", facts(region="west")).explanation


@pytest.mark.parametrize(("count", "points"), [(1, 1), (2, 2), (3, 2)])
def test_item4_one_operator_one_point_two_or_more_two(count, points):
    codes = [CODE_A, CODE_B, CODE_C]
    zone = facts(operators=[op(f"示例经营者{i}", codes[i], 2024, "30000") for i in range(count)])
    assert item("4", zone).points == points


def test_item4_same_credit_code_in_both_years_counts_once():
    zone = facts(
        operators=[
            op("三明示例电子商务有限公司", CODE_A, 2023, "25000"),
            op("三明示例电子商务有限公司", CODE_A, 2024, "32000"),
        ]
    )
    result = item("4", zone)
    assert result.points == 1
    assert "符合条件的网络交易经营者 1 家" in result.explanation


def test_item4_entry_outside_reference_years_does_not_count():
    zone = facts(
        operators=[
            op("三明示例电子商务有限公司", CODE_A, 2022, "90000"),
            op("三明示例食品科技有限公司", CODE_B, 2025, "90000"),
            op("三明示例竹木制品有限公司", CODE_C, 2024, "20000"),
        ]
    )
    result = item("4", zone)
    assert result.points == 1
    assert "三明示例竹木制品有限公司" in result.explanation
    assert "三明示例电子商务有限公司" not in result.explanation


def test_item4_empty_list_is_missing():
    result = item("4", facts())
    assert result.points == 0
    assert result.missing == ("规模以上网络交易经营者名单（未填报）",)
    assert "未填报新增规模以上网络交易经营者，得0分" in result.explanation


def test_item4_list_with_nobody_qualifying_is_not_missing():
    result = item("4", facts(operators=[op("三明示例电子商务有限公司", CODE_A, 2024, "100")]))
    assert result.points == 0
    assert result.missing == ()
    assert "符合条件的网络交易经营者 0 家，得0分" in result.explanation


# ---------------------------------------------------------------- capped count (34)
@pytest.mark.parametrize(("count", "points"), [(1, 1), (2, 2), (5, 2)])
def test_item34_one_point_each_capped_at_two(count, points):
    kinds = ["law", "rule", "normative", "standard", "normative"]
    zone = facts(outcomes=[outcome(f"示例成果{i}", kinds[i]) for i in range(count)])
    result = item("34", zone)
    assert result.points == points
    assert f"形成成果 {count} 项" in result.explanation
    assert f"每项1分，最高2分，得{points}分" in result.explanation


def test_item34_explanation_lists_titles_and_kinds():
    zone = facts(outcomes=[outcome("三明市网络直播营销合规指引", "normative")])
    assert item("34", zone).explanation == (
        "形成成果 1 项：《三明市网络直播营销合规指引》（规范性文件）；每项1分，最高2分，得1分。"
    )


def test_item34_kinds_filter():
    only_standards = dataclasses.replace(SUBS["34"], params={**SUBS["34"].params, "kinds": ["standard"]})
    zone = facts(outcomes=[outcome("示例法规", "law"), outcome("示例标准", "standard")])
    result = score_sub(only_standards, zone, METRICS)
    assert result.points == 1
    assert "《示例标准》" in result.explanation and "示例法规" not in result.explanation
    # an unknown kind never counts in the national rule either
    assert item("34", facts(outcomes=[outcome("示例工作报告", "report")])).points == 0


def test_item34_empty_list_is_missing():
    result = item("34", facts())
    assert result.points == 0
    assert result.missing == ("制度化、标准化成果清单（未填报）",)
