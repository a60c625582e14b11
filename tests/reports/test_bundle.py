"""佐证材料包 read back: a folder per item, accepted files only, manifest hashes equal the files',
hostile names stay inside, UTF-8 names, bounded memory."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from openpyxl import load_workbook

from reports.kinds import kind_get
from reports.kinds.bundle import safe_name
from tests.reports.report_helpers import evidence_with_file

pytestmark = pytest.mark.django_db


def render(zone, tmp_path) -> zipfile.ZipFile:
    kind = kind_get("bundle")
    path = tmp_path / "bundle.zip"
    kind.render(kind.content(zone=zone, round=None), path)
    return zipfile.ZipFile(path)


def manifest(archive: zipfile.ZipFile) -> list[tuple]:
    ws = load_workbook(io.BytesIO(archive.read("清单.xlsx"))).active
    assert tuple(c.value for c in ws[1]) == (
        "指标",
        "材料名称",
        "责任单位",
        "文件",
        "大小（字节）",
        "SHA-256",
        "状态",
        "校验",
    )
    return [r for r in ws.iter_rows(min_row=2, values_only=True) if r[1]]  # the last line is a note


def test_one_folder_per_item_and_the_latest_accepted_version(zone_a, accepted_evidence, tmp_path):
    archive = render(zone_a, tmp_path)
    folders = [i.filename for i in archive.infolist() if i.is_dir()]
    assert len(folders) == 41 and folders[0] == "01 网上零售额同比增速/" and folders[11].startswith("12 ")
    files = [i.filename for i in archive.infolist() if not i.is_dir()]
    assert files == ["01 网上零售额同比增速/统计表.pdf", f"{folders[11]}制度.pdf", "清单.xlsx"]
    assert archive.read(f"{folders[11]}制度.pdf") == b"%PDF-1.4 credit"  # v2, not v1
    assert all(i.flag_bits & 0x800 for i in archive.infolist())  # UTF-8 names


def test_manifest_hashes_equal_the_packed_files(zone_a, accepted_evidence, tmp_path):
    archive = render(zone_a, tmp_path)
    lines = manifest(archive)
    assert len(lines) == 2
    for _item, _title, unit, name, size, sha, status, check in lines:
        data = archive.read(name)
        assert hashlib.sha256(data).hexdigest() == sha and len(data) == size
        assert status == "已采纳" and check == "一致" and unit == "甲市商务局"
    assert {line[1] for line in lines} == {"网上零售额统计", "信用监管制度"}


@pytest.mark.parametrize(
    "hostile",
    [
        "../../../etc/passwd",
        "/etc/shadow",
        "..\\..\\windows\\system.ini",
        "..",
        "a/../../b.pdf",
        "\x01evil\r\n.pdf",
        "CON",
    ],
)
def test_hostile_evidence_names_stay_inside_their_folder(zone_a, unit_x, tmp_path, hostile):
    evidence_with_file(zone_a, unit_x, "5", title="恶意文件名", name=hostile, content=b"payload")
    archive = render(zone_a, tmp_path)
    packed = [i.filename for i in archive.infolist() if not i.is_dir() and i.filename != "清单.xlsx"]
    assert len(packed) == 1
    name = packed[0]
    folder, _, leaf = name.partition("/")
    assert folder == "05 快递业务同比增速" and leaf and "/" not in leaf and "\\" not in leaf
    assert ".." not in name.split("/") and not name.startswith("/") and not leaf.startswith(".")
    assert all(ord(ch) >= 32 for ch in name)
    out = tmp_path / "out"
    archive.extractall(out)
    assert (out / folder / leaf).read_bytes() == b"payload"
    assert all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))


def test_same_names_in_one_folder_are_numbered(zone_a, unit_x, tmp_path):
    for n in range(3):
        evidence_with_file(zone_a, unit_x, "5", title=f"材料{n}", name="说明.pdf", content=f"第{n}份".encode())
    archive = render(zone_a, tmp_path)
    names = sorted(i.filename for i in archive.infolist() if i.filename.startswith("05 ") and not i.is_dir())
    assert names == [
        "05 快递业务同比增速/说明 (2).pdf",
        "05 快递业务同比增速/说明 (3).pdf",
        "05 快递业务同比增速/说明.pdf",
    ]


def test_a_file_missing_on_disk_is_named_in_the_manifest(zone_a, unit_x, tmp_path, media_root):
    _, file = evidence_with_file(zone_a, unit_x, "5", title="丢失的文件", name="丢失.pdf")
    (media_root / file.stored_name).unlink()
    lines = manifest(render(zone_a, tmp_path))
    assert lines[0][1] == "丢失的文件" and lines[0][3] is None and lines[0][7] == "文件缺失，未打包"


def test_safe_name():
    assert safe_name("报告.pdf") == "报告.pdf"
    assert safe_name("../x/../../y.pdf") == "y.pdf"
    assert safe_name("..") == "文件" and safe_name("") == "文件" and safe_name("...") == "文件"
    assert safe_name("\x00a\tb.pdf") == "_a_b.pdf"  # (PostgreSQL cannot even store a NUL in a name)
    assert safe_name('a<b>:c"d|e?f*.pdf') == "a_b__c_d_e_f_.pdf"
    long = safe_name("长" * 300 + ".pdf")
    assert len(long) == 120 and long.endswith(".pdf")


def test_memory_stays_bounded_while_packing_large_files(zone_a, unit_x, tmp_path, media_root):
    import tracemalloc

    for n in range(3):
        _, file = evidence_with_file(
            zone_a, unit_x, str(n + 1), title=f"大文件{n}", name=f"big{n}.pdf", content=b"%PDF"
        )
        path = media_root / file.stored_name
        with open(path, "wb") as out:
            for _ in range(20):
                out.write(b"\x00" * (1024 * 1024))  # 20 MB each
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        type(file).objects.filter(pk=file.pk).update(size=path.stat().st_size, sha256=digest)
    kind = kind_get("bundle")
    content = kind.content(zone=zone_a, round=None)
    tracemalloc.start()
    kind.render(content, tmp_path / "big.zip")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 12 * 1024 * 1024, peak  # 60 MB packed, a few MB held
    assert all(line[7] == "一致" for line in manifest(zipfile.ZipFile(tmp_path / "big.zip")))
