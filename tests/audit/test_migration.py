"""Today's account-only audit trail moved into the business audit log, chained."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state([t for t in targets if t[1]]).apps


@pytest.mark.django_db(transaction=True)
def test_account_events_move_into_the_audit_log_oldest_first():
    old = _migrate([("audit", None), ("accounts", "0003_audit_events")])
    Old = old.get_model("accounts", "AuditEvent")
    now = timezone.now()
    Old.objects.create(
        actor_username="secadmin", action="role_granted", target_username="li", detail="办公室工作人员（甲）", at=now
    )
    Old.objects.create(actor_username="office", action="user_created", target_username="li", at=now - timedelta(days=1))

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    from audit.models import AuditEvent
    from audit.services import audit_verify

    rows = list(AuditEvent.objects.order_by("pk"))
    assert [(r.actor_username, r.action, r.target_label) for r in rows] == [
        ("office", "user_created", "li"),
        ("secadmin", "role_granted", "li"),
    ]
    assert rows[1].after_data == {"detail": "办公室工作人员（甲）"}
    assert audit_verify().broken is None and audit_verify().checked == 2
