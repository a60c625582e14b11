from django.urls import path

from . import api

urlpatterns = [
    path("systems/", api.SystemListApi.as_view(), name="api-system-list"),
    path("zones/<int:zone_id>/score/", api.ZoneScoreApi.as_view(), name="api-zone-score"),
]
