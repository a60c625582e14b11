"""No English reaches a person: every role of the demo walks the portal (its navigation, the
links of every page it reaches, the admin for those who have it) and no page shows a word from
a list of English words the UI must not show. Only the visible text is read (text nodes and
the attributes a person reads: title, placeholder, aria-label, alt, a button's value), never
code, ids or URLs. Each page answers 200 (or redirects): a link that answers 403 is a dead end."""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db

DEMO_USERS = ("office", "liaison", "expert", "expert2", "province", "national", "sysadmin", "secadmin", "auditor")

# Words of Django's admin and widgets, and the values Python prints for a missing or boolean
# field, that the Chinese UI must never show.
ENGLISH = (
    "Choose",
    "After you've",
    "After you’ve",
    "Save",
    "Delete",
    "None",
    "True",
    "False",
    "Add another",
    "This field",
    "Next",
    "Previous",
    "Remove",
    "Filter",
    "Search",
    "Show all",
    "Log out",
    "View site",
    "Change password",
    "Welcome",
    "Select all",
    "Unknown",
    "Yes",
    "No",
    "Home",
    "Add",
    "Change",
    "History",
    "Today",
    "Now",
    "Clear",
    "Available",
    "Chosen",
    "Required",
    "Optional",
    "Loading",
    "Submit",
    "Cancel",
    "Edit",
    "Close",
    "Back",
    "Download",
    "Upload",
    "Error",
    "Warning",
    "Page",
    "of",
    "results",
    "selected",
    # Model labels and stored keys of the audit log (shown through audit.display in Chinese).
    "accounts.user",
    "zones.zone",
    "evidence.evidence",
    "assessments.judgement",
    "file-inline",
    "region_category",
    "reference_year_1",
    "disposition",
    "is_active",
    "password_change_required",
    "actor_username",
    "target_type",
)
# A number shown on its own (a cell, a badge, "a / b") with trailing zeros: 83.50, 2.00, 1386.2000.
PADDED_NUMBER = re.compile(r"^\d+\.\d*0(\s*/\s*\d+(\.\d+)?)?$")
WORDS = re.compile(r"(?<![A-Za-z0-9_\-./])(" + "|".join(re.escape(w) for w in ENGLISH) + r")(?![A-Za-z0-9_\-])")
# ASCII punctuation touching a Chinese character in what a page shows ("结论:", "(牵头)", "共3项,"):
# README #35 — the portal's own sentences use ，；：？！（）. Text quoted from the published documents
# (the indicator system, unit names, task titles, metric names…) keeps what it was received with and
# is taken out of the page's text first (``published_texts``).
HAN = "\u4e00-\u9fff"
ASCII_PUNCT = re.compile(rf"[{HAN}][,;:?!()]|[,;:?!(][{HAN}]|[{HAN}]\)")
# What is not a page a person reads: files, exports, sign-out, toggles done by POST, the API.
SKIP = re.compile(
    r"^/(api/|static/|media/)|/(download|export|bundle|pdf|xlsx|file|preview|logout)(/|$)|\.(pdf|xlsx|zip|csv|json)$"
)
VISIBLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
PER_PATTERN = 1  # pages of one URL shape visited per role (ids differ, the template does not)
MAX_PAGES = 400  # per role (the office reads ~140 page shapes of the demo)


class Page(HTMLParser):
    """The visible text and the same-site links of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self.nav_links: list[str] = []
        self._hidden = 0
        self._nav = 0
        self._stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template", "noscript"):
            self._hidden += 1
        if tag == "nav":
            self._nav += 1
        for name in VISIBLE_ATTRIBUTES:
            if attrs.get(name):
                self.text.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.text.append(attrs["value"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            if self._nav:
                self.nav_links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "noscript") and self._hidden:
            self._hidden -= 1
        if tag == "nav" and self._nav:
            self._nav -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.text.append(data.strip())


def read(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(path).path)


def published_texts() -> str:
    """The strings the portal quotes from the published documents, joined: they keep the
    punctuation they came with (the indicator system, unit and region names, 001's tasks)."""
    from indicators.models import Indicator, Metric, ScoringItem
    from tasks.models import Task
    from zones.models import Region, Stage, StageStep, Unit, Zone

    texts: list[str] = []
    for model, fields in (
        (Indicator, ("name", "criteria", "methods", "data_sources", "responsible_units")),
        (ScoringItem, ("label",)),
        (Metric, ("name", "description")),
        (Unit, ("name", "short_name")),
        (Task, ("title", "description")),
        (Stage, ("name",)),
        (StageStep, ("title",)),
        (Region, ("name",)),
        (Zone, ("name",)),
    ):
        names = [f for f in fields if any(x.name == f for x in model._meta.get_fields())]
        for row in model.objects.values_list(*names):
            texts += [str(value or "") for value in row]
    return "\n".join(texts)


def punctuation_slips(texts: list[str], published: str) -> list[str]:
    """The bits of ``texts`` where ASCII punctuation touches a Chinese character, unless that
    bit with one more character on either side is quoted from ``published`` — shown whole, cut
    short ("技术服务,...") or followed by the portal's own words ("下同)（2分）")."""
    slips = []
    for text in texts:
        if text.startswith("(") and text.endswith(")"):
            text = text[1:-1]  # the admin's help icon: alt="(help text)" in Django's own template
        for m in ASCII_PUNCT.finditer(text):
            left, right = text[max(0, m.start() - 1) : m.end()], text[m.start() : m.end() + 1]
            if len(left) > 2 and left in published or len(right) > 2 and right in published:
                continue
            slips.append(text[max(0, m.start() - 8) : m.end() + 8])
    return slips


# Django's own admin templates write a literal ":" (the delete page's summary, the history page);
# the portal does not override them.
DJANGO_ADMIN_PAGES = re.compile(r"^/admin/.*/(delete|history)/$")


def walk(client: Client, published: str | None = None) -> tuple[dict[str, list[str]], list[str], int]:
    """Visit every page reachable from 首页 (and the admin index): {url: English words and padded
    numbers}, dead ends, how many pages were read."""
    queue = deque([("/", ""), ("/admin/", "")])
    seen_shapes: dict[str, int] = {}
    seen: set[str] = set()
    found: dict[str, list[str]] = {}
    dead: list[str] = []
    visited = 0
    while queue and visited < MAX_PAGES:
        url, came_from = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        key = shape(url)
        if seen_shapes.get(key, 0) >= PER_PATTERN:
            continue
        seen_shapes[key] = seen_shapes.get(key, 0) + 1
        response = client.get(url)
        visited += 1
        if response.status_code in (301, 302):
            continue
        if response.status_code == 403 and url != "/admin/":
            dead.append(f"{url} (linked from {came_from})")
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = read(response.content.decode())
        words = sorted({m.group(1) for m in WORDS.finditer("\n".join(page.text))})
        words += sorted({text for text in page.text if PADDED_NUMBER.match(text)})
        if published is not None and not DJANGO_ADMIN_PAGES.match(urlsplit(url).path):
            words += sorted(set(punctuation_slips(page.text, published)))
        if words:
            found[url] = words
        for href in page.links:
            href = urldefrag(href).url
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not href.startswith("/") or SKIP.search(parts.path):
                continue
            if href not in seen:
                queue.append((href, url))
    return found, dead, visited


@pytest.fixture
def demo(standard):
    call_command("load_demo", stdout=open("/dev/null", "w"))


def test_padded_numbers_are_found_and_plain_ones_are_not():
    assert [t for t in ("83.50", "2.00 / 2", "83.5", "1386.2", "12.00%", "2026") if PADDED_NUMBER.match(t)] == [
        "83.50",
        "2.00 / 2",
    ]


def test_the_word_pattern_reads_visible_text_only():
    page = read(
        '<p title="保存">保存 None</p><a href="/x/Delete/">删除</a><script>var Save;</script>'
        '<input type="submit" value="Save"><span data-x="True">是</span>'
    )
    assert sorted({m.group(1) for m in WORDS.finditer("\n".join(page.text))}) == ["None", "Save"]


@pytest.mark.parametrize("username", DEMO_USERS)
def test_no_role_meets_english_or_a_dead_end(demo, username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    found, dead, visited = walk(client, published_texts())
    assert 3 < visited < MAX_PAGES, visited  # at the cap, pages would go unread
    assert not dead, f"{username}: links that answer 403: {dead}"
    assert not found, f"{username}: English (or 83.50 for 83.5) on " + "; ".join(
        f"{url} {words}" for url, words in found.items()
    )


def test_the_catalogue_filler_translates_the_admin_strings_django_lacks(tmp_path):
    """scripts/fill_catalogue.py (run by scripts/i18n.sh) gives Django's untranslated admin
    strings their Chinese, and writes the admin widgets' djangojs.po beside the catalogue."""
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "scripts" / "fill_catalogue.py"
    spec = importlib.util.spec_from_file_location("fill_catalogue", script)
    fill = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fill)
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr "Language: zh_Hans\\n"\n\n#: accounts/admin_i18n.py:1\nmsgid "Add link"\nmsgstr ""\n\n'
        'msgid "保存"\nmsgstr ""\n',
        encoding="utf-8",
    )
    fill.main(str(po), str(tmp_path / "missing.po"))
    text = po.read_text(encoding="utf-8")
    assert 'msgid "Add link"\nmsgstr "新增链接"' in text and 'msgid "保存"\nmsgstr "保存"' in text
    js = (tmp_path / "djangojs.po").read_text(encoding="utf-8")
    assert 'msgid "Choose all %s"\nmsgstr "选择全部%s"' in js


def test_the_navigation_offers_no_page_that_turns_the_role_away(client, liaison_x, office_a):
    """A liaison is not offered 驾驶舱 (a page that tells him it is for the office); a staff account
    the admin offers nothing (the security admin) is not offered 管理后台; the office is, and
    the system admin's 首页 never tells him to contact the system admin."""
    from tests.factories import MembershipFactory, UserFactory
    from zones.models import Membership

    def nav(user) -> str:
        client.force_login(user)
        return client.get("/").content.decode()

    assert ">驾驶舱</a>" not in nav(liaison_x) and ">我的任务</a>" in nav(liaison_x)
    assert ">驾驶舱</a>" in nav(office_a) and ">管理后台</a>" in nav(office_a)
    secadmin = MembershipFactory(user=UserFactory(is_staff=True), role=Membership.Role.SECURITY_ADMIN).user
    assert ">管理后台</a>" not in nav(secadmin) and ">授权管理</a>" in nav(secadmin)
    auditor = MembershipFactory(user=UserFactory(is_staff=True), role=Membership.Role.AUDIT_ADMIN).user
    assert ">管理后台</a>" in nav(auditor)
    sysadmin = MembershipFactory(user=UserFactory(is_staff=True), role=Membership.Role.SYSTEM_ADMIN).user
    assert "联系系统管理员" not in nav(sysadmin)


def test_the_punctuation_check_reads_the_portals_words_and_spares_quoted_ones():
    published = "各县(市、区)人民政府\n检测等质量技术服务,推动网络市场"
    assert punctuation_slips(["结论:通过", "优化服务(20)"], published) == ["结论:通过", "优化服务(20)"]
    assert punctuation_slips(["各县(市、区)人民政府（牵头）", "检测等质量技术服务,...", "结论：通过"], published) == []
