"""Arrows point down (DESIGN §3): a lower app never imports a higher one.

Bottom up: the catalogue (indicators) and the organisation (zones: it pins a system
and builds the matrix from the catalogue, so zones → indicators is the one direction
allowed between them); evidence and tasks; assessments; reports. Lower apps reach up
only through ``common.hooks``. Read from the source with ``ast``, so a lazy import
inside a function counts as much as one at the top.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "indicators": {"zones", "evidence", "tasks", "assessments", "reports", "demo"},
    "zones": {"assessments", "reports", "demo"},
    "evidence": {"assessments", "reports", "demo"},
    "tasks": {"assessments", "reports", "demo"},
    "assessments": {"reports", "demo"},
    "inspections": {"assessments", "reports", "demo"},
    "common": {"zones", "indicators", "evidence", "tasks", "assessments", "reports", "demo"},
    # The audit log is on the ground floor: every app writes to it, it imports none of them
    # (accounts included: it sits on zones).
    "audit": {
        "accounts", "zones", "indicators", "evidence", "tasks", "assessments", "inspections", "reports",
        "notifications", "demo",
    },  # fmt: skip
}
# inspections sits beside assessments: the apps below reach it only through common.hooks.
for _lower in ("indicators", "zones", "evidence", "tasks", "common"):
    FORBIDDEN[_lower] = FORBIDDEN[_lower] | {"inspections"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_no_import_runs_up(app):
    offences = []
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue  # migrations name other apps' models by label, not by import
        for target in sorted(imports_of(path) & FORBIDDEN[app]):
            offences.append(f"{path.relative_to(ROOT)} imports {target}")
    assert not offences, "\n".join(offences)
