"""Celery application (wired as cookiecutter-django does).

Jobs live in ``<app>/jobs.py`` (not ``tasks.py``: the project has an app called
``tasks``), hence ``related_name="jobs"``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")
