"""A court report's outline sentence plan started from the case's sentence plan (issue 20): the draft plan if one
is open, else the latest completed plan (services/sentence_plan.current_plan), worded by
assessment/plan_outline.py. Read only: the report editor puts the text in the box and autosaves it as typing.

  outline_for_report(db, report_id, today=None) -> PlanOutline
      the outline text and which plan it came from; refused (ValidationError on the field 'Outline sentence
      plan', saying what to do) for a pre-sentence record, a case with no plan, or a plan with no open goals
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lpt_desktop.assessment.plan_outline import OutlineGoal, OutlineStep, open_goals, outline_text
from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.validation import FieldError, ValidationError
from lpt_desktop.services import court
from lpt_desktop.services.sentence_plan import GoalView, PlanView, StepView, current_plan
from lpt_desktop.store.database import Database

FIELD = "Outline sentence plan"
# Who does a step, as a report to the court says it (the plan's screens say "The person on probation").
WHO_IN_REPORT = {"person": "the defendant", "practitioner": "the probation practitioner"}


def _who(st: StepView) -> str:
    return WHO_IN_REPORT.get(st.who) or st.who_words or st.who


def _goal(g: GoalView) -> OutlineGoal:
    return OutlineGoal(
        g.title, g.area_label if g.area else "", g.outcome, g.target_date, g.status,
        tuple(OutlineStep(st.what, _who(st), st.by_when, st.status) for st in g.steps),
        tuple(i.label for i in g.interventions))


@dataclass(frozen=True)
class PlanOutline:
    text: str  # the outline, plain text
    source: str  # which plan it came from: "the draft initial plan started 23/11/2026"


def _source(plan: PlanView) -> str:
    if plan.status == "draft":
        return f"the draft {plan.type_label.lower()} plan started {format_date(plan.started_on)}"
    return f"the {plan.type_label.lower()} plan completed {format_date(plan.completed_on)}"


def outline_for_report(db: Database, report_id: str, today: date | None = None) -> PlanOutline:
    draft = court.load_report(db, report_id)
    if not draft.person_id:
        raise ValidationError([FieldError(FIELD, "this report is for a pre-sentence record, not a case, so there "
                                                 "is no sentence plan to start from: write the outline here")])
    plan = current_plan(db, draft.person_id, today)
    if plan is None:
        raise ValidationError([FieldError(FIELD, "the case has no sentence plan yet: start one on the case's Plans "
                                                 "tab, or write the outline here")])
    goals = [_goal(g) for g in plan.goals]
    if not open_goals(goals):
        raise ValidationError([FieldError(FIELD, "the case's sentence plan has no active or future goals: add them "
                                                 "on the case's Plans tab, or write the outline here")])
    return PlanOutline(outline_text(goals), _source(plan))
