from django.apps import AppConfig


class ZonesConfig(AppConfig):
    name = "zones"
    verbose_name = "创建对象"

    def ready(self):
        from common import hooks

        from .access import zone_ids_visible

        # notifications (ground floor) shows a notice only while its reader may see its zone.
        hooks.register("zones_visible_ids", zone_ids_visible)
