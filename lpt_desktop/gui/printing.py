"""Printing the caseload as shown (filters and sort included), marked OFFICIAL-SENSITIVE."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtGui import QPageLayout, QTextDocument
from PySide6.QtPrintSupport import QPrinter

from lpt_desktop.domain.dates import format_date, format_datetime
from lpt_desktop.reports.marking import MARKING

if TYPE_CHECKING:
    from lpt_desktop.services.caseload import CaseloadRow


def caseload_html(rows: Sequence[CaseloadRow], officer: str, printed: datetime) -> str:
    e = html.escape
    head = "".join(f"<th align='left'>{h}</th>" for h in ("CRN", "Name", "Order", "Tier", "RoSH", "Flags",
                                                          "Next due", "Due for"))
    body = "".join(
        f"<tr><td style='white-space:nowrap'>{e(r.crn)}</td><td>{e(r.name)}</td><td>{e(r.order_label)}</td>"
        f"<td>{e(r.tier)}</td><td>{e(r.rosh_label)}</td><td>{e(' '.join(r.flags))}</td>"
        f"<td style='white-space:nowrap'>{format_date(r.next_due)}</td>"
        f"<td>{e(r.next_due_what)}</td></tr>" for r in rows)
    return (f"<p align='center'><b>{MARKING}</b></p><h2>Caseload: {e(officer)}</h2>"
            f"<p>{len(rows)} cases. Printed {format_datetime(printed)}.</p>"
            f"<table border='1' cellspacing='0' cellpadding='3' width='100%'><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table><p align='center'><b>{MARKING}</b></p>")


def print_caseload(printer: QPrinter, rows: Sequence[CaseloadRow], officer: str) -> None:
    printer.setPageOrientation(QPageLayout.Orientation.Landscape)  # eight columns want the width
    doc = QTextDocument()
    doc.setHtml(caseload_html(rows, officer, datetime.now()))
    doc.print_(printer)
