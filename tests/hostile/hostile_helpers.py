"""The hostile-input suite's tools: the inputs, the files, and the one check every case makes.

``refused(client, ...)`` sends one request and asserts what every hostile input must get: no
server error, a Chinese message (an error page, a form error, a flashed message or the API's
``message``), and nothing written — no row of any business table changed (the session, the
login log and the audit log may record the attempt) and no file under MEDIA_ROOT.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.messages import constants as message_levels
from openpyxl import Workbook

CJK = re.compile(r"[\u4e00-\u9fff]")

# Tables that record the attempt itself, not a change (sessions, the login and audit logs, axes).
LOG_TABLES = {
    "sessions.session",
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
    "accounts.loginevent",
    "audit.auditevent",
    "reports.downloadrecord",
}

# --- values --------------------------------------------------------------------------------

HUGE = "99999999999999999999999"  # beyond PostgreSQL's bigint and SQLite's INTEGER
# Numbers that are no number: unicode "digits" int() refuses, exponent overflow, NaN, formula
# text, a control character, a right-to-left override, hex, a list, SQL.
BAD_NUMBERS = {
    "superscript": "²",
    "vulgar-fraction": "½",
    "roman": "Ⅻ",
    "circled": "①",
    "huge": HUGE,
    "exp-overflow": "1e309",
    "nan": "NaN",
    "infinity": "Infinity",
    "formula": "=1+1",
    "nul": "1\x00",
    "rtl-override": "\u202e100",
    "hex": "0x10",
    "sql": "1 OR 1=1",
}
BAD_IDS = {
    "superscript": "²",
    "huge": HUGE,
    "negative": "-1",
    "arabic-indic": "١٢",
    "sql": "1;DROP TABLE zones_zone",
    "rtl-override": "1\u202e",
}
BAD_TEXT = {
    "nul": "会议\x00纪要",
    "escape": "会议\x1b[31m纪要",
    "rtl-override": "纪要\u202efdp.exe",
    "isolate": "\u2066纪要\u2069",
    "del": "纪要\x7f",
    "bell": "纪要\x07",
}
BAD_DATES = {
    "feb-30": "2024-02-30",
    "month-13": "2024-13-01",
    "year-99999": "99999-01-01",
    "zero": "0000-00-00",
    "superscript-year": "²⁰²⁴-01-01",
    "rtl": "2024-01-01\u202e",
}


# --- files ---------------------------------------------------------------------------------


def xlsx_bytes(rows: list[list] | None = None, *, title: str = "Sheet") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows or [["a", "b"]]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_part(package: bytes, part: str, change) -> bytes:
    """The package with ``part``'s bytes replaced by ``change(bytes)``."""
    source = zipfile.ZipFile(io.BytesIO(package))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item.filename, change(data) if item.filename == part else data)
    return buffer.getvalue()


def with_doctype(package: bytes, part: str, doctype: str, *, encoding: str = "utf-8") -> bytes:
    """``part`` with a document type declaration (and a reference to its entity) inserted."""

    def change(data: bytes) -> bytes:
        text = data.decode("utf-8")
        declaration_end = text.index("?>") + 2 if text.startswith("<?xml") else 0
        text = text[:declaration_end] + doctype + text[declaration_end:]
        if encoding != "utf-8":
            text = text.replace('encoding="UTF-8"', f'encoding="{encoding.upper()}"')
            return text.encode(encoding)
        return text.encode("utf-8")

    return rewrite_part(package, part, change)


XXE = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
XXE_HTTP = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/secret">]>'
LAUGHS = (
    '<!DOCTYPE r [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
)


def zip_bomb_xlsx(unpacked: int = 300 * 1024 * 1024) -> bytes:
    """An .xlsx whose sheet inflates to ``unpacked`` bytes (a few hundred KB packed)."""
    buffer = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes()))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(item.filename, source.read(item.filename))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            block = b" " * (1024 * 1024)
            for _ in range(unpacked // len(block)):
                entry.write(block)
    return buffer.getvalue()


def many_entries_zip(count: int = 10_050) -> bytes:
    """A zip (an .xlsx by its first parts) with more entries than any workbook needs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for index in range(count):
            archive.writestr(f"xl/x{index}.bin", b"")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def polyglot(head: bytes) -> bytes:
    """A file that is ``head``'s kind to a viewer and a zip archive to an unzip tool."""
    return head + zip_of({"payload.html": HTML})


def truncated_xlsx() -> bytes:
    data = xlsx_bytes()
    return data[: len(data) // 2]


def not_a_workbook_zip() -> bytes:
    """A valid zip with [Content_Types].xml and xl/ but no workbook."""
    return zip_of({"[Content_Types].xml": b"<Types/>", "xl/readme.txt": b"nothing here"})


def broken_sheet_xml() -> bytes:
    """A workbook whose sheet XML does not parse (read lazily in read-only mode)."""
    return rewrite_part(xlsx_bytes(), "xl/worksheets/sheet1.xml", lambda data: data[: len(data) // 2])


# --- the check -----------------------------------------------------------------------------


def database_state() -> dict[str, list]:
    """Every row of every business table, as tuples (the suite's world is small)."""
    state = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in LOG_TABLES or model._meta.proxy or not model._meta.managed:
            continue
        state[label] = list(model._default_manager.order_by("pk").values_list())
    return state


def media_files() -> list[tuple[str, int]]:
    root = Path(settings.MEDIA_ROOT)
    return sorted((str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*") if p.is_file())


def message_text(client, response) -> str:
    """The Chinese message the user is shown for ``response`` ('' if none)."""
    if response.status_code in (301, 302, 303):
        followed = client.get(response["Location"])
        return message_text(client, followed) if followed.status_code not in (301, 302, 303) else ""
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/json"):
        body = json.loads(response.content or b"{}")
        return json.dumps(body, ensure_ascii=False) if response.status_code >= 400 else ""
    context = response.context
    found: list[str] = []
    if context is not None:
        for message in context.get("messages", []) or []:
            if message.level >= message_levels.WARNING:
                found.append(str(message))
        for value in _context_values(context):
            errors = getattr(value, "errors", None)
            if errors and hasattr(value, "is_bound") and value.is_bound:
                found.append(str(errors))
    html = response.content.decode("utf-8", "replace")
    for pattern in (
        r'id="error-message"[^>]*>(.*?)</div>',
        r'class="[^"]*(?:invalid-feedback|errorlist|alert-danger|alert-warning|text-danger)[^"]*"[^>]*>(.*?)</',
    ):
        found += re.findall(pattern, html, re.S)
    if response.status_code >= 400 and not found and "text/plain" in content_type:
        found.append(html)
    return " ".join(found)


def _context_values(context):
    try:
        flattened = context.flatten()
    except AttributeError:
        flattened = dict(context)
    return list(flattened.values())


def refused(client, method: str, url: str, data=None, **extra):
    """Send the request; assert no 5xx, a Chinese message, and nothing written. The response."""
    before_rows, before_files = database_state(), media_files()
    response = (
        getattr(client, method.lower())(url, data, **extra)
        if data is not None
        else getattr(client, method.lower())(url, **extra)
    )
    assert response.status_code < 500, f"{method} {url}: HTTP {response.status_code}"
    text = message_text(client, response)
    assert CJK.search(text), f"{method} {url}: HTTP {response.status_code} without a Chinese message: {text[:300]!r}"
    after_rows = database_state()
    changed = [label for label in before_rows if before_rows[label] != after_rows.get(label)]
    assert changed == [], f"{method} {url}: rows written in {changed}"
    assert media_files() == before_files, f"{method} {url}: files written"
    return response
