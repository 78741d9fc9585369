#!/usr/bin/env bash
# Installs the Debian packages LabDesk's tests and tools use, when running as root
# with apt-get and something is missing. Elsewhere it only says what is missing.
#   Qt runtime: libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3
#   CJK font for screenshots and PDF reports: fonts-wqy-microhei
#   pdftotext for report tests: poppler-utils;  batch interop tests: openssl
#   a second barcode decoder for label tests (pyzbar): libzbar0
#   HQ on PostgreSQL: postgresql;  .desktop check: desktop-file-utils
#   PyInstaller needs objdump: binutils
#   X11 libraries Qt's xcb plugin loads, which the Linux bundle carries because many
#   desktops lack them: libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
#   libxcb-render-util0 libxkbcommon-x11-0
set -euo pipefail
packages=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 fonts-wqy-microhei
  poppler-utils openssl postgresql desktop-file-utils binutils libzbar0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxkbcommon-x11-0)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
else
  echo "Missing system packages (tests that need them are skipped outside CI): ${missing[*]}" >&2
fi
