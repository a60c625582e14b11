"""``python manage.py score_zone`` on the example input file and on malformed input.

The example (indicators/examples/zone-input.json) is a 演示 zone in the east scored
against the national system CN-2024 (loaded by ``load_standard``).
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from indicators.scoring.spec import system_spec_from_data

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "indicators" / "examples" / "zone-input.json"
NATIONAL = REPO / "indicators" / "standards" / "national-2024.json"

# Hand computation for the example file (east, 2023–2024), item → points, why:
#
#  A 促进发展 12.5
#   1  1   online growth 2023 201.6/180 = 12% > 11%; 2024 215.7/201.6 = 6.99% ≤ 7.2%
#   2  2   online 12% > published social 6.8%; 6.99% > published 3.9%
#   3  1   21840 / 182000 = 12% → 8%–15%
#   4  2   east ≥ 2亿元: 电子商务 (2023 26800, 2024 31500: once) + 食品科技 2024 20000 exactly;
#          竹木制品 18600 doesn't count → 2
#   5  1   express 2023 11956/9800 = 22% > 19.4%; 2024 14228/11956 = 19.0% ≤ 21.5%
#   6  0   share 2023 201.6/1331.3 = 15.14% ≤ 27.6%; 2024 215.7/1386.2 = 15.56% ≤ 26.8%
#   7  1   41200 / 1030000 = 4% → 3%–5%
#   8  1   31500 / 1050000 = 3% exactly → 3%–5%
#   9  2   12012 / 21840 = 55% → ≥ 50%
#   10 1.5 expert, partial
#  B 规范监管 24.5 = B1 14.5 + B2 10
#   11 3   86/142 = 60.56% > 50%; claim rate 100%; 11.3 1
#   12 3 · 13 2.5 (13.3 0.5) · 14 3 · 15 3
#   16 3 · 17 3 (98.6 > 95; 96.2 and 93.5 > 90; 17.3 1) · 18 2 (100, 100 > 95; 18.2 1)
#   19 2   97.3 and 94.1 > 90
#  C 优化服务 18 = C1 10 + C2 8
#   20 3 · 21 2 · 22 2.5 (22.3 0.5) · 23 2.5 (23.2 0.5)
#   24 2 · 25 2 (99.2, 97.8 > 95 → 1; 72.4 > 68.5 → 1; 88.6 ≤ 90.1 → 0)
#   26 2 (97.0 > 95.3 and 63.2 > 59.0 → 1; 26.2 1) · 27 2
#  D 探索创新 14 = D1 9 + D2 5
#   28 3 [1] · 29 3 [3] · 30 0 [] · 31 3 [1, 2]
#   32 2 expert · 33 1 (33.1 0, 33.2 1) · 34 2 (a normative document and a standard)
#  E 综合保障 14.5 = E1 7 + E2 7.5
#   35 2 · 36 3 · 37 2 · 38 2 (38.1 1; 100% and 56 ≥ 50学时) · 39 2 · 40 2 · 41 1.5 (41.2 0.5)
#  Total 12.5 + 24.5 + 18 + 14 + 14.5 = 83.5
EXAMPLE_TOTAL = 83.5
EXAMPLE_DIMENSIONS = {"A": 12.5, "B": 24.5, "C": 18, "D": 14, "E": 14.5}
EXAMPLE_ITEMS = {
    "1": 1,
    "2": 2,
    "3": 1,
    "4": 2,
    "5": 1,
    "6": 0,
    "7": 1,
    "8": 1,
    "9": 2,
    "10": 1.5,
    "11": 3,
    "12": 3,
    "13": 2.5,
    "14": 3,
    "15": 3,
    "16": 3,
    "17": 3,
    "18": 2,
    "19": 2,
    "20": 3,
    "21": 2,
    "22": 2.5,
    "23": 2.5,
    "24": 2,
    "25": 2,
    "26": 2,
    "27": 2,
    "28": 3,
    "29": 3,
    "30": 0,
    "31": 3,
    "32": 2,
    "33": 1,
    "34": 2,
    "35": 2,
    "36": 3,
    "37": 2,
    "38": 2,
    "39": 2,
    "40": 2,
    "41": 1.5,
}

GB32100_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
GB32100_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def gb32100_valid(code: str) -> bool:
    """统一社会信用代码: 18 characters, the last a check character (GB 32100-2015)."""
    if len(code) != 18 or any(c not in GB32100_CHARS for c in code):
        return False
    total = sum(GB32100_CHARS.index(c) * w for c, w in zip(code[:17], GB32100_WEIGHTS, strict=True))
    return GB32100_CHARS[(31 - total % 31) % 31] == code[17]


def example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def write(tmp_path: Path, data, name: str = "zone.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def score_json(path: Path) -> dict:
    buf = io.StringIO()
    call_command("score_zone", "--input", str(path), "--json", stdout=buf)
    return json.loads(buf.getvalue())


@pytest.fixture
def standard(db):
    call_command("load_standard", stdout=io.StringIO())


# ---------------------------------------------------------------- the example file itself
def test_gb32100_check_helper():
    assert gb32100_valid("91350100M000100Y43")  # the standard's own example
    assert not gb32100_valid("91350100M000100Y44")


def test_example_file_is_complete_and_plausible():
    data = example()
    spec = system_spec_from_data(json.loads(NATIONAL.read_text(encoding="utf-8")))
    assert data["system"] == spec.code == "CN-2024"
    assert data["region_category"] == "东部"
    assert data["reference_years"] == [2023, 2024]

    raw = json.loads(NATIONAL.read_text(encoding="utf-8"))["metrics"]
    inputs = {m["key"] for m in raw if m["kind"] == "input"}
    assert set(data["values"]) == inputs
    for key, by_year in data["values"].items():
        metric = next(m for m in raw if m["key"] == key)
        wanted = {"2022", "2023", "2024"} if metric["supports_growth"] else {"2023", "2024"}
        assert wanted <= set(by_year), key
    assert data["published_growth"]

    used = set()
    for sub in (s for item in spec.items() for s in item.scoring_items):
        params = sub.params
        if isinstance(params.get("benchmark"), str):
            used.add(params["benchmark"])
        used |= {c["benchmark"] for c in params.get("conditions", []) if "benchmark" in c}
    assert set(data["benchmarks"]) == used

    judged = {
        s.code for item in spec.items() for s in item.scoring_items if s.rule_type in ("checklist", "expert", "any_one")
    }
    assert set(data["judgements"]) == judged

    operators = data["lists"]["operators"]
    assert operators and all(gb32100_valid(row["credit_code"]) for row in operators)
    assert all("示例" in row["name"] for row in operators)
    assert data["lists"]["outcomes"]


# ---------------------------------------------------------------- scoring the example
@pytest.mark.django_db
def test_example_scores_to_hand_computed_total(standard):
    result = score_json(EXAMPLE)
    assert result["system"] == "CN-2024"
    assert result["total"] == EXAMPLE_TOTAL
    assert result["max"] == 100
    assert {d["code"]: d["points"] for d in result["dimensions"]} == EXAMPLE_DIMENSIONS
    assert [d["max"] for d in result["dimensions"]] == [20, 25, 20, 20, 15]
    assert len(result["items"]) == 41
    assert {i["code"]: i["points"] for i in result["items"]} == EXAMPLE_ITEMS
    assert all(i["missing"] == [] for i in result["items"])
    items = {i["code"]: i for i in result["items"]}
    assert "采用官方公布的可比口径增速" in items["2"]["explanation"]
    assert "东部地区标准：年度电子商务销售额达到2亿元" in items["4"]["explanation"]


@pytest.mark.django_db
def test_example_text_output(standard):
    buf = io.StringIO()
    call_command("score_zone", "--input", str(EXAMPLE), stdout=buf)
    out = buf.getvalue()
    assert "总分 83.5 / 100" in out
    assert "A 促进发展  12.5/20" in out
    assert "41. 强化普法、宣传,营造良好社会氛围  1.5/2" in out


@pytest.mark.django_db
def test_missing_data_is_reported_not_fatal(standard, tmp_path):
    data = example()
    del data["values"]["training_hours_per_person"]
    data["judgements"].pop("35")
    result = score_json(write(tmp_path, data))
    items = {i["code"]: i for i in result["items"]}
    assert items["38"]["points"] == 1 and items["38"]["missing"] == ["2024年 人均年培训学时"]
    assert items["35"]["points"] == 0 and items["35"]["missing"] == ["待评审"]
    assert result["total"] == EXAMPLE_TOTAL - 3


# ---------------------------------------------------------------- malformed input
@pytest.mark.django_db
def test_not_json(standard, tmp_path):
    with pytest.raises(CommandError, match="不是有效的 UTF-8 JSON"):
        score_json(write(tmp_path, "{system: CN-2024,"))


@pytest.mark.django_db
def test_missing_file(standard, tmp_path):
    with pytest.raises(CommandError, match="不存在"):
        score_json(tmp_path / "nowhere.json")


@pytest.mark.django_db
def test_wrong_region_category(standard, tmp_path):
    data = example()
    data["region_category"] = "北部"
    with pytest.raises(CommandError, match="region_category 应为 东部/中部/西部") as exc:
        score_json(write(tmp_path, data))
    assert str(exc.value).startswith("输入文件有误")


@pytest.mark.django_db
def test_unknown_system_code(standard, tmp_path):
    data = example()
    data["system"] = "XX-2099"
    with pytest.raises(CommandError, match="指标体系“XX-2099”不存在"):
        score_json(write(tmp_path, data))


@pytest.mark.django_db
def test_non_numeric_value(standard, tmp_path):
    data = example()
    data["values"]["online_retail_sales"]["2024"] = "二百亿"
    with pytest.raises(CommandError, match="values.online_retail_sales.2024：“二百亿”不是数字"):
        score_json(write(tmp_path, data))


@pytest.mark.django_db
def test_bad_reference_years_and_operator_year(standard, tmp_path):
    data = example()
    data["reference_years"] = [2024, 2023]
    data["lists"]["operators"][0]["year"] = "2023年"
    with pytest.raises(CommandError) as exc:
        score_json(write(tmp_path, data))
    assert "reference_years 应为两个递增的年度" in str(exc.value)
    assert "lists.operators 第1条：year 应为年度整数" in str(exc.value)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["NaN", "Infinity"])
def test_non_finite_value_is_rejected(standard, tmp_path, value):
    """BUG (indicators/scoring/facts_json.py): ``_num`` accepts "NaN"/"Infinity"
    because Decimal() parses them; the engine then raises decimal.InvalidOperation
    (NaN in a comparison, Infinity in formatting) and the command ends in a
    traceback instead of a CommandError naming the field."""
    data = example()
    data["values"]["clue_verification_rate"]["2024"] = value
    with pytest.raises(CommandError, match="clue_verification_rate"):
        score_json(write(tmp_path, data))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(lists=["operators"]),
        lambda d: d["lists"].update(operators=["三明示例电子商务有限公司"]),
        lambda d: d.update(judgements=["10"]),
    ],
    ids=["lists-not-object", "operator-row-not-object", "judgements-not-object"],
)
def test_wrong_structure_is_a_command_error(standard, tmp_path, change):
    """BUG (indicators/scoring/facts_json.py): lists/judgements of the wrong JSON
    shape reach ``.get``/``.items`` unchecked and raise AttributeError instead of a
    SpecError → CommandError with a Chinese message."""
    data = copy.deepcopy(example())
    change(data)
    with pytest.raises(CommandError, match="输入文件有误"):
        score_json(write(tmp_path, data))


# ---------------------------------------------------------------- --zone
@pytest.mark.django_db
@pytest.mark.parametrize("ref", ["不存在的示范区", "999999"])
def test_unknown_zone(standard, ref):
    with pytest.raises(CommandError, match=f"创建对象“{ref}”不存在"):
        call_command("score_zone", "--zone", ref, "--json", stdout=io.StringIO())
