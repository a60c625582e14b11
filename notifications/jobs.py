from celery import shared_task

from .services import notifications_send_digests


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_notification_digests() -> int:
    return notifications_send_digests()
