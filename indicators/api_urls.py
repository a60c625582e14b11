from django.urls import path

from . import api

urlpatterns = [
    path("systems/", api.SystemListApi.as_view(), name="api-system-list"),
]
