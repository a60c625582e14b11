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

        # A judgement changes the score page's details, cached under the zone's data token
        # (common/cache.py; evidence/apps.py connects the other writes).
        from django.db.models.signals import post_delete, post_save

        from evidence.apps import zone_data_receiver

        from .models import Judgement

        post_save.connect(zone_data_receiver, sender=Judgement, dispatch_uid="zone-data-Judgement-save")
        post_delete.connect(zone_data_receiver, sender=Judgement, dispatch_uid="zone-data-Judgement-delete")
        # The page names who judged: a renamed user makes every zone's copy stale.
        from django.contrib.auth import get_user_model

        post_save.connect(_user_renamed, sender=get_user_model(), dispatch_uid="zone-data-user-save")


def _user_renamed(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is None or {"full_name", "username"} & set(update_fields):
        from common.cache import zone_data_changed

        zone_data_changed(None)
