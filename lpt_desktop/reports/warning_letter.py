"""A formal warning letter for a failure to comply, as a PDF (pure: data in, bytes out).

Plain English, as the probation service writes to the person: what was missed and when, that it
was not acceptable, what happens at a further failure (orders: back to court; licences: recall),
and how to reach the officer. "first" gives a First warning, "second" a Final warning.

A letter is a legal record: it carries the date of the decision (reprinted later, still that date), and the
warning period it states is domain.enforcement.warning_period, the same function the breach rule counts with.
"""

from __future__ import annotations

import io
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.enforcement import warning_period
from lpt_desktop.reports import fonts
from lpt_desktop.reports.marking import MARKING, page_marking

LETTERS = {"first": "First warning", "second": "Final warning"}
# Month and day names written out here, not by strftime, so the letter does not depend on the locale.
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
INK = colors.HexColor("#1d4f7a")


def long_date(d: date, weekday: bool = False) -> str:
    """'23 November 2026' (or 'Monday 23 November 2026')."""
    text = f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    return f"{DAYS[d.weekday()]} {text}" if weekday else text


def both_dates(d: date, weekday: bool = False) -> str:
    """'23 November 2026 (23/11/2026)'."""
    return f"{long_date(d, weekday)} ({format_date(d)})"


def _is_licence(order_label: str) -> bool:
    return "licence" in order_label.lower()


def _sentence_phrase(order_label: str, court: str, sentence_date: date | None) -> str:
    label = order_label.strip() or "order"
    article = "an" if label[:1].lower() in "aeiou" else "a"
    if _is_licence(label):
        text = f"You are on {article} {label.lower()}"
        if sentence_date:
            text += f" following the sentence passed at {court} on {both_dates(sentence_date)}" if court else \
                f" following your sentence on {both_dates(sentence_date)}"
        return text + "."
    text = f"You are subject to {article} {label.lower()}"
    if court:
        text += f" made at {court}"
    if sentence_date:
        text += f" on {both_dates(sentence_date)}"
    return text + "."


def _next_steps(letter: str, licence: bool, decided_on: date) -> list[str]:
    final = letter == "second"
    if licence:
        first = ("This is your final warning." if final else "This is a formal warning.") + (
            " If you fail to keep to your licence conditions again, I will consider asking for your licence "
            "to be revoked. This may lead to your recall to prison.")
        return [first, "If you put anyone at risk, or I cannot keep in touch with you, I can ask for your recall "
                       "straight away, without a further warning."]
    window_end = long_date(warning_period(decided_on)[1])
    first = ("This is your final warning." if final else "This is a formal warning.") + (
        f" If you fail to comply again in the next 12 months (up to {window_end}), you will be returned to court "
        "for breach of your order.")
    return [first, "The court can then add to your order, make it more demanding, or give you a different "
                   "sentence, which can include prison."]


def warning_letter_pdf(*, name: str, crn: str, address_lines: list[str], order_label: str, court: str,
                       sentence_date: date | None, failure_on: date, failure_description: str, letter: str,
                       officer: str, office: str, decided_on: date, office_lines: list[str] | None = None,
                       office_phone: str = "") -> bytes:
    """The warning letter as PDF bytes; `letter` is "first" (First warning) or "second" (Final warning).
    Dated `decided_on`, the day the warning was decided; `office_lines` (address, postcode last) and
    `office_phone` are the officer's office, printed in the letterhead and where to reach them."""
    if letter not in LETTERS:
        raise ValueError(f"Letter: '{letter}' is unknown: choose first or second")
    kind = LETTERS[letter]
    licence = _is_licence(order_label)
    styles = fonts.stylesheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName=fonts.REGULAR, fontSize=10.5, leading=14,
                          spaceAfter=6)
    small = ParagraphStyle("small", parent=body, fontSize=9.5, leading=12.5, spaceAfter=0)
    right = ParagraphStyle("right", parent=small, alignment=TA_RIGHT)
    heading = ParagraphStyle("heading", parent=body, fontName=fonts.BOLD, fontSize=16, leading=20,
                             textColor=INK, spaceBefore=4, spaceAfter=2)
    subheading = ParagraphStyle("subheading", parent=body, fontName=fonts.BOLD, fontSize=11.5, leading=15,
                                spaceBefore=5, spaceAfter=3)
    e = escape
    word = "licence" if licence else "order"

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title=f"{kind} letter: {name} ({crn})", author=officer,
                            subject=MARKING, invariant=True, **fonts.doc_fonts())

    page = page_marking(f"{kind} letter. CRN {crn}", margin=22 * mm)

    letterhead = Table(
        [[Paragraph("<b>Probation Service</b>", ParagraphStyle("org", parent=body, fontSize=14, leading=17,
                                                                textColor=INK)),
          # The office's address on one line and its phone on the next: the letter stays one page.
          Paragraph("<br/>".join([f"<b>{e(office)}</b>",
                                  *([e(", ".join(x.strip() for x in office_lines if x.strip()))]
                                    if office_lines and any(x.strip() for x in office_lines) else []),
                                  *([f"Phone: {e(office_phone)}"] if office_phone.strip() else []),
                                  f"Probation practitioner: {e(officer)}"]), right)]],
        colWidths=[80 * mm, None])
    letterhead.setStyle(TableStyle([fonts.CELL_FONT,
                                    ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                                    ("BOTTOMPADDING", (0, 0), (-1, 0), 6)]))
    address = "<br/>".join(e(x) for x in [name, *address_lines] if x.strip())
    facts = Table(
        [[Paragraph(address, small),
          Paragraph(f"Date: <b>{long_date(decided_on)}</b> ({format_date(decided_on)})<br/>"
                    f"Our reference: CRN {e(crn)}", right)]],
        colWidths=[90 * mm, None])
    facts.setStyle(TableStyle([fonts.CELL_FONT,
                               ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    what = failure_description.strip() or "failed to comply"
    missed = Table(
        [[Paragraph("<b>What happened</b>", small), Paragraph(e(what[:1].upper() + what[1:]), small)],
         [Paragraph("<b>When</b>", small), Paragraph(both_dates(failure_on, weekday=True), small)]],
        colWidths=[32 * mm, None])
    missed.setStyle(TableStyle([fonts.CELL_FONT,
                                ("BOX", (0, 0), (-1, -1), 0.6, INK), ("BACKGROUND", (0, 0), (0, -1),
                                                                        colors.HexColor("#e9eef4")),
                                ("INNERGRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#b8c4d0")),
                                ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 4),
                                ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    steps = _next_steps(letter, licence, decided_on)
    story = [
        letterhead, Spacer(1, 5 * mm), facts, Spacer(1, 5 * mm),
        Paragraph(f"{kind.upper()}", heading),
        Paragraph("Failure to keep to your licence conditions" if licence else
                  f"Failure to comply with your {e(order_label.strip().lower() or 'order')}", subheading),
        Spacer(1, 1 * mm),
        Paragraph(f"Dear {e(name)},", body),
        Paragraph(e(_sentence_phrase(order_label, court, sentence_date)) + f" Your {word} says you must keep in "
                  "touch with your probation practitioner and do what you are told to do.", body),
        Paragraph(f"You did not comply with your {word}:", body),
        missed, Spacer(1, 3 * mm),
        Paragraph("You have not given me a reason I can accept. <b>This was not acceptable.</b> "
                  f"I am giving you a <b>{kind.lower()}</b>.", body),
        Paragraph("What happens next", subheading),
        *(Paragraph(e(x), body) for x in steps),
        Paragraph("What you need to do", subheading),
        Paragraph("Come to every appointment on time, and do what your "
                  f"{word} asks of you. If you cannot come to an appointment, contact me <b>before</b> it, tell "
                  "me why, and bring proof (for example a fit note from your doctor or a letter from your "
                  "employer).", body),
        Paragraph("If you think this warning is wrong, or there is something I should know, contact me as "
                  f"soon as you can: ask for {e(officer)} at {e(office)}, by phone on "
                  # non-breaking spaces: a phone number is never split across lines
                  + (f"<b>{e(office_phone.strip()).replace(' ', '&nbsp;')}</b>" if office_phone.strip()
                     else "the number on your appointment card")
                  + ", or at your next appointment. If you need this letter in another language "
                  "or format, please tell me.", body),
        KeepTogether([Spacer(1, 1 * mm), Paragraph("Yours sincerely,", body), Spacer(1, 6 * mm),
                      Paragraph(f"<b>{e(officer)}</b><br/>Probation practitioner, {e(office)}", body)]),
    ]
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return buf.getvalue()
