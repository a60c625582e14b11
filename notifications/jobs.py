from celery import shared_task

from .services import notifications_send_digests


@shared_task
def send_notification_digests() -> int:
    return notifications_send_digests()
