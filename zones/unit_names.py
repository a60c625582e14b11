"""Parse the responsible-unit text officials write, and match it to known units.

Pure Python (no Django): ``parse_unit_names`` turns a 责任单位 cell such as
``"市市场监管局、公安局、农业农村局,市税务局、三明海关、邮政管理局"`` into expanded unit
names, lead units and flags; ``match_units`` maps those names onto unit records.

Conventions handled (see tests/zones/test_unit_names.py for the seed phrasings):

* groups are separated by ``,`` / ``,`` / ``;``; inside a group items by ``、``;
* a group whose first item starts with ``市`` carries that ``市`` to the following items
  (``市商务局、统计局`` → 市商务局, 市统计局) unless an item already names its own level
  or body (starts with 市/省/区/县/三明/国家/人行/中国 or a county name, ends in 海关);
* lead markers: ``X牵头`` (``A、B牵头`` → both lead; ``X牵头会同Y`` → X leads), ``X(牵头)``,
  ``牵头单位:…``;
  the label ``责任单位:…`` (and 配合/协办/参与单位) is dropped;
* ``各县(市、区)人民政府`` → ``all_counties``; ``…领导小组成员单位(按职责分工负责)`` or
  ``…联席会议各成员单位`` → ``all_members``; neither is listed as a unit;
* remarks — bracketed ``[…]`` / ``【…】`` / sentence-like ``(…)``, or a clause starting with
  ``以下…`` — are kept in ``notes``; a remark naming 各县(市、区) also sets ``all_counties``;
* the wrapping ``〔责任单位:…〕`` / ``(责任单位:…)``, trailing ``。`` and whitespace are dropped,
  full-width punctuation is folded to ASCII (NFKC), as in the seed files.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["SANMING_COUNTIES", "ParsedUnits", "UnitRef", "match_units", "normalise", "parse_unit_names"]

#: County-level governments of 三明市 (附件1): items starting with these never get a 市 prefix.
SANMING_COUNTIES: tuple[str, ...] = (
    "三元区",
    "沙县区",
    "永安市",
    "明溪县",
    "清流县",
    "宁化县",
    "建宁县",
    "泰宁县",
    "将乐县",
    "尤溪县",
    "大田县",
)


@dataclass(frozen=True)
class ParsedUnits:
    leads: tuple[str, ...] = ()  # units marked as leading (牵头), expanded names
    units: tuple[str, ...] = ()  # every named unit incl. leads, expanded, in order, no duplicates
    all_members: bool = False  # "市创建领导小组成员单位(按职责分工负责)" → every member unit
    all_counties: bool = False  # "各县(市、区)人民政府" → every county government
    notes: tuple[str, ...] = ()  # remarks kept verbatim (after normalisation)


@dataclass(frozen=True)
class UnitRef:
    id: int
    name: str  # full name, e.g. "三明市商务局"
    short_name: str = ""  # e.g. "商务局"
    aliases: tuple[str, ...] = ()  # other spellings


# --------------------------------------------------------------------------- parsing

_WS = re.compile(r"\s+")
_BRACKETS = {"(": ")", "[": "]", "【": "】", "〔": "〕", "〖": "〗"}
_CLOSERS = set(_BRACKETS.values())
_LABEL = re.compile(r"^(牵头单位|牵头部门|责任单位|责任部门|配合单位|配合部门|协办单位|参与单位):")
_LEAD_LABELS = {"牵头单位", "牵头部门"}
# 各县(市、区)人民政府 and its variants, matched after normalisation (brackets are ASCII then).
_COUNTIES = re.compile(r"各(?:县\(?市[、,]?区\)?|县市区|区县(?:\(?市\)?)?)(?:人民政府|政府)?")
_MEMBERS = re.compile(r"成员单位$")
_NOTE_START = re.compile(r"^(?:以下|注:|备注|说明:|上述)")
_NOTE_ANYWHERE = re.compile(r"不再(?:逐一)?列出")
_NOTE_LIKE = re.compile(r"以下|不再|均|需|落实|包括|不含|,|;|、")
_NEGATED = re.compile(r"不包括|不含|除")
_SUFFIXES = (
    "按职责分工负责",
    "按职责分工",
    "按职责负责",
    "分工负责",
    "共同负责",
    "具体负责",
    "负责",
    "配合",
    "参与",
    "等",
)
_PREFIXES = ("由", "会同", "联合")
# Items naming their own level or body never get the group's 市 (besides 市… itself).
_NO_PREFIX_STARTS = ("省", "区", "县", "三明", "国家", "人行", "中国")
# Words that start with a level character without being one: 市场监管局 is not 市 + 场监管局.
_NOT_A_LEVEL = ("市场",)
_LEAD_MARK = "\ue001"
_COUNTY_BASE = 0xE100  # private-use placeholders for each 各县(市、区) occurrence


def normalise(text: str) -> str:
    """Fold full-width punctuation/letters to ASCII (NFKC) and drop every whitespace."""
    return _WS.sub("", unicodedata.normalize("NFKC", text or ""))


def _starts_with_level(text: str, level: str = "市") -> bool:
    """True for 市商务局 / 市市场监管局, False for 市场监管局."""
    return text.startswith(level) and not text.startswith(_NOT_A_LEVEL)


def _strip_end(text: str) -> str:
    return text.rstrip("。.;,")


def _matching_close(text: str, start: int) -> int:
    """Index of the bracket closing the one at ``start`` (nesting any bracket kind), or -1."""
    stack = []
    for i in range(start, len(text)):
        ch = text[i]
        if ch in _BRACKETS:
            stack.append(_BRACKETS[ch])
        elif ch in _CLOSERS:
            if not stack or stack[-1] != ch:
                return -1
            stack.pop()
            if not stack:
                return i
    return -1


def _unwrap(text: str) -> str:
    """Drop ``〔责任单位:…〕`` / ``(牵头单位:…)`` wrappers and trailing 。."""
    text = _strip_end(text)
    while text and text[0] in _BRACKETS and _matching_close(text, 0) == len(text) - 1:
        inner = _strip_end(text[1:-1])
        if not _LABEL.match(inner):
            break
        text = inner
    return text


class _Parser:
    def __init__(self, text: str, counties: Iterable[str]):
        self.text = normalise(text)
        self.counties = tuple(counties)
        self.county_texts: list[str] = []
        self.leads: list[str] = []
        self.units: list[str] = []
        self.notes: list[str] = []
        self.all_members = False
        self.all_counties = False

    # -- helpers
    def _protect_counties(self, text: str) -> str:
        def repl(m: re.Match) -> str:
            self.county_texts.append(m.group(0))
            return chr(_COUNTY_BASE + len(self.county_texts) - 1)

        return _COUNTIES.sub(repl, text)

    def _restore(self, text: str) -> str:
        for i, original in enumerate(self.county_texts):
            text = text.replace(chr(_COUNTY_BASE + i), original)
        return text

    @staticmethod
    def _has_county(text: str) -> bool:
        return any(_COUNTY_BASE <= ord(ch) < _COUNTY_BASE + 0x100 for ch in text)

    def _note(self, raw: str) -> None:
        raw = _strip_end(raw)
        if not raw:
            return
        if self._has_county(raw) and not _NEGATED.search(raw):
            self.all_counties = True
        note = self._restore(raw).replace(_LEAD_MARK, "(牵头)")
        if note not in self.notes:
            self.notes.append(note)

    def _extract_brackets(self, text: str) -> str:
        """Turn ``(牵头)`` into a lead mark, move remarks to notes, keep name brackets."""
        out: list[str] = []
        i = 0
        while i < len(text):
            ch = text[i]
            end = _matching_close(text, i) if ch in _BRACKETS else -1
            if end < 0:
                out.append(ch)
                i += 1
                continue
            content = text[i + 1 : end]
            if content == "牵头":
                out.append(_LEAD_MARK)
            elif ch == "(" and not _NOTE_LIKE.search(content) and not self._has_county(content):
                out.append(text[i : end + 1])  # part of a name, e.g. 市委宣传部(市新闻办)
            else:
                self._note(content)
            i = end + 1
        return "".join(out)

    def _add(self, name: str, lead: bool) -> None:
        if name not in self.units:
            self.units.append(name)
        if lead and name not in self.leads:
            self.leads.append(name)

    def _needs_prefix(self, item: str) -> bool:
        if _starts_with_level(item) or item.startswith(_NO_PREFIX_STARTS) or item.endswith("海关"):
            return False
        for county in self.counties:
            stem = county[:-1] if len(county) > 2 else county
            if item.startswith(county) or item.startswith(stem):
                return False
        return True

    @staticmethod
    def _clean(item: str) -> tuple[str, bool, bool]:
        """(name, marked lead by (牵头), ends in a bare 牵头)."""
        marked = _LEAD_MARK in item
        item = item.replace(_LEAD_MARK, "")
        for prefix in _PREFIXES:
            if item.startswith(prefix) and len(item) > len(prefix) + 1:
                item = item[len(prefix) :]
        bare_lead = False
        changed = True
        while changed:
            changed = False
            for suffix in _SUFFIXES:
                if item.endswith(suffix) and len(item) > len(suffix):
                    item, changed = item[: -len(suffix)], True
            if item.endswith("牵头") and len(item) > 2:
                item, changed, bare_lead = item[:-2], True, True
        return item, marked, bare_lead

    # -- the parse
    def _group(self, group: str, clause_lead: bool) -> None:
        group = re.sub(r"牵头(?=会同|联合)", "牵头、", group)  # 市市场监管局牵头会同市商务局
        cleaned = [self._clean(raw) for raw in group.split("、")]
        cleaned = [c for c in cleaned if c[0]]
        if not cleaned:
            return
        group_lead = clause_lead or cleaned[-1][2]
        prefix = "市" if _starts_with_level(cleaned[0][0]) else ""
        for name, marked, bare_lead in cleaned:
            if self._has_county(name):
                self.all_counties = True
                rest = re.sub(r"[\ue100-\ue1ff]", "", name)
                if rest:  # e.g. 各县(市、区)人民政府落实 — keep, don't lose it
                    self._note(name)
                continue
            if _MEMBERS.search(name):
                self.all_members = True
                continue
            if prefix and self._needs_prefix(name):
                name = prefix + name
            self._add(name, group_lead or marked or bare_lead)

    def parse(self) -> ParsedUnits:
        text = self._extract_brackets(self._protect_counties(_unwrap(self.text)))
        for clause in re.split(r"[;。]", text):
            clause = _strip_end(clause)
            clause_lead = False
            label = _LABEL.match(clause)
            if label:
                clause_lead = label.group(1) in _LEAD_LABELS
                clause = clause[label.end() :]
            groups = clause.split(",")
            for index, group in enumerate(groups):
                if _NOTE_START.match(group) or _NOTE_ANYWHERE.search(group):
                    self._note(",".join(groups[index:]))
                    break
                self._group(group, clause_lead)
        return ParsedUnits(
            leads=tuple(self.leads),
            units=tuple(self.units),
            all_members=self.all_members,
            all_counties=self.all_counties,
            notes=tuple(self.notes),
        )


def parse_unit_names(text: str, *, counties: Iterable[str] = SANMING_COUNTIES) -> ParsedUnits:
    """Parse a 责任单位 / 牵头单位 text into expanded unit names, leads, flags and notes.

    ``counties`` are the county-level names that are never prefixed with 市 (default 三明市's).
    """
    return _Parser(text, counties).parse()


# --------------------------------------------------------------------------- matching


def _city_parts(city: str) -> tuple[str, str, str]:
    """("三明市", "三明", "市") for city="三明市"; ("", "", "市") when no city is given."""
    full = normalise(city)
    if len(full) > 2 and full[-1] in "市县区州盟":
        return full, full[:-1], full[-1]
    return full, full, "市"


def _canon(text: str, city: tuple[str, str, str]) -> str:
    """Normalise and write the city as its level: 三明市商务局 → 市商务局."""
    text = normalise(text)
    full, base, level = city
    if full and full != base and text.startswith(full) and len(text) > len(full):
        return level + text[len(full) :]
    return text


def _loose(text: str, city: tuple[str, str, str]) -> set[str]:
    """Spellings that drop the level/city: 市委网信办 → {市委网信办, 委网信办, 网信办}."""
    canon = _canon(text, city)
    variants = {canon} if canon else set()
    _full, base, level = city
    for prefix in (level + "委", level, base + "委", base):
        if prefix and _starts_with_level(canon, prefix) and len(canon) - len(prefix) >= 2:
            variants.add(canon[len(prefix) :])
    return variants


def match_units(names: Iterable[str], units: Iterable[UnitRef], *, city: str = "") -> tuple[dict[str, int], list[str]]:
    """Map each name onto one unit id.

    Tiers, first decisive one wins: exact full name; exact short name/alias; the same after
    writing ``city`` as its level (三明市商务局 ≡ 市商务局); the same after dropping the level or
    city (市供销社 ≡ short 供销社, 市税务局 ≡ short 税务局, 市委网信办 ≡ 网信办). A tier that
    finds two different units ends the search: ambiguous names are returned unmatched, never
    guessed. Returns ``(name → id, unmatched names in input order)``.
    """
    units = list(units)
    parts = _city_parts(city)
    full_of = [(u.id, normalise(u.name)) for u in units]
    short_of = [(u.id, {normalise(s) for s in (u.short_name, *u.aliases) if normalise(s)}) for u in units]
    canon_of = [(u.id, {_canon(s, parts) for s in (u.name, u.short_name, *u.aliases) if normalise(s)}) for u in units]
    loose_of = [(u.id, set().union(*(_loose(s, parts) for s in (u.name, u.short_name, *u.aliases)))) for u in units]

    matched: dict[str, int] = {}
    unmatched: list[str] = []
    for name in names:
        if name in matched or name in unmatched:
            continue
        key, canon, loose = normalise(name), _canon(name, parts), _loose(name, parts)
        tiers = (
            {uid for uid, full in full_of if key and full == key},
            {uid for uid, shorts in short_of if key in shorts},
            {uid for uid, canons in canon_of if canon and canon in canons},
            {uid for uid, variants in loose_of if loose & variants},
        )
        found = next((ids for ids in tiers if ids), set())
        if len(found) == 1:
            matched[name] = next(iter(found))
        else:
            unmatched.append(name)
    return matched, unmatched
