from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "佐证材料与数据"

    def ready(self) -> None:
        # A deleted row's stored files (evidence, attachments, every app's "存储路径") are
        # removed once the deletion commits (common/storage.py).
        from common.storage import stored_file_cleanup_connect

        stored_file_cleanup_connect()
