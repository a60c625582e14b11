from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "自查自纠与市级考评"

    def ready(self) -> None:
        # Lower apps never import this one: they call hooks registered here (may the
        # zone move past 整改 with a 严重 finding open?; the morning supervision's
        # reminders for overdue findings and self-checks).
        from . import hooks

        hooks.register_all()
