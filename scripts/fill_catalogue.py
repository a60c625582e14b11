"""Fill the zh_Hans catalogue after makemessages (called by scripts/i18n.sh).

The UI's source strings are Chinese, so an entry whose msgid is Chinese is
translated by itself. A non-Chinese msgid keeps the translation it had in the
previous catalogue (OLD), or its hand-made translation below (ADMIN_TRANSLATIONS: strings of
Django's admin that Django's own zh_Hans catalogue lacks, named in accounts/admin_i18n.py), or
stays empty so that tests/test_i18n.py fails on it.

It also writes djangojs.po beside the catalogue: the admin's JavaScript widgets (the
filter_horizontal chooser) read their strings from the djangojs domain, where Django's zh_Hans
lacks the same kind of strings (ADMIN_JS_TRANSLATIONS); compilemessages compiles both.
"""

import ast
import json
import re
import sys
from pathlib import Path

CJK = re.compile(r"[\u4e00-\u9fff]")
HEADER = {
    "Project-Id-Version": "portal",
    "Language": "zh_Hans",
    "Plural-Forms": "nplurals=1; plural=0;",
}

# Django 5.2's admin strings missing from its zh_Hans catalogue (accounts/admin_i18n.py).
ADMIN_TRANSLATIONS = {
    "Add link": "新增链接",
    "Change or view list link": "修改或查看列表链接",
    "Model name": "模型名称",
    "After you’ve created a user, you’ll be able to edit more user options.": "创建用户后，可以编辑更多用户选项。",
    ":": "：",
    "Sorting priority: %(priority_number)s": "排序优先级：%(priority_number)s",
}
ADMIN_JS_TRANSLATIONS = {
    'Choose %s by selecting them and then select the "Choose" arrow button.': "选中要选择的%s，再点击“选择”箭头按钮。",
    'Remove %s by selecting them and then select the "Remove" arrow button.': "选中要移除的%s，再点击“移除”箭头按钮。",
    "Choose all %s": "选择全部%s",
    "Choose selected %s": "选择选中的%s",
    "Remove all %s": "移除全部%s",
    "Remove selected %s": "移除选中的%s",
    "(click to clear)": "（点击清除）",
}


def js_catalogue() -> str:
    header = "".join(
        f"{key}: {value}\n" for key, value in {**HEADER, "Content-Type": "text/plain; charset=UTF-8"}.items()
    )
    entries = [
        "# The admin's JavaScript strings (scripts/fill_catalogue.py).",
        'msgid ""',
        f"msgstr {json.dumps(header, ensure_ascii=False)}",
    ]
    text = "\n".join(entries)
    for msgid, msgstr in ADMIN_JS_TRANSLATIONS.items():
        text += f"\n\nmsgid {json.dumps(msgid, ensure_ascii=False)}\nmsgstr {json.dumps(msgstr, ensure_ascii=False)}"
    return text + "\n"


def parse(text: str) -> list[dict]:
    """Entries as {"comments": [...], "fields": {keyword: value}, "order": [keywords]}."""
    entries = []
    for block in text.strip().split("\n\n"):
        comments, fields, order, current = [], {}, [], None
        for line in block.split("\n"):
            if line.startswith("#"):
                comments.append(line)
            elif line.startswith('"'):
                fields[current] += ast.literal_eval(line)
            elif line:
                current, _, value = line.partition(" ")
                fields[current] = ast.literal_eval(value)
                order.append(current)
        entries.append({"comments": comments, "fields": fields, "order": order})
    return entries


def render(entry: dict) -> str:
    lines = list(entry["comments"])
    for keyword in entry["order"]:
        lines.append(f"{keyword} {json.dumps(entry['fields'][keyword], ensure_ascii=False)}")
    return "\n".join(lines)


def main(po_path: str, old_path: str) -> None:
    po, old = Path(po_path), Path(old_path)
    previous = {}
    if old.exists():
        for entry in parse(old.read_text(encoding="utf-8")):
            msgid, msgstr = entry["fields"].get("msgid"), entry["fields"].get("msgstr", "")
            if msgid and msgstr and not CJK.search(msgid):
                previous[msgid] = msgstr
    out = []
    for entry in parse(po.read_text(encoding="utf-8")):
        fields = entry["fields"]
        entry["comments"] = [c for c in entry["comments"] if not c.startswith("#,") or "fuzzy" not in c]
        if fields.get("msgid") == "":
            header = dict(line.split(": ", 1) for line in fields["msgstr"].split("\n") if ": " in line)
            header.update(HEADER)
            fields["msgstr"] = "".join(f"{key}: {value}\n" for key, value in header.items())
            entry["comments"] = ["# 示范区创建管理平台 — zh_Hans catalogue (scripts/i18n.sh)."]
        else:
            msgid = fields["msgid"]
            translation = msgid if CJK.search(msgid) else previous.get(msgid) or ADMIN_TRANSLATIONS.get(msgid, "")
            if "msgid_plural" in fields:
                entry["order"] = [k for k in entry["order"] if not k.startswith("msgstr")] + ["msgstr[0]"]
                for key in [k for k in fields if k.startswith("msgstr")]:
                    del fields[key]
                fields["msgstr[0]"] = translation
            else:
                fields["msgstr"] = translation
        out.append(render(entry))
    po.write_text("\n\n".join(out) + "\n", encoding="utf-8")
    (po.parent / "djangojs.po").write_text(js_catalogue(), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
