#!/bin/sh
# Installs (or removes) LabDesk for the current user, without root.
#
#   ./install.sh              copy this bundle to ~/.local/opt/labdesk, put `labdesk` on
#                             PATH (~/.local/bin), add the menu entry and the icons
#   ./install.sh --uninstall  remove all of that again
#
# Run it from the unpacked bundle (the folder holding the `labdesk` executable; the
# PyInstaller spec copies this script and labdesk.desktop there). LABDESK_INSTALL_DIR
# overrides the program folder. LabDesk's data — database, backups, keys — lives in
# ${XDG_DATA_HOME:-~/.local/share}/LabDesk, which neither installing nor uninstalling
# touches.
set -eu

src=$(cd "$(dirname "$0")" && pwd)
opt=${LABDESK_INSTALL_DIR:-$HOME/.local/opt/labdesk}
share=${XDG_DATA_HOME:-$HOME/.local/share}
bin=$HOME/.local/bin
sizes="16 24 32 48 64 128 256 512"

refresh_caches() {
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$share/applications" 2>/dev/null || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1; then
        gtk-update-icon-cache -q -t "$share/icons/hicolor" 2>/dev/null || true
    fi
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$share/applications/labdesk.desktop"
    for size in $sizes; do
        rm -f "$share/icons/hicolor/${size}x${size}/apps/labdesk.png"
    done
    rm -f "$share/icons/hicolor/scalable/apps/labdesk.svg"
    if [ -L "$bin/labdesk" ]; then rm -f "$bin/labdesk"; fi
    rm -rf "$opt"
    refresh_caches
    echo "LabDesk removed. Your data in $share/LabDesk was kept."
    exit 0
fi

if [ ! -x "$src/labdesk" ] || [ ! -d "$src/_internal" ]; then
    echo "install.sh: run me from the LabDesk bundle (no labdesk executable in $src)" >&2
    exit 2
fi

# Copy the bundle beside the old one first, then swap, so a failed copy leaves the
# installed version working.
if [ "$src" != "$opt" ]; then
    mkdir -p "$(dirname "$opt")"
    rm -rf "$opt.new"
    cp -R "$src" "$opt.new"
    rm -rf "$opt"
    mv "$opt.new" "$opt"
fi

mkdir -p "$bin" "$share/applications" "$share/icons/hicolor/scalable/apps"
ln -sf "$opt/labdesk" "$bin/labdesk"
icons="$opt/_internal/resources/icons"
for size in $sizes; do
    mkdir -p "$share/icons/hicolor/${size}x${size}/apps"
    cp "$icons/labdesk-$size.png" "$share/icons/hicolor/${size}x${size}/apps/labdesk.png"
done
cp "$icons/labdesk.svg" "$share/icons/hicolor/scalable/apps/labdesk.svg"
# The menu entry runs the installed executable by its full path (quoted: the home
# folder may contain spaces), whether or not ~/.local/bin is on PATH.
opt_sed=$(printf '%s' "$opt" | sed 's/[&|\\]/\\&/g')
sed -e "s|^Exec=labdesk\$|Exec=\"$opt_sed/labdesk\"|" \
    -e "s|^TryExec=labdesk\$|TryExec=$opt_sed/labdesk|" \
    "$opt/labdesk.desktop" >"$share/applications/labdesk.desktop"
refresh_caches
echo "LabDesk installed in $opt; start it from the menu or with: $bin/labdesk"
