from django.urls import include, path

urlpatterns = [
    path("indicators/", include("indicators.api_urls")),
    path("assessments/", include("assessments.api_urls")),
    path("inspections/", include("inspections.api_urls")),
    path("zones/", include("zones.api_urls")),
    path("tasks/", include("tasks.api_urls")),
    path("data/", include("evidence.data.api_urls")),
    path("evidence/", include("evidence.api_urls")),
    path("reports/", include("reports.api_urls")),
]
