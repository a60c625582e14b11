"""Excel export and import of indicator systems (the conversion is in indicators.excel).

URL names for the lead to wire: ``system_export_xlsx`` (GET, ``system_id``) and
``system_import`` (GET form, POST upload).
"""

from __future__ import annotations

import io
import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from common.http import attachment_disposition

from .access import indicator_systems_visible_to
from .excel import ExcelImportError, system_data_to_workbook, workbook_to_system_data
from .models import IndicatorSystem
from .selectors import indicator_system_to_data
from .services import indicator_system_create_from_data

logger = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_PERMISSION = "indicators.add_indicatorsystem"


@login_required
@require_GET
def system_export_xlsx(request: HttpRequest, system_id: int) -> HttpResponse:
    """Any signed-in user may download a published system; drafts only staff who may view them."""
    system = get_object_or_404(indicator_systems_visible_to(request.user).select_related("scope"), pk=system_id)
    workbook = system_data_to_workbook(indicator_system_to_data(system=system))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_disposition(
        f"{system.name}-{system.version}.xlsx", fallback=f"indicator-system-{system.code}.xlsx"
    )
    logger.info("indicator system %s exported to Excel by user %s", system.code, request.user.pk)
    return response


class SystemImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel 文件（.xlsx）"))
    code = forms.CharField(
        label=gettext_lazy("体系编码"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("留空则使用文件“说明”表中的编码。"),
    )
    name = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("留空则使用文件中的名称。"),
    )
    version = forms.CharField(
        label=gettext_lazy("版本"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("留空则使用文件中的版本。"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def system_import(request: HttpRequest) -> HttpResponse:
    """Upload a workbook; all-or-nothing: any error lists every problem and creates nothing."""
    if not (request.user.is_staff and request.user.has_perm(IMPORT_PERMISSION)):
        raise PermissionDenied
    errors: list[str] = []
    form = SystemImportForm(request.POST, request.FILES) if request.method == "POST" else SystemImportForm()
    if form.is_bound and form.is_valid():
        try:
            data = workbook_to_system_data(
                form.cleaned_data["file"],
                code=form.cleaned_data["code"] or None,
                name=form.cleaned_data["name"] or None,
                version=form.cleaned_data["version"] or None,
                max_unpacked_bytes=settings.XLSX_MAX_UNPACKED_BYTES,
            )
            system = indicator_system_create_from_data(
                data=data, status=IndicatorSystem.Status.DRAFT, user=request.user
            )
        except (ExcelImportError, ValidationError) as exc:
            errors = exc.messages
        else:
            logger.info("indicator system %s imported from Excel by user %s", system.code, request.user.pk)
            messages.success(request, _("已导入指标体系“%(system)s”（草稿），请核对后发布。") % {"system": system})
            return redirect("admin:indicators_indicatorsystem_change", system.pk)
    return render(request, "indicators/system_import.html", {"form": form, "errors": errors})
