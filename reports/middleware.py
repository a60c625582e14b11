"""Every evidence file download is recorded (who, what, which file and sha256, when, from where).

The evidence app serves its files itself (page, inline preview, API) and may not
import reports (arrows point down), so the record is written here, after its
view has answered: a successful response of one of its download routes, by a
signed-in user, becomes a ``DownloadRecord``. Refused requests (403/404) record
nothing. Report downloads are recorded by the reports views themselves.
"""

from __future__ import annotations

import logging

from .models import DownloadRecord

logger = logging.getLogger(__name__)

# URL name → how the file was fetched. tests/reports/test_pages.py
# (test_every_evidence_download_path_writes_a_record) requests each one.
EVIDENCE_DOWNLOAD_ROUTES = {
    "evidence:file-download": DownloadRecord.Via.PAGE,
    "evidence:file-inline": DownloadRecord.Via.PREVIEW,
    "api-evidence-file-download": DownloadRecord.Via.API,
}


class EvidenceDownloadRecordMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            match is not None
            and match.view_name in EVIDENCE_DOWNLOAD_ROUTES
            and response.status_code == 200
            and request.method in ("GET", "HEAD")
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
        ):
            self._record(request, match, EVIDENCE_DOWNLOAD_ROUTES[match.view_name])
        return response

    @staticmethod
    def _record(request, match, via: str) -> None:
        from evidence.models import EvidenceFile

        from .services import download_record_evidence

        file = (
            EvidenceFile.objects.select_related("evidence")
            .filter(pk=match.kwargs.get("file_id"), evidence__zone_id=match.kwargs.get("zone_id"))
            .first()
        )
        if file is None:  # cannot happen after a 200 from the view; never fail the download over it
            logger.warning("evidence download without a file row: %s", match.kwargs)
            return
        download_record_evidence(request=request, file=file, via=via)
