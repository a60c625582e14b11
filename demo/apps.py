from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo zone: loads every app's demo data through that app's services (top of the layers)."""

    name = "demo"
    verbose_name = "演示数据"
