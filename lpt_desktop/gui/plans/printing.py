"""The RoSH summary and plan on paper: the PDF's content (reports/rosh_pdf.py, from the same RoshDocument) as a
text document, painted page by page with OFFICIAL-SENSITIVE and "Page n of m" on each (gui/report_editor's
paint_marked). QtPdf is not in PySide6-Essentials, so the PDF itself cannot be rasterised to the printer."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from lpt_desktop.domain.dates import format_date
from lpt_desktop.reports.rosh_pdf import (
    NO_ACTIONS,
    NOT_REQUIRED,
    NOT_WRITTEN,
    TITLE,
    carried_words,
    evidence_words,
    level_words,
)

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from lpt_desktop.reports.rosh_pdf import RoshDocument

ALARM = "#a4161a"
TABLE = "<table border='1' cellspacing='0' cellpadding='4' width='100%'>"


def _e(text: str) -> str:
    return "<br>".join(html.escape(line) for line in text.strip().splitlines())


def _not_set(text: str) -> str:
    return _e(text) if text.strip() else "<i>Not set</i>"


def rosh_html(doc: RoshDocument) -> str:
    p = doc.person
    parts = [f"<h2>{html.escape(TITLE)}</h2>", TABLE]
    facts = [("Name", p.name), ("CRN", p.crn), ("Date of birth", format_date(p.date_of_birth)), ("PNC", p.pnc),
             ("Probation practitioner", doc.officer), ("Office", doc.office),
             ("Assessment date", format_date(doc.assessed_on)), ("Status", doc.status),
             ("Countersignature", doc.countersign), ("Overall RoSH", level_words(doc.overall))]
    for (k1, v1), (k2, v2) in zip(facts[0::2], facts[1::2], strict=True):
        parts.append(f"<tr><th align='left'>{k1}</th><td>{_e(v1) or '—'}</td><th align='left'>{k2}</th>"
                     f"<td>{_e(v2) or '—'}</td></tr>")
    parts.append("</table>")
    parts.append(f"<h3>Overall risk of serious harm: {html.escape(level_words(doc.overall).upper())}</h3>")
    parts.append(f"<h3>Risk levels</h3>{TABLE}<tr><th align='left'>Risk to</th><th align='left'>In the community"
                 "</th><th align='left'>In custody</th></tr>")
    for r in doc.levels:
        community = "<i>Custody only</i>" if r.custody_only else html.escape(level_words(r.community))
        parts.append(f"<tr><td>{html.escape(r.group)}</td><td>{community}</td>"
                     f"<td>{html.escape(level_words(r.custody))}</td></tr>")
    parts.append("</table><h3>Risk of serious harm summary</h3>")
    for s in doc.summary:
        parts.append(f"<p><b>{html.escape(s.heading)}</b>")
        if s.carried:
            parts.append(f"<br><i>{html.escape(carried_words(s.carried))}</i>")
        parts.append(f"<br>{_e(s.text) if s.text.strip() else '<i>Nothing recorded.</i>'}</p>")
    parts.append("<h3>Risk management plan</h3>")
    if doc.plan is None:
        gap = NOT_WRITTEN if doc.plan_required else NOT_REQUIRED
        parts.append(f"<p style='color:{ALARM}'><b>{gap}</b></p>" if doc.plan_required else f"<p>{gap}</p>")
        return "".join(parts)
    for sec in doc.plan.sections:
        parts.append(f"<p><b>{html.escape(sec.heading)}</b></p>")
        if not sec.actions:
            parts.append(f"<p><i>{NO_ACTIONS}</i></p>")
            continue
        parts.append(f"{TABLE}<tr><th align='left'>Who</th><th align='left'>What</th><th align='left'>By when</th>"
                     "<th align='left'>Evidence</th></tr>")
        for act in sec.actions:
            when = format_date(act.by_when) if act.by_when else "<i>Not set</i>"
            parts.append(f"<tr><td>{_not_set(act.who)}</td><td>{_not_set(act.what)}</td><td>{when}</td>"
                         f"<td>{evidence_words(act.evidence)}</td></tr>")
        parts.append("</table>")
    parts.append("<p><b>Shared with</b></p>")
    if doc.plan.shared_with:
        parts.append(f"{TABLE}<tr><th align='left'>Agency</th><th align='left'>Date shared</th></tr>")
        parts += [f"<tr><td>{_e(w.agency)}</td><td>{format_date(w.on) or 'Not set'}</td></tr>"
                  for w in doc.plan.shared_with]
        parts.append("</table>")
    else:
        parts.append("<p><i>Not yet shared with any agency.</i></p>")
    return "".join(parts)


def print_rosh(printer: QPrinter, doc: RoshDocument) -> int:
    """Print the summary and plan; the number of pages."""
    from lpt_desktop.gui.report_editor import paint_marked

    return paint_marked(printer, rosh_html(doc))
