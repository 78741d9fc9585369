#!/usr/bin/env bash
# Builds the Linux bundle and its tarball: installer/dist/LabDesk-<version>-linux-<arch>.tar.gz
#
#   bash installer/build_linux.sh
#
# Needs the project's venv (scripts/bootstrap.sh) and binutils (objdump, strip). Steps:
# build the onedir bundle from installer/labdesk.spec into installer/dist/labdesk, run
# its smoke test in an empty folder, report its size, pack it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${LABDESK_PYTHON:-.venv/bin/python}"
version="$("$python" installer/version.py)"
echo "LabDesk $version" >&2

"$python" -m PyInstaller installer/labdesk.spec --noconfirm \
  --distpath installer/dist --workpath installer/build

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/work" "$scratch/home"
(cd "$scratch/work" && env -i PATH=/usr/bin:/bin HOME="$scratch/home" LANG=C.UTF-8 \
  "$root/installer/dist/labdesk/labdesk" --smoke-test)

# The size in decimal MB, as a file manager shows it (the target: at most 200 MB).
find installer/dist/labdesk -type f -printf '%s\n' |
  awk '{ s += $1 } END { printf "bundle: %.1f MB (%d bytes)\n", s / 1e6, s }' >&2
archive="installer/dist/LabDesk-$version-linux-$(uname -m).tar.gz"
tar -C installer/dist -czf "$archive" labdesk
echo "Built $archive" >&2
