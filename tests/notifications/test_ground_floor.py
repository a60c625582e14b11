"""notifications sits on the ground floor (DESIGN §3): the apps that make a change decide who is told
and call it; it imports none of them (read from the source, lazy imports included)."""

from pathlib import Path

from tests.test_layers import ROOT, imports_of

UPPER = {"accounts", "zones", "indicators", "evidence", "tasks", "assessments", "inspections", "reports", "demo"}


def test_notifications_imports_no_app_above_it():
    offences = [
        f"{path.relative_to(ROOT)} imports {target}"
        for path in sorted(Path(ROOT / "notifications").rglob("*.py"))
        if "migrations" not in path.parts
        for target in sorted(imports_of(path) & UPPER)
    ]
    assert not offences, "\n".join(offences)


def test_the_apps_that_notify_do_it_through_notify():
    """Every new notice goes through notifications.services.notify (the permission check);
    notification_create is left to the reminder/send-back jobs that predate it."""
    callers = {
        "tasks/notices.py",
        "evidence/notices.py",
        "assessments/services/notices.py",
        "reports/services.py",
    }
    for name in callers:
        source = (ROOT / name).read_text(encoding="utf-8")
        assert "notify(" in source and "notification_create(" not in source, name
