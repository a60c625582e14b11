from django.urls import path

from . import views, views_2fa

app_name = "accounts"

urlpatterns = [
    path("", views.index, name="index"),
    path("password/", views.password_change, name="password-change"),
    path("2fa/", views_2fa.two_factor_home, name="two-factor"),
    path("2fa/setup/", views_2fa.two_factor_setup, name="two-factor-setup"),
    path("2fa/verify/", views_2fa.two_factor_verify, name="two-factor-verify"),
    path("zones/<int:zone_id>/", views.zone_members, name="zone-members"),
    path("zones/<int:zone_id>/add/", views.zone_member_add, name="zone-members-add"),
    path("zones/<int:zone_id>/grant/", views.zone_member_grant, name="zone-members-grant"),
    path(
        "zones/<int:zone_id>/memberships/<int:membership_id>/revoke/",
        views.zone_member_revoke,
        name="zone-members-revoke",
    ),
    path("grants/", views.grants, name="grants"),
    path("grants/<int:membership_id>/revoke/", views.grant_revoke, name="grants-revoke"),
    path("login-events/", views.login_events, name="login-events"),
    path("audit-events/", views.audit_events, name="audit-events"),
]
