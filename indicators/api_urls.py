from django.urls import path

from . import api

urlpatterns = [
    path("zones/<int:zone_id>/score/", api.ZoneScoreApi.as_view(), name="api-zone-score"),
]
