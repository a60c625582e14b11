"""Today's account-only audit trail (accounts.AuditEvent) moves into the business audit log,
oldest first, each row chained like any other."""

from django.db import migrations

from audit.chain import GENESIS, canonical_json, row_hash

ACTIONS = {"user_created": "user_created", "role_granted": "role_granted", "role_revoked": "role_revoked"}


def move(apps, schema_editor):
    Old = apps.get_model("accounts", "AuditEvent")
    New = apps.get_model("audit", "AuditEvent")
    last = New.objects.order_by("-pk").values_list("hash", flat=True).first() or GENESIS
    for old in Old.objects.order_by("at", "pk").iterator():
        fields = {
            "at": old.at,
            "actor_id": old.actor_id,
            "actor_username": old.actor_username[:150],
            "action": ACTIONS[old.action],
            "target_type": "accounts.user",
            "target_id": "",
            "target_label": old.target_username[:200],
            "zone_id": None,
            "zone_name": "",
            "before": "",
            "after": canonical_json({"detail": old.detail}) if old.detail else "",
            "reason": "",
            "ip": "",
        }
        digest = row_hash(last, fields)
        New.objects.create(prev_hash=last, hash=digest, **fields)
        last = digest


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger"), ("accounts", "0003_audit_events")]
    operations = [migrations.RunPython(move, migrations.RunPython.noop)]
