"""The pure scoring engine: judged rules, roll-up, robustness, and a whole zone end to end.

No database: the SystemSpec is built from indicators/standards/national-2024.json
and each test hands the engine a small ZoneFacts. Rule types are checked at their
edges (wording is law: 超过/大于/高于 strict, 达到/不低于/以上 inclusive, ratio
bands 均含本数 with the higher band winning on a shared bound), together with the
Chinese explanation and the ``missing`` list a person would read.
"""

import dataclasses

import pytest

from indicators.scoring import rollup_errors, score
from indicators.scoring.engine import score_sub
from indicators.scoring.types import ScoringItemSpec, ZoneFacts
from tests.indicators.scoring_helpers import (
    CODE_A,
    CODE_B,
    CODE_C,
    CODE_D,
    METRICS,
    SPEC,
    SUBS,
    YEARS,
    D,
    facts,
    item,
    json,
    judged,
    modified_spec,
    node,
    op,
    outcome,
    sub,
)


# ---------------------------------------------------------------- any one qualifies (28–31)
@pytest.mark.parametrize("code", ["28", "29", "30", "31"])
def test_any_one_option_earns_full_points(code):
    result = item(code, facts(judgements={code: judged(options=[2], comment="示例意见")}))
    assert result.points == 3
    assert result.explanation == "符合第2项情形（符合一项即可），得3分。评审意见：示例意见"
    assert result.missing == ()


def test_any_one_no_option_met():
    result = item("28", facts(judgements={"28": judged(options=[])}))
    assert result.points == 0
    assert result.explanation == "评审认定不符合所列任一情形，不得分。"
    assert result.missing == ()


def test_any_one_without_judgement_is_pending():
    result = item("29", facts())
    assert result.points == 0
    assert result.missing == ("待评审",)
    assert "尚未评审" in result.explanation


def test_any_one_out_of_range_options_are_ignored():
    assert item("30", facts(judgements={"30": judged(options=[0, 4, 9])})).points == 0
    result = item("30", facts(judgements={"30": judged(options=[4, 1, 1])}))
    assert result.points == 3
    assert "符合第1项情形" in result.explanation and "第4项" not in result.explanation


# ---------------------------------------------------------------- checklist and expert
def test_checklist_full_points():
    result = sub("12.1", facts(judgements={"12.1": judged(1)}))
    assert result.points == 1
    assert result.explanation == "评审认定符合，得1分。"


def test_checklist_partial_points():
    result = sub("12.2", facts(judgements={"12.2": judged("0.5", comment="信用修复未全面开展")}))
    assert result.points == D("0.5")
    assert result.explanation == "评审认定部分符合，得0.5分。评审意见：信用修复未全面开展"


def test_checklist_zero_points():
    result = sub("12.3", facts(judgements={"12.3": judged(0)}))
    assert result.points == 0
    assert "评审认定不符合，得0分" in result.explanation
    assert result.missing == ()


def test_expert_above_max_is_clamped_with_a_note():
    result = item("10", facts(judgements={"10": judged(5)}))
    assert result.points == 2
    assert "评审认定符合，得2分" in result.explanation
    assert "（评审分超过分值，按2分计）" in result.explanation


def test_expert_partial():
    result = item("16", facts(judgements={"16": judged("1.5")}))
    assert result.points == D("1.5")
    assert "部分符合，得1.5分" in result.explanation


@pytest.mark.parametrize("judgement", [None, judged(None, comment="材料待补充")])
def test_judged_without_points_is_pending(judgement):
    zone = facts(judgements={"35": judgement} if judgement else {})
    result = item("35", zone)
    assert result.points == 0
    assert result.missing == ("待评审",)
    assert result.explanation == "尚未评审，暂计0分。"


# ---------------------------------------------------------------- roll-up
def test_rollup_sums_and_total_max():
    zone = facts(judgements={"12.1": judged(1), "12.2": judged("0.5"), "16": judged(3), "35": judged(2)})
    result = score(SPEC, zone)
    assert result.max == 100
    assert result.total == D("6.5")
    points = {d.code: d.points for d in result.dimensions}
    assert points == {"A": 0, "B": D("4.5"), "C": 0, "D": 0, "E": 2}
    b1, b2 = result.dimensions[1].children
    assert (b1.code, b1.points, b1.max) == ("B1", D("1.5"), 15)
    assert (b2.code, b2.points, b2.max) == ("B2", 3, 10)


def test_item_points_capped_at_item_max():
    def subs_worth_two_each(data):
        for s in node(data, "11")["scoring_items"]:
            s["points"] = 2  # 6 in all, the item is worth 3

    spec = modified_spec(subs_worth_two_each)
    zone = facts(
        values={
            "platform_users": {2024: "60"},
            "regulatory_staff": {2024: "100"},
            "identity_claim_rate": {2024: "100"},
        },
        judgements={"11.3": judged(2)},
    )
    result = score(spec, zone)
    item11 = next(i for i in result.items if i.code == "11")
    assert [s.points for s in item11.subs] == [2, 2, 2]
    assert item11.points == 3
    assert item11.explanation.endswith("合计超过分值，按3分计。")
    assert result.dimensions[1].children[0].points == 3


def test_level2_points_capped_at_level2_max():
    def a1_worth_one(data):
        node(data, "A1")["points"] = 1

    spec = modified_spec(a1_worth_one)
    zone = facts(
        published={"online_retail_sales": {2023: "12", 2024: "8"}, "social_retail_sales": {2023: "5", 2024: "4"}}
    )
    result = score(spec, zone)
    a1 = result.dimensions[0].children[0]
    assert sum(child.points for child in a1.children) == 2
    assert a1.points == 1


def test_rollup_errors_national_is_clean():
    assert rollup_errors(SPEC) == []


def test_rollup_errors_name_level_and_numbers():
    def item3_worth_three(data):
        node(data, "3")["points"] = 3

    errors = rollup_errors(modified_spec(item3_worth_three))
    assert errors == [
        "二级指标“发展规模”：三级指标合计 11 分，应为 10 分",
        "三级指标“3 网络交易经营者数量占市场主体比重”：评分项合计 2 分，应为 3 分",
    ]


def test_rollup_errors_first_level_total():
    def e_worth_sixteen(data):
        node(data, "E")["points"] = 16

    errors = rollup_errors(modified_spec(e_worth_sixteen))
    assert "一级指标“综合保障”：二级指标合计 15 分，应为 16 分" in errors
    assert "一级指标合计 101 分，应为 100 分" in errors


# ---------------------------------------------------------------- never crashes
def test_invalid_params_score_zero_with_explanation():
    broken = dataclasses.replace(SUBS["3"], params={"figure": SUBS["3"].params["figure"]})  # no bands
    zone = facts(values={"online_operators": {2024: "20"}, "market_entities": {2024: "100"}})
    result = score_sub(broken, zone, METRICS)
    assert result.points == 0
    assert result.max == 2
    assert result.explanation == "评分规则配置有误，得0分。"
    assert result.missing == ("评分规则",)


def test_unknown_rule_type_scores_zero():
    unknown = ScoringItemSpec("99", "示例", D(2), "magic", {})
    result = score_sub(unknown, facts(), METRICS)
    assert result.points == 0
    assert "评分规则配置有误" in result.explanation


def test_invalid_params_inside_a_whole_system_do_not_stop_scoring():
    def break_item_1(data):
        node(data, "1")["scoring_items"][0]["params"] = {"figure": {"kind": "nonsense"}}
        node(data, "2")["scoring_items"][0]["rule_type"] = "magic"

    zone = facts(judgements={"10": judged(2)})
    result = score(modified_spec(break_item_1), zone)
    assert result.total == 2
    items = {i.code: i for i in result.items}
    assert items["1"].points == 0 and "评分规则配置有误" in items["1"].explanation
    assert items["2"].points == 0 and items["2"].missing == ("评分规则",)


@pytest.mark.parametrize(
    ("code", "params"),
    [
        ("17.1", {"conditions": [{"figure": {"kind": "value", "metric": "clue_verification_rate"}, "op": [">"]}]}),
        ("34", {"list": "outcomes", "kinds": [{"kind": "law"}], "points_each": 1, "cap": 2}),
    ],
    ids=["op-as-list", "kinds-with-object"],
)
def test_unhashable_values_in_params_score_zero_instead_of_crashing(code, params):
    """BUG (engine, indicators/scoring/params.py): validate_params does ``op in OPS``
    (a dict lookup) and ``set(kinds)``, so rule data with an op written as a list or
    a kinds entry that is an object raises TypeError ("unhashable type") instead of
    the rule scoring 0 as 评分规则配置有误."""
    broken = dataclasses.replace(SUBS[code], params=params)
    zone = facts(values={"clue_verification_rate": {2024: "99"}}, outcomes=[outcome("示例法规", "law")])
    try:
        result = score_sub(broken, zone, METRICS)
    except TypeError as exc:
        pytest.fail(f"score_sub crashed on invalid params instead of scoring 0: {exc!r}")
    assert result.points == 0
    assert result.missing == ("评分规则",)


def test_empty_facts_score_zero_and_every_item_says_what_is_missing():
    result = score(SPEC, ZoneFacts(region_category="west", reference_years=YEARS))
    assert result.total == 0
    assert result.max == 100
    assert len(result.items) == 41
    assert all(i.points == 0 and i.missing for i in result.items)
    assert all(i.explanation for i in result.items)


# ---------------------------------------------------------------- to_dict
def test_to_dict_shape():
    data = score(SPEC, facts(judgements={"10": judged("1.5")})).to_dict()
    assert data["system"] == "CN-2024"
    assert data["total"] == 1.5 and data["max"] == 100
    assert isinstance(data["max"], int)
    assert len(data["dimensions"]) == 5 and len(data["items"]) == 41
    for dim in data["dimensions"]:
        assert {"code", "name", "points", "max", "children"} <= dim.keys()
        for child in dim["children"]:
            assert {"code", "name", "points", "max", "children"} <= child.keys()
            for leaf in child["children"]:
                assert {"code", "name", "points", "max"} <= leaf.keys()
    first = data["dimensions"][0]
    assert (first["code"], first["name"], first["points"], first["max"]) == ("A", "促进发展", 1.5, 20)
    for entry in data["items"]:
        assert {"code", "points", "max", "explanation", "missing"} <= entry.keys()
        assert isinstance(entry["missing"], list)
    item10 = next(i for i in data["items"] if i["code"] == "10")
    assert (item10["points"], item10["max"]) == (1.5, 2)
    json.dumps(data, ensure_ascii=False)  # plain JSON all the way down


# ---------------------------------------------------------------- a whole zone, end to end
# A 中部 zone, reference years 2023–2024. Hand computation (item → points, why):
#
#  A 促进发展 14.5 = A1 9 + A2 5.5
#   1  1   online growth 2023 440/400 = 10% ≤ 11% → 0; 2024 473/440 = 7.5% > 7.2% → 1
#   2  2   online 10% > social 1680/1600 = 5% → 1; 7.5% > 1747.2/1680 = 4% → 1
#   3  2   9000 / 60000 = 15% exactly → shared bound, higher band → 2
#   4  2   central ≥ 1亿元: A (2023 12000 + 2024 15000, once) + B 2024 10000 exactly = 2;
#          C 2022 30000 (outside years) and D 9999.99 don't count → 2
#   5  2   2023 raw 12000/10000 = 20% > 19.4 → 1; 2024 published 22% > 21.5 → 1
#          (raw 13200/12000 = 10% would fail)
#   6  1   2023 440/1680 = 26.19% ≤ 27.6 → 0; 2024 473/1747.2 = 27.07% > 26.8 → 1
#   7  1   49900 / 1000000 = 4.99% in 3%–5% → 1
#   8  0   299 / 10000 = 2.99% < 3% → 0
#   9  2   4500 / 9000 = 50% exactly → 2
#   10 1.5 expert, partial
#  B 规范监管 18.5 = B1 11.5 + B2 7
#   11 2   11.1 60/120 = 50% not > 50% → 0; 11.2 100% → 1; 11.3 → 1
#   12 2.5 1 + 1 + 0.5
#   13 2   1 + 1 + 13.3 pending (missing 待评审)
#   14 3   1 + 1 + 1
#   15 2   1 + 0 + 1
#   16 2   expert 2 of 3
#   17 2   17.1 95.01 > 95 → 1; 17.2 96 and 90 (not > 90) → 0; 17.3 → 1
#   18 2   18.1 100 and 96 > 95 → 1; 18.2 → 1
#   19 1   19.1 92 > 90 → 1; 19.2 completion rate missing → 0
#  C 优化服务 15.5 = C1 8.5 + C2 7
#   20 3   1 + 1 + 1
#   21 1.5 1 + 0.5
#   22 2   1 + 1 + 0
#   23 2   1 + 23.2 pending + 1
#   24 2   1 + 1
#   25 1   25.1 98 and 95 (not > 95) → 0; 25.2 70 > 65.3 → 1; 25.3 80 = 80 → 0
#   26 2   26.1 96 > 95 and 60 > 58 → 1; 26.2 → 1
#   27 2   1 + 1
#  D 探索创新 12 = D1 6 + D2 6
#   28 3   option [1]
#   29 0   options [] → none met
#   30 0   no judgement → pending
#   31 3   options [2, 3]
#   32 3   expert 4 → clamped to 3
#   33 2   33.1 2 + 33.2 0
#   34 1   one normative document (a report of unknown kind does not count)
#  E 综合保障 11 = E1 7 + E2 4
#   35 2   expert 2
#   36 3   1 + 1 + 1
#   37 2   1 + 1
#   38 1   38.1 1; 38.2 coverage 100% but 48 < 50学时 → 0
#   39 1   1 + 0
#   40 2   1 + 1
#   41 0   both pending
#  Total 14.5 + 18.5 + 15.5 + 12 + 11 = 71.5
EXPECTED_ITEMS = {
    "1": 1,
    "2": 2,
    "3": 2,
    "4": 2,
    "5": 2,
    "6": 1,
    "7": 1,
    "8": 0,
    "9": 2,
    "10": "1.5",
    "11": 2,
    "12": "2.5",
    "13": 2,
    "14": 3,
    "15": 2,
    "16": 2,
    "17": 2,
    "18": 2,
    "19": 1,
    "20": 3,
    "21": "1.5",
    "22": 2,
    "23": 2,
    "24": 2,
    "25": 1,
    "26": 2,
    "27": 2,
    "28": 3,
    "29": 0,
    "30": 0,
    "31": 3,
    "32": 3,
    "33": 2,
    "34": 1,
    "35": 2,
    "36": 3,
    "37": 2,
    "38": 1,
    "39": 1,
    "40": 2,
    "41": 0,
}


def full_zone() -> ZoneFacts:
    points = {
        "10": "1.5",
        "11.3": 1,
        "12.1": 1,
        "12.2": 1,
        "12.3": "0.5",
        "13.1": 1,
        "13.2": 1,
        "14.1": 1,
        "14.2": 1,
        "14.3": 1,
        "15.1": 1,
        "15.2": 0,
        "15.3": 1,
        "16": 2,
        "17.3": 1,
        "18.2": 1,
        "20.1": 1,
        "20.2": 1,
        "20.3": 1,
        "21.1": 1,
        "21.2": "0.5",
        "22.1": 1,
        "22.2": 1,
        "22.3": 0,
        "23.1": 1,
        "23.3": 1,
        "24.1": 1,
        "24.2": 1,
        "26.2": 1,
        "27.1": 1,
        "27.2": 1,
        "32": 4,
        "33.1": 2,
        "33.2": 0,
        "35": 2,
        "36.1": 1,
        "36.2": 1,
        "36.3": 1,
        "37.1": 1,
        "37.2": 1,
        "38.1": 1,
        "39.1": 1,
        "39.2": 0,
        "40.1": 1,
        "40.2": 1,
    }
    judgements = {code: judged(p) for code, p in points.items()}
    judgements.update({"28": judged(options=[1]), "29": judged(options=[]), "31": judged(options=[2, 3])})
    return facts(
        region="central",
        values={
            "online_retail_sales": {2022: "400", 2023: "440", 2024: "473"},
            "social_retail_sales": {2022: "1600", 2023: "1680", 2024: "1747.2"},
            "express_volume": {2022: "10000", 2023: "12000", 2024: "13200"},
            "online_operators": {2023: "8000", 2024: "9000"},
            "market_entities": {2023: "58000", 2024: "60000"},
            "online_employment": {2024: "49900"},
            "total_employment": {2024: "1000000"},
            "ecommerce_tax": {2024: "299"},
            "total_tax": {2024: "10000"},
            "operators_over_2y": {2024: "4500"},
            "platform_users": {2024: "60"},
            "regulatory_staff": {2024: "120"},
            "identity_claim_rate": {2024: "100"},
            "clue_verification_rate": {2024: "95.01"},
            "assigned_clue_timely_rate": {2024: "96"},
            "assigned_clue_completion_rate": {2024: "90"},
            "case_upheld_rate": {2024: "100"},
            "case_win_rate": {2024: "96"},
            "monitoring_timely_rate": {2024: "92"},
            "complaint_initial_check_rate": {2024: "98"},
            "complaint_closure_rate": {2024: "95"},
            "mediation_success_rate": {2024: "70"},
            "consumer_satisfaction": {2024: "80"},
            "odr_closure_rate": {2024: "96"},
            "odr_settlement_rate": {2024: "60"},
            "training_coverage_rate": {2024: "100"},
            "training_hours_per_person": {2024: "48"},
        },
        published={"express_volume": {2024: "22"}},
        benchmarks={
            "online_retail_growth": {2023: "11", 2024: "7.2"},
            "express_volume_growth": {2023: "19.4", 2024: "21.5"},
            "online_retail_share": {2023: "27.6", 2024: "26.8"},
            "mediation_success_rate": {2024: "65.3"},
            "consumer_satisfaction": {2024: "80"},
            "odr_closure_rate": {2024: "95"},
            "odr_settlement_rate": {2024: "58"},
        },
        operators=[
            op("三明示例电子商务有限公司", CODE_A, 2023, "12000"),
            op("三明示例电子商务有限公司", CODE_A, 2024, "15000"),
            op("三明示例食品科技有限公司", CODE_B, 2024, "10000"),
            op("三明示例竹木制品有限公司", CODE_C, 2022, "30000"),
            op("三明示例茶业有限公司", CODE_D, 2024, "9999.99"),
        ],
        outcomes=[outcome("示例市网络交易合规指引", "normative"), outcome("示例工作总结", "report")],
        judgements=judgements,
    )


def test_whole_zone_matches_hand_computation():
    result = score(SPEC, full_zone())
    assert {i.code: i.points for i in result.items} == {code: D(p) for code, p in EXPECTED_ITEMS.items()}
    assert {d.code: d.points for d in result.dimensions} == {
        "A": D("14.5"),
        "B": D("18.5"),
        "C": D("15.5"),
        "D": 12,
        "E": 11,
    }
    level2 = {c.code: c.points for d in result.dimensions for c in d.children}
    assert level2 == {
        "A1": 9,
        "A2": D("5.5"),
        "B1": D("11.5"),
        "B2": 7,
        "C1": D("8.5"),
        "C2": 7,
        "D1": 6,
        "D2": 6,
        "E1": 7,
        "E2": 4,
    }
    assert result.total == D("71.5")
    assert result.max == 100
    assert result.to_dict()["total"] == 71.5


def test_whole_zone_missing_lists_what_is_left_to_do():
    items = {i.code: i for i in score(SPEC, full_zone()).items}
    with_missing = {code: i.missing for code, i in items.items() if i.missing}
    assert with_missing == {
        "13": ("待评审",),
        "19": ("2024年 监测信息核查完成率",),
        "23": ("待评审",),
        "30": ("待评审",),
        "41": ("待评审",),
    }
    assert "采用官方公布的可比口径增速" in items["5"].explanation
    assert "(32)" not in items["32"].explanation and "按3分计" in items["32"].explanation
