"""Writes: a task list imported from a workbook (序号 | 任务 | 工作内容 | 牵头单位 | 责任单位 |
关联指标 | 完成时限), all or nothing. The workbook is read by tasks/excel.py (pure conversion); each
task is created by ``tasks.services.task_create``, as one typed in; the units are told once per
unit for the whole list."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common.xlsx import ExcelImportError
from notifications.services import notify_on_commit
from zones.models import Unit, Zone
from zones.unit_names import UnitRef, match_units, parse_unit_names

from .excel import TaskRow, workbook_to_task_rows
from .models import Assignment, Task
from .notices import assignments_assigned_notify
from .services import task_create


def _mentions_rest(notes: tuple[str, ...]) -> bool:
    """001's "以下任务责任单位均包括各县(市、区)人民政府,不再列出": every following row includes the counties."""
    return any(note.startswith("以下") and "各县" in note for note in notes)


@transaction.atomic
def task_import_rows(*, zone: Zone, rows: list[TaskRow], user=None) -> list[Task]:
    """Create the tasks of an imported list, all or nothing; row-level Chinese messages otherwise."""
    units = list(zone.units.order_by("position", "pk"))
    refs = [UnitRef(u.pk, u.name, u.short_name, tuple(u.aliases or ())) for u in units]
    counties = [u for u in units if u.kind == Unit.Kind.COUNTY_GOVERNMENT]
    members = [u for u in units if u.kind != Unit.Kind.COUNTY_GOVERNMENT]
    county_names = [u.short_name or u.name for u in counties]
    indicators = dict(zone.system.indicators.filter(level=3).values_list("code", "pk"))
    existing = set(zone.tasks.exclude(number="").values_list("number", flat=True))

    errors: list[str] = []
    plans: list[tuple[TaskRow, list[int], list[int], list[int]]] = []
    counties_for_rest = False
    for row in rows:
        where = f"第 {row.row} 行"
        errors += row.errors
        if row.number in existing:
            errors.append(
                _("%(where)s：序号“%(number)s”的任务已存在，未重复导入") % {"where": where, "number": row.number}
            )
        lead = parse_unit_names(row.leads_text, counties=county_names)
        rest = parse_unit_names(row.units_text, counties=county_names)
        lead_names = list(dict.fromkeys(lead.units + rest.leads))
        names = list(dict.fromkeys(lead_names + list(rest.units)))
        matched, unmatched = match_units(names, refs, city=zone.region.name)
        errors += [f"{where}：单位“{name}”不是本创建对象的责任单位" for name in unmatched]
        unit_ids = [matched[n] for n in names if n in matched]
        if lead.all_counties or rest.all_counties or counties_for_rest:
            if not counties:
                errors.append(
                    _("%(where)s：本创建对象没有县（市、区）人民政府单位，无法分派给“各县(市、区)人民政府”")
                    % {"where": where}
                )
            unit_ids += [u.pk for u in counties]
        if lead.all_members or rest.all_members:
            unit_ids += [u.pk for u in members]
        counties_for_rest = counties_for_rest or _mentions_rest(lead.notes + rest.notes)
        if not unit_ids and not unmatched and (row.leads_text or row.units_text):
            errors.append(_("%(where)s：未能识别任何责任单位") % {"where": where})
        indicator_ids = []
        for code in row.indicator_codes:
            if code in indicators:
                indicator_ids.append(indicators[code])
            else:
                errors.append(
                    _("%(where)s：关联指标“%(code)s”不是本创建对象指标体系的三级指标") % {"where": where, "code": code}
                )
        lead_ids = [matched[n] for n in lead_names if n in matched]
        plans.append((row, list(dict.fromkeys(unit_ids)), lead_ids, indicator_ids))
    if errors:
        raise ValidationError(errors)
    tasks = []
    for row, unit_ids, lead_ids, indicator_ids in plans:
        try:
            tasks.append(
                task_create(
                    zone=zone,
                    number=row.number,
                    title=row.title,
                    description=row.description,
                    category=row.category,
                    deadline=row.deadline,
                    unit_ids=unit_ids,
                    lead_unit_ids=lead_ids,
                    indicator_ids=indicator_ids,
                    user=user,
                    notify=False,
                )
            )
        except ValidationError as exc:
            errors += [f"第 {row.row} 行：{message}" for message in exc.messages]
    if errors:
        raise ValidationError(errors)
    # One notice per unit for the whole list, not one per task.
    assignment_ids = list(Assignment.objects.filter(task__in=tasks).values_list("pk", flat=True))
    notify_on_commit(assignments_assigned_notify, assignment_ids=assignment_ids, actor_id=getattr(user, "pk", None))
    return tasks


def task_import_xlsx(*, zone: Zone, file, user=None) -> list[Task]:
    """Import a task list (序号 | 任务 | 工作内容 | 牵头单位 | 责任单位 | 关联指标 | 完成时限); all or nothing."""
    try:
        rows = workbook_to_task_rows(file, max_unpacked_bytes=settings.XLSX_MAX_UNPACKED_BYTES)
    except ExcelImportError as exc:
        raise ValidationError(exc.messages) from None
    return task_import_rows(zone=zone, rows=rows, user=user)
