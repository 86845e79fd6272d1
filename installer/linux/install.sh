#!/usr/bin/env sh
# Install (or upgrade) the LPT Desktop bundle for every user of this Linux machine.
# Usage: sudo installer/linux/install.sh [dist/lpt-desktop] [prefix=/opt/lpt-desktop]
# Upgrading replaces the program folder only: officers' encrypted caseloads live in their own
# data folders (~/.local/share/lpt-desktop) and are migrated forward on their next unlock.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bundle=${1:-"$here/../../dist/lpt-desktop"}
[ -x "$here/../../lpt-desktop" ] && [ -z "${1:-}" ] && bundle="$here/../.."  # run from inside a bundle
prefix=${2:-/opt/lpt-desktop}
[ -x "$bundle/lpt-desktop" ] || { echo "install.sh: no bundle at $bundle (run 'make installer' first)" >&2; exit 2; }
"$bundle/lpt-desktop" --self-test >/dev/null 2>&1 || QT_QPA_PLATFORM=offscreen "$bundle/lpt-desktop" --self-test
tmp="$prefix.new"
rm -rf "$tmp"
cp -a "$bundle" "$tmp"
rm -rf "$prefix.old"
[ -d "$prefix" ] && mv "$prefix" "$prefix.old"
mv "$tmp" "$prefix"
rm -rf "$prefix.old"
ln -sf "$prefix/lpt-desktop" /usr/local/bin/lpt-desktop
ln -sf "$prefix/lpt" /usr/local/bin/lpt
# The menu entry and icons come from the bundle itself, so this works from an unpacked bundle alone.
install -Dm644 "$prefix/_internal/installer/linux/lpt-desktop.desktop" /usr/share/applications/lpt-desktop.desktop
for dir in "$prefix"/_internal/resources/icons/hicolor/*/; do
  size=$(basename "$dir")
  install -Dm644 "$dir/apps/lpt-desktop.png" "/usr/share/icons/hicolor/$size/apps/lpt-desktop.png"
done
command -v update-desktop-database >/dev/null && update-desktop-database -q /usr/share/applications || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q /usr/share/icons/hicolor || true
echo "LPT Desktop installed in $prefix"
