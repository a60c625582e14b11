"""The audit log: append-only (model, queryset, admin, and a database trigger), hash-chained
(verify_audit names the first broken link), kept ≥ 180 days (purge_audit, itself audited)."""

from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.chain import GENESIS
from audit.models import AuditAction, AuditEvent, AuditHead
from audit.services import audit_record, audit_verify

pytestmark = pytest.mark.django_db
TABLE = AuditEvent._meta.db_table


def three(zone=None):
    return [
        audit_record(action=AuditAction.ZONE_CHANGED, target_type="zones.zone", target_id=i, target_label=f"对象{i}",
                     zone=zone, before={"tier": "provincial"}, after={"tier": "national", "n": i}, reason="调整")
        for i in range(3)
    ]  # fmt: skip


def test_each_row_carries_the_hash_of_the_one_before(zone_a, office_a):
    rows = three(zone_a)
    assert rows[0].prev_hash == GENESIS
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    stored = AuditEvent.objects.get(pk=rows[1].pk)
    assert stored.expected_hash() == stored.hash  # it reads back byte for byte
    assert (stored.zone_id, stored.zone_name, stored.after_data) == (
        zone_a.pk,
        "甲创建对象",
        {"n": 1, "tier": "national"},
    )
    assert audit_verify().checked == 3 and audit_verify().broken is None
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "已核对 3 条记录" in out.getvalue()


def test_nobody_edits_or_deletes_a_row_through_the_orm():
    row = three()[0]
    row.reason = "改写"
    with pytest.raises(TypeError, match="只能追加"):
        row.save()
    with pytest.raises(TypeError):
        row.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=row.pk).update(reason="改写")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 3


def test_the_database_refuses_an_update():
    row = three()[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET reason = 'x' WHERE id = %s", [row.pk])
    assert AuditEvent.objects.get(pk=row.pk).reason == "调整"


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_refuses_a_delete():
    row = three()[0]
    with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [row.pk])
    assert AuditEvent.objects.filter(pk=row.pk).exists()


def _tamper(sql: str, params) -> None:
    """What an attacker with the database's owner rights could do: the trigger set aside."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditevent_no_update")
            cursor.execute(sql, params)


def test_verify_audit_names_the_first_changed_row():
    rows = three() + three()
    _tamper(f"UPDATE {TABLE} SET reason = %s WHERE id = %s", ["无需说明", rows[2].pk])
    result = audit_verify()
    assert result.broken.pk == rows[2].pk and result.checked == 2 and "被修改" in result.problem
    with pytest.raises(CommandError, match=f"第 {rows[2].pk} 条记录处断裂"):
        call_command("verify_audit")


def test_verify_audit_names_the_row_after_a_deleted_one():
    rows = three()
    _tamper(f"DELETE FROM {TABLE} WHERE id = %s", [rows[1].pk])
    result = audit_verify()
    assert result.broken.pk == rows[2].pk and "被删除" in result.problem


def test_verify_audit_sees_rows_cut_off_the_end_of_the_chain():
    rows = three() + three()
    _tamper(f"DELETE FROM {TABLE} WHERE id >= %s", [rows[4].pk])  # the two newest: no link breaks
    result = audit_verify()
    assert result.broken.pk == rows[3].pk and "链尾记录被截去" in result.problem
    assert f"第 {rows[5].pk} 条" in result.problem
    with pytest.raises(CommandError, match=f"第 {rows[3].pk} 条记录处断裂"):
        call_command("verify_audit")
    _tamper(f"DELETE FROM {TABLE}", [])  # every row: the head still names one
    with pytest.raises(CommandError, match="链尾记录被截去"):
        call_command("verify_audit")


def test_the_head_follows_the_newest_row():
    rows = three()
    assert AuditHead.objects.get().last_id == rows[-1].pk and AuditHead.objects.get().last_hash == rows[-1].hash
    assert audit_verify().broken is None and not audit_verify().problem


def test_purge_refuses_anything_younger_than_180_days():
    three()
    with pytest.raises(CommandError, match="至少保留 180 天"):
        call_command("purge_audit", "--before", (timezone.localdate() - timedelta(days=179)).isoformat())
    with pytest.raises(CommandError, match="日期“昨天”无效"):
        call_command("purge_audit", "--before", "昨天")
    assert AuditEvent.objects.count() == 3


def test_purge_deletes_old_rows_only_is_audited_and_the_chain_still_verifies():
    old_time = timezone.now() - timedelta(days=400)
    with mock.patch("django.utils.timezone.now", return_value=old_time):
        old = three()
    recent = three()
    out = StringIO()
    call_command("purge_audit", "--before", (timezone.localdate() - timedelta(days=200)).isoformat(), stdout=out)
    assert "已删除" in out.getvalue() and " 3 条" in out.getvalue()
    assert not AuditEvent.objects.filter(pk__in=[r.pk for r in old]).exists()
    assert AuditEvent.objects.filter(pk__in=[r.pk for r in recent]).count() == 3
    purge = AuditEvent.objects.get(action=AuditAction.AUDIT_PURGED)
    assert purge.after_data["deleted"] == 3 and purge.after_data["last_deleted_hash"] == old[-1].hash
    assert audit_verify().broken is None
