from django.urls import path

from . import views, views_matrix

app_name = "zones"

urlpatterns = [
    path("<int:zone_id>/", views.overview, name="overview"),
    path("<int:zone_id>/transition/", views.transition, name="transition"),
    path("<int:zone_id>/settings/", views.zone_settings, name="settings"),
    path("<int:zone_id>/parks/add/", views.park_add, name="park-add"),
    path("<int:zone_id>/parks/<int:park_id>/edit/", views.park_edit, name="park-edit"),
    path("<int:zone_id>/parks/<int:park_id>/delete/", views.park_delete, name="park-delete"),
    path("<int:zone_id>/stages/", views.stages, name="stages"),
    path("<int:zone_id>/stages/from-template/", views.stages_from_template, name="stages-from-template"),
    path("<int:zone_id>/stages/<int:stage_id>/edit/", views.stage_edit, name="stage-edit"),
    path("<int:zone_id>/stages/<int:stage_id>/delete/", views.stage_delete, name="stage-delete"),
    path("<int:zone_id>/stages/<int:stage_id>/steps/add/", views.step_add, name="step-add"),
    path("<int:zone_id>/steps/<int:step_id>/edit/", views.step_edit, name="step-edit"),
    path("<int:zone_id>/steps/<int:step_id>/delete/", views.step_delete, name="step-delete"),
    path("<int:zone_id>/units/", views.units, name="units"),
    path("<int:zone_id>/units/add/", views.unit_add, name="unit-add"),
    path("<int:zone_id>/units/<int:unit_id>/edit/", views.unit_edit, name="unit-edit"),
    path("<int:zone_id>/leading-group/", views.leading_group, name="leading-group"),
    path("<int:zone_id>/leading-group/add/", views.leading_group_add, name="leading-group-add"),
    path("<int:zone_id>/leading-group/<int:member_id>/edit/", views.leading_group_edit, name="leading-group-edit"),
    path(
        "<int:zone_id>/leading-group/<int:member_id>/delete/", views.leading_group_delete, name="leading-group-delete"
    ),
    path("<int:zone_id>/matrix/", views_matrix.matrix, name="matrix"),
    path("<int:zone_id>/matrix/cell/", views_matrix.matrix_cell, name="matrix-cell"),
    path("<int:zone_id>/matrix/build/", views_matrix.matrix_build, name="matrix-build"),
    path("<int:zone_id>/matrix/unmatched/", views_matrix.matrix_unmatched, name="matrix-unmatched"),
]
