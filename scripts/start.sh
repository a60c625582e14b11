#!/usr/bin/env bash
# Start the portal on a fresh clone: set up, migrate, load the national
# indicator system and the demo zone with its accounts, then serve on
# http://127.0.0.1:8000/ . Re-running is safe (every step is idempotent).
#
# Embedded default: SQLite, jobs run in-process. With CELERY_BROKER_URL set a
# Celery worker is started in the background and stopped with the server.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}"
PY=.venv/bin/python

echo "==> Migrating the database"
"$PY" manage.py migrate --no-input
echo "==> Loading the national indicator system"
"$PY" manage.py load_standard
echo "==> Loading the demo zone and accounts"
"$PY" manage.py load_demo

if [[ -n "${CELERY_BROKER_URL:-}" ]]; then
  echo "==> Starting a Celery worker (broker: ${CELERY_BROKER_URL})"
  .venv/bin/celery -A config worker -l info &
  WORKER_PID=$!
  trap 'kill "$WORKER_PID" 2>/dev/null || true; wait "$WORKER_PID" 2>/dev/null || true' EXIT
else
  echo "==> CELERY_BROKER_URL not set: background jobs run in-process"
fi

echo "==> Serving on http://127.0.0.1:8000/"
"$PY" manage.py runserver 127.0.0.1:8000
