"""The caseload summary as a PDF: what an officer prints for supervision or a team meeting."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Protocol
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lpt_desktop.domain.dates import format_date, format_datetime
from lpt_desktop.reports import fonts
from lpt_desktop.reports.marking import MARKING, page_marking


class CaseloadLine(Protocol):
    """What the summary prints of a case (services.caseload.CaseloadRow has it): reports sit below services."""

    @property
    def crn(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def order_label(self) -> str: ...
    @property
    def tier(self) -> str: ...
    @property
    def rosh(self) -> str: ...
    @property
    def rosh_label(self) -> str: ...
    @property
    def flags(self) -> tuple[str, ...]: ...
    @property
    def next_due(self) -> date | None: ...
    @property
    def next_due_what(self) -> str: ...


HEADINGS = ("CRN", "Name", "Order", "Tier", "RoSH", "Flags", "Next due", "Due for")


def caseload_pdf(rows: Sequence[CaseloadLine], officer: str, generated: datetime, title: str = "Caseload") -> bytes:
    styles = fonts.stylesheet()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=18 * mm, bottomMargin=16 * mm, title=f"{title}: {officer}",
                            author="LPT Desktop", subject=MARKING, **fonts.doc_fonts())
    story = [
        Paragraph(escape(f"{title}: {officer}"), styles["Title"]),
        Paragraph(f"{len(rows)} cases. Printed {format_datetime(generated)}.", styles["Normal"]),
        Spacer(1, 4 * mm),
    ]
    cell = styles["BodyText"].clone("cell", fontSize=8.5, leading=10)
    data = [list(HEADINGS)] + [
        [r.crn, Paragraph(escape(r.name), cell), r.order_label, r.tier, r.rosh_label, " ".join(r.flags),
         format_date(r.next_due), Paragraph(escape(r.next_due_what), cell)]
        for r in rows
    ]
    table = Table(data, repeatRows=1, colWidths=[20 * mm, 50 * mm, 48 * mm, 12 * mm, 20 * mm, 34 * mm, 22 * mm,
                                                 None])
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, 0), fonts.BOLD, 9),
        ("FONT", (0, 1), (-1, -1), fonts.REGULAR, 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9eef4")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#1d4f7a")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f5f7fa")]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for i, r in enumerate(rows, start=1):
        if r.rosh in ("H", "VH"):
            style.append(("TEXTCOLOR", (4, i), (4, i), colors.HexColor("#b3261e")))
    table.setStyle(TableStyle(style))
    story.append(table if rows else Paragraph("There are no cases on this caseload.", styles["Normal"]))
    marking = page_marking()
    doc.build(story, onFirstPage=marking, onLaterPages=marking)
    return buf.getvalue()
