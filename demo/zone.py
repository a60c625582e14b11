"""The demo zone: 三明市 (福建省, 东部) creating a 全国 zone, its units and leading group, and an account per role.

Idempotent: running it again leaves one demo zone with the same organisation. Units, the
leading group, stages, lifecycle moves and the responsibility matrix go through
``zones.services``; the regions, the zone row and the demo accounts (with their fixed
memberships: evaluators in the province's pool) are set up here, as an administrator would.
The figures are loaded by ``demo.figures``, the rest of the demo by ``demo.loader``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.services import membership_grant, user_create
from indicators.models import IndicatorSystem
from zones.lifecycle import ZoneStatus
from zones.models import LeadingGroupMember, Membership, Region, Stage, Unit, Zone
from zones.regions import category_for_province
from zones.services import (
    leading_group_member_create,
    leading_group_member_delete,
    leading_group_member_update,
    responsibility_matrix_build,
    stages_create_from_template,
    unit_create,
    unit_update,
    zone_create,
    zone_transition,
    zone_update,
)
from zones.templates_data import DEFAULT_TEMPLATE, TEMPLATES, add_months, template_dates

from .units import COUNTIES, LEADING_GROUP, LIAISONS, UNITS

DEMO_DATA = Path(__file__).resolve().parents[1] / "indicators" / "examples" / "zone-input.json"
DEMO_PASSWORD = "Demo@2024!"
DEMO_SOURCE = "演示数据"

Role = Membership.Role
# username, display name, role, unit short name (liaison only)
DEMO_ACCOUNTS: tuple[tuple[str, str, str, str | None], ...] = (
    ("office", "市创建办工作人员（演示）", Role.OFFICE, None),
    ("liaison", "市商务局联络员（演示）", Role.LIAISON, "商务局"),
    ("expert", "省级评审专家甲（演示）", Role.EVALUATOR, None),
    ("expert2", "省级评审专家乙（演示）", Role.EVALUATOR, None),
    ("province", "福建省评审人员（演示）", Role.PROVINCIAL_REVIEWER, None),
    ("national", "总局评审人员（演示）", Role.NATIONAL_REVIEWER, None),
    ("sysadmin", "系统管理员（演示）", Role.SYSTEM_ADMIN, None),
    ("secadmin", "安全管理员（演示）", Role.SECURITY_ADMIN, None),
    ("auditor", "审计管理员（演示）", Role.AUDIT_ADMIN, None),
)


def _region_tree() -> tuple[Region, Region]:
    province, _ = Region.objects.get_or_create(
        name="福建省",
        parent=None,
        defaults={"level": Region.Level.PROVINCE, "category": category_for_province("福建省")},
    )
    city, _ = Region.objects.get_or_create(
        name="三明市", parent=province, defaults={"level": Region.Level.CITY, "category": province.category}
    )
    for county in COUNTIES:
        Region.objects.get_or_create(
            name=county, parent=city, defaults={"level": Region.Level.COUNTY, "category": province.category}
        )
    return province, city


def demo_creation_period(*, today: date) -> tuple[date, date]:
    """The demo runs now: its creation began on the 1st of the month six months ago.

    001's own period is 2024-01 – 2026-02 (the same 26 months); shifted so that today
    falls in 组织实施, the dashboard shows a creation in progress rather than two
    years of overdue work.
    """
    start = add_months(today.replace(day=1), -6)
    return start, template_dates(TEMPLATES[DEFAULT_TEMPLATE], start)[-1][2]


# 系统管理员 manages accounts and configuration, never roles (安全管理员) or business data.
SYSTEM_ADMIN_MODELS = (
    ("accounts", "user"),
    ("zones", "region"),
    ("zones", "zone"),
    ("indicators", "indicatorsystem"),
    ("indicators", "indicator"),
    ("indicators", "scoringitem"),
    ("indicators", "metric"),
    ("indicators", "benchmark"),
)


def system_admin_group() -> Group:
    group, _ = Group.objects.get_or_create(name="系统管理员")
    perms = Permission.objects.filter(
        Q(
            *[Q(content_type__app_label=app, content_type__model=model) for app, model in SYSTEM_ADMIN_MODELS],
            _connector=Q.OR,
        )
    )
    group.permissions.set(perms)
    return group


@transaction.atomic
def demo_zone_load(*, system_code: str = "CN-2024") -> Zone:
    """The zone, its units, the demo accounts, the leading group, stages, status 创建中 and the matrix."""
    system = IndicatorSystem.objects.get(code=system_code)
    data = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
    province, city = _region_tree()
    years = data["reference_years"]
    zone = Zone.objects.filter(name="三明市").first() or zone_create(
        name="三明市", region=city, tier=Zone.Tier.NATIONAL, system=system, reference_years=tuple(years)
    )
    existing = {unit.name: unit for unit in zone.units.all()}
    units = {}
    for position, (name, short, kind) in enumerate(UNITS, start=1):
        unit = existing.get(name)
        fields = {"name": name, "short_name": short, "kind": kind, "position": position}
        if unit is None:
            units[short] = unit_create(zone=zone, **fields)
        elif (unit.short_name, unit.kind, unit.position) != (short, kind, position):
            units[short] = unit_update(unit=unit, aliases=unit.aliases or (), **fields)
        else:
            units[short] = unit

    users = _demo_accounts()
    # 授权管理: the security admin grants every other role, audited as on the 授权管理 page. Its own
    # role is what a new installation sets on the server (there is nobody yet to grant it).
    secadmin = users["secadmin"]
    Membership.objects.get_or_create(user=secadmin, role=Role.SECURITY_ADMIN, zone=None, unit=None, province=None)
    for username, _display, role, unit_short in DEMO_ACCOUNTS:
        scope = {"zone": None, "unit": None, "province": None}
        if role == Role.OFFICE:
            scope["zone"] = zone
        elif role == Role.LIAISON:
            scope.update(zone=zone, unit=units[unit_short])
        elif role in (Role.PROVINCIAL_REVIEWER, Role.EVALUATOR):
            scope["province"] = province  # evaluators: the province's pool, outside 三明市
        held = Membership.objects.filter(user=users[username], role=role, **scope).exists()
        if role != Role.SECURITY_ADMIN and not held:
            membership_grant(user=users[username], role=role, granted_by=secadmin, **scope)
        if role == Role.SYSTEM_ADMIN:
            users[username].groups.add(system_admin_group())
    _load_organisation(zone, units, users["office"])
    return zone


def _demo_accounts() -> dict:
    """The demo's accounts through accounts' user_create (the password policy applies). Admin
    access (is_staff) is the flag the system admin ticks in the admin: set here the same way."""
    User = get_user_model()
    users = {}
    for username, display, role, _unit in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(username=username, full_name=display, password=DEMO_PASSWORD)
        # 系统管理员 manages accounts and configuration in the admin site; 三员分立: no superuser.
        staff = role in (Role.OFFICE, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
        if (user.full_name, user.is_staff, user.is_superuser) != (display, staff, False):
            user.full_name, user.is_staff, user.is_superuser = display, staff, False
            user.save(update_fields=["full_name", "is_staff", "is_superuser"])
        users[username] = user
    return users


def _load_organisation(zone: Zone, units: dict[str, Unit], office_user) -> None:
    """Leading group (附件1, titles only), the five stages, status 创建中 and the matrix."""
    liaison_user = get_user_model().objects.get(username="liaison")
    seats = {member.position: member for member in LeadingGroupMember.objects.filter(zone=zone)}
    for position, (role, title, short) in enumerate(LEADING_GROUP + LIAISONS, start=1):
        seat = {
            "role": role,
            "title": title if role != LeadingGroupMember.Role.LIAISON else f"{units[short].short_name}{title}",
            "unit": units[short] if short else None,
            "user": liaison_user if role == LeadingGroupMember.Role.LIAISON and short == "商务局" else None,
            "position": position,
        }
        member = seats.pop(position, None)
        if member is None:
            leading_group_member_create(zone=zone, **seat)
        elif (member.role, member.title, member.unit_id, member.user_id) != (
            seat["role"],
            seat["title"],
            getattr(seat["unit"], "pk", None),
            getattr(seat["user"], "pk", None),
        ):
            leading_group_member_update(member=member, **seat)
    for member in seats.values():  # seats the demo no longer has
        leading_group_member_delete(member=member)
    if not Stage.objects.filter(zone=zone).exists():
        # The period and its stages are set once (a later load keeps both, so they stay in step).
        start, end = demo_creation_period(today=timezone.localdate())
        zone_update(zone=zone, data={"creation_start": start, "creation_end": end})
        stages_create_from_template(zone=zone, template=DEFAULT_TEMPLATE, start=start)
    # 申报 → 批准创建 → 创建中, recorded as events like any other change (once: idempotent).
    steps = (
        (ZoneStatus.APPLICATION, ZoneStatus.APPROVED, "演示数据：获批创建"),
        (ZoneStatus.APPROVED, ZoneStatus.CREATING, "演示数据：召开动员部署大会，启动创建"),
    )
    for source, target, reason in steps:
        if zone.status == source:
            zone_transition(zone=zone, user=office_user, to_status=target, reason=reason)
    responsibility_matrix_build(zone=zone)


# A second, smaller zone of the same province -------------------------------------------------
# 南平市 has applied (申报) to become a 省级 zone and entered a first set of figures with its
# application: the provincial reviewer then has two zones to compare (报告 → 对比各创建对象).
# It has no office account of its own (the demo keeps one account per role); its figures are
# entered as the administrator loads them (管理后台), through the same data services.
SECOND_ZONE = "南平市"
# The example file's metrics it has figures for (about half), and how they differ from 三明市's.
SECOND_ZONE_METRICS = 20
SECOND_ZONE_SCALE = 0.6  # amounts (counts, sales, tax) are 60 % of 三明市's
SECOND_ZONE_RATE_GAP = 4  # rates (at most 100) are 4 points lower
SECOND_ZONE_JUDGED_EVERY = 2  # it has answered every second judged sub-criterion of the example file


def _second_zone_value(value: float) -> float:
    if value > 100:
        return round(value * SECOND_ZONE_SCALE, 1)
    return max(round(value - SECOND_ZONE_RATE_GAP, 1), 0)


@transaction.atomic
def demo_second_zone_load(*, system_code: str = "CN-2024") -> Zone:
    """南平市 (福建省), 省级, status 申报, with some figures; idempotent (a second load changes nothing)."""
    from evidence.data.selectors import zone_data_needs
    from evidence.data.services import Via, data_values_save

    from .figures import demo_figure_rows

    system = IndicatorSystem.objects.get(code=system_code)
    data = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
    province, _city = _region_tree()
    city, _ = Region.objects.get_or_create(
        name=SECOND_ZONE, parent=province, defaults={"level": Region.Level.CITY, "category": province.category}
    )
    years = data["reference_years"]
    zone = Zone.objects.filter(name=SECOND_ZONE).first() or zone_create(
        name=SECOND_ZONE, region=city, tier=Zone.Tier.PROVINCIAL, system=system, reference_years=tuple(years)
    )
    keys = list(data["values"])[:SECOND_ZONE_METRICS]
    values = {key: {year: _second_zone_value(v) for year, v in data["values"][key].items()} for key in keys}
    needs = zone_data_needs(zone=zone)
    data_values_save(
        zone=zone,
        user=None,
        rows=demo_figure_rows({"values": values}),
        via=Via.ADMIN,
        allowed_keys=set(needs.metrics),
        needs=needs,
    )
    _second_zone_judgements(zone, data.get("judgements") or {})
    return zone


def _second_zone_judgements(zone: Zone, judgements: dict) -> None:
    """Every SECOND_ZONE_JUDGED_EVERY-th judgement of the example file, through judgement_set
    (the office's live judgements of an application); an unchanged one is left as it is."""
    from decimal import Decimal

    from assessments.models import Judgement
    from assessments.services import judgement_set
    from indicators.models import ScoringItem

    items = {i.code: i for i in ScoringItem.objects.filter(indicator__system=zone.system)}
    live = {
        j.scoring_item.code: j
        for j in Judgement.objects.filter(zone=zone, round__isnull=True).select_related("scoring_item")
    }
    for code, j in list(judgements.items())[::SECOND_ZONE_JUDGED_EVERY]:
        points = None if j.get("points") is None else Decimal(str(j["points"]))
        options = j.get("options") or []
        comment = j.get("comment", "")
        current = live.get(code)
        if (
            current is not None
            and (current.options, current.comment) == (sorted(set(options)), comment)
            and (options or current.points == points)
        ):
            continue
        judgement_set(zone=zone, scoring_item=items[code], points=points, options=options, comment=comment, user=None)
