"""The sentence plan as a PDF for the person to read and sign (pure: a PlanDocument in, bytes out).

Written to the person, in plain words: "Your sentence plan", what they said they want to change in their own
words, each goal with what will be different and its steps (what, who, by when), whether they agree, and lines
to sign. A large-print version (16 pt text, steps set out one under another instead of in narrow columns) is
for anyone who finds small print hard to read: its marking, running line and page numbers are large too. A goal's
heading never ends a page without its first step. OFFICIAL-SENSITIVE at the top and bottom of every page, as every
case document; their name and "Page n of m" on every page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lpt_desktop.domain.dates import format_date
from lpt_desktop.reports import fonts
from lpt_desktop.reports.marking import MARKING
from lpt_desktop.reports.rosh_pdf import INK, MARGIN, RULE, SHADE, _RoshCanvas, fit_line

TITLE = "Your sentence plan"
INTRO = ("This plan sets out what you want to change while you are on probation, and the steps you and others "
         "will take to get there. You can ask for it to be changed at any time, and it will be looked at again at "
         "each review.")
# Said only when how the person took part is recorded (a plan made without them must not say they made it).
MADE_TOGETHER = "You made it with your probation practitioner."
NO_WORDS = "Not written down yet. Your probation practitioner will ask you."
NOT_AGREED = "Not asked yet."
NO_DATE = "No date yet: this is a goal for later"
NO_STEPS = "No steps written yet."
OTHER_FORMATS = ("If you would like this plan in another format, such as larger print, another language or read "
                 "aloud, ask your probation practitioner.")
BODY_SIZE, LARGE_SIZE = 10.5, 16.0
# Large print's marking, running line and page numbers (the normal print's are 9 and 8 point, rosh_pdf's canvas).
LARGE_MARK_SIZE, LARGE_LINE_SIZE = 16.0, 14.0


@dataclass(frozen=True)
class StepLine:
    what: str
    who: str  # in words: "You", "Your probation practitioner", "Drug or alcohol service (a partnership agency)"
    by_when: date | None
    status: str  # in words: "Not started", "Done"


@dataclass(frozen=True)
class GoalBlock:
    number: int
    title: str
    outcome: str  # what will be different
    target_date: date | None  # None: a goal for later
    status: str  # in words: "Working on it now", "For later", "Achieved"
    steps: tuple[StepLine, ...] = ()
    part_of_order: tuple[str, ...] = ()  # interventions of the order placed under the goal, in words


@dataclass(frozen=True)
class PlanDocument:
    name: str
    crn: str
    officer: str
    office: str
    plan_type: str  # "Initial", "Review", ...
    draft: bool  # a draft plan prints DRAFT
    made_on: date  # the plan's date: completed, else started
    persons_words: str
    goals: tuple[GoalBlock, ...]
    agreement: str = ""  # "Yes, I agree", "No, I do not agree", "Could not answer"; "" when not asked yet
    agreement_details: str = ""
    agreement_on: date | None = None
    review_due: date | None = None
    large_print: bool = False
    involved: bool = False  # how the person took part in making the plan is recorded


def intro(doc: PlanDocument) -> str:
    """The opening words: that they made the plan with their practitioner only when their involvement is
    recorded."""
    if not doc.involved:
        return INTRO
    first, _, rest = INTRO.partition(". ")
    return f"{first}. {MADE_TOGETHER} {rest}"


def _styles(large: bool) -> dict[str, ParagraphStyle]:
    size = LARGE_SIZE if large else BODY_SIZE
    lead = size * 1.35
    base = fonts.stylesheet()["BodyText"]
    body = ParagraphStyle("body", parent=base, fontName=fonts.REGULAR, fontSize=size, leading=lead,
                          spaceAfter=size * 0.5)
    return {
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, spaceAfter=0),
        "cellhead": ParagraphStyle("cellhead", parent=body, fontName=fonts.BOLD, spaceAfter=0),
        "title": ParagraphStyle("title", parent=body, fontName=fonts.BOLD, fontSize=size * 2, leading=size * 2.4,
                                textColor=INK, spaceAfter=size * 0.6),
        "h2": ParagraphStyle("h2", parent=body, fontName=fonts.BOLD, fontSize=size * 1.4, leading=size * 1.75,
                             textColor=INK, spaceBefore=size, spaceAfter=size * 0.4),
        "h3": ParagraphStyle("h3", parent=body, fontName=fonts.BOLD, fontSize=size * 1.15, leading=size * 1.5,
                             spaceBefore=size * 0.8, spaceAfter=size * 0.3),
        "quote": ParagraphStyle("quote", parent=body, fontName=fonts.ITALIC, leftIndent=size, rightIndent=size),
        "none": ParagraphStyle("none", parent=body, fontName=fonts.ITALIC, textColor=colors.HexColor("#444444")),
        "label": ParagraphStyle("label", parent=body, fontName=fonts.BOLD, spaceAfter=0),
        "draft": ParagraphStyle("draft", parent=body, fontName=fonts.BOLD, textColor=colors.HexColor("#b3261e")),
    }


def _text(value: str) -> str:
    """Escaped for reportlab's markup (O'Brien, <, & print as typed), line breaks kept."""
    return "<br/>".join(escape(line) for line in value.strip().splitlines())


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(_text(text), style)


def _box(content: list[Any], width: float, pad: float) -> Table:
    t = Table([[content]], colWidths=[width])
    t.setStyle(TableStyle([fonts.CELL_FONT, ("BOX", (0, 0), (-1, -1), 0.8, INK),
                           ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                           ("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
                           ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad)]))
    return t


def _steps_table(goal: GoalBlock, st: dict[str, ParagraphStyle], width: float) -> Table:
    rows: list[list[Any]] = [[Paragraph(x, st["cellhead"]) for x in ("What will happen", "Who", "By when",
                                                                     "Progress")]]
    for s in goal.steps:
        rows.append([_p(s.what, st["cell"]), _p(s.who, st["cell"]),
                     Paragraph(format_date(s.by_when) or "No date", st["cell"]), _p(s.status, st["cell"])])
    t = Table(rows, colWidths=[width * 0.39, width * 0.27, width * 0.17, width * 0.17], repeatRows=1)
    t.setStyle(TableStyle([fonts.CELL_FONT, ("BOX", (0, 0), (-1, -1), 0.6, INK),
                           ("INNERGRID", (0, 0), (-1, -1), 0.3, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("BACKGROUND", (0, 0), (-1, 0), SHADE), ("TOPPADDING", (0, 0), (-1, -1), 3),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return t


def _steps_stacked(goal: GoalBlock, st: dict[str, ParagraphStyle]) -> list[list[Any]]:
    """Large print: each step one under another, each part on its own line (columns would be too narrow), as one
    block per step (the first with the steps' heading)."""
    out: list[list[Any]] = []
    for n, s in enumerate(goal.steps, start=1):
        out.append([
            *([Paragraph("<b>The steps</b>", st["body"])] if n == 1 else []),
            Paragraph(f"Step {n}: {_text(s.what)}", st["label"]),
            Paragraph(f"Who: {_text(s.who)}", st["cell"]),
            Paragraph(f"By when: {escape(format_date(s.by_when) or 'No date')}", st["cell"]),
            Paragraph(f"Progress: {_text(s.status)}", st["body"])])
    return out


def _goal(goal: GoalBlock, doc: PlanDocument, st: dict[str, ParagraphStyle], width: float,
          lead: Sequence[Any] = ()) -> list[Any]:
    """A goal with its steps; `lead` (the "Your goals" heading before the first) is kept with it."""
    head = [CondPageBreak(45 * mm), *lead, Paragraph(f"Goal {goal.number}: {_text(goal.title)}", st["h3"]),
            Paragraph("<b>What will be different:</b> " + (_text(goal.outcome) or "not written yet"), st["body"]),
            Paragraph("<b>When by:</b> " + (escape(f"{format_date(goal.target_date)} ({goal.status.lower()})")
                                            if goal.target_date else escape(NO_DATE)), st["body"])]
    if goal.part_of_order:
        head.append(Paragraph("<b>Part of your order:</b> " + escape(", ".join(goal.part_of_order)), st["body"]))
    # The goal's heading is kept on one page with what follows it first (its first step, or the steps' table):
    # never a heading at the foot of a page and its steps over the page.
    if not goal.steps:
        return [head[0], KeepTogether([*head[1:], Paragraph(NO_STEPS, st["none"])])]
    if doc.large_print:
        first, *rest = _steps_stacked(goal, st)
        return [head[0], KeepTogether([*head[1:], *first]), *(KeepTogether(b) for b in rest)]
    return [head[0], KeepTogether([*head[1:], Paragraph("<b>The steps</b>", st["body"]),
                                   _steps_table(goal, st, width)]), Spacer(1, 2 * mm)]


def _agreement(doc: PlanDocument, st: dict[str, ParagraphStyle], width: float) -> list[Any]:
    out: list[Any] = [CondPageBreak(70 * mm), Paragraph("Do you agree with this plan?", st["h2"])]
    if doc.agreement:
        when = f" (on {format_date(doc.agreement_on)})" if doc.agreement_on else ""
        out.append(Paragraph(f"You said: <b>{escape(doc.agreement)}</b>{escape(when)}", st["body"]))
        if doc.agreement_details.strip():
            out.append(_p(doc.agreement_details, st["quote"]))
    else:
        out.append(Paragraph(NOT_AGREED + " Tick one:", st["body"]))
        for answer in ("Yes, I agree", "No, I do not agree"):
            out.append(Paragraph(f"\u2610  {answer}", st["body"]))
    gap = 14 * mm if doc.large_print else 10 * mm
    # The lines to sign on are drawn under empty cells, so they fit whatever the print size.
    rows = [[Paragraph(label, st["cell"]), "", Paragraph("Date", st["cell"]), ""]
            for label in ("Your signature", "Probation practitioner")]
    sign = Table(rows, colWidths=[width * 0.3, width * 0.4, width * 0.1, width * 0.2],
                 rowHeights=[gap + st["body"].leading] * 2)
    sign.setStyle(TableStyle([fonts.CELL_FONT, ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0), ("LINEBELOW", (1, 0), (1, -1), 0.8, colors.black),
                              ("LINEBELOW", (3, 0), (3, -1), 0.8, colors.black)]))
    out += [Spacer(1, 2 * mm), KeepTogether([Paragraph("Signatures", st["h3"]), sign])]
    return out


def build_plan_pdf(doc: PlanDocument) -> bytes:
    """The person's sentence plan as A4 PDF bytes (the same data gives the same bytes)."""
    st = _styles(doc.large_print)
    width = A4[0] - 2 * MARGIN - 12
    buf = io.BytesIO()
    large = doc.large_print
    template = SimpleDocTemplate(buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                                 topMargin=(30 if large else 22) * mm, bottomMargin=(24 if large else 18) * mm,
                                 title=f"{TITLE}: CRN {doc.crn}", author=doc.officer,
                                 subject=MARKING, invariant=True, **fonts.doc_fonts())
    pad = 8 if doc.large_print else 6
    facts = [Paragraph(f"<b>Name:</b> {escape(doc.name)}", st["cell"]),
             Paragraph(f"<b>Your probation practitioner:</b> {escape(doc.officer)}"
                       + (f", {escape(doc.office)}" if doc.office else ""), st["cell"]),
             Paragraph(f"<b>Plan date:</b> {escape(format_date(doc.made_on))} ({escape(doc.plan_type.lower())} plan)",
                       st["cell"])]
    if doc.review_due:
        facts.append(Paragraph(f"<b>Next review by:</b> {escape(format_date(doc.review_due))}", st["cell"]))
    story: list[Any] = [Paragraph(TITLE, st["title"])]
    if doc.draft:
        story.append(Paragraph("DRAFT: this plan is not finished yet", st["draft"]))
    story += [_box(facts, width, pad), Spacer(1, 3 * mm), Paragraph(escape(intro(doc)), st["body"]),
              Paragraph("In your own words", st["h2"]),
              Paragraph("What you want to change:", st["body"]),
              _p(doc.persons_words, st["quote"]) if doc.persons_words.strip() else Paragraph(NO_WORDS, st["none"])]
    goals_heading = Paragraph("Your goals", st["h2"])
    if not doc.goals:
        story += [goals_heading, Paragraph("No goals written yet.", st["none"])]
    for n, g in enumerate(doc.goals):
        story += _goal(g, doc, st, width, [goals_heading] if n == 0 else ())
    story += _agreement(doc, st, width)
    story += [Spacer(1, 4 * mm), Paragraph(escape(OTHER_FORMATS), st["none"])]

    class _Canvas(_LargeCanvas if large else _RoshCanvas):  # type: ignore[misc]  # chosen at run time
        name = doc.name
        crn = doc.crn
        running = f"Sentence plan, {format_date(doc.made_on)}" + (" (large print)" if large else "")
        footer = f"CRN {doc.crn}"

    template.build(story, canvasmaker=_Canvas)
    return buf.getvalue()


class _LargeCanvas(_RoshCanvas):
    """Large print's pages: the marking at the top and bottom, the person's name and CRN, what the document is and
    "Page n of m" at the large size too (in the deeper top and bottom margins large print has)."""

    def _decorate(self, total: int) -> None:
        width, height = self._pagesize  # type: ignore[attr-defined]  # set by Canvas, absent from its stubs
        mark, line_size = LARGE_MARK_SIZE, LARGE_LINE_SIZE
        self.saveState()
        self.setFillColor(colors.black)
        self.setFont(fonts.BOLD, mark)
        self.drawCentredString(width / 2, height - 12 * mm, MARKING)
        self.drawCentredString(width / 2, 7 * mm, MARKING)
        # The name and CRN on their own line (a long name shortened, never the CRN), what the document is under it.
        room = width - 2 * MARGIN
        line, size = fit_line(self.name, f" · CRN {self.crn}", fonts.BOLD, line_size, room)
        self.setFont(fonts.BOLD, size)
        self.drawString(MARGIN, height - 19 * mm, line)
        running, size = fit_line(self.running, "", fonts.REGULAR, line_size, room)
        self.setFont(fonts.REGULAR, size)
        self.drawString(MARGIN, height - 25 * mm, running)
        self.setStrokeColor(RULE)
        self.setLineWidth(0.8)
        self.line(MARGIN, height - 27 * mm, width - MARGIN, height - 27 * mm)
        self.setFont(fonts.REGULAR, line_size)
        if self.footer:
            self.drawString(MARGIN, 15 * mm, self.footer)
        self.drawRightString(width - MARGIN, 15 * mm, f"Page {self.getPageNumber()} of {total}")
        self.restoreState()
