"""Every repository path the README names exists (issue 10 §4): a new developer who follows it
finds the file, the folder or the module it points at.

Read from the README's code spans (`like/this.py`): each word that looks like a path (has a
"/", does not start with "/" — those are URLs of the portal — and is not a URL or a
placeholder such as ``<app>``) must exist in the repository (a ``*`` is a glob); each module
run with ``python -m`` must exist as a module or a package.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SPAN = re.compile(r"`([^`\n]+)`")
PATHLIKE = re.compile(r"^\.?[\w.-]+(/[\w.*-]*)+$")
PUNCTUATION = "(),;:,。"
FENCE = re.compile(r"```[^\n]*\n(.*?)```", re.S)
APP_LINE = re.compile(r"^(\S+/)\s")


def named_paths(text: str) -> set[str]:
    found = set()
    for span in SPAN.findall(text):
        words = span.split()
        for word in words:
            word = word.strip(PUNCTUATION)
            if "://" in word or word.startswith("/") or "<" in word or "{" in word:
                continue
            if PATHLIKE.match(word):
                found.add(word.rstrip("/") or word)
    return found


def named_modules(text: str) -> set[str]:
    return {m for span in SPAN.findall(text) for m in re.findall(r"python -m ([\w.]+)", span)}


def exists(path: str) -> bool:
    return any(ROOT.glob(path)) if "*" in path else (ROOT / path).exists()


def module_exists(module: str) -> bool:
    base = ROOT.joinpath(*module.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists() or (base / "__main__.py").exists()


def test_the_readme_names_paths_at_all():
    paths = named_paths(README.read_text(encoding="utf-8"))
    assert "scripts/start.sh" in paths and len(paths) > 20


def test_every_path_the_readme_names_exists():
    text = README.read_text(encoding="utf-8")
    missing = sorted(p for p in named_paths(text) if not exists(p))
    assert not missing, "README.md names paths that do not exist: " + ", ".join(missing)


def test_every_module_the_readme_runs_exists():
    text = README.read_text(encoding="utf-8")
    modules = named_modules(text)
    assert modules, "the README runs no module with python -m"
    missing = sorted(m for m in modules if not module_exists(m))
    assert not missing, "README.md runs modules that do not exist: " + ", ".join(missing)


def layout_names(text: str) -> list[tuple[str, str]]:
    """(folder, name) for each file or folder named in the README's layout (the fenced block whose
    lines start with an app's folder): ``zones/  … access.py …`` names a file somewhere under zones/.
    A word with a "/" is a path only when its first part exists (``Stage/StageStep`` is not)."""
    names = []
    for block in FENCE.findall(text):
        lines = block.splitlines()
        if not any(line.startswith(("zones/ ", "evidence/ ")) for line in lines):
            continue
        folder = ""
        for line in lines:
            match = APP_LINE.match(line)
            if match:
                folder = match.group(1)
            for word in re.split(r"[\s,;:()]+", line):
                word = word.strip(".")
                if not word or word == folder:
                    continue
                if re.fullmatch(r"[\w*-]+\.py|[\w-]+/", word):
                    names.append((folder, word.rstrip("/")))
                elif re.fullmatch(r"[\w-]+(/[\w.*-]+)+/?", word):
                    first = word.split("/")[0]
                    if (ROOT / first).exists() or (folder and any((ROOT / folder).rglob(first))):
                        names.append((folder, word.rstrip("/")))
    return names


def layout_name_exists(folder: str, name: str) -> bool:
    if any(ROOT.glob(name)):
        return True
    return bool(folder) and (ROOT / folder).is_dir() and any((ROOT / folder).rglob(name))


def test_every_file_the_layout_names_exists():
    names = layout_names(README.read_text(encoding="utf-8"))
    assert ("zones/", "access.py") in names
    missing = sorted(f"{folder}{name}" for folder, name in names if not layout_name_exists(folder, name))
    assert not missing, "README.md's layout names files that do not exist: " + ", ".join(missing)


def test_a_missing_path_is_caught():
    """The checker itself: a stale name is reported, a URL and a placeholder are not paths."""
    paths = named_paths("see `tests/indicators/test_scoring.py` and `/tasks/mine/` and `<app>/jobs.py`")
    assert paths == {"tests/indicators/test_scoring.py"}
    assert not exists("tests/indicators/test_scoring.py")
    layout = "```\nzones/   models; access.py; gone_module.py\n           Stage/StageStep\n```"
    assert layout_names(layout) == [("zones/", "access.py"), ("zones/", "gone_module.py")]
    assert not layout_name_exists("zones/", "gone_module.py")
