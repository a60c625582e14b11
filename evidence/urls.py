from django.urls import path

from . import views

app_name = "evidence"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:zone_id>/", views.evidence_list, name="list"),
    path("<int:zone_id>/review/", views.review_queue, name="queue"),
    path("<int:zone_id>/upload/", views.upload_page, name="upload"),
    path("<int:zone_id>/upload/file/", views.upload_file, name="upload-file"),
    path("<int:zone_id>/<int:evidence_id>/", views.evidence_detail, name="detail"),
    path("<int:zone_id>/<int:evidence_id>/files/", views.upload_version, name="upload-version"),
    path("<int:zone_id>/<int:evidence_id>/submit/", views.evidence_submit, name="submit"),
    path("<int:zone_id>/<int:evidence_id>/accept/", views.evidence_accept, name="accept"),
    path("<int:zone_id>/<int:evidence_id>/return/", views.evidence_return, name="return"),
    path("<int:zone_id>/files/<int:file_id>/download/", views.file_download, name="file-download"),
    path("<int:zone_id>/files/<int:file_id>/inline/", views.file_inline, name="file-inline"),
]
