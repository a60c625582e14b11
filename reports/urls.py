from django.urls import path

from . import views, views_portal

app_name = "reports"

urlpatterns = [
    path("", views_portal.home, name="home"),
    path("compare/", views_portal.compare, name="compare"),
    path("downloads/", views_portal.downloads, name="downloads"),
    path("zones/<int:zone_id>/", views.zone_page, name="zone"),
    path("zones/<int:zone_id>/request/", views.report_request, name="request"),
    path("zones/<int:zone_id>/opinions/", views_portal.opinion_create, name="opinion-create"),
    path("zones/<int:zone_id>/opinions/<int:opinion_id>/reply/", views_portal.opinion_reply, name="opinion-reply"),
    path("zones/<int:zone_id>/<int:zone_report_id>/", views.report_detail, name="detail"),
    path("zones/<int:zone_id>/<int:zone_report_id>/status/", views.report_status, name="status"),
    path("zones/<int:zone_id>/<int:zone_report_id>/download/", views.report_download, name="download"),
    path("zones/<int:zone_id>/<int:zone_report_id>/retry/", views.report_retry, name="retry"),
]
