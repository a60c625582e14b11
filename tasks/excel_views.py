"""Excel pages: the task-list import (all or nothing) and the 任务台账 export."""

from __future__ import annotations

import io
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.http import attachment_disposition
from zones.access import ZoneAction, zone_get_for_user

from .excel import IMPORT_HEADERS, ledger_to_workbook, task_rows_to_workbook
from .forms import TaskImportForm
from .imports import task_import_xlsx
from .selectors import task_ledger

logger = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TEMPLATE_EXAMPLE = {
    "序号": "1",
    "任务": "加大政策扶持力度",
    "工作内容": "出台促进和规范网络市场发展的政策,完善电商扶持政策。",
    "牵头单位": "市商务局",
    "责任单位": "市发改委、财政局,各县(市、区)人民政府",
    "关联指标": "1、2",
    "完成时限": "2024年12月底",
}


def _xlsx_response(workbook, *, filename: str, fallback: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_disposition(filename, fallback=fallback)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def task_import(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.MANAGE_TASKS)
    form = TaskImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            tasks = task_import_xlsx(zone=zone, file=form.cleaned_data["file"], user=request.user)
        except ValidationError as exc:
            errors = exc.messages
        else:
            logger.info("%s tasks imported into zone %s by user %s", len(tasks), zone.pk, request.user.pk)
            messages.success(request, _("已导入 %(count)s 项任务。") % {"count": len(tasks)})
            return redirect("tasks:task-list", zone_id=zone.pk)
    context = {"zone": zone, "form": form, "errors": errors, "headers": IMPORT_HEADERS}
    return render(request, "tasks/task_import.html", context)


@login_required
@require_GET
def task_import_template(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.MANAGE_TASKS)
    workbook = task_rows_to_workbook([TEMPLATE_EXAMPLE])
    return _xlsx_response(workbook, filename=f"{zone.name}-任务清单模板.xlsx", fallback="task-list-template.xlsx")


@login_required
@require_GET
def task_ledger_export(request: HttpRequest, zone_id: int) -> HttpResponse:
    """The 任务台账 of a zone, for those who see every task (office, provincial reviewers)."""
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.VIEW_ALL_TASKS)
    today = timezone.localdate()
    workbook = ledger_to_workbook(task_ledger(zone=zone), title=f"{zone.name}创建工作任务台账（{today:%Y-%m-%d}）")
    logger.info("task ledger of zone %s exported by user %s", zone.pk, request.user.pk)
    return _xlsx_response(
        workbook,
        filename=f"{zone.name}-任务台账-{today:%Y%m%d}.xlsx",
        fallback=f"task-ledger-{zone.pk}-{today:%Y%m%d}.xlsx",
    )
