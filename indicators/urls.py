from django.urls import path

from . import excel_views, views

app_name = "indicators"

urlpatterns = [
    path("", views.system_list, name="system-list"),
    path("import/", excel_views.system_import, name="system-import"),
    path("<int:system_id>/", views.system_detail, name="system-detail"),
    path("<int:system_id>/export.xlsx", excel_views.system_export_xlsx, name="system-export"),
]
