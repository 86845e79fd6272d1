"""Before Qt starts: can it open a window here? If not, say why and which package puts it right.

Without this, a missing X library made `lpt-desktop` exit printing nothing: Qt's fatal "could not load the Qt
platform plugin" goes to the app log (gui/qtlog.py keeps Qt's messages off the terminal) and Qt aborts. The
xcb plugin's libraries are checked with ldd before the QApplication is made, so the terminal says what is
missing and the Debian/Ubuntu package that provides it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# Library (soname) -> the Debian/Ubuntu package that provides it: what Qt 6's xcb plugin needs beyond a
# basic desktop (https://doc.qt.io/qt-6/linux-requirements.html).
PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}
_NOT_FOUND = re.compile(r"^\s*(\S+)\s*=>\s*not found", re.MULTILINE)
_CANNOT_LOAD = re.compile(r"error while loading shared libraries: (\S+?):")


def _plugin_files() -> list[Path]:
    from PySide6.QtCore import QLibraryInfo  # QtCore only: no window system is touched

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    return [p for p in (plugins / "platforms" / "libqxcb.so",) if p.exists()]


def missing_libraries(files: list[Path] | None = None) -> list[str]:
    """The libraries the xcb platform plugin cannot load (sonames), found with ldd; [] when all load or when
    there is no ldd to ask (Qt then says it itself)."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    missing: list[str] = []
    for f in _plugin_files() if files is None else files:
        try:
            out = subprocess.run([ldd, str(f)], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            continue
        text = out.stdout + out.stderr
        for name in [*_NOT_FOUND.findall(text), *(Path(p).name for p in _CANNOT_LOAD.findall(text))]:
            if name not in missing:
                missing.append(name)
    return missing


def _uses_xcb() -> bool:
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(":")[0].split(";")[0] == "xcb"
    return not os.environ.get("WAYLAND_DISPLAY")  # Qt prefers Wayland when a Wayland session offers it


def problem_text(missing: list[str]) -> str:
    packages = sorted({PACKAGES[m] for m in missing if m in PACKAGES})
    unknown = [m for m in missing if m not in PACKAGES]
    lines = ["LPT Desktop cannot open its window: Qt's X11 (xcb) platform plugin needs "
             f"{'a library' if len(missing) == 1 else 'libraries'} not installed on this computer: "
             f"{', '.join(missing)}.", ""]
    if packages:
        lines.append("To put it right on Debian or Ubuntu (ask your IT support if you cannot install software):")
        lines.append(f"    sudo apt install {' '.join(packages)}")
    if unknown:
        lines.append(f"Install the package that provides {', '.join(unknown)} (on Debian or Ubuntu: "
                     f"apt-file search {unknown[0]}).")
    lines.append("Then start lpt-desktop again. Everything on the caseload is safe: nothing was opened.")
    return "\n".join(lines)


def startup_problem() -> str | None:
    """Why Qt will not open a window here, with the fix; None when nothing is wrong that we can tell."""
    if not sys.platform.startswith("linux") or not _uses_xcb():
        return None
    missing = missing_libraries()
    if not os.environ.get("DISPLAY") and not os.environ.get("QT_QPA_PLATFORM"):
        # Said first: with no display no library would help (a terminal over SSH); the libraries still owed are
        # named after it, so the desktop session started next does not fail again.
        text = ("LPT Desktop cannot open its window: there is no display (DISPLAY is not set). Start it from "
                "a desktop session; the `lpt` command works without one.")
        return text + ("\n\nIn a desktop session it would also need this:\n" + problem_text(missing) if missing else "")
    if missing:
        return problem_text(missing)
    return None


def other_platform() -> str | None:
    """A platform that can still show a window (and so the message in a dialog) when xcb cannot: Wayland,
    when this is a Wayland session and its plugin loads."""
    if not os.environ.get("WAYLAND_DISPLAY"):
        return None
    from PySide6.QtCore import QLibraryInfo

    plugin = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms" / "libqwayland.so"
    if not plugin.exists() or missing_libraries([plugin]):
        return None
    return "wayland"
