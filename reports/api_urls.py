from django.urls import path

from . import api

urlpatterns = [
    path("zones/<int:zone_id>/reports/", api.ZoneReportListApi.as_view(), name="api-report-list"),
    path("zones/<int:zone_id>/reports/<int:zone_report_id>/", api.ZoneReportDetailApi.as_view(), name="api-report"),
    path(
        "zones/<int:zone_id>/reports/<int:zone_report_id>/download/",
        api.ZoneReportDownloadApi.as_view(),
        name="api-report-download",
    ),
    path(
        "zones/<int:zone_id>/reports/<int:zone_report_id>/retry/",
        api.ZoneReportRetryApi.as_view(),
        name="api-report-retry",
    ),
    path("zones/<int:zone_id>/downloads/", api.ZoneDownloadListApi.as_view(), name="api-download-list"),
    path("zones/<int:zone_id>/opinions/", api.ZoneOpinionListApi.as_view(), name="api-opinion-list"),
    path(
        "zones/<int:zone_id>/opinions/<int:opinion_id>/replies/",
        api.OpinionReplyApi.as_view(),
        name="api-opinion-reply",
    ),
]
