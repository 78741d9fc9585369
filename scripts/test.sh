#!/usr/bin/env bash
# Sets up what the tests need and runs every check: lint, format, types, the
# import-layer contracts, then the whole pytest suite (slow tests included).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/system-deps.sh || echo "warning: could not install system packages" >&2
bash scripts/bootstrap.sh

export QT_QPA_PLATFORM=offscreen
# A throwaway PostgreSQL for the HQ tests, unless one was given.
if [ -z "${LABDESK_TEST_PG_URL:-}" ] && [ -f scripts/pg-test-server.sh ]; then
  # Its own state file, so a server left by another run or checkout never gets in the way.
  export LABDESK_PG_STATE="${TMPDIR:-/tmp}/labdesk-pg-test.$$.state"
  if url="$(bash scripts/pg-test-server.sh start)"; then
    export LABDESK_TEST_PG_URL="$url"
    trap 'bash scripts/pg-test-server.sh stop >/dev/null 2>&1 || true' EXIT
  fi
fi

echo "== ruff check"; .venv/bin/ruff check .
echo "== ruff format --check"; .venv/bin/ruff format --check .
echo "== mypy"; .venv/bin/mypy
echo "== import contracts"; .venv/bin/lint-imports
echo "== pytest"; .venv/bin/python -m pytest "$@"
# The services tests again on the server: every test through the record `world` runs on
# PostgreSQL (the others build their own SQLite files and ran above). ~3–4 min on 2 cores;
# LABDESK_TEST_SERVICES_PG=0 skips it.
if [ -n "${LABDESK_TEST_PG_URL:-}" ] && [ "${LABDESK_TEST_SERVICES_PG:-1}" != 0 ]; then
  echo "== pytest tests/services on PostgreSQL"
  LABDESK_TEST_ENGINE=postgresql .venv/bin/python -m pytest -q -p no:cacheprovider tests/services
fi
