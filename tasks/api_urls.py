from django.urls import path

from . import api

urlpatterns = [
    path("zones/<int:zone_id>/tasks/", api.TaskListApi.as_view(), name="api-task-list"),
    path("zones/<int:zone_id>/tasks/create/", api.TaskCreateApi.as_view(), name="api-task-create"),
    path("<int:task_id>/", api.TaskDetailApi.as_view(), name="api-task-detail"),
    path("<int:task_id>/assignments/", api.TaskAssignmentListApi.as_view(), name="api-task-assignments"),
    path(
        "assignments/<int:assignment_id>/progress/", api.AssignmentReportApi.as_view(), name="api-assignment-progress"
    ),
    path("assignments/<int:assignment_id>/confirm/", api.AssignmentConfirmApi.as_view(), name="api-assignment-confirm"),
    path(
        "assignments/<int:assignment_id>/send-back/",
        api.AssignmentSendBackApi.as_view(),
        name="api-assignment-send-back",
    ),
]
