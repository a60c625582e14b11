"""Shared by every channel that writes statistics and list inputs: parsing, limits, rescoring."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from audit.models import AuditAction
from audit.services import audit_record
from common import hooks
from zones.models import Zone

from .models import DataChange, Evidence

# Seconds a score job waits, so that saves in quick succession share one computation.
RESCORE_COUNTDOWN = 5

Via = DataChange.Via
Action = DataChange.Action


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()  # a field the caller did not send: keep what is stored


def zone_rescore_on_commit(zone: Zone, user) -> None:
    """Ask for a new score once the data are committed.

    Robust: the data are saved whatever happens to the score (a failed computation is
    stored on its snapshot and shown on the score page; jobs run in-process without a broker)."""
    transaction.on_commit(
        lambda: hooks.call("zone_rescore", zone=zone, user=user, countdown=RESCORE_COUNTDOWN), robust=True
    )


def data_changes_store(changes: list[DataChange], *, zone: Zone, user) -> list[DataChange]:
    """Store the history rows of one save, and one audit row that links them (same transaction)."""
    stored = DataChange.objects.bulk_create(changes)
    if stored:
        audit_record(
            action=AuditAction.DATA_CHANGED,
            actor=user,
            target_type="evidence.datachange",
            target_label="、".join(sorted({c.label for c in stored}))[:200],
            zone=zone,
            after={"changes": [c.pk for c in stored], "via": stored[0].via, "fields": len(stored)},
        )
    return stored


# Parsing ---------------------------------------------------------------------


def parse_number(raw: Any) -> Decimal | None:
    """A Decimal, or None for a blank; ValueError when it is not a number.

    Accepts what people type or spreadsheets hold: 1234.5, "1,234.5", " 12 ", "95%".
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, (int, float, Decimal)):
        text = str(raw)
    else:
        text = re.sub(r"[\s,,]", "", str(raw))
        if text.endswith(("%", "%")):
            text = text[:-1]
        if text == "":
            return None
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValueError(raw) from None
    if not number.is_finite():
        raise ValueError(raw)
    return number


def parse_year(raw: Any) -> int | None:
    number = parse_number(raw)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(raw)
    return int(number)


def parse_date(raw: Any) -> date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", str(raw).strip())
    if not match:
        raise ValueError(raw)
    return date(*(int(part) for part in match.groups()))


def parse_id(raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    try:
        return int(str(raw).strip())
    except ValueError:
        raise ValueError(raw) from None


def plain(value: Any) -> str:
    """How a stored value reads in the history: 381.2000 → "381.2", None → ""."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _years_text(years: Iterable[int]) -> str:
    return "、".join(str(y) for y in years)


VALUE_LIMIT = Decimal(10) ** 14  # DataValue.value: 18 digits, 4 decimals
GROWTH_LIMIT = Decimal(10) ** 5  # DataValue.published_growth: 9 digits, 4 decimals
SALES_LIMIT = Decimal(10) ** 14  # OperatorEntry.annual_sales: 16 digits, 2 decimals
FOUR_PLACES = Decimal("0.0001")
TWO_PLACES = Decimal("0.01")


def _evidence_titles(zone: Zone, raw_ids: Iterable[Any]) -> dict[int, str]:
    """Titles of the given ids that are evidence of ``zone`` (1 query, none when no id)."""
    ids = set()
    for raw in raw_ids:
        try:
            ident = parse_id(raw)
        except ValueError:
            continue
        if ident is not None:
            ids.add(ident)
    if not ids:
        return {}
    return dict(Evidence.objects.filter(zone=zone, pk__in=ids).values_list("pk", "title"))


def _number_error(number: Decimal, *, name: str, rate: bool, limit: Decimal, negative_ok: bool) -> str | None:
    if not negative_ok and number < 0:
        return f"{name}不能为负数"
    if rate and number > 100:
        return f"{name}为比率,不能超过100%"
    if abs(number) >= limit:
        return f"{name}过大"
    return None


def _evidence_text(ident: int | None, titles: Mapping[int, str]) -> str:
    return "" if ident is None else f"{titles.get(ident, '')}(#{ident})"
