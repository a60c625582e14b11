"""requirements.txt is what production runs; tests and tools live in requirements-dev.txt.

The production image installs requirements.txt only, so nothing used only by the tests or the
tool chain (pytest, Playwright, ruff, factory_boy) may appear there, and the test command must
install the dev file.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_ONLY = {"pytest", "pytest-django", "pytest-playwright", "playwright", "ruff", "factory-boy"}


def requirement_names(path: Path) -> set[str]:
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[\[=<>~! ;]", line, maxsplit=1)[0].lower().replace("_", "-"))
    return names


def test_production_requirements_carry_no_test_or_tool_package():
    assert requirement_names(ROOT / "requirements.txt") & DEV_ONLY == set()
    assert "django" in requirement_names(ROOT / "requirements.txt")


def test_dev_requirements_add_the_tools_on_top_of_production():
    text = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8")
    assert re.search(r"^-r requirements\.txt$", text, re.MULTILINE)
    assert DEV_ONLY <= requirement_names(ROOT / "requirements-dev.txt")


def test_the_image_installs_production_requirements_and_the_test_command_the_dev_ones():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install -r requirements.txt" in dockerfile
    assert "requirements-dev" not in dockerfile
    assert re.search(r"^bash scripts/setup\.sh .*--dev", (ROOT / "scripts/test.sh").read_text(), re.MULTILINE)
    assert "requirements-dev.txt" in (ROOT / "scripts/setup.sh").read_text()
