from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """In-app notifications and e-mail digests.

    An extra app because several apps notify (tasks: reminders and send-backs;
    evidence: returned material) and none of them should own the others' inbox.
    """

    name = "notifications"
    verbose_name = "消息通知"
