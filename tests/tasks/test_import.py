"""Excel import of a task list: good files create tasks; any broken row creates nothing."""

import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook

from tasks.excel import IMPORT_HEADERS, parse_deadline, parse_indicator_codes, task_rows_to_workbook
from tasks.imports import task_import_xlsx
from tasks.models import Assignment, AssignmentEvent, Task
from zones.models import Unit

pytestmark = pytest.mark.django_db

# 三明市's 工作方案 (2024), section 三、主要任务, verbatim (see tests/fixtures/README.md).
TASKS_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "sanming_2024_main_tasks.txt"


def xlsx(rows, *, headers=IMPORT_HEADERS) -> io.BytesIO:
    """A workbook in the import layout; rows are lists in header order."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "任务清单.xlsx"
    return buffer


GOOD = [
    ["", "（一）促进网络经济高效发展", "", "", "", "", ""],
    ["1", "加大政策扶持力度", "出台促进和规范网络市场发展的政策。", "市商务局", "市统计局", "1、2", "2024年12月"],
    ["2", "推动数字经济做大做强", "强化信息基础设施建设。", "", "市统计局、商务局", "1,3-5", date(2024, 9, 30)],
]


@pytest.fixture
def units_xy(unit_x, unit_y):
    return unit_x, unit_y


def messages_of(zone, buffer) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        task_import_xlsx(zone=zone, file=buffer)
    assert not Task.objects.exists() and not Assignment.objects.exists() and not AssignmentEvent.objects.exists()
    return exc.value.messages


# --------------------------------------------------------------- pure parsing


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2024, 12, 31, 0, 0), date(2024, 12, 31)),
        (date(2024, 6, 30), date(2024, 6, 30)),
        ("2024-12-31", date(2024, 12, 31)),
        ("2024/6/30", date(2024, 6, 30)),
        ("2024年12月31日", date(2024, 12, 31)),
        ("2024年12月", date(2024, 12, 31)),
        ("2024年2月底", date(2024, 2, 29)),
        ("2025年2月末", date(2025, 2, 28)),
        ("2024-06", date(2024, 6, 30)),
        ("2024年底", date(2024, 12, 31)),
        (" 2024 年 12 月 ", date(2024, 12, 31)),
    ],
)
def test_deadlines(value, expected):
    assert parse_deadline(value) == expected


@pytest.mark.parametrize("value", ["长期坚持", "2024年13月", "2024-02-30", "", None, "45657"])
def test_bad_deadlines(value):
    with pytest.raises(ValueError):
        parse_deadline(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1、2、5", ["1", "2", "5"]),
        ("1,3-5", ["1", "3", "4", "5"]),
        ("1,3~5", ["1", "3", "4", "5"]),
        ("13;14 15", ["13", "14", "15"]),
        (7, ["7"]),
        ("", []),
        (None, []),
    ],
)
def test_indicator_codes(value, expected):
    assert parse_indicator_codes(value) == expected


@pytest.mark.parametrize("value", ["一、二", "5-3", "11.1", "1-500"])
def test_bad_indicator_codes(value):
    with pytest.raises(ValueError):
        parse_indicator_codes(value)


# -------------------------------------------------------------------- import


def test_a_good_file_creates_the_tasks(zone_a, units_xy, level3):
    unit_x, unit_y = units_xy
    tasks = task_import_xlsx(zone=zone_a, file=xlsx(GOOD))
    assert [t.number for t in tasks] == ["1", "2"]
    first, second = tasks
    assert (first.title, first.category, first.deadline) == (
        "加大政策扶持力度",
        "（一）促进网络经济高效发展",
        date(2024, 12, 31),
    )
    assert first.description == "出台促进和规范网络市场发展的政策。"
    assert set(first.assignments.values_list("unit_id", "is_lead")) == {(unit_x.pk, True), (unit_y.pk, False)}
    assert sorted(first.indicators.values_list("code", flat=True), key=int) == ["1", "2"]
    assert second.deadline == date(2024, 9, 30)
    assert set(second.assignments.values_list("unit_id", "is_lead")) == {(unit_x.pk, False), (unit_y.pk, False)}
    assert sorted(second.indicators.values_list("code", flat=True), key=int) == ["1", "3", "4", "5"]
    assert AssignmentEvent.objects.filter(kind="created").count() == 4


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["3", "任务", "", "", "市气象局", "", "2024-12-31"], "第 5 行：单位“市气象局”不是本创建对象的责任单位"),
        (["3", "任务", "", "", "市商务局", "", "明年"], "第 5 行：完成时限“明年”无法识别"),
        (["3", "任务", "", "", "市商务局", "", ""], "第 5 行：完成时限不能为空"),
        (
            ["3", "任务", "", "", "市商务局", "99", "2024-12-31"],
            "第 5 行：关联指标“99”不是本创建对象指标体系的三级指标",
        ),
        (["3", "任务", "", "", "市商务局", "甲", "2024-12-31"], "第 5 行：关联指标“甲”格式不正确"),
        (["3", "", "工作内容", "", "市商务局", "", "2024-12-31"], "第 5 行：任务名称不能为空"),
        (["2", "任务", "", "", "市商务局", "", "2024-12-31"], "第 5 行：序号“2”重复"),
        (["", "任务", "工作内容", "", "市商务局", "", "2024-12-31"], "第 5 行：序号不能为空"),
        (["3", "任务", "", "", "", "", "2024-12-31"], "第 5 行：牵头单位和责任单位不能都为空"),
    ],
)
def test_each_broken_row_is_named_and_nothing_is_created(zone_a, units_xy, row, message):
    found = messages_of(zone_a, xlsx([*GOOD, row]))
    assert any(m.startswith(message) for m in found), found


def test_every_problem_is_listed_at_once(zone_a, units_xy):
    rows = [
        ["1", "", "", "", "市商务局", "", "2024-12-31"],
        ["2", "任务", "", "", "市气象局", "", "下半年"],
    ]
    found = messages_of(zone_a, xlsx(rows))
    assert len(found) == 3


def test_a_task_number_already_in_the_zone_is_refused(zone_a, units_xy):
    task_import_xlsx(zone=zone_a, file=xlsx(GOOD))
    with pytest.raises(ValidationError) as exc:
        task_import_xlsx(zone=zone_a, file=xlsx(GOOD))
    assert "第 3 行：序号“1”的任务已存在，未重复导入" in exc.value.messages
    assert Task.objects.count() == 2


def test_wrong_headers(zone_a, units_xy):
    headers = ("序号", "任务名称", "工作内容", "牵头单位", "责任单位", "关联指标", "完成时限")
    found = messages_of(zone_a, xlsx(GOOD, headers=headers))
    assert found[0].startswith("表头应为：序号 | 任务 | 工作内容 | 牵头单位 | 责任单位 | 关联指标 | 完成时限")


def test_not_an_xlsx(zone_a, units_xy):
    fake = io.BytesIO(b"%PDF-1.7 this is not a workbook")
    assert messages_of(zone_a, fake) == ["文件不是有效的 Excel(.xlsx)文件"]
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("hello.txt", "你好")
    assert messages_of(zone_a, other_zip) == ["文件无法解析为 Excel 工作簿"]


def test_more_than_the_unpacked_limit_is_refused(zone_a, units_xy, settings):
    settings.XLSX_MAX_UNPACKED_BYTES = 2048
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/padding.bin", b"\0" * 100_000)
    (message,) = messages_of(zone_a, bomb)
    assert message.startswith("文件解压后超过") and message.endswith("已拒绝")


def test_the_default_limit_is_100_mb(settings):
    assert settings.XLSX_MAX_UNPACKED_BYTES == 100 * 1024 * 1024


# -------------------------------------------------------- the 22 tasks of 001


def seed_tasks() -> list[dict]:
    """001's 主要任务, straight from the official text: one dict per task in the import layout."""
    if not TASKS_FILE.exists():
        pytest.fail(f"找不到主要任务原文 {TASKS_FILE}")
    body = [line.strip() for line in TASKS_FILE.read_text(encoding="utf-8").splitlines()]
    rows = []
    for line in filter(None, body):
        if re.match(r"^[((][一二三四五六七八九十]+[))]", line):
            rows.append({"任务": line})  # a category heading
            continue
        number, title, rest = re.match(r"^(\d+)\.(.+?)。(.*)$", line).groups()
        units = re.search(r"[((〔]责任单位[::](.+)[))〕]$", rest)
        rows.append(
            {
                "序号": number,
                "任务": title,
                "工作内容": rest[: units.start()],
                "责任单位": units.group(1),
                "完成时限": "2024年12月底",
            }
        )
    return rows


def test_the_22_main_tasks_of_001_import(sanming):
    buffer = io.BytesIO()
    task_rows_to_workbook(seed_tasks()).save(buffer)
    buffer.seek(0)
    tasks = task_import_xlsx(zone=sanming, file=buffer)

    assert len(tasks) == 22
    by_number = {t.number: t for t in tasks}
    counties = set(sanming.units.filter(kind=Unit.Kind.COUNTY_GOVERNMENT).values_list("pk", flat=True))
    assert len(counties) == 11

    def short_names(task):
        return {a.unit.short_name for a in task.assignments.select_related("unit") if a.unit_id not in counties}

    first = by_number["1"]
    assert first.title == "加大政策扶持力度" and first.category == "(一)促进网络经济高效发展"
    assert first.deadline == date(2024, 12, 31)
    assert short_names(first) == {"商务局", "发改委", "财政局", "市场监管局", "金融监管局", "人行三明市分行"}
    # 任务1 says every following task includes every county government too.
    for task in tasks:
        assert counties <= set(task.assignments.values_list("unit_id", flat=True)), task.number
    assert short_names(by_number["2"]) == {"发改委", "工信局", "商务局"}
    assert short_names(by_number["18"]) == {"交通运输局", "发改委", "商务局"}
    assert short_names(by_number["20"]) == {"市场监管局"}
    assert len(short_names(by_number["11"])) == 19
    assert "三明海关" in short_names(by_number["8"])
    assert "三明金融监管分局" in short_names(by_number["8"])
    assert by_number["22"].category == "(四)探索网络监管创新"


def test_import_page(client, zone_a, office_a, units_xy):
    client.force_login(office_a)
    url = reverse("tasks:task-import", args=[zone_a.pk])
    assert "序号" in client.get(url).content.decode()
    bad = client.post(url, {"file": xlsx([*GOOD, ["3", "", "", "", "市商务局", "", "2024-12-31"]])})
    page = bad.content.decode()
    assert bad.status_code == 200 and "未导入任何任务" in page and "第 5 行：任务名称不能为空" in page
    assert not Task.objects.exists()
    good = client.post(url, {"file": xlsx(GOOD)})
    assert good.status_code == 302 and Task.objects.count() == 2
    template = client.get(reverse("tasks:task-import-template", args=[zone_a.pk]))
    assert template.status_code == 200 and template.content.startswith(b"PK\x03\x04")


@pytest.mark.parametrize("persona", ["liaison_x", "reviewer_fujian"])
def test_only_the_office_imports(client, request, zone_a, units_xy, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("tasks:task-import", args=[zone_a.pk]), {"file": xlsx(GOOD)})
    assert response.status_code == 403 and not Task.objects.exists()


def test_office_of_another_zone_gets_404_on_import(client, zone_a, units_xy, office_b):
    client.force_login(office_b)
    response = client.post(reverse("tasks:task-import", args=[zone_a.pk]), {"file": xlsx(GOOD)})
    assert response.status_code == 404 and not Task.objects.exists()
