"""Shared set-up for benchmark scripts: a throw-away SQLite database, migrated."""

import os
import sys
import tempfile
from pathlib import Path


def django_with_temp_db() -> str:
    """Point Django at a fresh SQLite file (unless DATABASE_URL is set) and migrate it."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    path = ""
    if not os.environ.get("DATABASE_URL"):
        path = tempfile.mktemp(prefix="portal-bench-", suffix=".sqlite3")
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # The benchmarks sign their users in with force_login, which enters no second factor; they
    # measure pages, not the two-factor gate (tests/accounts/test_two_factor.py covers that).
    os.environ.setdefault("TWO_FACTOR_ENFORCED", "false")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return path
