"""Messages raised in services go through gettext like the rest of the UI.

Read from the source with ``ast``: a Chinese string (or f-string) given to ValidationError,
PermissionDenied or an import error, or added to an ``errors`` list, must be wrapped in
``_()`` (``gettext``), with ``%(name)s`` placeholders for what varies — so makemessages
collects it and the catalogue holds it.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")
EXCEPTIONS = {"ValidationError", "PermissionDenied", "ExcelImportError", "DataImportError", "BadRequest"}
LISTS = re.compile(r"(errors|problems|forbidden)$")
# Every app's services, and the modules whose messages those services raise.
HELPERS = [
    "assessments/rectification.py",
    "evidence/data/services.py",
    "inspections/evaluation.py",
    "inspections/findings.py",
    "inspections/survey.py",
    "evidence/data/excel.py",
    "tasks/excel.py",
]
# Modules left to convert (none left).
PENDING: set[str] = set()


def modules() -> list[str]:
    found = sorted(p.relative_to(ROOT).as_posix() for p in [*ROOT.glob("*/services.py"), *ROOT.glob("*/services/*.py")])
    return [m for m in found if m not in PENDING] + HELPERS


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def bare_messages(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    wrapped = {
        id(arg)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _name(node.func) in {"_", "gettext", "gettext_lazy", "ngettext"}
        for arg in node.args
    }
    found: list[str] = []

    def collect(node: ast.expr) -> None:
        if isinstance(node, (ast.List, ast.Tuple)):
            for element in node.elts:
                collect(element)
        elif isinstance(node, ast.Dict):
            for value in node.values:
                collect(value)
        elif isinstance(node, ast.IfExp):
            collect(node.body)
            collect(node.orelse)
        elif isinstance(node, (ast.Constant, ast.JoinedStr)) and id(node) not in wrapped:
            text = node.value if isinstance(node, ast.Constant) else ast.unparse(node)
            if isinstance(text, str) and CJK.search(text):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text[:40]}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in EXCEPTIONS and node.args:
                collect(node.args[0])
            elif name in {"append", "extend"} and isinstance(node.func, ast.Attribute):
                if LISTS.search(_name(node.func.value)) and node.args:
                    collect(node.args[-1])
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add) and LISTS.search(_name(node.target)):
            collect(node.value)
    return found


def test_the_scan_finds_a_bare_message(tmp_path):
    sample = tmp_path / "services.py"
    sample.write_text(
        'raise ValidationError(f"单位“{name}”不存在")\nerrors.append("请填写")\nraise ValidationError(_("已翻译"))\n',
        encoding="utf-8",
    )
    assert [line.split(":")[1] for line in _relative(bare_messages, sample)] == ["1", "2"]  # not the wrapped one


def _relative(function, path: Path) -> list[str]:
    global ROOT
    saved, ROOT = ROOT, path.parent
    try:
        return function(path)
    finally:
        ROOT = saved


def test_every_message_a_service_raises_goes_through_gettext():
    bare = [line for module in modules() for line in bare_messages(ROOT / module)]
    assert bare == [], "服务层抛出的提示未经 gettext:\n" + "\n".join(bare)
