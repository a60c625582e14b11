from django.urls import path

from . import views, views_eval, views_survey

app_name = "inspections"

urlpatterns = [
    path("", views.home, name="home"),
    path("zones/<int:zone_id>/", views.campaign_list, name="campaigns"),
    path("zones/<int:zone_id>/open/", views.campaign_open, name="campaign-open"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:campaign_id>/settings/", views.campaign_settings, name="campaign-settings"),
    path("campaigns/<int:campaign_id>/close/", views.campaign_close, name="campaign-close"),
    path("campaigns/<int:campaign_id>/mine/", views.selfcheck_mine, name="selfcheck-mine"),
    path("campaigns/<int:campaign_id>/team/", views_eval.team, name="team"),
    path(
        "campaigns/<int:campaign_id>/team/<int:team_member_id>/remove/",
        views_eval.team_member_remove,
        name="team-member-remove",
    ),
    path("campaigns/<int:campaign_id>/findings/", views_eval.finding_list, name="findings"),
    path("campaigns/<int:campaign_id>/ranking/", views_eval.ranking_page, name="ranking"),
    path("campaigns/<int:campaign_id>/ranking.xlsx", views_eval.ranking_export, name="ranking-export"),
    path("campaigns/<int:campaign_id>/questionnaire/", views_survey.questionnaire_page, name="questionnaire"),
    path(
        "campaigns/<int:campaign_id>/questionnaire/questions/<int:question_id>/delete/",
        views_survey.question_delete,
        name="question-delete",
    ),
    path("campaigns/<int:campaign_id>/questionnaire/answers/", views_survey.answers_page, name="answers"),
    path(
        "campaigns/<int:campaign_id>/questionnaire/answers/<int:response_id>/delete/",
        views_survey.response_delete,
        name="response-delete",
    ),
    path("campaigns/<int:campaign_id>/questionnaire/import/", views_survey.answers_import, name="answers-import"),
    path(
        "campaigns/<int:campaign_id>/questionnaire/template.xlsx",
        views_survey.answers_template,
        name="answers-template",
    ),
    path("selfchecks/<int:selfcheck_id>/", views.selfcheck_page, name="selfcheck"),
    path("selfchecks/<int:selfcheck_id>/return/", views.selfcheck_return, name="selfcheck-return"),
    path("selfchecks/<int:selfcheck_id>/scan/", views.selfcheck_scan, name="selfcheck-scan"),
    path("selfchecks/<int:selfcheck_id>/scan/file/", views.selfcheck_scan_download, name="selfcheck-scan-file"),
    path("selfchecks/<int:selfcheck_id>/report.pdf", views.selfcheck_pdf, name="selfcheck-pdf"),
    path("selfchecks/<int:selfcheck_id>/report/status/", views.selfcheck_pdf_status, name="selfcheck-pdf-status"),
    path("evaluations/<int:evaluation_id>/", views_eval.evaluation_page, name="evaluation"),
    path("evaluations/<int:evaluation_id>/methods/", views_eval.evaluation_method_add, name="method-add"),
    path(
        "evaluations/<int:evaluation_id>/methods/<int:method_id>/delete/",
        views_eval.evaluation_method_delete,
        name="method-delete",
    ),
    path("evaluations/<int:evaluation_id>/findings/", views_eval.finding_create, name="finding-create"),
    path("evaluations/<int:evaluation_id>/reopen/", views_eval.evaluation_reopen, name="evaluation-reopen"),
    path("findings/<int:finding_id>/", views_eval.finding_detail, name="finding"),
    path("findings/<int:finding_id>/answer/", views_eval.finding_answer, name="finding-answer"),
    path("findings/<int:finding_id>/recheck/", views_eval.finding_recheck, name="finding-recheck"),
    path("findings/<int:finding_id>/deadline/", views_eval.finding_deadline, name="finding-deadline"),
    path("findings/<int:finding_id>/files/<int:attachment_id>/", views_eval.finding_file, name="finding-file"),
]
