"""The RoSH summary and risk management plan as a document (issue 18): what reports/rosh_pdf.py prints, filled
from the case, its current RoSH assessment (summary, levels, text carried forward) and its current plan (actions
with how many contacts delivered each, who it was shared with).

  rosh_document(db, person_id, today=None) -> RoshDocument
  export_rosh_pdf(db, person_id, path, today=None) -> int      bytes written: an UNPROTECTED copy (the screen
                                                                warns before asking where to save it)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from lpt_desktop.assessment import countersign as countersign_rules
from lpt_desktop.assessment import risk_plan as rp
from lpt_desktop.assessment.rosh_screening import screening
from lpt_desktop.assessment.rosh_summary import assessment_data
from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.validation import FieldError, ValidationError
from lpt_desktop.reports.rosh_pdf import (
    Carried,
    LevelRow,
    PlanAction,
    PlanSection,
    RiskPlan,
    RoshDocument,
    RoshPerson,
    SharedWith,
    SummarySection,
    build_rosh_pdf,
)
from lpt_desktop.services.offices import officer_office
from lpt_desktop.services.rosh import SOURCES_NOTE_FIELD, AssessmentView, SectionView, rosh_overview
from lpt_desktop.services.rosh_plan import PlanView
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Address, Officer, Person

STATUS = {"draft": "Draft", "complete": "Complete"}
SOURCES_HEADING = "Sources checked"
GATE_HEADING = "Full analysis: decided not to do one (the answers required it), because"
SIGNING = {"unsigned": "Unsigned", "awaiting": "Awaiting countersignature", "pending": "Awaiting countersignature"}


def _carried(section: SectionView | None) -> Carried | None:
    if section is None or not section.carried or section.origin is None:
        return None
    return Carried(section.origin, section.confirmed_by or "", section.confirmed_on)


def _summary(view: AssessmentView) -> tuple[SummarySection, ...]:
    by_key = {s.key: s for s in view.sections}
    out = []
    for f in assessment_data().summary_fields:
        # Every heading, empty ones too: a meeting sees what was not written (the PDF says "Nothing recorded").
        text = view.summary_texts.get(f.code, "") or ""
        out.append(SummarySection(f.label, text, _carried(by_key.get(f"summary.{f.code}"))))
    out += _sources(view)
    reason = (view.no_analysis_reason or "").strip()
    if view.full_analysis == "not_doing":
        # The gate decision made in this assessment and its reason (shown to the team manager), never an older
        # screened-out reason carried from before.
        out.append(SummarySection(GATE_HEADING, (view.gate_reason or "").strip(), None))
    elif reason:
        out.append(SummarySection(assessment_data().screened_out_label, reason,
                                  _carried(by_key.get("summary.no_analysis_reason"))))
    return tuple(out)


def _sources(view: AssessmentView) -> list[SummarySection]:
    """The sources checked, why any required one was not, and the notes on them: a meeting sees what the
    assessment drew on (inspectors found analyses that did not draw on all sources)."""
    checks = screening().sources
    checked = [c.label for c in checks if c.code in view.sources_checked]
    missing = [f"{c.label}: {view.source_reasons[c.code]}" for c in checks
               if c.code not in view.sources_checked and (view.source_reasons.get(c.code) or "").strip()]
    text = "; ".join(checked) + "." if checked else ""
    if missing:
        text += (" " if text else "") + "Not checked: " + "; ".join(missing) + "."
    out = [SummarySection(SOURCES_HEADING, text, None)]
    if (view.sources_note or "").strip():
        out.append(SummarySection(SOURCES_NOTE_FIELD, view.sources_note.strip(), None))
    return out


def _levels(view: AssessmentView) -> tuple[LevelRow, ...]:
    rows = []
    for g in assessment_data().groups:
        rows.append(LevelRow(g.label, view.community.get(g.code) if g.community else None,
                             view.custody.get(g.code) if g.custody else None,
                             custody_only=g.custody and not g.community))
    return tuple(rows)


def _agency(entry: dict[str, object]) -> str:
    code, detail = str(entry.get("with") or ""), str(entry.get("detail") or "").strip()
    found = rp.plan_data().agency(code)
    label = found.label if found else code
    return f"{label}: {detail}" if detail else label


def _plan(plan: PlanView) -> RiskPlan:
    sections = []
    for sec in rp.plan_data().sections:
        actions = tuple(PlanAction(a.who, a.what, a.by_when, len(a.evidence))
                        for a in plan.actions if a.section == sec.code)
        sections.append(PlanSection(sec.label, actions))
    shared = tuple(SharedWith(_agency(x), date.fromisoformat(str(x["on"])) if x.get("on") else None)
                   for x in plan.shared)
    return RiskPlan(tuple(sections), shared)


def _signing(status: str) -> str:
    # Issue 19's statuses in words (assessment/countersign.py); the older words stay for what they named.
    return SIGNING.get(status) or countersign_rules.status_label(status or "unsigned")


def rosh_document(db: Database, person_id: str, today: date | None = None) -> RoshDocument:
    """The case's current RoSH summary and plan as the PDF prints them; refused (naming what to do) before any
    assessment is completed."""
    today = today or date.today()
    overview = rosh_overview(db, person_id, today)
    view = overview.current
    if view is None:
        raise ValidationError([FieldError("RoSH summary", "no assessment has been completed on this case: complete "
                                                          "the screening and summary first")])
    office = officer_office(db)
    with db.read() as s:
        person = s.get(Person, person_id)
        if person is None:
            raise ValidationError([FieldError("Case", "is not on this caseload: open the case again")])
        address = s.scalar(select(Address).where(Address.person_id == person_id, Address.status == "main")
                           .order_by(Address.from_date.desc()).limit(1))
        officer = s.get(Officer, person.officer_id) if person.officer_id else None
        lines = [x for x in ((address.line1, address.line2, address.town, address.postcode) if address else ())
                 if x]
        who = RoshPerson(person.full_name, person.crn, person.date_of_birth, person.pnc or "", "\n".join(lines))
        officer_name = officer.name if officer else db.actor
        office_name = office.name if office else (officer.team or "") if officer else ""
    plan = overview.plan
    return RoshDocument(
        person=who, officer=officer_name, office=office_name,
        assessed_on=view.completed_on or view.started_on, status=STATUS.get(view.status, view.status),
        countersign=_signing(view.countersign_status), overall=view.overall_level, summary=_summary(view),
        levels=_levels(view), plan=_plan(plan) if plan is not None else None, plan_required=overview.plan_required)


def rosh_pdf_bytes(db: Database, person_id: str, today: date | None = None) -> bytes:
    return build_rosh_pdf(rosh_document(db, person_id, today))


def suggested_name(crn: str, today: date | None = None) -> str:
    """A file name that says what it is and whose: the officer may be saving several for one meeting."""
    return f"RoSH summary and plan {crn} {format_date(today or date.today()).replace('/', '-')}.pdf"


def export_rosh_pdf(db: Database, person_id: str, path: str | Path, today: date | None = None) -> int:
    """Write the PDF to `path`: an unprotected copy outside the caseload's encryption, made only when the officer
    asks for it after being told so. The number of bytes written."""
    return Path(path).write_bytes(rosh_pdf_bytes(db, person_id, today))
