"""Files under MEDIA_ROOT and the rows that refer to them.

A model field holds a stored file when it is a ``FileField``, or a ``CharField`` whose verbose
name ends with "存储路径" — the project's convention for a server-generated name relative to
MEDIA_ROOT (evidence files, progress-report attachments, finding files, self-check PDFs and
scans, reports). From that one rule:

- ``stored_file_cleanup_connect`` (called once, in ``EvidenceConfig.ready``) removes a row's
  files once the deletion commits — a rolled-back deletion keeps them;
- ``orphan_files`` lists the files no row refers to (what a rolled-back upload or a crash
  leaves behind), for ``python manage.py cleanup_files [--delete]``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete

logger = logging.getLogger(__name__)

STORED_PATH_LABEL = "存储路径"


@cache
def stored_file_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    return tuple(
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
        or (isinstance(field, models.CharField) and str(field.verbose_name).endswith(STORED_PATH_LABEL))
    )


def stored_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if stored_file_fields(model)]


def media_path(name: str) -> Path | None:
    """The file ``name`` (relative to MEDIA_ROOT) on disk; None for a name that leaves MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / name).resolve()
    return path if name and path.is_relative_to(root) and path != root else None


def stored_names(instance: models.Model) -> list[str]:
    names = []
    for field in stored_file_fields(type(instance)):
        value = getattr(instance, field.attname)
        name = getattr(value, "name", value)
        if name:
            names.append(str(name))
    return names


def stored_files_remove_on_commit(names: list[str]) -> None:
    """Remove the files once the current transaction commits (now, outside one)."""

    def remove() -> None:
        for name in names:
            path = media_path(name)
            if path is not None:
                path.unlink(missing_ok=True)
                logger.info("stored file removed: %s", name)

    if names:
        transaction.on_commit(remove, robust=True)


def _row_deleted(sender, instance, **kwargs) -> None:
    stored_files_remove_on_commit(stored_names(instance))


def stored_file_cleanup_connect() -> None:
    """Connect the deletion hook to every model that holds stored files (and only those, so the
    other models keep Django's fast bulk deletes)."""
    for model in stored_models():
        post_delete.connect(_row_deleted, sender=model, dispatch_uid=f"stored-files-{model._meta.label_lower}")


def referenced_names() -> set[str]:
    names: set[str] = set()
    for model in stored_models():
        for field in stored_file_fields(model):
            names.update(
                str(n)
                for n in model._default_manager.exclude(**{field.attname: ""}).values_list(field.attname, flat=True)
                if n
            )
    return names


@dataclass(frozen=True)
class Orphan:
    name: str  # relative to MEDIA_ROOT
    size: int
    age_seconds: float


def orphan_files(*, min_age_seconds: float) -> list[Orphan]:
    """Files under MEDIA_ROOT that no row refers to and that are at least ``min_age_seconds``
    old (younger ones may belong to an upload whose rows are not committed yet)."""
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    referenced = referenced_names()
    now = time.time()
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(root).as_posix()
        stat = path.stat()
        age = now - stat.st_mtime
        if name not in referenced and age >= min_age_seconds:
            found.append(Orphan(name=name, size=stat.st_size, age_seconds=age))
    return found
