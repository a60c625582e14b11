"""Stored files follow their rows: removed when the deletion commits, kept when it rolls back;
``cleanup_files`` lists (and with --delete removes) what no row refers to."""

import os
import time
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction

from common.storage import orphan_files, stored_file_fields
from evidence.models import Evidence, EvidenceFile
from evidence.services import evidence_create, evidence_file_add
from tasks.services import assignment_report_progress, task_create
from tests.evidence.evidence_helpers import PDF_BYTES, pdf_file

pytestmark = pytest.mark.django_db


def stored(evidence) -> list[Path]:
    from django.conf import settings

    return [Path(settings.MEDIA_ROOT) / f.stored_name for f in evidence.files.all()]


def age(path: Path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def cleanup(*args) -> str:
    out = StringIO()
    call_command("cleanup_files", *args, stdout=out)
    return out.getvalue()


def test_deleting_evidence_removes_its_files_once_the_deletion_commits(
    evidence_x, liaison_x, django_capture_on_commit_callbacks
):
    evidence_file_add(evidence=evidence_x, user=liaison_x, file=pdf_file("第二版.pdf", PDF_BYTES + b"%v2"))
    paths = stored(evidence_x)
    assert len(paths) == 2 and all(p.is_file() for p in paths)
    with django_capture_on_commit_callbacks(execute=True):
        Evidence.objects.filter(pk=evidence_x.pk).delete()  # the files go with their rows (cascade)
    assert not any(p.exists() for p in paths)


def test_a_deletion_that_rolls_back_keeps_the_files(evidence_x, django_capture_on_commit_callbacks):
    paths, pk = stored(evidence_x), evidence_x.pk
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            Evidence.objects.filter(pk=pk).delete()
            raise RuntimeError("回滚")
    assert callbacks == [] and all(p.is_file() for p in paths)
    assert EvidenceFile.objects.filter(evidence_id=pk).exists()


def test_a_progress_reports_attachment_goes_with_its_task(
    zone_a, unit_x, liaison_x, django_capture_on_commit_callbacks
):
    task = task_create(zone=zone_a, title="加大政策扶持力度", deadline=date(2030, 12, 31), unit_ids=[unit_x.pk])
    assignment_x = task.assignments.get()
    report = assignment_report_progress(
        assignment=assignment_x,
        user=liaison_x,
        percent=30,
        text="已起草",
        attachment=SimpleUploadedFile("纪要.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    path = Path(report.attachment.path)
    assert path.is_file()
    with django_capture_on_commit_callbacks(execute=True):
        task.delete()
    assert not path.exists()


def test_every_stored_file_field_is_known():
    """The convention (FileField, or a CharField "…存储路径") finds every app's files."""
    from django.apps import apps

    found = {f"{model._meta.label}.{field.name}" for model in apps.get_models() for field in stored_file_fields(model)}
    assert {
        "evidence.EvidenceFile.stored_name",
        "tasks.ProgressReport.attachment",
        "inspections.FindingFile.stored_name",
        "inspections.SelfCheck.pdf_name",
        "inspections.SelfCheck.scan_name",
        "reports.Report.stored_name",
    } <= found


def test_cleanup_files_lists_and_removes_only_what_no_row_refers_to(
    evidence_x, media_root, zone_a, unit_x, item_12, liaison_x
):
    kept = stored(evidence_x)[0]
    # What a rolled-back upload leaves: the file was written, its rows were not committed.
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = evidence_create(zone=zone_a, indicator=item_12, unit=unit_x, user=liaison_x, file=pdf_file("丢失.pdf"))
        lost_path = stored(lost)[0]
        raise RuntimeError("回滚")
    stray = media_root / "evidence" / "stray.part"
    stray.write_bytes(b"x" * 10)
    fresh = media_root / "evidence" / "fresh.pdf"
    fresh.write_bytes(b"%PDF")
    for path in (kept, lost_path, stray):
        age(path, 2)

    listing = cleanup()
    assert lost_path.name in listing and "stray.part" in listing
    assert kept.name not in listing and "fresh.pdf" not in listing  # referenced; too young
    assert "共 2 个无人引用的文件" in listing and lost_path.exists()  # listing removes nothing

    assert "已删除 2 个" in cleanup("--delete")
    assert not lost_path.exists() and not stray.exists() and kept.is_file() and fresh.is_file()
    assert [o.name for o in orphan_files(min_age_seconds=0)] == ["evidence/fresh.pdf"]
    assert "已删除 1 个" in cleanup("--min-age", "0", "--delete") and not fresh.exists()
    assert "没有无人引用的文件" in cleanup("--min-age", "0")
