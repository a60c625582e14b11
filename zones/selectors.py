"""Reads on zones. Each returns a fixed number of queries, however much data there is."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from common import hooks
from indicators.models import Indicator
from indicators.selectors import indicator_level3_list

from . import lifecycle
from .access import zone_lifecycle_actors, zones_visible_to
from .models import (
    IndicatorResponsibility,
    KeyPark,
    LeadingGroupMember,
    Stage,
    StageStep,
    Unit,
    UnmatchedUnitName,
    Zone,
    ZoneScopeChange,
    ZoneTransition,
)


def zone_list_for_user(*, user) -> QuerySet[Zone]:
    return zones_visible_to(user).select_related("region", "system").order_by("name")


# --- lifecycle ----------------------------------------------------------------------


def zone_lifecycle_moves(*, zone: Zone, user) -> tuple[list[lifecycle.Move], list[tuple[lifecycle.Move, list[str]]]]:
    """The moves ``user`` may make from the zone's current status (empty for read-only roles), and
    those of them another app refuses now (a round makes them, an open 严重 finding holds the zone),
    each with its reasons: the page explains them instead of offering a button that is refused."""
    open_moves, blocked = [], []
    for move in lifecycle.moves_for(zone.status, zone_lifecycle_actors(zone=zone, user=user)):
        reasons = hooks.call(
            "zone_transition_blockers", zone=zone, source=move.source, target=move.target, default=None
        )
        if reasons:
            blocked.append((move, list(reasons)))
        else:
            open_moves.append(move)
    return open_moves, blocked


def zone_transition_list(*, zone: Zone) -> QuerySet[ZoneTransition]:
    return ZoneTransition.objects.filter(zone=zone).select_related("by").order_by("at", "pk")


def zone_scope_change_list(*, zone: Zone) -> QuerySet[ZoneScopeChange]:
    return ZoneScopeChange.objects.filter(zone=zone).select_related("by").order_by("at", "pk")


# --- parks, stages, units, leading group --------------------------------------------


def key_park_list(*, zone: Zone) -> QuerySet[KeyPark]:
    return KeyPark.objects.filter(zone=zone).order_by("name")


def stage_list_for_zone(*, zone: Zone) -> QuerySet[Stage]:
    steps = Prefetch("steps", queryset=StageStep.objects.order_by("position", "pk"))
    return Stage.objects.filter(zone=zone).prefetch_related(steps).order_by("position", "start", "pk")


def unit_list_for_zone(*, zone: Zone) -> QuerySet[Unit]:
    return Unit.objects.filter(zone=zone).order_by("position", "pk")


def unit_list_with_counts(*, zone: Zone) -> QuerySet[Unit]:
    """Units with how many items they lead / answer for (the units page)."""
    active = Q(responsibilities__removed=False)
    return unit_list_for_zone(zone=zone).annotate(
        lead_count=Count("responsibilities", filter=active & Q(responsibilities__is_lead=True)),
        item_count=Count("responsibilities", filter=active),
    )


def leading_group_member_list(*, zone: Zone) -> QuerySet[LeadingGroupMember]:
    return LeadingGroupMember.objects.filter(zone=zone).select_related("unit", "user").order_by("position", "pk")


def leading_group_unit_ids(*, zone: Zone) -> set[int]:
    """The zone's 领导小组成员单位: every unit holding a seat in the leading group."""
    return set(
        LeadingGroupMember.objects.filter(zone=zone, unit__isnull=False).values_list("unit_id", flat=True).distinct()
    )


def zone_user_list(*, zone: Zone) -> QuerySet:
    """Users holding a role in the zone (the choices for a leading-group seat)."""
    return get_user_model().objects.filter(memberships__zone=zone).distinct().order_by("username")


# --- responsibility matrix ----------------------------------------------------------

LEAD, RESPONSIBLE, NONE = "lead", "responsible", "none"
_NEXT = {NONE: RESPONSIBLE, RESPONSIBLE: LEAD, LEAD: NONE}


def cell_state(row: IndicatorResponsibility | None) -> str:
    if row is None or row.removed:
        return NONE
    return LEAD if row.is_lead else RESPONSIBLE


@dataclass
class MatrixCell:
    unit: Unit
    state: str

    @property
    def next_state(self) -> str:
        """Clicking a cell cycles empty → 责任 → 牵头 → empty."""
        return _NEXT[self.state]


# A cell's class: "l" 牵头, "r" 责任, none when empty (static/css/matrix.css).
_CELL_CLASS = {LEAD: ' class="l"', RESPONSIBLE: ' class="r"', NONE: ""}


def matrix_cells_html(cells: list[MatrixCell], *, editable: bool) -> str:
    """A row's cells as HTML, a few bytes each: the grid has units × items cells (2,460 at province
    scale). ``<td class="r"><button>责任</button></td>``: the class says the state, the button is
    there for whoever may edit. What a click posts (the row's item, the column's unit, the next
    state) and the tooltip (item code · unit) are read in the browser from the row, the column's
    header and the class by static/js/grid-tips.js, which posts with htmx.ajax: no hx-* per cell."""
    empty = escape(gettext("空"))  # for screen readers (static/css/matrix.css hides the <i>)
    texts = {LEAD: escape(gettext("牵头")), RESPONSIBLE: escape(gettext("责任")), NONE: f"<i>{empty}</i>"}
    if editable:
        texts = {state: f"<button>{text}</button>" for state, text in texts.items()}
    cell = {state: f"<td{_CELL_CLASS[state]}>{text}</td>" for state, text in texts.items()}
    return mark_safe("".join(cell[c.state] for c in cells))  # noqa: S308 -- fixed markup and catalogue labels


@dataclass
class MatrixRow:
    indicator: Indicator
    cells: list[MatrixCell]
    cells_html: str = ""  # the row's <td>s, drawn once (matrix_cells_html)

    @property
    def lead_count(self) -> int:
        return sum(1 for c in self.cells if c.state == LEAD)

    @property
    def responsible_count(self) -> int:
        return sum(1 for c in self.cells if c.state != NONE)


@dataclass
class MatrixGroup:
    dimension: Indicator
    rows: list[MatrixRow] = field(default_factory=list)


@dataclass
class Matrix:
    units: list[Unit]
    groups: list[MatrixGroup]
    unmatched_count: int

    @property
    def rows(self) -> list[MatrixRow]:
        return [row for group in self.groups for row in group.rows]


def indicator_list_level3(*, zone: Zone) -> list[Indicator]:
    """The zone's level-3 items with their dimension (cached when the system is published)."""
    return indicator_level3_list(system=zone.system)


def responsibility_matrix(*, zone: Zone, editable: bool = False) -> Matrix:
    """Rows = the system's level-3 items grouped by dimension, columns = units (4 queries); each row's
    cells drawn once, with a button each when ``editable`` (the office's grid)."""
    units = list(unit_list_for_zone(zone=zone))
    rows_by_cell = {
        (r.indicator_id, r.unit_id): r
        for r in IndicatorResponsibility.objects.filter(zone=zone).only("indicator_id", "unit_id", "is_lead", "removed")
    }
    groups: dict[int, MatrixGroup] = {}
    for indicator in indicator_list_level3(zone=zone):
        dimension = indicator.parent.parent if indicator.parent and indicator.parent.parent else indicator
        group = groups.setdefault(dimension.pk, MatrixGroup(dimension=dimension))
        cells = [MatrixCell(unit=unit, state=cell_state(rows_by_cell.get((indicator.pk, unit.pk)))) for unit in units]
        group.rows.append(MatrixRow(indicator, cells, matrix_cells_html(cells, editable=editable)))
    unmatched = UnmatchedUnitName.objects.filter(zone=zone, resolved_unit__isnull=True).count()
    return Matrix(units=units, groups=list(groups.values()), unmatched_count=unmatched)


@dataclass
class UnmatchedName:
    raw_name: str
    indicators: list[Indicator]
    is_lead: bool


def unmatched_unit_name_list(*, zone: Zone) -> list[UnmatchedName]:
    """Unresolved names, one entry per name with the items it occurs in."""
    grouped: dict[str, UnmatchedName] = {}
    rows = (
        UnmatchedUnitName.objects.filter(zone=zone, resolved_unit__isnull=True)
        .select_related("indicator")
        .order_by("raw_name", "indicator__position")
    )
    for row in rows:
        entry = grouped.setdefault(row.raw_name, UnmatchedName(row.raw_name, [], False))
        entry.indicators.append(row.indicator)
        entry.is_lead = entry.is_lead or row.is_lead
    return list(grouped.values())


def unmatched_unit_name_resolved_list(*, zone: Zone) -> QuerySet[UnmatchedUnitName]:
    return (
        UnmatchedUnitName.objects.filter(zone=zone, resolved_unit__isnull=False)
        .select_related("indicator", "resolved_unit")
        .order_by("raw_name", "indicator__position")
    )
