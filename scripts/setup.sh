#!/usr/bin/env bash
# Prepare a checkout to run: system packages, .venv, Python requirements and
# compiled translations. Idempotent: every step checks first and does nothing
# when there is nothing to do, so start.sh and test.sh call it every time.
#
#   bash scripts/setup.sh            # what the portal needs (requirements.txt)
#   bash scripts/setup.sh --dev      # plus tests and tools (requirements-dev.txt)
#   bash scripts/setup.sh --browser  # plus Chromium and poppler for browser tests
#
# Works non-interactively (CI=true, no stdin). As root apt-get runs directly;
# otherwise through `sudo -n` if that works without a password, else the apt
# step is skipped with a message naming the missing packages.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"

WITH_BROWSER="${SETUP_BROWSER:-0}"
WITH_DEV="${SETUP_DEV:-0}"
for arg in "$@"; do
  case "$arg" in
    --browser) WITH_BROWSER=1 ;;
    --dev) WITH_DEV=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option: $arg" >&2; exit 2 ;;
  esac
done

log() { printf '==> %s\n' "$*"; }

# --- Debian packages --------------------------------------------------------
# fonts-wqy-zenhei: a TrueType CJK font; WeasyPrint subsets it ~4x faster than
# the OpenType/CFF Noto CJK fonts (see DESIGN.md section 7).
# libpango/libpangoft2/libharfbuzz-subset: what WeasyPrint loads at run time.
PACKAGES=(fonts-wqy-zenhei gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
if [[ "$WITH_BROWSER" == "1" ]]; then
  # chromium: driven by Playwright in tests/browser; poppler-utils: pdftotext
  # for tests that read generated PDFs; docker-compose: validates
  # docker-compose.yml in tests/test_compose.py (no Docker engine needed).
  PACKAGES+=(chromium poppler-utils docker-compose)
fi

PYTHON="${PYTHON:-}"
if [[ -z "$PYTHON" ]]; then
  if command -v python3.11 >/dev/null 2>&1; then PYTHON=python3.11; else PYTHON=python3; fi
fi
# Debian's own python3 cannot create a venv without pythonX.Y-venv (it ships
# ensurepip's wheels). Only needed when .venv does not exist yet.
if [[ ! -x .venv/bin/python ]] && [[ "$("$PYTHON" -c 'import sys; print(sys.base_prefix)')" == /usr ]]; then
  PACKAGES+=("$("$PYTHON" -c 'import sys; print("python%d.%d-venv" % sys.version_info[:2])')")
fi

missing=()
if command -v dpkg >/dev/null 2>&1; then
  for pkg in "${PACKAGES[@]}"; do
    # `dpkg -s` also succeeds for removed-but-configured packages: check Status.
    if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
      missing+=("$pkg")
    fi
  done
else
  log "dpkg not found (not Debian?): make sure these are installed: ${PACKAGES[*]}"
fi

if ((${#missing[@]})); then
  SUDO=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      SUDO=(sudo -n)
    else
      SUDO=(skip)
    fi
  fi
  if [[ "${SUDO[*]-}" == "skip" ]]; then
    log "SKIPPING apt: not root and no password-less sudo. Ask an administrator to run:"
    log "  apt-get install -y ${missing[*]}"
  else
    log "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Another apt/dpkg may be running (unattended upgrades, a parallel set-up):
    # wait for its lock instead of failing.
    APT=("${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
    "${APT[@]}" update </dev/null
    "${APT[@]}" install -y --no-install-recommends "${missing[@]}" </dev/null
  fi
else
  log "Debian packages present: ${PACKAGES[*]}"
fi

# --- Python virtual environment ---------------------------------------------
if [[ ! -x .venv/bin/python ]]; then
  log "Creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
VENV_PY="$ROOT/.venv/bin/python"

# requirements.txt is what production runs; requirements-dev.txt adds the
# tests and tools (it includes requirements.txt). Reinstall only when the
# files to install changed since the last successful install (hash kept inside
# .venv, so deleting .venv resets it; a --dev install also satisfies a plain one).
REQUIREMENTS=requirements.txt
if [[ "$WITH_DEV" == "1" ]]; then REQUIREMENTS=requirements-dev.txt; fi
STAMP=.venv/.requirements.sha256
want_runtime="$(sha256sum <requirements.txt | cut -d' ' -f1)"
want_dev="$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)"
have="$(cat "$STAMP" 2>/dev/null || true)"
if [[ "$have" == "$want_dev" || ( "$WITH_DEV" != "1" && "$have" == "$want_runtime" ) ]]; then
  log "Python requirements up to date"
else
  log "Installing Python requirements ($REQUIREMENTS)"
  "$VENV_PY" -m pip install --disable-pip-version-check --no-input -q -r "$REQUIREMENTS"
  if [[ "$WITH_DEV" == "1" ]]; then echo "$want_dev" >"$STAMP"; else echo "$want_runtime" >"$STAMP"; fi
fi

# --- Translations -----------------------------------------------------------
# .mo files are build output (not committed); compilemessages skips catalogues
# whose .mo is newer than the .po.
if command -v msgfmt >/dev/null 2>&1; then
  log "Compiling translations"
  DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}" \
    "$VENV_PY" manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=static -v 0
else
  log "WARNING: msgfmt (gettext) missing: translations not compiled, the UI may show untranslated text"
fi

log "Set-up complete"
