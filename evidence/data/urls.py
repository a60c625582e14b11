"""Pages for statistics entry and completeness; included as ``path("data/", include("evidence.data.urls"))``."""

from django.urls import path

from . import views as data_views

app_name = "data"

urlpatterns = [
    path("", data_views.data_home, name="home"),
    path("completeness/", data_views.data_home, {"completeness": True}, name="completeness-home"),
    path("zones/<int:zone_id>/", data_views.zone_data, name="zone"),
    path("zones/<int:zone_id>/all/", data_views.zone_data_all, name="zone-all"),
    path("zones/<int:zone_id>/units/<int:unit_id>/", data_views.unit_data, name="unit"),
    path("zones/<int:zone_id>/lists/<slug:list_name>/", data_views.entry_list, name="entries"),
    path("zones/<int:zone_id>/lists/<slug:list_name>/<int:entry_id>/", data_views.entry_edit, name="entry-edit"),
    path(
        "zones/<int:zone_id>/lists/<slug:list_name>/<int:entry_id>/delete/",
        data_views.entry_remove,
        name="entry-delete",
    ),
    path("zones/<int:zone_id>/evidence-options/", data_views.evidence_options, name="evidence-options"),
    path("zones/<int:zone_id>/excel/", data_views.data_excel, name="excel"),
    path("zones/<int:zone_id>/excel/template.xlsx", data_views.data_template, name="template"),
    path("zones/<int:zone_id>/history/", data_views.data_history, name="history"),
    path("zones/<int:zone_id>/completeness/", data_views.completeness, name="completeness"),
]
