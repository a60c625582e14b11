from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "报告"

    def ready(self) -> None:
        # The registry of report kinds, loaded in every process (web, worker, commands): the PDF
        # kind also quiets WeasyPrint's progress logger before anything imports WeasyPrint.
        from . import kinds  # noqa: F401
