from django.apps import AppConfig


def zone_data_receiver(sender, instance, **kwargs) -> None:
    """post_save / post_delete of what the 完整性 grid and the score page are computed from:
    forgets their cached copies for the row's zone (common/cache.py)."""
    from common.cache import zone_data_changed

    if sender.__name__ == "Zone":
        zone_id = instance.pk
    elif sender.__name__ == "EvidenceEvent":  # a status change; its evidence is loaded by the services
        cached = sender.evidence.is_cached(instance)
        zone_id = instance.evidence.zone_id if cached else None  # None: every zone
    else:
        zone_id = instance.zone_id
    zone_data_changed(zone_id)


def system_data_receiver(sender, instance, **kwargs) -> None:
    """An indicator, sub-criterion or metric changed: every zone's cached copies go."""
    from common.cache import zone_data_changed

    zone_data_changed(None)


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "佐证材料与数据"

    def ready(self) -> None:
        # A deleted row's stored files (evidence, attachments, every app's "存储路径") are
        # removed once the deletion commits (common/storage.py).
        from common.storage import stored_file_cleanup_connect

        stored_file_cleanup_connect()

        from django.db.models.signals import post_delete, post_save

        from indicators.models import Indicator, Metric, ScoringItem
        from zones.models import IndicatorResponsibility, Unit, Zone

        from .models import DataValue, Evidence, EvidenceEvent, OperatorEntry, OutcomeEntry

        # The 完整性 grid and the score page are cached per zone under a generation token
        # (common/cache.py) that every write to what they show replaces: evidence (a status
        # change writes an EvidenceEvent), figures, lists, the responsibility matrix, units, the
        # zone; assessments/apps.py adds judgements. Bulk writes call zone_data_changed themselves.
        for model in (
            Evidence,
            EvidenceEvent,
            DataValue,
            OperatorEntry,
            OutcomeEntry,
            IndicatorResponsibility,
            Unit,
            Zone,
        ):
            post_save.connect(zone_data_receiver, sender=model, dispatch_uid=f"zone-data-{model.__name__}-save")
            post_delete.connect(zone_data_receiver, sender=model, dispatch_uid=f"zone-data-{model.__name__}-delete")
        for model in (Indicator, ScoringItem, Metric):
            post_save.connect(system_data_receiver, sender=model, dispatch_uid=f"zone-data-{model.__name__}-save")
            post_delete.connect(system_data_receiver, sender=model, dispatch_uid=f"zone-data-{model.__name__}-delete")
