"""The UI is Chinese through Django i18n, and every string has a translation.

The catalogue is regenerated from the current sources (makemessages in a copy
of the project, merged with the committed locale/), so a string added to a
template or to Python code without a msgstr in locale/zh_Hans fails here.
"""

import ast
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PO_PATH = Path("locale/zh_Hans/LC_MESSAGES/django.po")
# Not ours, or build output: never scanned for strings.
SKIP_DIRS = (".git", ".venv", "node_modules", "staticfiles", "media", "vendor", "__pycache__", "test-results")


@dataclass
class Entry:
    msgid: str = ""
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)


def parse_po(text: str) -> list[Entry]:
    """A small .po reader (standard library only): enough for gettext's own output."""
    entries: list[Entry] = []
    entry = Entry()
    target: str | None = None  # which field continuation lines append to
    strs: dict[str, str] = {}

    def finish() -> None:
        nonlocal entry, strs, target
        if strs:
            entry.msgid = strs.get("msgid", "")
            entry.msgstrs = [v for k, v in sorted(strs.items()) if k.startswith("msgstr")]
            entries.append(entry)
        entry, strs, target = Entry(), {}, None

    for line in text.splitlines():
        line = line.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            continue  # obsolete entry: not in use
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#:"):
            entry.references.extend(line[2:].split())
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            strs[target] += ast.literal_eval(line)
        else:
            keyword, _, value = line.partition(" ")
            if keyword.startswith("msgstr") and target and target.startswith("msgstr") and keyword == target:
                raise ValueError(f"duplicate {keyword}")
            target = keyword
            strs[target] = ast.literal_eval(value)
    finish()
    return entries


def untranslated(entries: list[Entry]) -> list[str]:
    problems = []
    for e in entries:
        if e.msgid == "":  # the header
            if "fuzzy" in e.flags:
                problems.append("header is marked fuzzy")
            continue
        where = ", ".join(e.references[:3])
        if "fuzzy" in e.flags:
            problems.append(f"fuzzy: {e.msgid!r} ({where})")
        elif not e.msgstrs or any(s == "" for s in e.msgstrs):
            problems.append(f"no translation: {e.msgid!r} ({where})")
    return problems


@pytest.fixture(scope="module")
def regenerated_po(tmp_path_factory) -> str:
    if not shutil.which("xgettext") or not shutil.which("msgmerge"):
        pytest.fail("GNU gettext is missing: run `bash scripts/setup.sh` (installs the Debian package gettext)")
    copy = tmp_path_factory.mktemp("i18n") / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*SKIP_DIRS, "*.mo", "*.sqlite3"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    ignores = [f"--ignore={d}" for d in SKIP_DIRS] + ["--ignore=static/vendor"]
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", *ignores],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return (copy / PO_PATH).read_text(encoding="utf-8")


def test_every_string_in_the_sources_is_translated(regenerated_po):
    problems = untranslated(parse_po(regenerated_po))
    assert not problems, (
        "Strings without a zh_Hans translation. Run `python manage.py makemessages -l zh_Hans "
        "--ignore=.venv --ignore=static/vendor` and fill every msgstr in locale/zh_Hans/LC_MESSAGES/django.po "
        "(source strings are Chinese, so msgstr = msgid; for a fuzzy entry check the msgstr, then drop the flag):\n"
        + "\n".join(problems)
    )


def test_committed_catalogue_is_complete_and_compiles():
    text = (ROOT / PO_PATH).read_text(encoding="utf-8")
    assert not untranslated(parse_po(text))
    if shutil.which("msgfmt"):
        result = subprocess.run(
            ["msgfmt", "--check", "-o", os.devnull, str(ROOT / PO_PATH)], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr


def test_parser_sees_an_untranslated_and_a_fuzzy_entry():
    po = (
        '#: a.html:1\nmsgid "首页"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "退出"\nmsgstr "登出"\n\n'
        '#: b.html:2\nmsgid "评分"\nmsgstr "评分"\n'
    )
    assert untranslated(parse_po(po)) == ["no translation: '首页' (a.html:1)", "fuzzy: '退出' ()"]


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_I18N and settings.USE_TZ


@pytest.mark.django_db
def test_login_page_renders_in_chinese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html
    assert "示范区创建管理平台" in html
    assert "Log in" not in html and "Password" not in html
