"""The practice audit as a PDF for supervision meetings (issue 21). Pure: the values below in, PDF bytes out
(services/practice_export.py fills them from the audit; reports sit below the practice engine).

The team's report: each check's share met across the team with the previous period's beside it, each officer's
share and rating against the team's average (met, near, far); a bar chart of each inspection criterion's share
met; the cases most needing attention with the checks they do not meet. One case's report: its checklist, the
checks not met first, each with its reason and what to do. OFFICIAL-SENSITIVE at the top and bottom of every
page, in DejaVu Sans as every PDF of the app.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lpt_desktop.domain.dates import add_months, format_date, format_datetime
from lpt_desktop.domain.words import plural
from lpt_desktop.reports import fonts
from lpt_desktop.reports.marking import MARKING, page_marking

INK = colors.HexColor("#1d4f7a")
SHADE = colors.HexColor("#e9eef4")
RULE = colors.HexColor("#b8c4d0")
RATING_INK = {"met": colors.HexColor("#1e6b34"), "near": colors.HexColor("#8a5a00"),
              "far": colors.HexColor("#b3261e")}
RATING_WORDS = {"met": "Met", "near": "Near", "far": "Far"}
STATUS_WORDS = {"met": "Met", "not_met": "Not met", "not_applicable": "Not applicable"}
MARGIN = 15 * mm


# -- What is printed (the service fills these) -----------------------------------------------------------
@dataclass(frozen=True)
class OfficerLine:
    officer: str
    met: int
    applicable: int
    rating: str | None  # met | near | far; None when not rated (an officer's own figures, or nothing applies)
    previous_rating: str | None = None
    previous_share: float | None = None


@dataclass(frozen=True)
class CheckLine:
    id: str
    criterion: str  # "2.1"
    statement: str
    met: int
    applicable: int
    previous_share: float | None  # 0..1, the previous period's team share
    officers: tuple[OfficerLine, ...] = ()

    @property
    def share(self) -> float | None:
        return self.met / self.applicable if self.applicable else None


@dataclass(frozen=True)
class CriterionLine:
    criterion: str
    title: str
    met: int
    applicable: int

    @property
    def share(self) -> float | None:
        return self.met / self.applicable if self.applicable else None


@dataclass(frozen=True)
class UnmetLine:
    id: str
    criterion: str
    statement: str
    reason: str
    action: str = ""


@dataclass(frozen=True)
class AttentionLine:
    crn: str
    name: str
    officer: str
    score: float | None  # 0..1
    unmet: tuple[UnmetLine, ...]


@dataclass(frozen=True)
class TeamReport:
    title: str  # "Practice audit: Preston North"
    note: str  # whose figures these are (the team view's line)
    as_of: date
    previous_as_of: date
    cases: int
    officers: tuple[str, ...]
    checks: tuple[CheckLine, ...]
    criteria: tuple[CriterionLine, ...]
    attention: tuple[AttentionLine, ...]
    rated: bool  # False on an officer's laptop (their own figures: shares only)
    unallocated: int = 0  # cases whose holder is not known: the last of `officers` is their row, not an officer

    @property
    def officer_count(self) -> int:
        return len(self.officers) - (1 if self.unallocated else 0)


def earlier_words(as_of: date, previous_as_of: date) -> str:
    """What the figures are set beside: "a month earlier (23/10/2026)", else the day. The earlier audit is of the
    record as it stood that day, so its repeating obligations (judged over months) overlap this one's."""
    if add_months(as_of, -1) == previous_as_of:
        return f"a month earlier ({format_date(previous_as_of)})"
    return f"the record on {format_date(previous_as_of)}"


@dataclass(frozen=True)
class ChecklistLine:
    id: str
    criterion: str
    statement: str
    status: str  # met | not_met | not_applicable
    reason: str
    action: str = ""


@dataclass(frozen=True)
class CaseReport:
    crn: str
    name: str
    officer: str
    as_of: date
    score: float | None
    items: tuple[ChecklistLine, ...]


# -- words -----------------------------------------------------------------------------------------------
def pct(share: float | None) -> str:
    return "n/a" if share is None else f"{share * 100:.0f}%"


def share_words(met: int, applicable: int) -> str:
    return "none apply" if not applicable else f"{pct(met / applicable)} ({met} of {applicable})"


def _p(text: str, style: Any) -> Paragraph:
    return Paragraph(escape(text), style)


def _doc(buf: io.BytesIO, title: str, pagesize: Any) -> SimpleDocTemplate:
    return SimpleDocTemplate(buf, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=18 * mm,
                             bottomMargin=16 * mm, title=title, author="LPT Desktop", subject=MARKING,
                             **fonts.doc_fonts())


def _table_style(extra: Sequence[tuple[Any, ...]] = ()) -> TableStyle:
    return TableStyle([
        fonts.CELL_FONT,
        ("FONT", (0, 0), (-1, 0), fonts.BOLD, 8.5),
        ("FONT", (0, 1), (-1, -1), fonts.REGULAR, 8),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f5f7fa")]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *extra,
    ])


def _short(text: str, most: int = 60) -> str:
    """At most `most` characters, cut at a word with an ellipsis."""
    if len(text) <= most:
        return text
    return text[:most - 1].rsplit(" ", 1)[0] + "…"


# -- the chart -------------------------------------------------------------------------------------------
def criteria_chart(criteria: Sequence[CriterionLine], width: float) -> Drawing:
    """A horizontal bar for each criterion's share met (0-100%), labelled with the criterion and the share."""
    fonts.register()
    shown = [c for c in criteria if c.applicable]
    bar = 13.0
    height = max(60.0, bar * len(shown) + 50)
    d = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 270, 30
    chart.width, chart.height = int(width - 320), int(height - 45)
    values = [(c.share or 0.0) * 100 for c in reversed(shown)]  # rounded once, by the label (as pct does)
    chart.data = [values or [0]]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = fonts.REGULAR
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.categoryAxis.categoryNames = [_short(f"{c.criterion} {c.title}") for c in reversed(shown)] or [""]
    chart.categoryAxis.labels.fontName = fonts.REGULAR
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.bars[0].fillColor = INK
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "%.0f%%"
    chart.barLabels.fontName = fonts.REGULAR
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    d.add(chart)
    d.add(String(chart.x + chart.width / 2, 8, "Share of applicable checks met", fontName=fonts.REGULAR,
                 fontSize=7.5, textAnchor="middle"))
    return d


# -- the team's report -----------------------------------------------------------------------------------
def team_pdf(report: TeamReport, generated: datetime) -> bytes:
    styles = fonts.stylesheet()
    body = styles["BodyText"].clone("practiceBody", fontSize=9, leading=11.5)
    cell = styles["BodyText"].clone("practiceCell", fontSize=8, leading=9.5)
    h2 = styles["Heading2"]
    buf = io.BytesIO()
    page = landscape(A4)
    doc = _doc(buf, report.title, page)
    width = page[0] - 2 * MARGIN - 12
    unallocated = f" ({plural(report.unallocated, 'case')} with no known holder)" if report.unallocated else ""
    story: list[Any] = [
        _p(report.title, styles["Title"]),
        _p(report.note, body),
        _p(f"As of {format_date(report.as_of)}, beside the same audit "
           f"{earlier_words(report.as_of, report.previous_as_of)}. "
           f"{plural(report.cases, 'case')}, {plural(report.officer_count, 'officer')}{unallocated}. "
           f"A case's score is the share of its applicable "
           f"checks met, as the inspectorate computes one. Printed {format_datetime(generated)}.", body),
        Spacer(1, 4 * mm),
        _p("Each criterion's share met", h2),
        criteria_chart(report.criteria, width),
        CondPageBreak(40 * mm),
        _p("Each check across the team", h2),
    ]
    if report.rated:
        story.append(_p("Each officer's share is rated against the team's average: met (at or better), near (worse, "
                        "but within one interquartile range), far (further below); the rating a month earlier in "
                        "brackets. Cases with no known holder are counted in the team's share but not rated.", body))
    heads = ["Check", "Criterion", "What good looks like", "Team", "A month earlier", "Officers"]
    rows: list[list[Any]] = [heads]
    style: list[tuple[Any, ...]] = []
    for c in report.checks:
        officers = []
        for f in c.officers:
            if not f.applicable:
                continue
            words = f"{f.officer}: {share_words(f.met, f.applicable)}"
            if report.rated and f.rating:
                was = RATING_WORDS.get(f.previous_rating or "", "none")
                ink = RATING_INK[f.rating].hexval()[2:]
                words = (f"{escape(words)}, <font color='#{ink}'><b>{RATING_WORDS[f.rating]}</b></font> "
                         f"({was})")
            else:
                words = escape(words)
            officers.append(words)
        rows.append([c.id, c.criterion, _p(c.statement, cell), share_words(c.met, c.applicable),
                     pct(c.previous_share), Paragraph("<br/>".join(officers) or "none apply", cell)])
    table = Table(rows, repeatRows=1, colWidths=[42 * mm, 17 * mm, 74 * mm, 26 * mm, 22 * mm, None])
    table.setStyle(_table_style(style))
    story.append(table)
    story += [CondPageBreak(50 * mm), _p("Cases most needing attention", h2)]
    if not report.attention:
        story.append(_p("Every case meets every applicable check.", body))
    else:
        rows = [["CRN", "Name", "Officer", "Score", "Checks not met"]]
        for a in report.attention:
            unmet = "<br/>".join(f"<b>{escape(u.id)}</b> ({escape(u.criterion)}): {escape(u.reason)}"
                                 for u in a.unmet)
            rows.append([a.crn, _p(a.name, cell), _p(a.officer, cell), pct(a.score), Paragraph(unmet, cell)])
        table = Table(rows, repeatRows=1, colWidths=[20 * mm, 38 * mm, 34 * mm, 14 * mm, None])
        table.setStyle(_table_style())
        story.append(table)
    marking = page_marking(f"Practice audit, {format_date(report.as_of)}")
    doc.build(story, onFirstPage=marking, onLaterPages=marking)
    return buf.getvalue()


# -- one case's checklist --------------------------------------------------------------------------------
def case_pdf(report: CaseReport, generated: datetime) -> bytes:
    styles = fonts.stylesheet()
    body = styles["BodyText"].clone("practiceBody", fontSize=9, leading=11.5)
    cell = styles["BodyText"].clone("practiceCell", fontSize=8, leading=9.5)
    buf = io.BytesIO()
    title = f"Inspection readiness: {report.name} ({report.crn})"
    doc = _doc(buf, title, A4)
    applicable = [i for i in report.items if i.status != "not_applicable"]
    met = sum(i.status == "met" for i in applicable)
    story: list[Any] = [
        _p(title, styles["Title"]),
        _p(f"Held by {report.officer}. Checked against the inspection's criteria as of {format_date(report.as_of)}: "
           f"{pct(report.score)} ({met} of {len(applicable)} applicable checks met). Printed "
           f"{format_datetime(generated)}.", body),
        Spacer(1, 4 * mm),
    ]
    rank = {"not_met": 0, "met": 1, "not_applicable": 2}
    rows: list[list[Any]] = [["Status", "Check", "What good looks like", "Why", "What to do"]]
    style: list[tuple[Any, ...]] = []
    for n, i in enumerate(sorted(report.items, key=lambda i: rank.get(i.status, 3)), start=1):
        rows.append([STATUS_WORDS.get(i.status, i.status), _p(f"{i.id} ({i.criterion})", cell),
                     _p(i.statement, cell), _p(i.reason, cell), _p(i.action if i.status == "not_met" else "", cell)])
        if i.status == "not_met":
            style.append(("TEXTCOLOR", (0, n), (0, n), RATING_INK["far"]))
    table = Table(rows, repeatRows=1, colWidths=[18 * mm, 40 * mm, 42 * mm, 42 * mm, None])
    table.setStyle(_table_style(style))
    story.append(KeepTogether([table]) if len(rows) < 8 else table)
    marking = page_marking(f"{report.crn}, {format_date(report.as_of)}")
    doc.build(story, onFirstPage=marking, onLaterPages=marking)
    return buf.getvalue()


__all__ = ["AttentionLine", "CaseReport", "CheckLine", "ChecklistLine", "CriterionLine", "OfficerLine",
           "TeamReport", "UnmetLine", "case_pdf", "criteria_chart", "pct", "share_words", "team_pdf"]
