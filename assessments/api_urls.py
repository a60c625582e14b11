from django.urls import path

from . import api, api_gaps

urlpatterns = [
    path("zones/<int:zone_id>/score/", api.ZoneScoreApi.as_view(), name="api-zone-score"),
    path("zones/<int:zone_id>/rounds/", api.RoundListApi.as_view(), name="api-round-list"),
    path("rounds/<int:round_id>/", api.RoundDetailApi.as_view(), name="api-round"),
    path("rounds/<int:round_id>/start/", api.RoundActionApi.as_view(action="start"), name="api-round-start"),
    path("rounds/<int:round_id>/submit/", api.RoundActionApi.as_view(action="submit"), name="api-round-submit"),
    path("rounds/<int:round_id>/reopen/", api.RoundActionApi.as_view(action="reopen"), name="api-round-reopen"),
    path("rounds/<int:round_id>/return/", api.RoundActionApi.as_view(action="return"), name="api-round-return"),
    path("rounds/<int:round_id>/assignments/", api.AssignmentListApi.as_view(), name="api-round-assignments"),
    path(
        "rounds/<int:round_id>/assignments/<int:evaluator_assignment_id>/",
        api.AssignmentDetailApi.as_view(),
        name="api-assignment",
    ),
    path(
        "rounds/<int:round_id>/assignments/<int:evaluator_assignment_id>/recuse/",
        api.AssignmentRecuseApi.as_view(),
        name="api-assignment-recuse",
    ),
    path("rounds/<int:round_id>/judgements/", api.JudgementApi.as_view(), name="api-round-judgement"),
    path("rounds/<int:round_id>/doubts/", api.DoubtListApi.as_view(), name="api-round-doubts"),
    path("rounds/<int:round_id>/doubts/<int:doubt_id>/close/", api.DoubtCloseApi.as_view(), name="api-doubt-close"),
    path("rounds/<int:round_id>/reasons/", api.ReasonApi.as_view(), name="api-round-reason"),
    path("rounds/<int:round_id>/gaps/", api_gaps.RoundGapsApi.as_view(), name="api-round-gaps"),
    path("rounds/<int:round_id>/gaps/tasks/", api_gaps.RoundGapsTasksApi.as_view(), name="api-round-gaps-tasks"),
    path("zones/<int:zone_id>/what-if/", api_gaps.ZoneWhatIfApi.as_view(), name="api-zone-whatif"),
]
