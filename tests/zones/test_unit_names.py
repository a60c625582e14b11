"""zones.unit_names: responsible-unit text of the published plans → unit names → demo units (pure, no DB).

The official text comes from tests/fixtures/ (see tests/fixtures/README.md): 三明市's 22 main tasks
and 附件1's member seats (unit and title only), and the 20 responsible-unit cells of 罗庄区's draft.
"""

import json
import re
from pathlib import Path

import pytest

from demo.units import UNITS
from zones.unit_names import ParsedUnits, UnitRef, match_units, parse_unit_names

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
STANDARD = ROOT / "indicators" / "standards" / "national-2024.json"
TASKS_001 = FIXTURES / "sanming_2024_main_tasks.txt"  # 001's 三、主要任务, verbatim
LEADING_GROUP_001 = FIXTURES / "sanming_2024_leading_group.json"  # 001's 附件1, without the names
CELLS_000 = FIXTURES / "luozhuang_2024_task_units.txt"  # 000's (牵头单位/责任单位:…) cells, one a line


def _read(path: Path) -> str:
    # Fail, don't skip: these tests exist to pin the parser to the real phrasing of the documents.
    assert path.is_file(), f"fixture missing: {path}"
    return path.read_text(encoding="utf-8")


def cells_000() -> list[str]:
    return _read(CELLS_000).splitlines()


def P(*units: str, leads: tuple[str, ...] = (), members=False, counties=False, notes=()) -> ParsedUnits:
    return ParsedUnits(leads=leads, units=units, all_members=members, all_counties=counties, notes=tuple(notes))


SCJG = "市市场监管局"
LEAD_SCJG_MEMBERS = P(SCJG, leads=(SCJG,), members=True)
MEMBERS = P(members=True)

# 附件2 of 001: indicator code → expected parse of its 责任单位 cell.
INDICATOR_UNITS: dict[str, ParsedUnits] = {
    "1": P("市商务局", "市统计局", counties=True, notes=["以下均需各县(市、区)人民政府落实,不再逐一列出"]),
    "2": P("市商务局", "市统计局"),
    "3": P("市商务局", SCJG),
    "4": P("市商务局", SCJG),
    "5": P("市商务局", "市邮政管理局"),
    "6": P("市商务局", "市统计局"),
    "7": P("市商务局", "市人社局"),
    "8": P("市商务局", "市税务局"),
    "9": P("市商务局", SCJG),
    "10": P("市商务局", "市文旅局", "市农业农村局", "市林业局", "市供销社", "三明海关"),
    "11": P(SCJG),
    "12": P("市发改委", SCJG, "市商务局"),
    "13": LEAD_SCJG_MEMBERS,
    "14": LEAD_SCJG_MEMBERS,
    "15": LEAD_SCJG_MEMBERS,
    "16": P(SCJG),
    "17": P(SCJG, "市公安局", "市司法局"),
    "18": P(SCJG, "市司法局"),
    "19": P(SCJG),
    "20": P("市发改委", SCJG, "市财政局", "市数政中心", "市税务局", "市人社局", "市行政服务中心管委会"),
    "21": P(SCJG),
    "22": P("市发改委", SCJG, "市人社局", "市商务局", "市行政服务中心管委会"),
    "23": P("市工信局", "市商务局", "市数政中心", "市发改委", "市行政服务中心管委会"),
    "24": P("市委网信办", SCJG),
    "25": P(SCJG),
    "26": P(SCJG),
    "27": P(SCJG),
    "28": LEAD_SCJG_MEMBERS,
    "29": LEAD_SCJG_MEMBERS,
    "30": P("市发改委", "市数政中心", "市商务局", SCJG, "市行政服务中心管委会"),
    "31": P(
        "市商务局",
        "市工信局",
        "市发改委",
        "市文旅局",
        "市农业农村局",
        SCJG,
        "市数政中心",
        "市供销社",
        "市金融监管局",
        "人行三明市分行",
    ),
    "32": MEMBERS,
    "33": MEMBERS,
    "34": P("市委网信办", SCJG, "市司法局"),
    "35": MEMBERS,
    "36": P(SCJG),
    "37": P(SCJG),
    "38": P(SCJG, "市人社局"),
    "39": P(SCJG, "市财政局"),
    "40": P(SCJG),
    "41": P(SCJG, "市司法局"),
}

_VERTICAL = ("市税务局", "三明海关", "市邮政管理局")
_JINRONG = "国家金融监督管理总局三明监管分局"
_JOINT = (
    SCJG,
    "市委网信办",
    "市发改委",
    "市工信局",
    "市公安局",
    "市财政局",
    "市人社局",
    "市农业农村局",
    "市商务局",
    "市文旅局",
    "市司法局",
    "市林业局",
    "市金融监管局",
    "市数政中心",
    *_VERTICAL,
    "人行三明市分行",
)

# 001's 22 main tasks: task number → expected parse of its 责任单位.
TASK_UNITS: dict[int, ParsedUnits] = {
    1: P(
        "市商务局",
        "市发改委",
        "市财政局",
        SCJG,
        "市金融监管局",
        "人行三明市分行",
        counties=True,
        notes=["以下任务责任单位均包括各县(市、区)人民政府,不再列出"],
    ),
    2: P("市发改委", "市工信局", "市商务局"),
    3: P("市商务局", "市发改委", "市工信局", "市农业农村局", "市文旅局", "市林业局"),
    4: P("市商务局", "市发改委"),
    5: P("市委网信办", "市商务局", "市发改委", "市工信局", "市农业农村局", "市供销社"),
    6: P("市商务局", "市发改委", "市工信局"),
    7: P("市商务局", "市农业农村局", "市文旅局", "市供销社"),
    8: P(SCJG, "市公安局", "市农业农村局", "市商务局", "市林业局", "市金融监管局", *_VERTICAL, _JINRONG),
    9: P(SCJG, "市委网信办", "市公安局", "市商务局", "市林业局", "市金融监管局", *_VERTICAL, _JINRONG),
    10: P(SCJG, "市司法局"),
    11: P(*_JOINT, _JINRONG),
    12: P(*_JOINT, _JINRONG),
    13: P(*_JOINT),
    14: P(SCJG, "市行政服务中心管委会"),
    15: P(SCJG, "市发改委", "市财政局", "市商务局", "市司法局"),
    16: P(SCJG, "市司法局"),
    17: P("市人社局", "市商务局", "市工信局", "市农业农村局"),
    18: P("市交通运输局", "市发改委", "市商务局"),
    19: P(SCJG, "市委网信办", "市发改委", "市商务局", "市文旅局"),
    20: P(SCJG),
    21: P(SCJG, "市司法局"),
    22: P(SCJG, "市发改委", "市司法局"),
}


def indicator_cells() -> dict[str, str]:
    data = json.loads(STANDARD.read_text(encoding="utf-8"))
    return {
        leaf["code"]: leaf["responsible_units"]
        for first in data["indicators"]
        for second in first["children"]
        for leaf in second["children"]
    }


def task_cells() -> dict[int, str]:
    """The wrapped 〔责任单位:…〕 / (责任单位:…) text of every task in 001's 三、主要任务."""
    section = _read(TASKS_001)
    found = re.findall(r"(?m)^(\d{1,2})\.[^\n]*?([〔(]责任单位:[^\n]*[〕)])\s*$", section)
    return {int(number): cell for number, cell in found}


# --------------------------------------------------------------------------- parse: the documents


def test_indicator_table_covers_all_41_cells():
    assert list(indicator_cells()) == [str(n) for n in range(1, 42)]
    assert set(INDICATOR_UNITS) == set(indicator_cells())


@pytest.mark.parametrize("code", list(INDICATOR_UNITS))
def test_every_indicator_cell_parses_exactly(code):
    assert parse_unit_names(indicator_cells()[code]) == INDICATOR_UNITS[code]


def test_001_has_22_tasks_with_responsible_units():
    assert list(task_cells()) == list(range(1, 23))


@pytest.mark.parametrize("number", list(TASK_UNITS))
def test_every_001_task_parses_exactly(number):
    assert parse_unit_names(task_cells()[number]) == TASK_UNITS[number]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "(牵头单位:区商务局;责任单位:区市场监管局、区统计局)",
            P("区商务局", "区市场监管局", "区统计局", leads=("区商务局",)),
        ),
        (
            "(牵头单位:区人社局、罗庄税务分局;责任单位:区商务局、区市场监管局、罗庄交通运输分局)",
            P(
                "区人社局",
                "罗庄税务分局",
                "区商务局",
                "区市场监管局",
                "罗庄交通运输分局",
                leads=("区人社局", "罗庄税务分局"),
            ),
        ),
        ("(责任单位:区市场监管局)", P("区市场监管局")),
        ("(责任单位:区发改局、区市场监管局)", P("区发改局", "区市场监管局")),
        ("(责任单位:区网络市场监管联席会议各成员单位)", MEMBERS),
        ("(牵头单位:区市场监管局)", P("区市场监管局", leads=("区市场监管局",))),
        (
            "(牵头单位:区行政审批服务局、区商务局、区工信局)",
            P("区行政审批服务局", "区商务局", "区工信局", leads=("区行政审批服务局", "区商务局", "区工信局")),
        ),
    ],
)
def test_000_phrasings(text, expected):
    assert text in cells_000()
    assert parse_unit_names(text) == expected


def test_every_000_cell_parses_to_plain_district_units():
    cells = cells_000()
    assert len(cells) == 20
    for cell in cells:
        parsed = parse_unit_names(cell)
        assert parsed.units or parsed.all_members, cell
        assert set(parsed.leads) <= set(parsed.units)
        for name in parsed.units:
            assert re.fullmatch(r"(区|罗庄)[\u4e00-\u9fff]+(局|分局)", name), (cell, name)
        assert not parsed.notes


# --------------------------------------------------------------------------- parse: the rules


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("市商务局、统计局", ("市商务局", "市统计局")),
        ("市市场监管局、公安局、农业农村局", ("市市场监管局", "市公安局", "市农业农村局")),
        ("市税务局、三明海关、邮政管理局", ("市税务局", "三明海关", "市邮政管理局")),
        (
            "人行三明市分行、国家金融监督管理总局三明监管分局",
            ("人行三明市分行", "国家金融监督管理总局三明监管分局"),
        ),
        # 市场监管局 starts with 市 but is not 市 + 场监管局: the group's 市 is still carried.
        ("市商务局、市场监管局", ("市商务局", "市市场监管局")),
        # No level on the first item: nothing is carried.
        ("商务局、统计局", ("商务局", "统计局")),
        # Groups (",", ",", ";") each decide their own prefix.
        ("市委网信办,市商务局、发改委;市供销社", ("市委网信办", "市商务局", "市发改委", "市供销社")),
        (
            "市商务局、永安市商务局、沙县商务局、中国人民银行三明市分行",
            ("市商务局", "永安市商务局", "沙县商务局", "中国人民银行三明市分行"),
        ),
        ("市商务局、商务局、统计局、市统计局", ("市商务局", "市统计局")),
        ("市委宣传部(市新闻办)、统计局", ("市委宣传部(市新闻办)", "市统计局")),
    ],
)
def test_shared_prefix(text, units):
    assert parse_unit_names(text).units == units


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市市场监管局牵头,市创建领导小组成员单位按职责分工负责", LEAD_SCJG_MEMBERS),
        ("市商务局(牵头)、发改委", P("市商务局", "市发改委", leads=("市商务局",))),
        ("市商务局、发改委(牵头)", P("市商务局", "市发改委", leads=("市发改委",))),
        ("由市商务局、发改委牵头,市财政局配合", P("市商务局", "市发改委", "市财政局", leads=("市商务局", "市发改委"))),
        ("市发改委,市市场监管局牵头负责", P("市发改委", SCJG, leads=(SCJG,))),
        ("市市场监管局牵头会同市商务局、公安局", P(SCJG, "市商务局", "市公安局", leads=(SCJG,))),
        ("牵头单位:市商务局;责任单位:市统计局、市商务局", P("市商务局", "市统计局", leads=("市商务局",))),
        ("责任单位:市商务局、统计局", P("市商务局", "市统计局")),
        ("市创建领导小组成员单位", MEMBERS),
        ("市创建工作领导小组各成员单位按职责分工负责。", MEMBERS),
    ],
)
def test_leads_and_members(text, expected):
    assert parse_unit_names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "市商务局,各县(市、区)人民政府",
        "市商务局,各县(市、区)人民政府",
        "市商务局、各县(市、区)人民政府。",
        "市商务局,各县(市、区)政府",
        "〔责任单位:市商务局;各县市区人民政府〕",
    ],
)
def test_county_governments_are_a_flag_not_a_unit(text):
    assert parse_unit_names(text) == P("市商务局", counties=True)


def test_notes_are_kept_and_imply_counties():
    assert parse_unit_names("市商务局。[以下均需各县(市、区)人民政府落实,不再逐一列出]") == P(
        "市商务局", counties=True, notes=["以下均需各县(市、区)人民政府落实,不再逐一列出"]
    )
    assert parse_unit_names("市商务局【注:数据由统计部门提供】") == P("市商务局", notes=["注:数据由统计部门提供"])
    assert parse_unit_names("市商务局;以下任务不含各县(市、区)人民政府,不再列出") == P(
        "市商务局", notes=["以下任务不含各县(市、区)人民政府,不再列出"]
    )


@pytest.mark.parametrize(
    "text",
    [
        "〔责任单位:市商务局、统计局〕",
        "(责任单位:市商务局、统计局)",
        "(责任单位:市商务局、统计局)",
        "(责任单位:市商务局、统计局)。",
        " 市商务局 、\u3000统计局。",
        "市商务局、\n统计局",
        "(责任单位: 市商务局、统计局 )",
    ],
)
def test_wrappers_whitespace_and_width_are_normalised(text):
    assert parse_unit_names(text) == P("市商务局", "市统计局")


@pytest.mark.parametrize("text", ["", "   ", "。"])
def test_empty(text):
    assert parse_unit_names(text) == P()


# --------------------------------------------------------------------------- match_units


def demo_refs() -> list[UnitRef]:
    return [UnitRef(i, name, short) for i, (name, short, _kind) in enumerate(UNITS, start=1)]


def demo_id(full_name: str) -> int:
    return next(u.id for u in demo_refs() if u.name == full_name)


def seed_unit_names() -> list[str]:
    names: list[str] = []
    parsed = [parse_unit_names(c) for c in indicator_cells().values()]
    parsed += [parse_unit_names(c) for c in task_cells().values()]
    for result in parsed:
        names += [n for n in result.units if n not in names]
    return names


def test_every_seed_unit_matches_a_demo_unit():
    names = seed_unit_names()
    assert len(names) == 23
    matched, unmatched = match_units(names, demo_refs(), city="三明市")
    assert unmatched == []
    assert set(matched) == set(names)


def test_member_units_of_the_leading_group_are_all_demo_units():
    """附件1: every 成员 seat's unit (its longest matching prefix, before the title) is a demo unit."""
    seats = json.loads(_read(LEADING_GROUP_001))["seats"]
    members = [seat["unit_and_title"] for seat in seats if seat["role"] == "成员"]
    assert len(members) == 33
    refs = demo_refs()
    found = set()
    for unit_and_title in members:
        prefixes = [unit_and_title[:k] for k in range(len(unit_and_title), 1, -1)]
        ids = next((m for m in (match_units([p], refs, city="三明市")[0] for p in prefixes) if m), {})
        assert ids, unit_and_title
        found |= set(ids.values())
    # 22 member units and 11 county governments; 市交通运输局 is only named by task 18, not in 附件1.
    assert len(found) == 33
    assert {u.id for u in refs} - found == {demo_id("三明市交通运输局")}


@pytest.mark.parametrize(
    ("name", "full_name"),
    [
        ("市商务局", "三明市商务局"),
        ("三明市商务局", "三明市商务局"),
        ("商务局", "三明市商务局"),
        ("市市场监管局", "三明市市场监督管理局"),
        ("市委网信办", "三明市委网信办"),
        ("网信办", "三明市委网信办"),
        ("市供销社", "三明市供销合作社"),
        ("市数政中心", "三明市数字福建政务服务中心"),
        ("市税务局", "国家税务总局三明市税务局"),
        ("三明海关", "三明海关"),
        ("市邮政管理局", "三明市邮政管理局"),
        ("人行三明市分行", "中国人民银行三明市分行"),
        ("国家金融监督管理总局三明监管分局", "国家金融监督管理总局三明监管分局"),
        ("市交通运输局", "三明市交通运输局"),
        ("市行政服务中心管委会", "三明市行政服务中心管委会"),
        ("永安市", "永安市人民政府"),
        ("沙县区人民政府", "沙县区人民政府"),
        (" 市 商务局 ", "三明市商务局"),
    ],
)
def test_match_by_full_short_and_normalised_names(name, full_name):
    assert match_units([name], demo_refs(), city="三明市") == ({name: demo_id(full_name)}, [])


def test_unknown_names_come_back_unmatched_in_order():
    matched, unmatched = match_units(
        ["市宇宙局", "市商务局", "各县(市、区)人民政府", "市宇宙局", ""], demo_refs(), city="三明市"
    )
    assert matched == {"市商务局": demo_id("三明市商务局")}
    assert unmatched == ["市宇宙局", "各县(市、区)人民政府", ""]


def test_ambiguous_names_stay_unmatched():
    refs = [*demo_refs(), UnitRef(100, "永安市商务局", "商务局")]
    matched, unmatched = match_units(["商务局", "市商务局", "永安市商务局"], refs, city="三明市")
    # "商务局" is the short name of two units: never guessed.
    assert unmatched == ["商务局"]
    # With the city known, 市商务局 is 三明市's; the county one is found by its full name.
    assert matched == {"市商务局": demo_id("三明市商务局"), "永安市商务局": 100}
    # Without the city, 市商务局 could be either.
    assert match_units(["市商务局"], refs) == ({}, ["市商务局"])


def test_aliases_and_duplicate_full_names():
    refs = [
        UnitRef(1, "三明市供销合作社", "供销社", aliases=("市供销合作社联合社",)),
        UnitRef(2, "三明海关"),
        UnitRef(3, "三明海关"),
    ]
    assert match_units(["市供销合作社联合社"], refs, city="三明市") == ({"市供销合作社联合社": 1}, [])
    assert match_units(["三明海关"], refs, city="三明市") == ({}, ["三明海关"])
