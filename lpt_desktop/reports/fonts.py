"""The one font every PDF uses: DejaVu Sans, embedded, shipped in resources/fonts/ with its licence.

reportlab's standard fonts (Helvetica and the rest of the 14) cover Latin-1 only: "Ł", "ŵ" or "ő" in a
name printed as a black box. DejaVu Sans covers every Latin script a name on a caseload may use, and is
embedded (subset) in each PDF, so the reader needs no font of its own.

Builders name the fonts by the constants here and pass `doc_fonts()` to their doc template, so reportlab's
own defaults (the canvas's first font, table cells, list bullets) never reach for Helvetica either.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from reportlab.lib.styles import ParagraphStyle, StyleSheet1, getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from lpt_desktop.paths import resources_dir

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
# First in every TableStyle: a cell draws in its style's font even when it holds a Paragraph, and
# reportlab's default for that is Helvetica.
CELL_FONT = ("FONTNAME", (0, 0), (-1, -1), REGULAR)
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", ITALIC: "DejaVuSans-Oblique.ttf"}


@cache
def register() -> str:
    """Register the TTFs with reportlab once (a process-wide table); returns the regular font's name."""
    folder = resources_dir() / "fonts"
    for name, file in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    # <b> and <i> in a paragraph map through the family; bold italic is not used, so bold stands in.
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD)
    return REGULAR


def doc_fonts() -> dict[str, Any]:
    """Keyword arguments for a doc template: the canvas starts in DejaVu, not reportlab's Helvetica."""
    return {"initialFontName": register()}


def stylesheet() -> StyleSheet1:
    """reportlab's sample styles with every style's font (and bullet font) switched to DejaVu Sans."""
    register()
    sheet = getSampleStyleSheet()
    for name in sheet.byName:
        style = sheet[name]
        if isinstance(style, ParagraphStyle):
            bold = "Bold" in style.fontName
            italic = "Oblique" in style.fontName or "Italic" in style.fontName
            style.fontName = BOLD if bold else ITALIC if italic else REGULAR
            style.bulletFontName = style.fontName
    return sheet
