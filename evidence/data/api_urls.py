"""API for statistics; included as ``path("data/", include("evidence.data.api_urls"))`` in config/api_urls.py."""

from django.urls import path

from . import api as data_api

urlpatterns = [
    path("zones/<int:zone_id>/values/", data_api.DataValueListApi.as_view(), name="api-data-values"),
    path("zones/<int:zone_id>/values/upsert/", data_api.DataValueUpsertApi.as_view(), name="api-data-values-upsert"),
    path("zones/<int:zone_id>/history/", data_api.DataChangeListApi.as_view(), name="api-data-history"),
]
