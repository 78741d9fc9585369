#!/usr/bin/env bash
# Sets up LabDesk and opens the desktop app on a demo database (created on first run).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/bootstrap.sh
mkdir -p demo
exec .venv/bin/labdesk --db demo/labdesk-demo.sqlite --demo "$@"
