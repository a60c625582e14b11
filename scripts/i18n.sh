#!/usr/bin/env bash
# Regenerate the zh_Hans catalogue from the sources, then compile it.
#
# The UI's source strings are written in Chinese (the only language the users
# read), so an entry whose msgid is Chinese is its own translation; a
# non-Chinese msgid keeps its hand-made translation or stays empty, and
# tests/test_i18n.py fails until someone translates it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=.venv/bin/python
PO=locale/zh_Hans/LC_MESSAGES/django.po
OLD="$(mktemp)"
cp "$PO" "$OLD" 2>/dev/null || true
rm -f "$PO"  # rebuild from scratch: no fuzzy matching against stale entries
DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}" \
  "$PY" manage.py makemessages -l zh_Hans --no-obsolete \
  --ignore=.venv --ignore=static/vendor --ignore=node_modules --ignore=staticfiles --ignore=media -v 0
"$PY" scripts/fill_catalogue.py "$PO" "$OLD"
rm -f "$OLD"
DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}" \
  "$PY" manage.py compilemessages --ignore=.venv --ignore=static -v 0
echo "$PO regenerated"
