"""The repository stands on its own: nothing in it reads outside the clone, and it carries no official's name.

The suite once read the source documents from a folder beside the clone, so it failed on a fresh
clone; the facts it needs now live in tests/fixtures/ (see tests/fixtures/README.md).
"""

import hashlib
import json
import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SKIPPED_DIRS = {".venv", ".git", "node_modules", "__pycache__"}
SKIPPED_PREFIXES = ("media/", "static/vendor/")

# The folder beside the clone that the suite once read, written as a path or as joined parts
# (a Path joined with "/", or os.path.join). Its names are assembled here, so that this file —
# the one not scanned — does not spell the path out itself.
_FOLDER, _SUB = b"sha" + b"red", b"se" + b"eds"
OUTSIDE = re.compile(
    rb"\.\./"
    + _FOLDER
    + rb"|"
    + _FOLDER
    + rb"/"
    + _SUB
    + rb"|[\"']"
    + _FOLDER
    + rb"[\"']\s*[/,]\s*[\"']"
    + _SUB
    + rb"[\"']"
)
THIS_FILE = Path(__file__).resolve()

LEADING_GROUP = REPO / "tests" / "fixtures" / "sanming_2024_leading_group.json"
CJK_RUN = re.compile(r"[\u3400-\u9fff]{2,}")


def project_files() -> list[Path]:
    """Tracked files plus untracked ones not ignored (so a new file is caught before its commit);
    without git (e.g. an unpacked archive), every file of the tree outside the skipped folders."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8")
        relative = sorted({name for name in listed.split("\0") if name})
    except (OSError, subprocess.CalledProcessError):
        relative = sorted(
            path.relative_to(REPO).as_posix()
            for path in REPO.rglob("*")
            if path.is_file() and not SKIPPED_DIRS & set(path.relative_to(REPO).parts)
        )
    return [
        REPO / name
        for name in relative
        if not name.startswith(SKIPPED_PREFIXES)
        and not SKIPPED_DIRS & set(Path(name).parts)
        and (REPO / name).is_file()
    ]


def test_the_file_list_is_the_project():
    names = {path.relative_to(REPO).as_posix() for path in project_files()}
    assert {"manage.py", "README.md", "tests/test_repository.py", "tests/fixtures/README.md"} <= names
    assert not any(name.startswith((".venv/", ".git/")) for name in names)


def test_the_outside_pattern_catches_each_spelling():
    folder, sub = _FOLDER.decode(), _SUB.decode()
    for text in (
        f"open('../{folder}/x.txt')",
        f"# see /work/{folder}/{sub}/",
        f'Path(__file__).parents[3] / "{folder}" / "{sub}"',
        f"os.path.join(BASE, '{folder}', '{sub}')",
    ):
        text = text.encode()
        assert OUTSIDE.search(text), text
    assert not OUTSIDE.search(b"from celery import shared_task  # settings shared by every app")


def test_nothing_refers_to_a_folder_outside_the_repository():
    offending = [
        f"{path.relative_to(REPO)}: {match.group().decode()}"
        for path in project_files()
        if path.resolve() != THIS_FILE
        for match in OUTSIDE.finditer(path.read_bytes())
    ]
    message = "引用了仓库之外的目录（测试所需的原文事实应放在 tests/fixtures/）：\n"
    assert offending == [], message + "\n".join(offending)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def digests_in(text: str, digests: set[str]) -> set[str]:
    """Which digests match a 2- or 3-character window of a run of Chinese characters, in the text
    as written and with white space removed (two-character names are often padded with a space)."""
    windows = set()
    for variant in (text, re.sub(r"\s+", "", text)):
        for run in CJK_RUN.findall(variant):
            windows |= {run[i : i + n] for n in (2, 3) for i in range(len(run) - n + 1)}
    return {d for d in map(sha256, windows) if d in digests}


def test_the_name_scanner_finds_padded_and_unpadded_words():
    assert digests_in("创建示范区工作", {sha256("示范区")}) == {sha256("示范区")}
    assert digests_in("组 长：示 范 市政府", {sha256("示范")}) == {sha256("示范")}
    assert digests_in("demo 示范区", {sha256("演示")}) == set()


def test_no_name_of_the_leading_group_in_any_file():
    digests = {seat["name_sha256"] for seat in json.loads(LEADING_GROUP.read_text(encoding="utf-8"))["seats"]}
    assert len(digests) == 36
    offending = []
    for path in project_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary: images, workbooks
        if digests_in(text, digests):
            offending.append(str(path.relative_to(REPO)))
    assert offending == [], "这些文件含有附件1所列人员的姓名：\n" + "\n".join(offending)
