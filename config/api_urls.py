from django.urls import include, path

urlpatterns = [
    path("indicators/", include("indicators.api_urls")),
]
