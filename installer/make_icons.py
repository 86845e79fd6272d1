"""Render resources/icons/app.svg to the PNG sizes desktops expect and a Windows .ico.

Run after changing the SVG: `.venv/bin/python installer/make_icons.py`. The outputs are committed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402 - Pillow comes with reportlab
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "app.svg"
HICOLOR = ROOT / "resources" / "icons" / "hicolor"
ICO = ROOT / "installer" / "windows" / "lpt-desktop.ico"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    return image


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    for size in SIZES:
        out = HICOLOR / f"{size}x{size}" / "apps" / "lpt-desktop.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        render(size).save(str(out))
    ICO.parent.mkdir(parents=True, exist_ok=True)
    Image.open(HICOLOR / "256x256" / "apps" / "lpt-desktop.png").save(ICO, sizes=[(s, s) for s in SIZES])
    print(f"icons written: {len(SIZES)} PNG sizes and {ICO.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
