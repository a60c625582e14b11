"""The statistics side of ``evidence`` is one subpackage a new developer can read (issue 10 §4):
``evidence/data/`` with one services module (writes) and one selectors module (reads); no
private helper is imported across files, and nothing outside reads the statistics' privates."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "evidence" / "data"


def python_files():
    skip = {".venv", "node_modules", "migrations"}
    return [p for p in ROOT.rglob("*.py") if not skip & set(p.relative_to(ROOT).parts)]


def test_one_services_and_one_selectors_module():
    names = sorted(p.name for p in DATA.glob("*.py"))
    assert "services.py" in names and "selectors.py" in names
    assert not (DATA / "services").exists() and not (DATA / "selectors").exists()
    assert not [p.name for p in (ROOT / "evidence").glob("data_*.py")], "statistics modules left beside evidence/data/"
    assert not (ROOT / "evidence" / "excel_data.py").exists()


def test_no_private_name_is_imported_from_the_statistics():
    offences = []
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inside = DATA in path.parents
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            module = node.module or ""
            statistics = module.startswith("evidence.data") or (inside and node.level > 0)
            if statistics:
                offences += [f"{path.relative_to(ROOT)}: {a.name}" for a in node.names if a.name.startswith("_")]
    assert not offences, "\n".join(offences)


def test_the_views_and_api_read_through_the_selectors():
    """No ORM query in the statistics' views and API: reads go through selectors, writes through services."""
    for name in ("views.py", "api.py"):
        text = (DATA / name).read_text(encoding="utf-8")
        assert ".objects." not in text, name
