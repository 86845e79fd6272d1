"""The sentence plan as a document for the person (issue 20): what reports/plan_pdf.py prints, filled from the
plan in force (the latest completed, else the draft being written), in the person's words where a screen uses
the officer's ("You" for "The person on probation").

  plan_document(db, person_id, today=None, large_print=False) -> PlanDocument
  export_plan_pdf(db, person_id, path, large_print=False, today=None) -> int   bytes written: an UNPROTECTED
                                                                               copy (the screen warns first)
  suggested_name(crn, today=None) -> str
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from lpt_desktop.assessment import sentence_plan as rules
from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.validation import FieldError, ValidationError
from lpt_desktop.reports.plan_pdf import GoalBlock, PlanDocument, StepLine, build_plan_pdf
from lpt_desktop.services.offices import officer_office
from lpt_desktop.services.sentence_plan import GoalView, StepView, plan_in_force
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Officer, Person

# Who does a step, said to the person.
WHO_TO_PERSON = {"person": "You", "practitioner": "Your probation practitioner"}
GOAL_STATUS = {"active": "working on it now", "future": "for later", "achieved": "achieved"}
STEP_STATUS = {"completed": "Done"}


def _who(step: StepView) -> str:
    return WHO_TO_PERSON.get(step.who) or step.who_words or step.who


def _goal(n: int, g: GoalView) -> GoalBlock:
    steps = tuple(StepLine(st.what, _who(st), st.by_when, STEP_STATUS.get(st.status, st.status_label))
                  for st in g.steps if st.status != "no_longer_needed")
    return GoalBlock(n, g.title, g.outcome, g.target_date, GOAL_STATUS.get(g.status, g.status_label.lower()), steps,
                     tuple(i.label for i in g.interventions))


def plan_document(db: Database, person_id: str, today: date | None = None, large_print: bool = False) -> PlanDocument:
    """The case's plan in force as the person's PDF prints it; refused (naming what to do) with no plan."""
    view = plan_in_force(db, person_id, today)
    if view is None:
        raise ValidationError([FieldError("Sentence plan", "there is no plan on this case: start one first")])
    office = officer_office(db)
    with db.read() as s:
        person = s.get(Person, person_id)
        if person is None:
            raise ValidationError([FieldError("Case", "is not on this caseload: open the case again")])
        officer = s.get(Officer, person.officer_id) if person.officer_id else None
        officer_name = officer.name if officer else db.actor
        office_name = office.name if office else (officer.team or "") if officer else ""
        name = person.full_name
        crn = person.crn
    shown = [g for g in view.goals if g.status != "removed"]
    ag = view.agreement
    answers = rules.plan_data().agreement_answers
    return PlanDocument(
        name=name, crn=crn, officer=officer_name, office=office_name, plan_type=view.type_label,
        draft=view.status != "complete", made_on=view.completed_on or view.started_on,
        persons_words=(ag.persons_words if ag and ag.persons_words else view.persons_words),
        goals=tuple(_goal(n, g) for n, g in enumerate(shown, start=1)),
        agreement=answers.get(ag.agreement, "") if ag else "", agreement_details=ag.reason if ag else "",
        agreement_on=ag.on_date if ag else None, review_due=view.review_due, large_print=large_print,
        involved=bool(view.involvement.strip()))


def plan_pdf_bytes(db: Database, person_id: str, large_print: bool = False, today: date | None = None) -> bytes:
    return build_plan_pdf(plan_document(db, person_id, today, large_print))


def suggested_name(crn: str, today: date | None = None, large_print: bool = False) -> str:
    """A file name that says what it is and whose."""
    size = " large print" if large_print else ""
    return f"Sentence plan{size} {crn} {format_date(today or date.today()).replace('/', '-')}.pdf"


def export_plan_pdf(db: Database, person_id: str, path: str | Path, large_print: bool = False,
                    today: date | None = None) -> int:
    """Write the person's plan to `path`: an unprotected copy outside the caseload's encryption, made only when the
    officer asks for it after being told so. The number of bytes written."""
    return Path(path).write_bytes(plan_pdf_bytes(db, person_id, large_print, today))
