"""The portal's own Chinese sentences use Chinese punctuation: "评审认定符合，得1分。", not
"评审认定符合,得1分。". This reads every string the code shows a person (Python string
literals other than docstrings, template text and `{% translate %}` strings, the JS files)
and fails on an ASCII , ; : ? ! next to a Chinese character, or ASCII brackets around
Chinese words.

Texts quoted from the published documents keep the characters of the published text as the
portal received it (README, "How the official text is read"): the indicator system's JSON,
001's task list and the unit-name parser's patterns, and the regexes that read them. English
text that mentions a Chinese word (a docstring, a comment) is not a Chinese sentence."""

import io
import re
import subprocess
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HAN = r"[\u3400-\u9fff]"
# After a Chinese character or a closing Chinese bracket or quote.
ASCII_NEXT_TO_HAN = re.compile(r"(?<=[\u3400-\u9fff）”」》])\s?[,;:?!]|[,;:?!]\s?(?=" + HAN + ")")
# Around Chinese words, or right beside one: "参考年度(2023、2024)", "进度(%)".
ASCII_BRACKETS = re.compile(
    rf"\([^()\n]*{HAN}[^()\n]*\)|(?<={HAN})\([^()\nA-Za-z]*\)|\([^()\nA-Za-z]*\)(?={HAN})"
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]")

# Published text, kept as published (see the module docstring).
QUOTED = {
    "demo/task_data.py",
    "zones/unit_names.py",
    "zones/matrix.py",
    "indicators/excel/layout.py",
    "indicators/excel/export.py",
    "tasks/excel_views.py",
}
# ... and the table's "名称(N分)" labels, which the 得分表 repeats as the published table has them.
QUOTED_FRAGMENTS = ("县(市、区)", "(市、区)", "【整改来源", "({}分)")


def tracked(*patterns: str) -> list[Path]:
    out = subprocess.run(["git", "ls-files", *patterns], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / line for line in out.stdout.splitlines()]


def chinese_sentence(text: str) -> bool:
    """Mostly Chinese, or a bracket right after a Chinese word ("附件(可选…)", not "the 驾驶舱 (…)")."""
    mostly = len(re.findall(HAN, text)) >= len(re.findall(r"[A-Za-z]", text))
    return (mostly or bool(re.search(HAN + r"[(（]", text))) and not any(f in text for f in QUOTED_FRAGMENTS)


def wrong(text: str) -> bool:
    text = PLACEHOLDER.sub("", text)
    return chinese_sentence(text) and bool(
        ASCII_NEXT_TO_HAN.search(text) or ASCII_BRACKETS.search(text) or re.search(HAN + r"\(", text)
    )


def python_strings(path: Path):
    """(line, text) of each string literal but docstrings, raw strings and f-string expressions."""
    tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline))
    for i, token in enumerate(tokens):
        if token.type != tokenize.STRING:
            continue
        prefix = re.match(r"[a-zA-Z]*", token.string).group(0).lower()
        if "r" in prefix or "b" in prefix:
            continue
        j = i - 1
        while j >= 0 and tokens[j].type in (tokenize.NL, tokenize.COMMENT):
            j -= 1
        if j < 0 or tokens[j].type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING):
            continue  # a docstring
        text = token.string
        if "f" in prefix:
            text = re.sub(r"\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}", "{}", text)
        yield token.start[0], text


def template_texts(path: Path):
    """(line, text) of each line of a template or JS file, outside tags, and of translate strings."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.lstrip().startswith(("//", "*", "/*", "<!--")):
            continue
        for translated in re.findall(r"""{%\s*(?:translate|trans)\s+(?:"([^"]*)"|'([^']*)')""", line):
            yield number, "".join(translated)
        text = re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", "", line)
        for value in re.findall(r'=\s*"([^"<>]*)"', text):  # title, placeholder, data-confirm …
            yield number, value
        yield number, re.sub(r"<[^>]*>", " ", text)


def test_code_strings_use_chinese_punctuation():
    found = []
    for path in tracked("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative in QUOTED or relative.startswith("tests/") or "/migrations/" in relative:
            continue
        found += [f"{relative}:{line}: {text[:80]}" for line, text in python_strings(path) if wrong(text)]
    assert not found, "ASCII punctuation in Chinese sentences:\n" + "\n".join(found)


def test_templates_and_scripts_use_chinese_punctuation():
    found = []
    for path in tracked("templates/*", "static/js/*.js"):
        found += [
            f"{path.relative_to(ROOT).as_posix()}:{line}: {text.strip()[:80]}"
            for line, text in template_texts(path)
            if wrong(text)
        ]
    assert not found, "ASCII punctuation in Chinese sentences:\n" + "\n".join(found)


def test_the_check_catches_what_it_should():
    assert wrong("评审认定符合,得1分。")
    assert wrong("文件有问题:未导入")
    assert wrong("得分(满分5分)")
    assert wrong("应为参考年度(%(years)s)之一")
    assert wrong("官方公布增速（%）;null 表示清空")
    assert not wrong("评审认定符合，得1分。")
    assert not wrong("应写作“1,3-5”")  # a number list
    assert wrong("附件(可选;PDF、DOCX、XLSX、JPG、PNG,不超过 20 MB)")
    assert not wrong("The 驾驶舱 (dashboard), cached per zone")  # English mentioning a Chinese word
    assert not wrong("各县(市、区)人民政府")  # a published unit name
