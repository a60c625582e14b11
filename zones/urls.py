from django.urls import path

from indicators import views as indicator_views

app_name = "zones"

urlpatterns = [
    path("<int:zone_id>/scores/", indicator_views.zone_scores, name="scores"),
    path("<int:zone_id>/scores/recompute/", indicator_views.zone_scores_recompute, name="scores-recompute"),
    path("<int:zone_id>/scores/status/", indicator_views.zone_scores_status, name="scores-status"),
]
