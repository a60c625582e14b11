#!/usr/bin/env bash
# Run the whole test suite:
#   1. unit/integration tests on SQLite           (-m "not browser")
#   2. the same on PostgreSQL + Redis              only if CI=true or TEST_DATABASE_URL is set
#   3. browser tests (Playwright + Chromium)       (-m browser, on SQLite)
# Extra arguments go to every pytest run, e.g. `bash scripts/test.sh -q -x`.
# Every stage runs; the script exits non-zero if any of them failed.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh --dev --browser || { echo "setup failed" >&2; exit 1; }

export DJANGO_SETTINGS_MODULE=config.settings.test
PY=.venv/bin/python
failed=()

# run_stage NAME [env assignments --] pytest args...
run_stage() {
  local name="$1"; shift
  printf '\n==============================================================\n'
  printf '== %s\n' "$name"
  printf '==============================================================\n'
  local rc=0
  "$@" || rc=$?
  if [[ $rc -eq 5 ]]; then
    echo "!! ${name}: pytest collected no tests (exit code 5) — counted as a failure." >&2
    failed+=("$name (no tests collected)")
  elif [[ $rc -ne 0 ]]; then
    echo "!! ${name}: failed (exit code $rc)" >&2
    failed+=("$name")
  fi
}

# 0. Static checks: lint, and no model change without its migration.
run_stage "Stage 0: ruff + migrations check" \
  bash -c ".venv/bin/ruff check . && $PY manage.py makemigrations --check --dry-run"

# 1. SQLite, jobs eager: the embedded default, no services needed.
run_stage "Stage 1/3: tests on SQLite" \
  env -u TEST_DATABASE_URL -u CELERY_BROKER_URL "$PY" -m pytest -m "not browser" "$@"

# 2. PostgreSQL + Redis (the services CI provides).
if [[ "${CI:-}" == "true" || -n "${TEST_DATABASE_URL:-}" ]]; then
  run_stage "Stage 2/3: tests on PostgreSQL + Redis" \
    env TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal}" \
        CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/15}" \
        "$PY" -m pytest -m "not browser" "$@"
else
  printf '\n== Stage 2/3: PostgreSQL + Redis skipped (set TEST_DATABASE_URL or CI=true to run it)\n'
fi

# 3. Browser tests: Debian's Chromium driven by Playwright, live server on SQLite.
run_stage "Stage 3/3: browser tests (Chromium)" \
  env -u TEST_DATABASE_URL -u CELERY_BROKER_URL "$PY" -m pytest -m browser "$@"

printf '\n==============================================================\n'
if ((${#failed[@]})); then
  echo "FAILED stages:"
  printf '  - %s\n' "${failed[@]}"
  exit 1
fi
echo "All stages passed."
