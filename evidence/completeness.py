"""Completeness of a zone's evidence and figures: the 41 items (and their sub-criteria) × the units.

Each cell says where a unit's evidence for a row stands — all accepted, some waiting
for review, some returned, only drafts, or none — and each quantitative row whether
every figure its rule reads is present (computed by the engine's own figure code, so
"complete" here means the engine will not report missing data). An item is *ready*
when its figures are complete and its evidence is all accepted, with at least one
accepted piece from every responsible unit shown.

The selector runs a fixed number of queries whatever the number of items, units or
evidence (the evidence is counted by the database, grouped by item, sub-criterion,
unit and status).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from common.cache import zone_data_generation
from indicators.models import Indicator, RuleType, ScoringItem
from indicators.scoring.figures import compute_figure
from indicators.scoring.types import ZoneFacts
from zones.access import ZoneAction, unit_can
from zones.models import IndicatorResponsibility, Unit, Zone

from .data.selectors import ZoneDataNeeds, zone_data_needs
from .models import DataValue, Evidence, EvidenceStatus, OperatorEntry, OutcomeEntry

JUDGED = {RuleType.CHECKLIST, RuleType.ANY_ONE, RuleType.EXPERT}

# Cell states, from "needs action" to "done".
RETURNED, SUBMITTED, DRAFT, MISSING, ACCEPTED = "returned", "submitted", "draft", "missing", "accepted"
STATE_LABELS = {
    ACCEPTED: "已采纳",
    SUBMITTED: "待审核",
    RETURNED: "退回",
    DRAFT: "草稿",
    MISSING: "缺材料",
}


def _state(counts: dict[str, int]) -> str:
    if counts.get(EvidenceStatus.RETURNED):
        return RETURNED
    if counts.get(EvidenceStatus.SUBMITTED):
        return SUBMITTED
    if counts.get(EvidenceStatus.DRAFT):
        return DRAFT
    if counts.get(EvidenceStatus.ACCEPTED):
        return ACCEPTED
    return MISSING


@dataclass(slots=True)
class Cell:
    unit: Unit
    responsible: bool
    lead: bool
    counts: dict[str, int]
    # Worked out once on creation (a province's grid has thousands of cells; no per-read work):
    state: str = MISSING
    total: int = 0
    shown: bool = False  # drawn when the unit answers for the row or has evidence on it anyway

    def __post_init__(self) -> None:
        if self.counts:
            self.total = sum(self.counts.values())
            self.state = _state(self.counts)
        self.shown = self.responsible or self.total > 0

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass
class Row:
    kind: str  # "item" | "sub"
    code: str
    name: str
    cells: list[Cell]
    quantitative: bool
    missing: list[str] = field(default_factory=list)  # figures (or lists) the rule still lacks
    ready: bool = False
    state: str = MISSING  # the row's evidence across the units shown
    cells_html: str = ""  # the row's <td>s, drawn once here (see cells_html)

    @property
    def figures_complete(self) -> bool:
        return self.quantitative and not self.missing


@dataclass
class Dimension:
    code: str
    name: str
    rows: list[Row]


@dataclass
class Completeness:
    zone: Zone
    units: list[Unit]  # the columns
    all_units: list[Unit]  # for the unit filter
    dimensions: list[Dimension]
    all_dimensions: list[tuple[str, str]]  # for the dimension filter
    item_count: int
    ready_count: int
    state_counts: dict[str, int]


def _figure_missing(needs: ZoneDataNeeds, facts: ZoneFacts, item: ScoringItem, list_sizes: dict[str, int]) -> list[str]:
    missing: list[str] = []
    for fig, year in needs.item_figures.get(item.id, []):
        result = compute_figure(fig, year, facts, needs.specs)
        missing += [m for m in result.missing if m not in missing]
    list_name = needs.item_lists.get(item.id)
    if list_name and not list_sizes.get(list_name):
        missing.append("规模以上网络交易经营者名单" if list_name == "operators" else "制度化标准化成果清单")
    return missing


def zone_completeness(*, zone: Zone, user, unit_id: int | None = None, dimension: str | None = None) -> Completeness:
    """The matrix as ``user`` may see it: every unit for the office and provincial reviewers, a liaison's own."""
    return _zone_completeness(zone=zone, visible=_visible(zone, user), unit_id=unit_id, dimension=dimension)


def _visible(zone: Zone, user) -> list[Unit]:
    return [u for u in zone.units.order_by("pk") if unit_can(user, u, ZoneAction.VIEW_COMPLETENESS)]


@dataclass
class DimensionHtml:
    code: str
    name: str
    rows_html: str  # the dimension's <tr>s (row_html)


@dataclass
class CompletenessPage:
    """What the 完整性 page shows: the matrix's figures and each dimension's rows as HTML."""

    zone: Zone
    units: list[Unit]
    all_units: list[Unit]
    dimensions: list[DimensionHtml]
    all_dimensions: list[tuple[str, str]]
    item_count: int
    ready_count: int
    state_counts: dict[str, int]


def completeness_page(
    *, zone: Zone, user, unit_id: int | None = None, dimension: str | None = None
) -> CompletenessPage:
    """zone_completeness drawn for the page, cached.

    Cached under the zone's data token (common/cache.py: any write to the zone's evidence,
    figures, lists, responsibilities or units replaces it) and keyed by the units ``user`` may
    see, so everyone who sees the same units shares one copy (the office, reviewers, evaluators)
    and a liaison, who sees only their own unit, never gets theirs. The copy is a few strings
    (the rows' HTML), not the thousands of cells. 2 queries and a cache round trip when cached.
    """
    visible = _visible(zone, user)
    seen = hashlib.blake2b(",".join(str(u.pk) for u in visible).encode(), digest_size=12).hexdigest()
    generation = zone_data_generation(zone.pk)
    key = f"evidence:completeness:{zone.pk}:{generation}:{seen}:{unit_id}:{dimension}:{get_language()}"
    page = cache.get(key)
    if page is None:
        matrix = _zone_completeness(zone=zone, visible=visible, unit_id=unit_id, dimension=dimension)
        page = CompletenessPage(
            zone=zone,
            units=matrix.units,
            all_units=matrix.all_units,
            dimensions=[
                DimensionHtml(d.code, d.name, mark_safe("".join(row_html(row) for row in d.rows)))  # noqa: S308
                for d in matrix.dimensions
            ],
            all_dimensions=matrix.all_dimensions,
            item_count=matrix.item_count,
            ready_count=matrix.ready_count,
            state_counts=matrix.state_counts,
        )
        cache.set(key, page)
    page.zone = zone
    return page


def row_html(row: Row) -> str:
    """One row of the grid as HTML (escaped here; the page writes each dimension's rows as they are)."""
    if not row.quantitative:
        data = '<span class="text-secondary">—</span>'
    elif row.missing:
        title = escape(_("缺少：") + "、".join(row.missing))
        n = len(row.missing)
        label = escape(ngettext("缺%(n)s项", "缺%(n)s项", n) % {"n": n})
        data = f'<span class="cm-figures-missing" title="{title}">{label}</span>'
    else:
        data = f'<span class="cm-figures-ok" title="{escape(_("数据完整"))}">✓</span>'
    ready = f' <span class="badge text-bg-success">{escape(_("可提交"))}</span>' if row.ready else ""
    return (
        f'<tr class="cm-{escape(row.kind)}{" cm-ready" if row.ready else ""}" data-code="{escape(row.code)}"'
        f' data-state="{escape(row.state)}"><td class="cm-name" title="{escape(row.name)}"><div class="cm-name-box">'
        f"{escape(row.code)} {escape(Truncator(row.name).chars(28))}{ready}</div></td>"
        f'<td class="cm-data">{data}</td>{row.cells_html}</tr>\n'
    )


def _zone_completeness(*, zone: Zone, visible: list[Unit], unit_id: int | None, dimension: str | None) -> Completeness:
    needs = zone_data_needs(zone=zone)  # 2 queries
    indicators = list(Indicator.objects.filter(system_id=zone.system_id).order_by("position"))
    items_by_indicator: dict[int, list[ScoringItem]] = defaultdict(list)
    for item in needs.scoring_items:
        items_by_indicator[item.indicator_id].append(item)
    responsible: dict[tuple[int, int], bool] = {}  # (indicator, unit) → lead
    for ind_id, u_id, lead in IndicatorResponsibility.objects.filter(
        zone=zone, removed=False, unit_id__in=[u.pk for u in visible]
    ).values_list("indicator_id", "unit_id", "is_lead"):
        responsible[(ind_id, u_id)] = lead
    # (indicator, sub-criterion or None, unit) → status → count; the item's own cells sum its sub-criteria.
    counts: dict[tuple[int, int | None, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for ind_id, sub_id, u_id, status, n in (
        Evidence.objects.filter(zone=zone, unit_id__in=[u.pk for u in visible])
        .values_list("indicator_id", "scoring_item_id", "unit_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if sub_id is not None:
            counts[(ind_id, sub_id, u_id)][status] += n
        counts[(ind_id, None, u_id)][status] += n
    # The columns: the units that answer for something or hold evidence anyway.
    answering = {u_id for _, u_id in responsible} | {u_id for _, _, u_id in counts}
    all_units = [u for u in visible if u.pk in answering]
    units = [u for u in all_units if unit_id is None or u.pk == unit_id]

    values, published = {}, {}
    for key, year, value, growth in DataValue.objects.filter(zone=zone).values_list(
        "metric__key", "year", "value", "published_growth"
    ):
        if value is not None:
            values[(key, year)] = value
        if growth is not None:
            published[(key, year)] = growth
    facts = ZoneFacts(zone.region_category, needs.years, values=values, published_growth=published)
    list_sizes = {
        "operators": OperatorEntry.objects.filter(zone=zone).count(),
        "outcomes": OutcomeEntry.objects.filter(zone=zone).count(),
    }

    by_parent: dict[int | None, list[Indicator]] = defaultdict(list)
    for ind in indicators:
        by_parent[ind.parent_id].append(ind)
    dimensions: list[Dimension] = []
    item_count = ready_count = 0
    state_counts: dict[str, int] = defaultdict(int)
    for dim in by_parent[None]:
        rows: list[Row] = []
        for sub in by_parent[dim.id]:
            for ind in by_parent[sub.id]:
                subs = items_by_indicator[ind.id]
                item_row = _item_row(ind, subs, units, responsible, counts, needs, facts, list_sizes)
                rows.append(item_row)
                if not (len(subs) == 1 and subs[0].code == ind.code):
                    rows += [_sub_row(ind, s, units, responsible, counts, needs, facts, list_sizes) for s in subs]
        if dimension and dim.code != dimension:
            continue
        dimensions.append(Dimension(dim.code, dim.name, rows))
        for row in rows:
            row.cells_html = cells_html(row.cells)
            if row.kind == "item":
                item_count += 1
                ready_count += row.ready
                for cell in row.cells:
                    if cell.shown:
                        state_counts[cell.state] += 1
    return Completeness(
        zone=zone,
        units=units,
        all_units=all_units,
        dimensions=dimensions,
        all_dimensions=[(d.code, d.name) for d in by_parent[None]],
        item_count=item_count,
        ready_count=ready_count,
        state_counts=dict(state_counts),
    )


# A cell's class: its state in one letter (static/css/completeness.css), " l" when the unit leads the item.
CELL_CLASS = {ACCEPTED: "a", SUBMITTED: "s", RETURNED: "r", DRAFT: "d", MISSING: "m"}
TIP_ORDER = (ACCEPTED, SUBMITTED, RETURNED, DRAFT)  # the order of the counts in data-n and the tooltip


def cells_html(cells: list[Cell]) -> str:
    """The row's cells as HTML. A province's grid has thousands of cells, so each is as short as it
    can be and the work is done here (about a microsecond a cell, the template's per-cell tags a
    hundred times that): ``<td class="s">2</td>`` — the state's letter and the number of pieces.
    When the pieces are in more than one state, ``data-n`` holds the count per state in TIP_ORDER
    ("1 1 0 0"). The tooltip ("商务局：已采纳 1，待审核 1") is put together in the browser from the
    column's header and these (static/js/grid-tips.js); nothing here comes from the database."""
    parts = []
    for cell in cells:
        if not cell.shown:
            parts.append("<td></td>")  # the unit neither answers for the row nor has evidence on it
            continue
        css = CELL_CLASS[cell.state] + (" l" if cell.lead else "")
        counts = [cell.counts.get(status, 0) for status in TIP_ORDER]
        if sum(1 for n in counts if n) > 1:
            parts.append(f'<td class="{css}" data-n="{" ".join(map(str, counts))}">{cell.total}</td>')
        else:
            parts.append(f'<td class="{css}">{cell.total or "·"}</td>')
    return mark_safe("".join(parts))  # noqa: S308 -- built above from fixed letters and integers


def _cells(ind, sub_id, units, responsible, counts) -> list[Cell]:
    cells = []
    ind_id = ind.id
    for unit in units:
        lead = responsible.get((ind_id, unit.pk))  # None: the unit does not answer for the item
        found = counts.get((ind_id, sub_id, unit.pk))
        cells.append(Cell(unit, lead is not None, bool(lead), dict(found) if found else {}))
    return cells


def _item_row(ind, subs, units, responsible, counts, needs, facts, list_sizes) -> Row:
    quantitative_subs = [s for s in subs if s.rule_type not in JUDGED]
    missing: list[str] = []
    for s in quantitative_subs:
        missing += [m for m in _figure_missing(needs, facts, s, list_sizes) if m not in missing]
    cells = _cells(ind, None, units, responsible, counts)
    row = Row("item", ind.code, ind.name, cells, bool(quantitative_subs), missing)
    shown = [c for c in cells if c.shown]
    merged: dict[str, int] = defaultdict(int)
    for cell in shown:
        for status, n in cell.counts.items():
            merged[status] += n
    row.state = _state(merged)
    responsible_cells = [c for c in cells if c.responsible]
    row.ready = (
        not missing and row.state == ACCEPTED and all(c.counts.get(EvidenceStatus.ACCEPTED) for c in responsible_cells)
    )
    return row


def _sub_row(ind, sub, units, responsible, counts, needs, facts, list_sizes) -> Row:
    quantitative = sub.rule_type not in JUDGED
    missing = _figure_missing(needs, facts, sub, list_sizes) if quantitative else []
    cells = _cells(ind, sub.id, units, responsible, counts)
    row = Row("sub", sub.code, sub.label, cells, quantitative, missing)
    merged: dict[str, int] = defaultdict(int)
    for cell in cells:
        for status, n in cell.counts.items():
            merged[status] += n
    row.state = _state(merged)
    return row
