"""A pre-sentence report as a PDF (pure: a ReportDraft in, bytes out).

Court header, the nine numbered sections, the writer's sign-off, OFFICIAL-SENSITIVE at the top and
bottom of every page and "Page n of m". An oral report prints its compact form (offence, relevant
background, risk, proposal, sources) as label/value tables on one page: the written record of what was
said in court. A report not yet signed prints as a DRAFT, with fields taken from
the case and not yet confirmed marked as such. Optional password: reportlab's standard encryption.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    KeepInFrame,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from lpt_desktop.domain import court as rules
from lpt_desktop.domain.court_views import ReportDraft
from lpt_desktop.domain.dates import format_date
from lpt_desktop.reports import fonts
from lpt_desktop.reports.marking import MARKING

INK = colors.HexColor("#1d4f7a")
SHADE = colors.HexColor("#e9eef4")
RULE = colors.HexColor("#b8c4d0")
MARGIN = 20 * mm
SHORT = {"oral": "Oral report", "fdr": "FDR", "sdr": "SDR", "addendum": "Addendum"}
PREFILL_NOTE = "from the case record, not yet confirmed"


class _NumberedCanvas(Canvas):
    """Holds every page until the end so each can say 'Page n of m' and carry the marking."""

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
        self.setFont(fonts.REGULAR, 8)
        if self.footer:
            self.drawString(MARGIN, 8 * mm, self.footer)
        self.drawRightString(width - MARGIN, 8 * mm, f"Page {self.getPageNumber()} of {total}")
        self.restoreState()


def _styles() -> dict[str, ParagraphStyle]:
    base = fonts.stylesheet()["BodyText"]
    body = ParagraphStyle("body", parent=base, fontName=fonts.REGULAR, fontSize=10, leading=13.5, spaceAfter=4)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=9, leading=11.5, spaceAfter=0),
        "right": ParagraphStyle("right", parent=body, fontSize=9, leading=11.5, spaceAfter=0, alignment=TA_RIGHT),
        "title": ParagraphStyle("title", parent=body, fontName=fonts.BOLD, fontSize=16, leading=20,
                                textColor=INK, spaceBefore=2, spaceAfter=2),
        "h2": ParagraphStyle("h2", parent=body, fontName=fonts.BOLD, fontSize=12, leading=15, textColor=INK,
                             spaceBefore=9, spaceAfter=3),
        "label": ParagraphStyle("label", parent=body, fontName=fonts.BOLD, fontSize=9.5, leading=12,
                                spaceBefore=3, spaceAfter=1),
        "note": ParagraphStyle("note", parent=body, fontName=fonts.ITALIC, fontSize=8.5, leading=11,
                               textColor=colors.HexColor("#8a4b00"), spaceAfter=2),
        "draft": ParagraphStyle("draft", parent=body, fontName=fonts.BOLD, fontSize=10, leading=13,
                                textColor=colors.HexColor("#a40000")),
    }


def _text(value: Any) -> str:
    """Escaped text with line breaks kept."""
    return "<br/>".join(escape(line) for line in str(value).strip().splitlines())


def format_value(spec: rules.FieldSpec, value: Any) -> str:
    """A field value as plain words (dates dd/mm/yyyy, choices by label, yes/no)."""
    if value is None or value == "" or value == []:
        return ""
    if spec.kind == "date":
        return format_date(value) if isinstance(value, date) else str(value)
    if spec.kind == "bool":
        return "Yes" if value else "No"
    if spec.kind == "choice":
        return rules.label_of(spec, value)
    if spec.kind == "multi":
        return ", ".join(rules.label_of(spec, v) for v in value)
    if spec.kind == "requirements":
        return "; ".join(rules.describe_requirement(r) for r in value)
    return str(value)


def _field_flowables(spec: rules.FieldSpec, value: Any, st: dict[str, ParagraphStyle], marked: bool) -> list[Any]:
    # A label starts on a new page rather than end one without its text; long text then flows on.
    out: list[Any] = [CondPageBreak(14 * mm), Paragraph(escape(spec.label), st["label"])]
    if spec.kind == "requirements":
        items = [ListItem(Paragraph(escape(rules.describe_requirement(r)), st["body"]), leftIndent=10) for r in value]
        # The stubs leave ListItem, reportlab's own bullet item, out of what ListFlowable takes.
        out.append(ListFlowable(items, bulletType="bullet", start="•",  # type: ignore[arg-type]
                                leftIndent=10, bulletFontName=fonts.REGULAR, bulletFontSize=9))
    else:
        out.append(Paragraph(_text(format_value(spec, value)), st["body"]))
    if marked:
        out.append(Paragraph(f"({PREFILL_NOTE})", st["note"]))
    return out


def _is_short(spec: rules.FieldSpec, value: Any) -> bool:
    if spec.kind in ("date", "bool", "int", "choice"):
        return True
    text = format_value(spec, value)
    return spec.kind == "text" and len(text) <= 70 and "\n" not in text


def _table(rows: list[list[Any]], widths: list[float | None]) -> Table:
    t = Table(rows, colWidths=widths)
    t.setStyle(TableStyle([fonts.CELL_FONT,
                           ("BOX", (0, 0), (-1, -1), 0.6, INK), ("INNERGRID", (0, 0), (-1, -1), 0.3, RULE),
                           ("BACKGROUND", (0, 0), (0, -1), SHADE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return t


def _header(draft: ReportDraft, st: dict[str, ParagraphStyle], rtype: rules.ReportType) -> list[Any]:
    court = draft.sections.get("sentencing_court", {})
    details = draft.sections.get("offender_details", {})
    office = draft.sections.get("sign_off", {}).get("office", "")
    head = Table(
        [[Paragraph("<b>Probation Service</b>", ParagraphStyle("org", parent=st["body"], fontSize=14, leading=17,
                                                                textColor=INK)),
          Paragraph(f"<b>{_text(court.get('court', draft.court))}</b><br/>"
                    f"{_text(court.get('lja', ''))}" + (f"<br/>{_text(office)}" if office else ""), st["right"])]],
        colWidths=[80 * mm, None])
    head.setStyle(TableStyle([fonts.CELL_FONT,
                              ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                              ("BOTTOMPADDING", (0, 0), (-1, 0), 6)]))
    hearing = court.get("hearing_date") or draft.hearing_date
    facts = [
        ("Name", details.get("name") or draft.name), ("Date of birth", format_date(details.get("date_of_birth"))),
        ("CRN", details.get("crn", "")), ("Court", court.get("court", draft.court)),
        ("Hearing date", format_date(hearing) if isinstance(hearing, date) else ""),
        ("Report", rtype.label),
    ]
    rows = [[Paragraph(f"<b>{escape(a)}</b>", st["small"]), Paragraph(_text(b or "—"), st["small"]),
             Paragraph(f"<b>{escape(c)}</b>", st["small"]), Paragraph(_text(d or "—"), st["small"])]
            for (a, b), (c, d) in zip(facts[0::2], facts[1::2], strict=True)]
    t = Table(rows, colWidths=[28 * mm, None, 28 * mm, None])
    t.setStyle(TableStyle([fonts.CELL_FONT,
                           ("BOX", (0, 0), (-1, -1), 0.6, INK), ("INNERGRID", (0, 0), (-1, -1), 0.3, RULE),
                           ("BACKGROUND", (0, 0), (0, -1), SHADE), ("BACKGROUND", (2, 0), (2, -1), SHADE),
                           ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    out: list[Any] = [head, Spacer(1, 5 * mm), Paragraph(escape(rtype.title), st["title"])]
    if draft.status not in ("ready", "sent"):
        out.append(Paragraph("DRAFT: not yet signed. Not for the court until it is marked ready.", st["draft"]))
    out += [Spacer(1, 2 * mm), t]
    return out


def _signoff(draft: ReportDraft, st: dict[str, ParagraphStyle]) -> list[Any]:
    sign = draft.sections.get("sign_off", {})
    when = draft.signed_on or sign.get("date")
    rows = [
        ["Author", draft.signed_by or sign.get("author", "")],
        ["Job title", sign.get("role", "")],
        ["Office", sign.get("office", "")],
        ["Date", format_date(when) if isinstance(when, date) else ""],
        ["Signed", f"Signed by {draft.signed_by} on {format_date(draft.signed_on)}" if draft.signed_by
         else "Not yet signed"],
    ]
    if sign.get("countersignature_required") or draft.countersigned_by:
        rows.append(["Countersigned", f"{draft.countersigned_by} on {format_date(draft.countersigned_on)}"
                     if draft.countersigned_by else "Awaiting countersignature"])
    return [_table([[Paragraph(f"<b>{escape(a)}</b>", st["small"]), Paragraph(_text(b or "—"), st["small"])]
                    for a, b in rows], [45 * mm, None])]


def _compact_section(form: rules.FormSection, draft: ReportDraft, st: dict[str, ParagraphStyle],
                     is_draft: bool) -> list[Any]:
    """Oral record: label and value side by side, as notes taken in court."""
    heading = Paragraph(f"{form.number}. {escape(form.title)}", st["h2"])
    rows: list[list[Any]] = []
    for sid, f in form.fields:
        value = draft.sections.get(sid, {}).get(f.id)
        if value in (None, "", []) or sid == "sign_off":  # the sign-off prints once, at the end
            continue
        text = _text(format_value(f, value))
        if is_draft and draft.is_prefilled(sid, f.id):
            text += f" <i>({PREFILL_NOTE})</i>"
        rows.append([Paragraph(f"<b>{escape(f.label)}</b>", st["small"]), Paragraph(text, st["small"])])
    if not rows:
        return [heading, Paragraph("Nothing recorded.", st["small"])]
    return [heading, _table(rows, [45 * mm, None])]


def _section(spec: rules.SectionSpec, draft: ReportDraft, values: Mapping[str, Any],
             st: dict[str, ParagraphStyle], is_draft: bool) -> list[Any]:
    heading = Paragraph(f"{spec.number}. {escape(spec.title)}", st["h2"])
    if spec.id == "sign_off":
        return [CondPageBreak(45 * mm), KeepTogether([heading, *_signoff(draft, st)])]
    fields = [f for f in spec.fields if values.get(f.id) not in (None, "", [])]
    if not fields:
        return [KeepTogether([heading, Paragraph("Nothing recorded.", st["body"])])]
    body: list[Any] = []
    rows: list[list[Any]] = []  # short facts gather into one label/value table; long text flows below
    for f in fields:
        marked = is_draft and draft.is_prefilled(spec.id, f.id)
        if _is_short(f, values[f.id]):
            text = _text(format_value(f, values[f.id])) + (f" <i>({PREFILL_NOTE})</i>" if marked else "")
            rows.append([Paragraph(f"<b>{escape(f.label)}</b>", st["small"]), Paragraph(text, st["small"])])
            continue
        if rows:
            body += [_table(rows, [45 * mm, None]), Spacer(1, 2 * mm)]
            rows = []
        body += _field_flowables(f, values[f.id], st, marked)
    if rows:
        body.append(_table(rows, [45 * mm, None]))
    # A heading never ends a page (room for it and the start of its section), and long text flows on
    # rather than leaving a page half empty.
    return [CondPageBreak(26 * mm), heading, *body]


def build_report_pdf(draft: ReportDraft, password: str | None = None) -> bytes:
    """The report as PDF bytes; with a password the PDF is encrypted (128-bit) and opens only with it."""
    rtype = rules.report_types()[draft.report_type]
    st = _styles()
    buf = io.BytesIO()
    encrypt = StandardEncryption(password, canPrint=1, canModify=0, canCopy=0, canAnnotate=0,
                                 strength=128) if password else None
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=rtype.title, author=draft.signed_by or "",
                            subject=MARKING, invariant=True, encrypt=encrypt, **fonts.doc_fonts())
    is_draft = draft.status not in ("ready", "sent")
    story: list[Any] = _header(draft, st, rtype)
    if rtype.compact:
        for form in rules.form_for(rtype.code):
            story += _compact_section(form, draft, st, is_draft)
        story += [Spacer(1, 3 * mm), *_signoff(draft, st)]
        # One page, as the court heard it: long notes shrink to fit rather than run on. (The frame is the
        # page less its margins, with a little room for reportlab's frame padding.)
        width, height = A4
        story = [KeepInFrame(width - 2 * MARGIN - 12, height - 36 * mm - 12, story, mode="shrink", fakeWidth=False)]
    else:
        for spec in rules.sections():
            story += _section(spec, draft, draft.sections.get(spec.id, {}), st, is_draft)
    crn = draft.sections.get("offender_details", {}).get("crn")

    class _Canvas(_NumberedCanvas):
        # Short, so it never reaches the centred marking: "SDR draft, CRN L123456".
        footer = f"{SHORT.get(rtype.code, rtype.code)}{' draft' if is_draft else ''}" + (f", CRN {crn}" if crn else "")

    doc.build(story, canvasmaker=_Canvas)
    return buf.getvalue()
