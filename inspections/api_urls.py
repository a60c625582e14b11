from django.urls import path

from . import api

urlpatterns = [
    path("zones/<int:zone_id>/campaigns/", api.CampaignListApi.as_view(), name="api-inspection-campaigns"),
    path("campaigns/<int:campaign_id>/", api.CampaignDetailApi.as_view(), name="api-inspection-campaign"),
    path("campaigns/<int:campaign_id>/findings/", api.FindingListApi.as_view(), name="api-inspection-findings"),
    path("campaigns/<int:campaign_id>/ranking/", api.RankingApi.as_view(), name="api-inspection-ranking"),
    path("selfchecks/<int:selfcheck_id>/", api.SelfCheckApi.as_view(), name="api-inspection-selfcheck"),
    path(
        "selfchecks/<int:selfcheck_id>/submit/",
        api.SelfCheckSubmitApi.as_view(),
        name="api-inspection-selfcheck-submit",
    ),
    path(
        "selfchecks/<int:selfcheck_id>/return/",
        api.SelfCheckReturnApi.as_view(),
        name="api-inspection-selfcheck-return",
    ),
    path("evaluations/<int:evaluation_id>/", api.EvaluationApi.as_view(), name="api-inspection-evaluation"),
    path("evaluations/<int:evaluation_id>/methods/", api.EvaluationMethodApi.as_view(), name="api-inspection-methods"),
    path("evaluations/<int:evaluation_id>/finish/", api.EvaluationFinishApi.as_view(), name="api-inspection-finish"),
    path(
        "evaluations/<int:evaluation_id>/findings/",
        api.FindingCreateApi.as_view(),
        name="api-inspection-finding-create",
    ),
    path("findings/<int:finding_id>/", api.FindingDetailApi.as_view(), name="api-inspection-finding"),
    path("findings/<int:finding_id>/answer/", api.FindingAnswerApi.as_view(), name="api-inspection-finding-answer"),
    path("findings/<int:finding_id>/recheck/", api.FindingRecheckApi.as_view(), name="api-inspection-finding-recheck"),
]
