from django.urls import path

from . import excel_views, views

app_name = "tasks"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("zones/<int:zone_id>/", views.task_list, name="task-list"),
    path("zones/<int:zone_id>/new/", views.task_create_view, name="task-create"),
    path("zones/<int:zone_id>/import/", excel_views.task_import, name="task-import"),
    path("zones/<int:zone_id>/import/template.xlsx", excel_views.task_import_template, name="task-import-template"),
    path("zones/<int:zone_id>/ledger.xlsx", excel_views.task_ledger_export, name="ledger-export"),
    path("dashboard/", views.dashboard_index, name="dashboard-index"),
    path("zones/<int:zone_id>/dashboard/", views.dashboard, name="dashboard"),
    path("zones/<int:zone_id>/bulletin/", views.bulletin, name="bulletin"),
    path("zones/<int:zone_id>/bulletin.xlsx", views.bulletin_export, name="bulletin-export"),
    path("<int:task_id>/", views.task_detail, name="task-detail"),
    path("<int:task_id>/edit/", views.task_edit, name="task-edit"),
    path("assignments/<int:assignment_id>/report/", views.assignment_report, name="assignment-report"),
    path("assignments/<int:assignment_id>/confirm/", views.assignment_confirm_view, name="assignment-confirm"),
    path("assignments/<int:assignment_id>/send-back/", views.assignment_send_back_view, name="assignment-send-back"),
    path("reports/<int:report_id>/attachment/", views.report_attachment, name="report-attachment"),
]
