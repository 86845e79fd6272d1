"""The practice audit exported (issue 21): the team's figures (or one case's checklist) as a PDF for supervision
meetings, and every case's checks as CSV. Read only: the figures are services/practice.py's team view and audit,
the one definition the panel, the team view and `lpt audit` use.

Either file leaves the caseload's encryption: the window warns before asking where to save it
(gui/practice/export_actions.py); `write_file` writes it atomically.

CSV: one row per case per check (crn, name, officer, the case's score, check id, criterion, status, reason) with a
header row, UTF-8 with a byte
order mark so Excel reads the names right, and every cell that a spreadsheet would run as a formula (starting
with = + - @, a tab or a carriage return) prefixed with an apostrophe.

  team_report(view) -> TeamReport                   what the PDF prints of a team view
  team_pdf_bytes(db, as_of, generated) -> bytes     the team's (an officer's laptop: their own) audit as a PDF
  case_pdf_bytes(db, person_id, as_of, generated)   one case's checklist as a PDF
  csv_rows(audits) -> [[str]]                       the CSV's rows, header first
  audit_csv_bytes(db, as_of) -> bytes               the CSV of the cases the team view counts
  write_file(path, data) -> Path                    atomically (a temporary file, then a rename)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.validation import FieldError, ValidationError
from lpt_desktop.practice.checks import all_checks
from lpt_desktop.practice.score import CaseAudit
from lpt_desktop.practice.team import criterion_shares
from lpt_desktop.reports.practice_pdf import (
    AttentionLine,
    CaseReport,
    CheckLine,
    ChecklistLine,
    CriterionLine,
    OfficerLine,
    TeamReport,
    UnmetLine,
    case_pdf,
    team_pdf,
)
from lpt_desktop.services import practice
from lpt_desktop.services.export_file import write_atomically
from lpt_desktop.store.database import Database

CSV_HEADINGS = ("crn", "name", "officer", "score (%)", "check id", "criterion", "status", "reason")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: object) -> str:
    """A cell a spreadsheet shows as text: one starting with = + - @ (or a tab or carriage return) would run as a
    formula (CSV injection), so it gets a leading apostrophe."""
    value = "" if text is None else str(text)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_rows(audits: Iterable[CaseAudit]) -> list[list[str]]:
    """The header, then one row per case per check, in the audit's order (by CRN, then the checks' order)."""
    rows = [list(CSV_HEADINGS)]
    for a in audits:
        score = a.score
        pct = "" if score is None else f"{score * 100:.1f}"  # as `lpt audit --json` gives it; blank: nothing applies
        for r in a.results:
            rows.append([safe_cell(v) for v in (a.crn, a.name, a.officer, pct, r.check.id, r.check.criterion,
                                                r.status, r.reason)])
    return rows


def csv_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def audit_csv_bytes(db: Database, as_of: date | None = None) -> bytes:
    """Every case's checks as CSV: the cases the team view counts (a manager's laptop: the team's)."""
    return csv_bytes(csv_rows(practice.cached_audit(db, as_of)))


# -- the PDF ---------------------------------------------------------------------------------------------
def _criteria(audits: Sequence[CaseAudit]) -> tuple[CriterionLine, ...]:
    titles = {c.criterion: c.criterion_title for c in all_checks()}
    shares = criterion_shares(audits)

    def key(k: str) -> tuple[int, ...]:
        return tuple(int(p) if p.isdigit() else 0 for p in k.split("."))

    return tuple(CriterionLine(k, titles.get(k, ""), s.met, s.applicable) for k, s in
                 sorted(shares.items(), key=lambda kv: key(kv[0])))


def _unmet(a: CaseAudit) -> tuple[UnmetLine, ...]:
    return tuple(UnmetLine(r.check.id, r.check.criterion, r.check.statement, r.reason, r.check.action)
                 for r in a.unmet)


def team_report(view: practice.TeamView, title: str = "Practice audit") -> TeamReport:
    """What the PDF prints of a team view: the same figures the team view and `lpt audit --team` give."""
    team = view.team
    checks = []
    for c in team.checks:
        officers = tuple(OfficerLine(f.officer, f.share.met, f.share.applicable, f.rating, f.previous_rating,
                                     f.previous_share.value if f.previous_share else None) for f in c.officers)
        checks.append(CheckLine(c.check.id, c.check.criterion, c.check.statement, c.team.met, c.team.applicable,
                                c.previous_team.value if c.previous_team else None, officers))
    attention = tuple(AttentionLine(a.crn, a.name, a.officer, a.score, _unmet(a)) for a in team.attention)
    return TeamReport(title, view.note, view.as_of, view.previous_as_of, team.cases, team.officers, tuple(checks),
                      _criteria(view.audits), attention, rated=not view.own_only, unallocated=team.unallocated)


def team_pdf_bytes(db: Database, as_of: date | None = None, generated: datetime | None = None) -> bytes:
    view = practice.team_view(db, as_of)
    title = "Practice audit: your own cases" if view.own_only else "Practice audit: the team"
    return team_pdf(team_report(view, title), generated or datetime.now())


def case_report(a: CaseAudit, as_of: date) -> CaseReport:
    items = tuple(ChecklistLine(r.check.id, r.check.criterion, r.check.statement, r.status, r.reason,
                                r.check.action) for r in a.results)
    return CaseReport(a.crn, a.name, a.officer, as_of, a.score, items)


def case_pdf_bytes(db: Database, person_id: str, as_of: date | None = None,
                   generated: datetime | None = None) -> bytes:
    """One case's checklist (its inspection readiness) as a PDF."""
    as_of = as_of or date.today()
    found = practice.case_audit(db, person_id, as_of)
    if found is None:
        raise ValidationError([FieldError("Case", "is not on this caseload: open the case again")])
    return case_pdf(case_report(found, as_of), generated or datetime.now())


def suggested_name(kind: str, today: date | None = None, crn: str = "") -> str:
    """A file name that says what it is: "Practice audit 23-11-2026.pdf", "Practice audit X123456 ....pdf"."""
    day = format_date(today or date.today()).replace("/", "-")
    return f"Practice audit {crn + ' ' if crn else ''}{day}.{kind}"


def write_file(path: str | Path, data: bytes) -> Path:
    """Write atomically: a temporary file in the same folder, then a rename over the target. An unprotected copy,
    made only after the officer was told so."""
    return write_atomically(path, data)


__all__ = ["CSV_HEADINGS", "audit_csv_bytes", "case_pdf_bytes", "case_report", "csv_bytes", "csv_rows",
           "safe_cell", "suggested_name", "team_pdf_bytes", "team_report", "write_file"]
