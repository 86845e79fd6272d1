"""Enable or disable a control and say why it is unavailable, in its tooltip.

A disabled button looked enabled and did nothing ("Warning letter…" on a breach contact): the stylesheet now
greys disabled controls, and every control the window disables says why here, so hovering it explains."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

_NORMAL_TIP = "lptNormalToolTip"


def set_available(target: QWidget | QAction, available: bool, why_not: str) -> None:
    """setEnabled(available); while unavailable the tooltip starts with why_not (the usual tooltip follows)."""
    normal = target.property(_NORMAL_TIP)
    if normal is None:
        normal = target.toolTip() if isinstance(target, QWidget) or target.toolTip() != target.text().replace(
            "&", "").replace("…", "") else ""
        target.setProperty(_NORMAL_TIP, normal)
    target.setEnabled(available)
    if available:
        target.setToolTip(str(normal))
    else:
        target.setToolTip(f"Not available: {why_not}" + (f"\n{normal}" if normal else ""))
