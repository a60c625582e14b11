"""Evidence pages: thin views. Access through zones.access and evidence.selectors, writes in services.

The two upload endpoints answer JSON (one request per file, posted by
static/js/evidence-upload.js with a progress bar each). They install the upload
size limit before anything reads the body, so they are csrf_exempt on the outside
and csrf_protect inside (the pattern Django documents for changing upload handlers).
"""

from __future__ import annotations

import logging
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from common.files import file_response, upload_limit_install
from common.pagination import page_of
from common.params import query_int
from common.uploads import upload_limit
from zones.access import ZoneAction, zone_can, zone_get_for_user, zones_visible_to

from . import selectors, services
from .forms import EvidenceFilterForm, EvidenceReturnForm, EvidenceUploadForm, EvidenceVersionForm
from .models import Evidence, EvidenceFile, EvidenceStatus

logger = logging.getLogger("evidence.downloads")

INLINE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


def _messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


def _page(request: HttpRequest, zone, **context) -> dict:
    """What every evidence page shows: the tabs the user may use, the upload limits."""
    limit = services.evidence_max_upload_bytes()
    return {
        "zone": zone,
        "nav_can_upload": zone_can(request.user, zone, ZoneAction.SUBMIT_EVIDENCE),
        "nav_can_review": zone_can(request.user, zone, ZoneAction.REVIEW_EVIDENCE),
        "accept": services.ACCEPT_ATTR,
        "allowed_labels": services.ALLOWED_LABELS,
        "max_bytes": limit,
        "max_size": services.human_size(limit),
        **context,
    }


# --- pages ----------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The nav link: straight to the zone when the user has one, otherwise a choice."""
    zones = list(zones_visible_to(request.user).order_by("name"))
    if len(zones) == 1:
        return redirect("evidence:list", zone_id=zones[0].pk)
    return render(request, "evidence/home.html", {"zones": zones})


LIST_PAGE_SIZE = 50


def _listing(request: HttpRequest, zone, *, form: EvidenceFilterForm, url_name: str, **fixed) -> dict:
    """The filtered, sorted page of evidence and its rows ready to print, for the list and the queue."""
    filters = {**form.filters(), **fixed}
    rows = selectors.evidence_list(user=request.user, zone=zone, **filters)
    listing = page_of(request, rows.values_list("pk", flat=True), per_page=LIST_PAGE_SIZE)
    return {
        "form": form,
        "listing": listing,
        "rows": selectors.evidence_rows(rows=selectors.evidence_page(rows=rows, ids=listing.rows), zone=zone),
        "filtered": any(request.GET.get(name) for name in form.fields),
        "list_url": reverse(url_name, args=[zone.pk]),
        "back": request.GET.urlencode(),  # where "提交" on a row comes back to
    }


@login_required
@require_GET
def evidence_list(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id)
    choices = selectors.evidence_filter_choices(zone=zone, user=request.user)
    form = EvidenceFilterForm(request.GET, choices=choices, with_status=True)
    can_review = zone_can(request.user, zone, ZoneAction.REVIEW_EVIDENCE)
    can_upload = zone_can(request.user, zone, ZoneAction.SUBMIT_EVIDENCE)
    context = _page(
        request,
        zone,
        **_listing(request, zone, form=form, url_name="evidence:list"),
        can_upload=can_upload,
        can_review=can_review,
        submitted_count=selectors.evidence_count_submitted(user=request.user, zone=zone) if can_review else 0,
        # The rows' 提交 buttons and the upload are refused while a round locks the zone: said up front.
        lock=selectors.data_lock_of(zone=zone) if can_upload or can_review else None,
    )
    return render(request, "evidence/list.html", context)


@login_required
@require_GET
def review_queue(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.REVIEW_EVIDENCE)
    form = EvidenceFilterForm(request.GET, choices=selectors.evidence_filter_choices(zone=zone))
    context = _listing(request, zone, form=form, url_name="evidence:queue", status=EvidenceStatus.SUBMITTED)
    lock = selectors.data_lock_of(zone=zone)  # accepting and returning are refused while a round locks the zone
    return render(request, "evidence/queue.html", _page(request, zone, lock=lock, **context))


@login_required
@require_GET
def upload_page(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.SUBMIT_EVIDENCE)
    cells = list(selectors.evidence_upload_responsibilities(user=request.user, zone=zone))
    indicator_id = query_int(request.GET, "indicator")
    target = selectors.evidence_upload_target(user=request.user, zone=zone, indicator_id=indicator_id)
    lock = selectors.data_lock_of(zone=zone)  # told before anyone picks a file; the service still refuses
    return render(request, "evidence/upload.html", _page(request, zone, cells=cells, target=target, lock=lock))


@login_required
@require_GET
def evidence_detail(request: HttpRequest, zone_id: int, evidence_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id)
    evidence = selectors.evidence_get(user=request.user, zone=zone, evidence_id=evidence_id)
    files = list(evidence.files.all())
    editable = evidence.status in (EvidenceStatus.DRAFT, EvidenceStatus.RETURNED)
    may_upload = editable and selectors.evidence_may_upload(user=request.user, evidence=evidence)
    can_review = evidence.status == EvidenceStatus.SUBMITTED and zone_can(
        request.user, zone, ZoneAction.REVIEW_EVIDENCE
    )
    context = _page(
        request,
        zone,
        evidence=evidence,
        files=files,
        latest=files[0] if files else None,
        events=list(evidence.events.all()),
        can_upload=may_upload,
        can_review=can_review,
        # Uploading, submitting and reviewing are refused while a round locks the zone: said up front.
        lock=selectors.data_lock_of(zone=zone) if may_upload or can_review else None,
    )
    return render(request, "evidence/detail.html", context)


# --- status changes -------------------------------------------------------------------------------


def _detail(evidence: Evidence):
    return redirect("evidence:detail", zone_id=evidence.zone_id, evidence_id=evidence.pk)


@login_required
@require_POST
def evidence_submit(request: HttpRequest, zone_id: int, evidence_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.SUBMIT_EVIDENCE)
    evidence = selectors.evidence_get(user=request.user, zone=zone, evidence_id=evidence_id)
    selectors.evidence_upload_check(user=request.user, evidence=evidence)
    try:
        services.evidence_submit(evidence=evidence, user=request.user)
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        messages.success(request, _("已提交“%(title)s”，等待办公室审核。") % {"title": evidence.title})
    if request.POST.get("next") == "list":
        # Back to the page of the list the row was on; ``back`` is only ever a query string.
        back = QueryDict(request.POST.get("back", "")).urlencode()
        return redirect(reverse("evidence:list", args=[zone.pk]) + (f"?{back}" if back else ""))
    return _detail(evidence)


@login_required
@require_POST
def evidence_accept(request: HttpRequest, zone_id: int, evidence_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.REVIEW_EVIDENCE)
    evidence = selectors.evidence_get(user=request.user, zone=zone, evidence_id=evidence_id)
    try:
        services.evidence_accept(evidence=evidence, user=request.user)
    except ValidationError as error:
        messages.error(request, _messages_of(error))
        return _detail(evidence)
    messages.success(request, _("已采纳“%(title)s”。") % {"title": evidence.title})
    return redirect("evidence:queue", zone_id=zone.pk)


@login_required
@require_POST
def evidence_return(request: HttpRequest, zone_id: int, evidence_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.REVIEW_EVIDENCE)
    evidence = selectors.evidence_get(user=request.user, zone=zone, evidence_id=evidence_id)
    form = EvidenceReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return _detail(evidence)
    try:
        services.evidence_return(evidence=evidence, user=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, _messages_of(error))
        return _detail(evidence)
    messages.success(request, _("已退回“%(title)s”，责任单位将看到退回原因。") % {"title": evidence.title})
    return redirect("evidence:queue", zone_id=zone.pk)


# --- uploads (JSON, one file per request) ---------------------------------------------------------


def _json_errors(view):
    """Access and validation errors as ``{"ok": false, "error": "…"}`` with the right status."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404 as error:
            return JsonResponse({"ok": False, "error": str(error) or _("对象不存在或无权访问。")}, status=404)
        except PermissionDenied as error:
            return JsonResponse({"ok": False, "error": str(error) or _("没有权限执行此操作。")}, status=403)
        except ValidationError as error:
            return JsonResponse({"ok": False, "error": _messages_of(error)}, status=400)

    return wrapped


def _form_error(form) -> str:
    return " ".join(str(message) for messages_ in form.errors.values() for message in messages_)


def _file_json(evidence: Evidence, file: EvidenceFile, status: int = 201) -> JsonResponse:
    warning = ""
    if file.duplicate_of_id:
        warning = _("注意：该文件与本指标下已上传的“%(name)s”内容完全相同。") % {
            "name": file.duplicate_of.original_name
        }
    return JsonResponse(
        {
            "ok": True,
            "evidence_id": evidence.pk,
            "file_id": file.pk,
            "version": file.version,
            "name": file.original_name,
            "url": reverse("evidence:detail", args=[evidence.zone_id, evidence.pk]),
            "warning": warning,
        },
        status=status,
    )


@upload_limit(services.evidence_max_upload_bytes)  # for whatever reads the body first
@csrf_exempt  # checked by csrf_protect below, once the size limit is in place
@login_required
@require_POST
def upload_file(request: HttpRequest, zone_id: int) -> HttpResponse:
    limiter = upload_limit_install(request, services.evidence_max_upload_bytes())
    return _upload_file(request, zone_id=zone_id, limiter=limiter)


@csrf_protect
@_json_errors
def _upload_file(request: HttpRequest, *, zone_id: int, limiter) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.SUBMIT_EVIDENCE)
    form = EvidenceUploadForm(request.POST, request.FILES, zone=zone)
    valid = form.is_valid()
    indicator = form.cleaned_data.get("indicator")
    if indicator is None:
        return JsonResponse({"ok": False, "error": _form_error(form)}, status=400)
    unit = selectors.evidence_upload_unit(user=request.user, zone=zone, indicator=indicator)
    if limiter.refused:
        return JsonResponse({"ok": False, "error": services.too_large_message(limiter.refused[0])}, status=413)
    if not valid:
        return JsonResponse({"ok": False, "error": _form_error(form)}, status=400)
    data = form.cleaned_data
    evidence = services.evidence_create(
        zone=zone,
        indicator=indicator,
        unit=unit,
        user=request.user,
        file=data["file"],
        title=data["title"],
        scoring_item=data["scoring_item"],
        description=data["description"],
        effective_date=data["effective_date"],
    )
    return _file_json(evidence, selectors.evidence_file_version(evidence=evidence, version=1))


@upload_limit(services.evidence_max_upload_bytes)  # for whatever reads the body first
@csrf_exempt  # checked by csrf_protect below, once the size limit is in place
@login_required
@require_POST
def upload_version(request: HttpRequest, zone_id: int, evidence_id: int) -> HttpResponse:
    limiter = upload_limit_install(request, services.evidence_max_upload_bytes())
    return _upload_version(request, zone_id=zone_id, evidence_id=evidence_id, limiter=limiter)


@csrf_protect
@_json_errors
def _upload_version(request: HttpRequest, *, zone_id: int, evidence_id: int, limiter) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id, ZoneAction.SUBMIT_EVIDENCE)
    evidence = selectors.evidence_get(user=request.user, zone=zone, evidence_id=evidence_id)
    selectors.evidence_upload_check(user=request.user, evidence=evidence)
    if limiter.refused:
        return JsonResponse({"ok": False, "error": services.too_large_message(limiter.refused[0])}, status=413)
    form = EvidenceVersionForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse({"ok": False, "error": _form_error(form)}, status=400)
    file = services.evidence_file_add(evidence=evidence, user=request.user, file=form.cleaned_data["file"])
    return _file_json(evidence, file)


# --- downloads --------------------------------------------------------------------------------------


def evidence_file_serve(request: HttpRequest, file: EvidenceFile, *, inline: bool) -> HttpResponse:
    """The response for a file the caller has checked ``request.user`` may see; every one is logged."""
    inline = inline and file.content_type in INLINE_TYPES
    logger.info(
        "evidence file download: user=%s file=%s evidence=%s zone=%s version=%s inline=%s",
        request.user.pk,
        file.pk,
        file.evidence_id,
        file.evidence.zone_id,
        file.version,
        inline,
    )
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / file.stored_name).resolve()
    if not path.is_relative_to(root):  # stored names are server-generated; never trust a path anyway
        raise Http404("文件不存在。")
    return file_response(
        path,
        url_path=file.stored_name,
        filename=file.original_name,
        fallback=f"evidence-{file.evidence_id}-v{file.version}{path.suffix}",
        content_type=file.content_type,
        inline=inline,
    )


@login_required
@require_GET
def file_download(request: HttpRequest, zone_id: int, file_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id)
    file = selectors.evidence_file_get(user=request.user, zone=zone, file_id=file_id)
    return evidence_file_serve(request, file, inline=False)


@xframe_options_sameorigin  # the detail page shows PDFs in an <iframe>
@login_required
@require_GET
def file_inline(request: HttpRequest, zone_id: int, file_id: int) -> HttpResponse:
    zone = zone_get_for_user(request.user, zone_id)
    file = selectors.evidence_file_get(user=request.user, zone=zone, file_id=file_id)
    return evidence_file_serve(request, file, inline=True)
