"""Fill the zh_Hans catalogue after makemessages (called by scripts/i18n.sh).

The UI's source strings are Chinese, so an entry whose msgid is Chinese is
translated by itself. A non-Chinese msgid keeps the translation it had in the
previous catalogue (OLD), or stays empty so that tests/test_i18n.py fails on it.
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
            translation = msgid if CJK.search(msgid) else previous.get(msgid, "")
            if "msgid_plural" in fields:
                entry["order"] = [k for k in entry["order"] if not k.startswith("msgstr")] + ["msgstr[0]"]
                for key in [k for k in fields if k.startswith("msgstr")]:
                    del fields[key]
                fields["msgstr[0]"] = translation
            else:
                fields["msgstr"] = translation
        out.append(render(entry))
    po.write_text("\n\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
