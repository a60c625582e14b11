from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from zones.views import home

# Swagger UI's bundle (drf-spectacular-sidecar) adds one <style> element of its own: that
# element is allowed by its hash, on this page only (the policy refuses <style> elsewhere).
SWAGGER_UI_STYLE_HASH = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"
api_docs = login_required(
    csp_update({"style-src": [SWAGGER_UI_STYLE_HASH]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))
)

admin.site.site_header = "示范区创建管理平台 · 管理后台"
admin.site.site_title = "示范区创建管理平台"
admin.site.index_title = "管理后台"

urlpatterns = [
    path("", home, name="home"),
    # Browsers ask for /favicon.ico on pages without a <link rel="icon"> (a PDF, a download).
    # (lazy: the manifest is read at the first request, not when the URLs load — `check --deploy` before collectstatic)
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("img/favicon.svg"), permanent=True), name="favicon"),
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
    path("data/", include("evidence.data.urls")),
    path("evidence/", include("evidence.urls")),
    path("reports/", include("reports.urls")),
    path("api/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file (?script), so the page has no
    # inline script and passes the Content-Security-Policy; both need a signed-in user.
    path("api/docs/", api_docs, name="api-docs"),
]

# Chinese error pages in the portal's layout; under /api/ the API's JSON shape (config/errors.py).
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
