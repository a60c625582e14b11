from django.urls import path

from . import views, views_gaps, views_review

app_name = "assessments"

urlpatterns = [
    path("zones/<int:zone_id>/scores/", views.zone_scores, name="scores"),
    path("zones/<int:zone_id>/scores/recompute/", views.zone_scores_recompute, name="scores-recompute"),
    path("zones/<int:zone_id>/scores/status/", views.zone_scores_status, name="scores-status"),
    path("zones/<int:zone_id>/rounds/", views.round_list, name="rounds"),
    path("zones/<int:zone_id>/rounds/open/", views.round_open, name="round-open"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/start/", views.round_start, name="round-start"),
    path("rounds/<int:round_id>/submit/", views.round_submit, name="round-submit"),
    path("rounds/<int:round_id>/reopen/", views.round_reopen, name="round-reopen"),
    path("rounds/<int:round_id>/return/", views.round_return, name="round-return"),
    path("rounds/<int:round_id>/reasons/", views.round_reason, name="round-reason"),
    path("rounds/<int:round_id>/assignments/", views.round_assignments, name="round-assignments"),
    path(
        "rounds/<int:round_id>/assignments/<int:evaluator_assignment_id>/delete/",
        views.assignment_delete,
        name="assignment-delete",
    ),
    path(
        "rounds/<int:round_id>/assignments/<int:evaluator_assignment_id>/recuse/",
        views.assignment_recuse,
        name="assignment-recuse",
    ),
    path("rounds/<int:round_id>/doubts/", views.doubt_raise, name="doubt-raise"),
    path("rounds/<int:round_id>/doubts/<int:doubt_id>/close/", views.doubt_close, name="doubt-close"),
    path("rounds/<int:round_id>/review/", views_review.review_start, name="review"),
    path("rounds/<int:round_id>/review/<int:indicator_id>/", views_review.review_item, name="review-item"),
    path("review/", views_review.review_home, name="review-home"),
    path("rounds/<int:round_id>/gaps/", views_gaps.round_gaps, name="round-gaps"),
    path("rounds/<int:round_id>/gaps/tasks/", views_gaps.round_gaps_tasks, name="round-gaps-tasks"),
    path("zones/<int:zone_id>/what-if/", views_gaps.zone_whatif, name="whatif"),
]
