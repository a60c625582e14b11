from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.system_list, name="system-list"),
]
