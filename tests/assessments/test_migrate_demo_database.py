"""Issue 11 §1: moving Judgement and ScoreSnapshot from indicators to assessments keeps the data of
a database that holds the demo. `tests/fixtures/demo_before_assessments.sqlite3.gz` is the demo as
the last commit before the move loaded it (e406890^: migrate, load_standard, load_demo — 53 live
judgements and one score snapshot). A copy is migrated with today's migrations in a subprocess;
every judgement arrives unchanged and the zone still scores."""

import gzip
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "demo_before_assessments.sqlite3.gz"
COLUMNS = "zone_id, scoring_item_id, points, options, comment, judged_by_id, judged_at"


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return sorted(connection.execute(sql).fetchall())


def manage(db: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "REDIS_URL", "TEST_DATABASE_URL"}}
    env |= {"DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_demo_database_keeps_its_judgements_and_snapshot_through_the_move(tmp_path):
    db = tmp_path / "demo.sqlite3"
    with gzip.open(FIXTURE) as source, db.open("wb") as target:
        shutil.copyfileobj(source, target)
    judgements = rows(db, f"SELECT {COLUMNS} FROM indicators_judgement")
    snapshots = rows(db, "SELECT zone_id, total, max_total FROM indicators_scoresnapshot")
    assert len(judgements) == 53 and len(snapshots) == 1

    manage(db, "migrate", "-v", "0")

    assert rows(db, f"SELECT {COLUMNS} FROM assessments_judgement") == judgements
    assert rows(db, "SELECT round_id FROM assessments_judgement WHERE round_id IS NOT NULL") == []  # live ones
    assert rows(db, "SELECT zone_id, total, max_total FROM assessments_scoresnapshot") == snapshots
    tables = {name for (name,) in rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert not {"indicators_judgement", "indicators_scoresnapshot"} & tables
    zone_id = snapshots[0][0]
    assert "总分 83.5 / 100" in manage(db, "score_zone", "--zone", str(zone_id))
