from django.urls import path

from . import api

urlpatterns = [
    path("", api.ZoneListApi.as_view(), name="api-zone-list"),
    path("<int:zone_id>/", api.ZoneDetailApi.as_view(), name="api-zone-detail"),
    path("<int:zone_id>/units/", api.UnitListApi.as_view(), name="api-zone-unit-list"),
    path("<int:zone_id>/units/create/", api.UnitCreateApi.as_view(), name="api-zone-unit-create"),
    path("<int:zone_id>/leading-group/", api.LeadingGroupListApi.as_view(), name="api-zone-leading-group-list"),
    path(
        "<int:zone_id>/leading-group/create/",
        api.LeadingGroupCreateApi.as_view(),
        name="api-zone-leading-group-create",
    ),
    path("<int:zone_id>/transitions/", api.TransitionListApi.as_view(), name="api-zone-transition-list"),
    path("<int:zone_id>/transitions/create/", api.TransitionCreateApi.as_view(), name="api-zone-transition-create"),
]
