from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from zones.views import home

admin.site.site_header = "示范区创建管理平台 · 管理后台"
admin.site.site_title = "示范区创建管理平台"
admin.site.index_title = "管理后台"

urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("zones/", include("zones.urls")),
    path("tasks/", include("tasks.urls")),
    path("users/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("indicators/", include("indicators.urls")),
    path("assessments/", include("assessments.urls")),
    path("inspections/", include("inspections.urls")),
    path("data/", include("evidence.data_urls")),
    path("evidence/", include("evidence.urls")),
    path("api/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
