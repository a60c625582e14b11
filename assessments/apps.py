from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "评估与评审"

    def ready(self) -> None:
        # Lower apps never import this one: they call hooks that it registers here
        # (evidence changed → rescore; is the zone locked by a submitted round?;
        # which zones may an assigned evaluator see?; the dashboard's latest score).
        from . import hooks

        hooks.register_all()
