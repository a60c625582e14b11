from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = "任务"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from zones.models import Unit

        from .dashboard import dashboard_changed
        from .models import Assignment, AssignmentEvent, ProgressReport, Task

        # The 驾驶舱's and the 督办通报's cached figures are forgotten on any write to what they count.
        for model in (Unit, Task, Assignment, AssignmentEvent, ProgressReport):
            post_save.connect(dashboard_changed, sender=model, dispatch_uid=f"dashboard-{model.__name__}-save")
            post_delete.connect(dashboard_changed, sender=model, dispatch_uid=f"dashboard-{model.__name__}-delete")
