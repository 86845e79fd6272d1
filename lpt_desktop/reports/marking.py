"""The Government Security Classification marking every case document carries, top and bottom."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib.units import mm

from lpt_desktop.reports import fonts

MARKING = "OFFICIAL-SENSITIVE"


def page_marking(footer: str = "", margin: float = 15 * mm) -> Callable[[Any, Any], None]:
    """A reportlab page callback: the marking centred at top and bottom, a footer note and the page number."""

    fonts.register()

    def draw(canvas: Any, doc: Any) -> None:
        width, height = doc.pagesize
        canvas.saveState()
        canvas.setFont(fonts.BOLD, 9)
        canvas.drawCentredString(width / 2, height - 10 * mm, MARKING)
        canvas.drawCentredString(width / 2, 8 * mm, MARKING)
        canvas.setFont(fonts.REGULAR, 8)
        if footer:
            canvas.drawString(margin, 8 * mm, footer)
        canvas.drawRightString(width - margin, 8 * mm, f"Page {doc.page}")
        canvas.restoreState()

    return draw
