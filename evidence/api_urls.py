from django.urls import path

from . import api

urlpatterns = [
    path("<int:zone_id>/", api.EvidenceListApi.as_view(), name="api-evidence-list"),
    path("<int:zone_id>/upload/", api.EvidenceUploadApi.as_view(), name="api-evidence-upload"),
    path("<int:zone_id>/<int:evidence_id>/files/", api.EvidenceVersionApi.as_view(), name="api-evidence-version"),
    path("<int:zone_id>/<int:evidence_id>/submit/", api.EvidenceSubmitApi.as_view(), name="api-evidence-submit"),
    path("<int:zone_id>/<int:evidence_id>/review/", api.EvidenceReviewApi.as_view(), name="api-evidence-review"),
    path(
        "<int:zone_id>/files/<int:file_id>/download/",
        api.EvidenceFileDownloadApi.as_view(),
        name="api-evidence-file-download",
    ),
]
