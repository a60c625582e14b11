"""The demo zone's statistics and list inputs, entered through evidence.data.services like any other channel.

The figures come from ``indicators/examples/zone-input.json`` (the file the README uses for
``score_zone --input``), so the demo zone and the example file score the same. Loading again
changes nothing (the services write only what differs), so the history holds one row per field
of the first load.
"""

from __future__ import annotations

import json

from django.db import transaction

from evidence.data.selectors import entry_list_of, zone_data_needs
from evidence.data.services import LIST_SPECS, FigureRow, Via, data_values_save, entries_replace
from zones.models import Zone

from .zone import DEMO_DATA, DEMO_SOURCE

# The demo is loaded by a management command, not typed in a form: its history says 管理后台.
DEMO_VIA = Via.ADMIN


def demo_figure_rows(data: dict) -> list[FigureRow]:
    """One row per metric and year of the example file (value and/or official growth rate)."""
    rows: dict[tuple[str, int], dict] = {}
    for field, target in (("values", "value"), ("published_growth", "published_growth")):
        for key, by_year in (data.get(field) or {}).items():
            for year, value in by_year.items():
                rows.setdefault((key, int(year)), {})[target] = str(value)
    return [
        FigureRow(metric=key, year=year, source=DEMO_SOURCE, **fields) for (key, year), fields in sorted(rows.items())
    ]


@transaction.atomic
def demo_figures_load(*, zone: Zone, user) -> int:
    """The example file's figures, operators (item 4) and outcomes (item 34) as ``user`` (the office)
    enters them; returns how many fields changed (0 when loaded again)."""
    data = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
    needs = zone_data_needs(zone=zone)
    changes = data_values_save(
        zone=zone,
        user=user,
        rows=demo_figure_rows(data),
        via=DEMO_VIA,
        allowed_keys=set(needs.metrics),
        needs=needs,
    )
    lists = data.get("lists") or {}
    outcomes = [dict(r) for r in lists.get("outcomes") or []]
    # An outcome has no natural key: a row names the entry it keeps by its id (same title and date).
    kept = {(o.title, o.issued_on.isoformat()): o.pk for o in entry_list_of(zone=zone, list_name="outcomes")}
    for row in outcomes:
        row["id"] = kept.get((row["title"], row["issued_on"]))
    count = len(changes)
    count += len(
        entries_replace(
            spec=LIST_SPECS["operators"], zone=zone, user=user, raws=list(lists.get("operators") or []), via=DEMO_VIA
        )
    )
    count += len(entries_replace(spec=LIST_SPECS["outcomes"], zone=zone, user=user, raws=outcomes, via=DEMO_VIA))
    return count
