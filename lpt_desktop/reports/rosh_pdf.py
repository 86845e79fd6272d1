"""The RoSH summary and risk management plan as a PDF (pure: a RoshDocument in, bytes out).

What an officer takes to a MAPPA meeting or sends to approved premises: who the person is, the risk
levels (the highest stands out), the summary, and the plan's actions with who, what, by when and the
evidence that they are being done. OFFICIAL-SENSITIVE at the top and bottom of every page, the person
and CRN on every page (pages get separated at meetings) and "Page n of m".

Text carried forward unchanged from an earlier assessment says so, with its date and who confirmed it:
inspectors found plans "pulled through" for years with nothing on the page to show it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.reference import reference, rosh_label, rosh_rank
from lpt_desktop.reports import fonts
from lpt_desktop.reports.marking import MARKING

TITLE = "Risk of Serious Harm summary and risk management plan"
NO_ACTIONS = "No actions in this section"
NO_EVIDENCE = "No evidence yet"
NOT_REQUIRED = "No risk management plan: not required at this level"
NOT_WRITTEN = "No risk management plan: not yet written"
INK = colors.HexColor("#1d4f7a")
SHADE = colors.HexColor("#e9eef4")
RULE = colors.HexColor("#b8c4d0")
ALARM = colors.HexColor("#b3261e")
ALARM_SHADE = colors.HexColor("#fbe3e1")
CARRIED_INK = colors.HexColor("#8a4b00")
MARGIN = 20 * mm
TOP, BOTTOM = 22 * mm, 18 * mm
WIDTH = A4[0] - 2 * MARGIN - 12  # what the frame leaves (reportlab pads it 6 pt a side)
FRAME_HEIGHT = A4[1] - TOP - BOTTOM - 12


# -- What is printed (the services fill these) ------------------------------------------------------------

@dataclass(frozen=True)
class RoshPerson:
    name: str
    crn: str
    date_of_birth: date | None = None
    pnc: str = ""
    address: str = ""  # lines separated by "\n"; empty prints nothing


@dataclass(frozen=True)
class Carried:
    """A section's text brought forward unchanged from an earlier assessment."""

    written_on: date  # "Carried forward from dd/mm/yyyy"
    confirmed_by: str = ""  # with confirmed_on: "confirmed by NAME on dd/mm/yyyy"
    confirmed_on: date | None = None


@dataclass(frozen=True)
class SummarySection:
    heading: str  # "Who is at risk", "Nature of the risk", ... (the labels in rosh_assessment.json)
    text: str
    carried: Carried | None = None


@dataclass(frozen=True)
class LevelRow:
    group: str  # "Children", "Public", "Known adult", "Staff", "Prisoners"
    community: str | None  # L | M | H | VH, or None while not chosen
    custody: str | None
    custody_only: bool = False  # prisoners: the community cell says so instead of "Not recorded"


@dataclass(frozen=True)
class PlanAction:
    who: str  # role or agency
    what: str
    by_when: date | None
    evidence: int = 0  # contacts linked to the action


@dataclass(frozen=True)
class PlanSection:
    heading: str  # "Key information about the current situation", "Supervision", ...
    actions: tuple[PlanAction, ...] = ()
    text: str = ""  # any narrative beside the actions
    carried: Carried | None = None


@dataclass(frozen=True)
class SharedWith:
    agency: str  # "Police", "MAPPA", "Other: Women's Aid"
    on: date | None


@dataclass(frozen=True)
class RiskPlan:
    sections: tuple[PlanSection, ...]
    shared_with: tuple[SharedWith, ...] = ()


@dataclass(frozen=True)
class RoshDocument:
    person: RoshPerson
    officer: str
    office: str
    assessed_on: date
    status: str  # "Draft", "Complete"
    countersign: str  # "Unsigned", "Awaiting countersignature", "Countersigned by NAME on dd/mm/yyyy"
    overall: str | None  # L | M | H | VH
    summary: tuple[SummarySection, ...]
    levels: tuple[LevelRow, ...]
    plan: RiskPlan | None
    plan_required: bool = True  # with no plan: "not yet written" if required, else "not required at this level"


# -- Drawing -------------------------------------------------------------------------------------------

def _styles() -> dict[str, ParagraphStyle]:
    base = fonts.stylesheet()["BodyText"]
    body = ParagraphStyle("body", parent=base, fontName=fonts.REGULAR, fontSize=10, leading=13.5, spaceAfter=4)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=9, leading=11.5, spaceAfter=0),
        "cellhead": ParagraphStyle("cellhead", parent=body, fontName=fonts.BOLD, fontSize=9, leading=11.5,
                                   spaceAfter=0),
        "title": ParagraphStyle("title", parent=body, fontName=fonts.BOLD, fontSize=14, leading=18,
                                textColor=INK, spaceBefore=2, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=body, fontName=fonts.BOLD, fontSize=13, leading=16, textColor=INK,
                             spaceBefore=10, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=body, fontName=fonts.BOLD, fontSize=10.5, leading=13.5,
                             spaceBefore=7, spaceAfter=2),
        "carried": ParagraphStyle("carried", parent=body, fontName=fonts.ITALIC, fontSize=8.5, leading=11,
                                  textColor=CARRIED_INK, spaceAfter=2),
        "none": ParagraphStyle("none", parent=body, fontName=fonts.ITALIC, fontSize=9.5, leading=12,
                               textColor=colors.HexColor("#444444")),
        "gap": ParagraphStyle("gap", parent=body, fontName=fonts.BOLD, textColor=ALARM),
        "overall": ParagraphStyle("overall", parent=body, fontName=fonts.BOLD, fontSize=13, leading=17,
                                  spaceAfter=1),
    }


def _text(value: str) -> str:
    """Escaped for reportlab's markup (O'Brien, <, & and > print as typed), line breaks kept."""
    return "<br/>".join(escape(line) for line in value.strip().splitlines())


def level_words(code: str | None) -> str:
    return rosh_label(code) if code else "Not recorded"


def carried_words(c: Carried) -> str:
    text = f"Carried forward from {format_date(c.written_on)}"
    if c.confirmed_by and c.confirmed_on:
        return f"{text}, confirmed by {c.confirmed_by} on {format_date(c.confirmed_on)}"
    return f"{text}, not yet confirmed"


def evidence_words(count: int) -> str:
    if count <= 0:
        return NO_EVIDENCE
    return "1 contact" if count == 1 else f"{count} contacts"


def _grid(rows: list[list[Any]], widths: list[float | None], extra: list[tuple[Any, ...]] | None = None,
          head: bool = False, split_rows: bool = False) -> Table:
    t = Table(rows, colWidths=widths, repeatRows=1 if head else 0, splitInRow=1 if split_rows else 0)
    style: list[tuple[Any, ...]] = [
        fonts.CELL_FONT, ("BOX", (0, 0), (-1, -1), 0.6, INK), ("INNERGRID", (0, 0), (-1, -1), 0.3, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
    if head:
        style += [("BACKGROUND", (0, 0), (-1, 0), SHADE), ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK)]
    t.setStyle(TableStyle(style + (extra or [])))
    return t


def _facts(doc: RoshDocument, st: dict[str, ParagraphStyle]) -> Table:
    p = doc.person
    pairs = [("Name", p.name), ("CRN", p.crn), ("Date of birth", format_date(p.date_of_birth)), ("PNC", p.pnc),
             ("Probation practitioner", doc.officer), ("Office", doc.office),
             ("Assessment date", format_date(doc.assessed_on)), ("Status", doc.status),
             ("Countersignature", doc.countersign), ("Overall RoSH", level_words(doc.overall))]
    rows: list[list[Any]] = [[Paragraph(escape(a), st["cellhead"]), Paragraph(_text(b) or "—", st["small"]),
             Paragraph(escape(c), st["cellhead"]), Paragraph(_text(d) or "—", st["small"])]
            for (a, b), (c, d) in zip(pairs[0::2], pairs[1::2], strict=True)]
    extra: list[tuple[Any, ...]] = []
    if p.address.strip():
        rows.append([Paragraph("Address", st["cellhead"]), Paragraph(_text(p.address), st["small"]), "", ""])
        extra.append(("SPAN", (1, len(rows) - 1), (3, len(rows) - 1)))
    return _grid(rows, [37 * mm, None, 37 * mm, None],
                 [("BACKGROUND", (0, 0), (0, -1), SHADE), ("BACKGROUND", (2, 0), (2, len(pairs) // 2 - 1), SHADE),
                  *extra])


def _overall(doc: RoshDocument, st: dict[str, ParagraphStyle]) -> Table:
    high = rosh_rank(doc.overall) >= rosh_rank("H")
    level = reference().rosh_levels.get(doc.overall or "")
    words = level_words(doc.overall)
    cell: list[Any] = [Paragraph(f"Overall risk of serious harm: {escape(words.upper() if doc.overall else words)}",
                                 ParagraphStyle("o", parent=st["overall"], textColor=ALARM if high else INK))]
    if level:
        cell.append(Paragraph(escape(level.definition), st["small"]))
    t = Table([[cell]], colWidths=[WIDTH])
    t.setStyle(TableStyle([fonts.CELL_FONT, ("BOX", (0, 0), (-1, -1), 1.4 if high else 0.8, ALARM if high else INK),
                           ("BACKGROUND", (0, 0), (-1, -1), ALARM_SHADE if high else SHADE),
                           ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                           ("LEFTPADDING", (0, 0), (-1, -1), 7)]))
    return t


def _levels(doc: RoshDocument, st: dict[str, ParagraphStyle]) -> list[Any]:
    heading = Paragraph("Risk levels", st["h2"])
    if not doc.levels:
        return [heading, Paragraph("No levels recorded.", st["none"])]
    top = max((rosh_rank(c) for r in doc.levels for c in (r.community, r.custody)), default=0)
    rows: list[list[Any]] = [[Paragraph(x, st["cellhead"]) for x in ("Risk to", "In the community", "In custody")]]
    extra: list[tuple[Any, ...]] = []
    for i, r in enumerate(doc.levels, start=1):
        cells: list[Any] = [Paragraph(escape(r.group), st["small"])]
        for col, code in ((1, r.community), (2, r.custody)):
            if col == 1 and r.custody_only:
                cells.append(Paragraph("Custody only", st["none"]))
                continue
            if top and rosh_rank(code) == top:
                # The highest level stands out in print and in greyscale: bold, shaded and boxed.
                cells.append(Paragraph(f"<b>{escape(level_words(code))}</b>",
                                       ParagraphStyle("hi", parent=st["small"], textColor=ALARM)))
                extra += [("BACKGROUND", (col, i), (col, i), ALARM_SHADE), ("BOX", (col, i), (col, i), 1.2, ALARM)]
            else:
                cells.append(Paragraph(escape(level_words(code)), st["small"] if code else st["none"]))
        rows.append(cells)
    table = _grid(rows, [50 * mm, 45 * mm, 45 * mm], extra, head=True)
    table.hAlign = "LEFT"
    note = Paragraph("The highest level is shown in bold and boxed.", st["none"]) if top else None
    return [KeepTogether([heading, table, *([Spacer(1, 1.5 * mm), note] if note else [])])]


def _carried(c: Carried | None, st: dict[str, ParagraphStyle]) -> list[Any]:
    return [Paragraph(escape(carried_words(c)), st["carried"])] if c else []


def _summary(doc: RoshDocument, st: dict[str, ParagraphStyle]) -> list[Any]:
    out: list[Any] = [CondPageBreak(30 * mm), Paragraph("Risk of serious harm summary", st["h2"])]
    if not doc.summary:
        return [*out, Paragraph("No summary recorded.", st["none"])]
    for s in doc.summary:
        body = Paragraph(_text(s.text), st["body"]) if s.text.strip() else Paragraph("Nothing recorded.", st["none"])
        # A heading never ends a page without its text; long text then flows on.
        out += [CondPageBreak(22 * mm), Paragraph(escape(s.heading), st["h3"]), *_carried(s.carried, st), body]
    return out


ACTION_WIDTHS: list[float | None] = [36 * mm, None, 24 * mm, 33 * mm]


def _actions(section: PlanSection, st: dict[str, ParagraphStyle]) -> Table:
    rows: list[list[Any]] = [[Paragraph(x, st["cellhead"]) for x in ("Who", "What", "By when", "Evidence")]]
    extra: list[tuple[Any, ...]] = []
    for i, a in enumerate(section.actions, start=1):
        rows.append([Paragraph(_text(a.who) or "Not set", st["small"] if a.who.strip() else st["none"]),
                     Paragraph(_text(a.what) or "Not set", st["small"] if a.what.strip() else st["none"]),
                     Paragraph(format_date(a.by_when) or "Not set", st["small"] if a.by_when else st["none"]),
                     Paragraph(evidence_words(a.evidence), st["small"] if a.evidence > 0 else st["none"])])
        if a.evidence <= 0:
            extra.append(("TEXTCOLOR", (3, i), (3, i), CARRIED_INK))
    # The header row repeats on each page a long section runs onto. Only an action too long for a page splits
    # inside its row (else reportlab cannot place it at all): reportlab then repeats the header on the same
    # page, so ordinary tables keep whole rows.
    widths = [w if w is not None else WIDTH - sum(x for x in ACTION_WIDTHS if x is not None) for w in ACTION_WIDTHS]
    tall = any(cell.wrap(width - 12, FRAME_HEIGHT)[1] > FRAME_HEIGHT - 60 * mm
               for row in rows[1:] for cell, width in zip(row, widths, strict=True))
    return _grid(rows, ACTION_WIDTHS, extra, head=True, split_rows=tall)


def _plan(doc: RoshDocument, st: dict[str, ParagraphStyle]) -> list[Any]:
    out: list[Any] = [CondPageBreak(40 * mm), Paragraph("Risk management plan", st["h2"])]
    if doc.plan is None:
        # A plan required and not written is a gap the meeting must see.
        return [*out, Paragraph(NOT_WRITTEN, st["gap"]) if doc.plan_required else Paragraph(NOT_REQUIRED, st["body"])]
    for s in doc.plan.sections:
        # Room for the heading, its note and the table's header with a row or two.
        out += [CondPageBreak(32 * mm), Paragraph(escape(s.heading), st["h3"]), *_carried(s.carried, st)]
        if s.text.strip():
            out.append(Paragraph(_text(s.text), st["body"]))
        out.append(_actions(s, st) if s.actions else Paragraph(NO_ACTIONS, st["none"]))
    shared: list[Any] = [Paragraph("Shared with", st["h3"])]
    if doc.plan.shared_with:
        rows: list[list[Any]] = [[Paragraph(x, st["cellhead"]) for x in ("Agency", "Date shared")]]
        rows += [[Paragraph(_text(w.agency), st["small"]), Paragraph(format_date(w.on) or "Not set", st["small"])]
                 for w in doc.plan.shared_with]
        table = _grid(rows, [90 * mm, 35 * mm], head=True)
        table.hAlign = "LEFT"
        shared.append(table)
    else:
        shared.append(Paragraph("Not yet shared with any agency.", st["none"]))
    return [*out, CondPageBreak(25 * mm), *shared]


def fit_line(text: str, suffix: str, font: str, size: float, room: float) -> tuple[str, float]:
    """text + suffix at the largest size (down to 6.5 pt) that fits the room; if even that does not fit, the
    text (never the suffix) is cut short with '…'."""
    def wide(t: str, s: float) -> float:
        return stringWidth(t + suffix, font, s)

    while size > 6.5 and wide(text, size) > room:
        size -= 0.5
    if wide(text, size) <= room:
        return text + suffix, size
    while text and wide(text + "…", size) > room:
        text = text[:-1]
    return text.rstrip() + "…" + suffix, size


class _RoshCanvas(Canvas):
    """Holds every page until the end so each can say 'Page n of m', carry the marking and name the person."""

    name = ""
    crn = ""
    running = ""  # what the document is, at the top right
    footer = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # reportlab's own page reset, absent from its stubs

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        width, height = self._pagesize  # type: ignore[attr-defined]  # set by Canvas, absent from its stubs
        self.saveState()
        self.setFillColor(colors.black)
        self.setFont(fonts.BOLD, 9)
        self.drawCentredString(width / 2, height - 10 * mm, MARKING)
        self.drawCentredString(width / 2, 8 * mm, MARKING)
        # The running line under the top marking: who this is about, on every page.
        self.setFont(fonts.REGULAR, 8)
        right_width = stringWidth(self.running, fonts.REGULAR, 8)
        self.drawRightString(width - MARGIN, height - 15.5 * mm, self.running)
        # A very long name is shortened, never the CRN after it.
        line, size = fit_line(self.name, f" · CRN {self.crn}", fonts.BOLD, 8.5,
                              width - 2 * MARGIN - right_width - 6 * mm)
        self.setFont(fonts.BOLD, size)
        self.drawString(MARGIN, height - 15.5 * mm, line)
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN, height - 17 * mm, width - MARGIN, height - 17 * mm)
        self.setFont(fonts.REGULAR, 8)
        if self.footer:
            self.drawString(MARGIN, 8 * mm, self.footer)
        self.drawRightString(width - MARGIN, 8 * mm, f"Page {self.getPageNumber()} of {total}")
        self.restoreState()


def build_rosh_pdf(doc: RoshDocument) -> bytes:
    """The RoSH summary and risk management plan as A4 PDF bytes (the same data gives the same bytes)."""
    st = _styles()
    buf = io.BytesIO()
    template = SimpleDocTemplate(buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=TOP,
                                 bottomMargin=BOTTOM, title=f"{TITLE}: CRN {doc.person.crn}",
                                 author=doc.officer, subject=MARKING, invariant=True, **fonts.doc_fonts())
    story: list[Any] = [
        Paragraph(escape(TITLE), st["title"]), _facts(doc, st), Spacer(1, 4 * mm), _overall(doc, st),
        *_levels(doc, st), *_summary(doc, st), *_plan(doc, st),
    ]

    class _Canvas(_RoshCanvas):
        name = doc.person.name
        crn = doc.person.crn
        running = f"RoSH summary and plan, assessed {format_date(doc.assessed_on)}"
        footer = f"CRN {doc.person.crn}"  # short, so it never reaches the centred marking

    template.build(story, canvasmaker=_Canvas)
    return buf.getvalue()
