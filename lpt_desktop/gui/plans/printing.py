"""The plans on paper: the RoSH summary and risk management plan (reports/rosh_pdf.py's content, from the same
RoshDocument) and the person's sentence plan (reports/plan_pdf.py's, from the same PlanDocument, large print
included), each as a text document painted page by page with OFFICIAL-SENSITIVE and "Page n of m" on each
(gui/report_editor's paint_marked). QtPdf is not in PySide6-Essentials, so the PDF itself cannot be rasterised
to the printer."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from lpt_desktop.domain.dates import format_date
from lpt_desktop.reports import plan_pdf
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

    from lpt_desktop.reports.plan_pdf import GoalBlock, PlanDocument
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


def _heading(level: int, text: str, size: float) -> str:
    """A heading sized from the body text: Qt's own heading sizes (which ignore a font-size) would be smaller than
    large-print text."""
    big = size * (1.45 if level == 2 else 1.15)
    return f"<p style='font-size:{big:.1f}pt; font-weight:bold; margin-top:{big * 0.8:.0f}px'>{text}</p>"


def _goal_html(g: GoalBlock, large: bool, size: float) -> str:
    when = (html.escape(f"{format_date(g.target_date)} ({g.status.lower()})") if g.target_date
            else html.escape(plan_pdf.NO_DATE))
    parts = [_heading(3, f"Goal {g.number}: {_e(g.title)}", size),
             f"<p><b>What will be different:</b> {_e(g.outcome) or 'not written yet'}<br><b>When by:</b> {when}"]
    if g.part_of_order:
        parts.append(f"<br><b>Part of your order:</b> {html.escape(', '.join(g.part_of_order))}")
    parts.append("</p>")
    if not g.steps:
        parts.append(f"<p><i>{html.escape(plan_pdf.NO_STEPS)}</i></p>")
    elif large:  # one under another, as the large-print PDF: columns would be too narrow
        parts.append("<p><b>The steps</b></p>")
        for n, st in enumerate(g.steps, start=1):
            parts.append(f"<p><b>Step {n}: {_e(st.what)}</b><br>Who: {_e(st.who)}<br>By when: "
                         f"{format_date(st.by_when) or 'No date'}<br>Progress: {_e(st.status)}</p>")
    else:
        parts.append(f"<p><b>The steps</b></p>{TABLE}<tr><th align='left'>What will happen</th>"
                     "<th align='left'>Who</th><th align='left'>By when</th><th align='left'>Progress</th></tr>")
        parts += [f"<tr><td>{_e(st.what)}</td><td>{_e(st.who)}</td><td>{format_date(st.by_when) or 'No date'}</td>"
                  f"<td>{_e(st.status)}</td></tr>" for st in g.steps]
        parts.append("</table>")
    return "".join(parts)


def sentence_plan_html(doc: PlanDocument) -> str:
    """The person's plan as its PDF words it: their words, each goal with its steps, the agreement and lines to
    sign; 16 point with the steps one under another in large print."""
    size = plan_pdf.LARGE_SIZE if doc.large_print else plan_pdf.BODY_SIZE
    office = f", {_e(doc.office)}" if doc.office else ""
    parts = [f"<div style='font-size:{size:g}pt'>{_heading(2, html.escape(plan_pdf.TITLE), size)}"]
    if doc.draft:
        parts.append(f"<p style='color:{ALARM}'><b>DRAFT: this plan is not finished yet</b></p>")
    parts.append(f"<p><b>Name:</b> {_e(doc.name)}<br><b>Your probation practitioner:</b> {_e(doc.officer)}{office}"
                 f"<br><b>Plan date:</b> {format_date(doc.made_on)} ({html.escape(doc.plan_type.lower())} plan)")
    if doc.review_due:
        parts.append(f"<br><b>Next review by:</b> {format_date(doc.review_due)}")
    parts.append(f"</p><p>{html.escape(plan_pdf.intro(doc))}</p>{_heading(2, 'In your own words', size)}"
                 "<p>What you want to change:</p>")
    words = doc.persons_words.strip()
    parts.append(f"<blockquote>{_e(words)}</blockquote>" if words else
                 f"<p><i>{html.escape(plan_pdf.NO_WORDS)}</i></p>")
    parts.append(_heading(2, "Your goals", size))
    if not doc.goals:
        parts.append("<p><i>No goals written yet.</i></p>")
    parts += [_goal_html(g, doc.large_print, size) for g in doc.goals]
    parts.append(_heading(2, "Do you agree with this plan?", size))
    if doc.agreement:
        when = f" (on {format_date(doc.agreement_on)})" if doc.agreement_on else ""
        parts.append(f"<p>You said: <b>{html.escape(doc.agreement)}</b>{when}</p>")
        if doc.agreement_details.strip():
            parts.append(f"<blockquote>{_e(doc.agreement_details)}</blockquote>")
    else:
        parts.append(f"<p>{html.escape(plan_pdf.NOT_AGREED)} Tick one:<br>\u2610 Yes, I agree<br>"
                     "\u2610 No, I do not agree</p>")
    line, day = ("_" * 22, "_" * 10) if doc.large_print else ("_" * 34, "_" * 12)
    parts.append(f"{_heading(3, 'Signatures', size)}<p>Your signature: {line} Date: {day}</p>"
                 f"<p>Probation practitioner: {line} Date: {day}</p>")
    parts.append(f"<p><i>{html.escape(plan_pdf.OTHER_FORMATS)}</i></p></div>")
    return "".join(parts)


def print_sentence_plan(printer: QPrinter, doc: PlanDocument) -> int:
    """Print the person's plan; the number of pages. In large print the marking and page numbers are large too
    (as the large-print PDF's)."""
    from lpt_desktop.gui.report_editor import paint_marked

    return paint_marked(printer, sentence_plan_html(doc),
                        mark_size=plan_pdf.LARGE_MARK_SIZE if doc.large_print else None)
