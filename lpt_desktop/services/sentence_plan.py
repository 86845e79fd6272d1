"""Sentence plans (issue 20): goals with outcomes and steps, the order of goals, interventions placed under goals,
the person's words and agreement, completion (with countersignature, services/countersign.py reused), goal and
step progress with their evidence (contacts), and reviews rating every goal.

Every rule is the assessment room's (assessment/sentence_plan.py, plan_wording.py, needs.py); this module
stores, reads and calls them, and restates none.

Writes (each one transaction, audited):
  start_plan(db, person_id, plan_type="initial", today=None) -> plan id
      from the latest completed plan when there is one (its goals not achieved or removed, and their steps
      not finished, copied into the new version); made from the latest completed needs assessment
  set_persons_words(db, plan_id, words, involvement=None, before=None)   the person's own words; how they
      took part (`before`: the words as the form showed them; changed elsewhere meanwhile: EditedElsewhere)
  set_sequence_reason(db, plan_id, reason)                 why risk of harm work is not first
  (content: goals, their words, targets and order, interventions and steps, change only in a draft plan or
  inside an open review of a completed one; goal and step status change at any time)
  add_goal(db, plan_id, GoalIn, today=None) -> goal id
  update_goal(db, goal_id, GoalIn, today=None)             a target given or taken off changes the status, noted
  set_goal_status(db, goal_id, status, note, today=None, target_choice=None, target_date=None)
      a note on each change (kept as the goal's history); future takes the target off, active asks for one
  delete_goal(db, goal_id)                                 a draft plan's only, with its steps and contact links;
                                                           a completed plan's are removed
  move_goal(db, goal_id, to_index)                         0-based among the plan's goals (keys and dragging)
  place_intervention(db, goal_id, requirement_id, placed=True)   an order requirement under a goal
  add_step(db, goal_id, StepIn, today=None) -> step id; update_step(db, step_id, StepIn, today=None)
      a new or changed "by" date not in the past; delete_step(db, step_id)
  set_step_status(db, step_id, status)
  record_agreement(db, plan_id, AgreementIn, today=None) -> agreement id
      a yes refused until ready_to_agree (no and could not answer at any time); after completion it is an
      updated agreement
  save_agreement(db, plan_id, words, involvement, AgreementIn | None, before, today) -> agreement id | None
      the agreement form's one transaction: words and agreement together, a repeat save recording nothing
  discard_plan(db, plan_id, today=None)
  complete_plan(db, plan_id, acknowledge_warnings=False, today=None) -> PlanCompletion
      goal and step errors refuse, as does an agreement the plan no longer fits; flags (activity-only outcomes,
      sequencing, involvement, services not in the plan, learning plan missing, an agreement predating changes)
      come back as warnings unless acknowledged; completing submits the plan
      for countersignature (services/countersign.record_completion, target kind "sentence_plan")
  start_review(db, plan_id, reason="interval", today=None) -> review id   (reasons: review_reasons)
  save_review(db, review_id, ReviewIn)                      the plan may change while the review is open
  complete_review(db, review_id, today=None)               every goal rated; no change needs a reason
  link_contact(db, contact_id, goal_ids, step_ids)          the goals and steps a contact delivered
Reads:
  choices() -> PlanChoices                                  every list a form offers
  current_plan(db, person_id, today=None) -> PlanView | None   the open draft, else the latest completed
  plan_view(db, plan_id, today=None) -> PlanView
  plan_history(db, person_id) -> list[PlanItem]
  open_items(db, person_id) -> list[PlanLinkChoice]         goals and steps a contact may link to
  review_reasons(db, person_id, today=None) -> [(code, label)]   what a review may be started for, owed first
  plan_json(view) -> dict                                   `lpt plan show --json`
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased

from lpt_desktop.assessment import plan_wording as pw
from lpt_desktop.assessment import sentence_plan as rules
from lpt_desktop.assessment.needs import learning_plan_required, needs_data
from lpt_desktop.domain.contacts import contact_codes
from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.validation import FieldError, ValidationError, require
from lpt_desktop.services.case_events import add_event
from lpt_desktop.services.changes import Change, writes
from lpt_desktop.services.needs import model_of
from lpt_desktop.services.rosh import EditedElsewhere
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Contact, ContactPlanLink, Meta, Officer, Person, Requirement, Sentence
from lpt_desktop.store.plan_models import (
    ContactStepLink,
    NeedsAssessment,
    PlanAgreement,
    PlanGoal,
    PlanGoalStatus,
    PlanReview,
    PlanStep,
    SentencePlan,
)

__all__ = ["AgreementIn", "AgreementView", "EditedElsewhere", "Evidence", "GoalIn", "GoalStatusChange", "GoalView",
           "InterventionView", "PlanChoices", "PlanCompletion", "PlanItem", "PlanLinkChoice", "PlanView",
           "ReviewIn", "ReviewView", "StepIn", "StepView", "add_goal", "add_step", "choices", "complete_plan",
           "complete_review", "current_plan", "delete_goal", "delete_step", "discard_plan", "link_contact",
           "move_goal", "open_items", "place_intervention", "plan_history", "plan_json", "plan_view",
           "plan_in_force", "record_agreement", "review_reasons", "save_agreement", "save_review",
           "set_goal_status", "set_persons_words", "set_sequence_reason", "set_step_status", "start_plan",
           "start_review", "update_goal", "update_step", "AGREEMENT_PREDATES_CHANGES"]

ACTIVE_PLAN_STATUSES = ("active", "future")
AGREED = "yes"  # the one answer held to the ready-to-agree rule
FINISHED_STEPS = ("completed", "no_longer_needed")
OPEN_STEPS = ("not_started", "in_progress")  # a step still to be done by its date (overdue once it has passed)


# -- what the screens send --------------------------------------------------------------------------
@dataclass(frozen=True)
class GoalIn:
    """A goal as typed. target_choice: 3_months | 6_months | 12_months | date | none (a future goal);
    target_date: the chosen date for "date" (the months are counted from today for the others)."""

    title: str
    area: str  # a needs section key
    outcome: str = ""  # what will be different
    target_choice: str = "none"
    target_date: date | None = None
    related_areas: Sequence[str] = ()
    need_links: Sequence[str] = ()  # needs section keys it addresses (default: its area)
    rosh_link: bool = False  # addresses risk of serious harm
    learning_plan: bool = False  # this goal is the Skills for Life learning plan


@dataclass(frozen=True)
class StepIn:
    what: str
    who: str  # a who code (choices().who): never "choose someone"
    partner: str | None = None  # a partner code, where the who choice takes one
    who_name: str = ""  # the name, for someone named (or the partner's own contact)
    by_when: date | None = None
    status: str = "not_started"


@dataclass(frozen=True)
class AgreementIn:
    agreement: str  # yes | no | could_not_answer
    reason: str = ""  # required for no and could not answer, up to 4,000 characters
    persons_words: str | None = None  # their words at an updated agreement (None: as the plan has them)


@dataclass(frozen=True)
class ReviewIn:
    ratings: Mapping[str, str] = field(default_factory=dict)  # goal id -> met | partly_met | not_met
    notes: Mapping[str, str] = field(default_factory=dict)  # goal id -> a note on its progress
    no_change_reason: str | None = None  # why the plan stands as it is (required when nothing changed)
    summary: str | None = None
    reason: str | None = None  # what prompted it (review_reasons): None leaves it as started


# -- what the screens read --------------------------------------------------------------------------
@dataclass(frozen=True)
class Evidence:
    contact_id: str
    on: datetime
    type_label: str
    summary: str  # the note's first line, shortened


@dataclass(frozen=True)
class StepView:
    id: str
    goal_id: str
    what: str
    who: str
    partner: str | None
    who_name: str
    who_words: str  # "Drug or alcohol service (a partnership agency)", "Jo Bloggs"
    by_when: date | None
    status: str
    status_label: str
    position: int
    errors: tuple[FieldError, ...]
    evidence: tuple[Evidence, ...]
    overdue: bool = False  # still open (not started or in progress) and its "by" date has passed


@dataclass(frozen=True)
class GoalStatusChange:
    status: str
    status_label: str
    note: str
    on_date: date
    by_name: str


@dataclass(frozen=True)
class InterventionView:
    requirement_id: str
    code: str  # the intervention code (sentence_plan.json)
    label: str
    goal_id: str | None  # the goal it is placed under, None while not placed


@dataclass(frozen=True)
class GoalView:
    id: str
    plan_id: str
    number: int  # 1-based, in the plan's order
    title: str
    area: str | None
    area_label: str
    related_areas: tuple[str, ...]
    outcome: str
    target_choice: str
    target_date: date | None
    status: str
    status_label: str
    position: int
    need_links: tuple[str, ...]
    rosh_link: bool
    learning_plan: bool
    interventions: tuple[InterventionView, ...]
    flags: tuple[pw.Flag, ...]  # the wording check (activity-only outcome, no outcome)
    errors: tuple[FieldError, ...]
    steps: tuple[StepView, ...]
    history: tuple[GoalStatusChange, ...]  # oldest first
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class AgreementView:
    id: str
    agreement: str
    agreement_label: str
    reason: str
    persons_words: str
    on_date: date
    by_name: str
    updated: bool


@dataclass(frozen=True)
class ReviewView:
    id: str
    plan_id: str
    status: str
    started_on: date
    completed_on: date | None
    completed_by_name: str
    reason: str  # interval, or a significant change kind code
    reason_label: str
    ratings: dict[str, str]  # goal id -> rating code
    notes: dict[str, str]
    changed: bool
    no_change_reason: str
    summary: str
    errors: tuple[FieldError, ...]  # what completing would refuse
    goal_ids: tuple[str, ...] = ()  # the goals under review (active or future when it began), each to be rated


@dataclass(frozen=True)
class PlanView:
    id: str
    person_id: str
    person_name: str
    plan_type: str
    type_label: str
    status: str  # draft | complete
    started_on: date
    completed_on: date | None
    completed_by_name: str
    persons_words: str
    involvement: str
    sequence_reason: str
    needs_assessment_id: str | None
    goals: tuple[GoalView, ...]  # in the plan's order
    agreement: AgreementView | None  # the latest
    agreements: tuple[AgreementView, ...]  # oldest first
    ready_to_agree: bool
    not_ready_because: tuple[str, ...]
    flags: tuple[pw.Flag, ...]  # plan_flags, involvement_flags and sequencing_problems together
    interventions: tuple[InterventionView, ...]  # every placeable requirement of the current order
    signing_status: str  # the countersignature chain's status code
    signing_label: str
    reviews: tuple[ReviewView, ...]  # newest first
    review_due: date | None  # the soonest plan review the standards engine owes, not met
    review_due_text: str
    learning_plan_needed: str = ""  # why the Skills for Life screening requires a learning plan ("": none required)


@dataclass(frozen=True)
class PlanItem:
    id: str
    plan_type: str
    type_label: str
    status: str
    started_on: date
    completed_on: date | None
    goals: int


@dataclass(frozen=True)
class PlanLinkChoice:
    """A goal or step a contact may say it delivered (the contact form's list)."""

    kind: str  # goal | step
    id: str
    goal_id: str
    label: str  # "Goal 1: Find a settled home" / "Step: Register with the housing options team"


@dataclass(frozen=True)
class PlanChoices:
    plan_types: tuple[tuple[str, str], ...]
    areas: tuple[tuple[str, str], ...]  # needs section key -> label
    target_choices: tuple[tuple[str, str], ...]
    goal_statuses: tuple[tuple[str, str], ...]
    step_statuses: tuple[tuple[str, str], ...]
    who: tuple[tuple[str, str], ...]  # who code -> label (never the placeholder)
    who_partner: dict[str, str]  # who code -> none | optional | required
    who_named: frozenset[str]  # who codes that need a name
    partners: tuple[tuple[str, str], ...]
    agreement_answers: tuple[tuple[str, str], ...]
    reason_required_for: frozenset[str]
    reason_max_chars: int
    review_ratings: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PlanCompletion:
    completed: bool
    warnings: list[str]
    signing_status: str | None = None
    codes: tuple[str, ...] = ()  # each warning's flag code, in the same order (AGREEMENT_PREDATES_CHANGES, ...)


def choices() -> PlanChoices:
    """Every list the plan's forms offer, from the data."""
    d = rules.plan_data()
    return PlanChoices(
        tuple(d.plan_types.items()), tuple((s.key, s.label) for s in needs_data().sections),
        tuple((t.code, t.label) for t in d.target_choices), tuple(d.goal_statuses.items()),
        tuple(d.step_statuses.items()), tuple((w.code, w.label) for w in d.who),
        {w.code: w.partner for w in d.who}, frozenset(w.code for w in d.who if w.named),
        tuple((p.code, p.label) for p in d.partners), tuple(d.agreement_answers.items()),
        d.reason_required_for, d.reason_max_chars, tuple(d.review_ratings.items()))


# -- the stored plan as the rules see it ----------------------------------------------------------------
def _officer_name(s: Session, db: Database) -> str:
    oid = db.officer_id or s.scalar(select(Meta.value).where(Meta.key == "officer_id"))
    officer = s.get(Officer, oid) if oid else None
    return officer.name if officer else db.actor


def _plan(s: Session, plan_id: str) -> SentencePlan:
    p = s.get(SentencePlan, plan_id)
    if p is None:
        raise ValidationError([FieldError("Sentence plan", "is no longer on this case: open the case again")])
    return p


def _draft_plan(s: Session, plan_id: str) -> SentencePlan:
    p = _plan(s, plan_id)
    if p.status != "draft":
        raise ValidationError([FieldError("Sentence plan", f"was completed on {format_date(p.completed_on)} and "
                                                           "cannot be changed: start a new version of the plan")])
    return p


def _open_review(s: Session, plan_id: str) -> PlanReview | None:
    return s.scalar(select(PlanReview).where(PlanReview.plan_id == plan_id, PlanReview.status == "draft").limit(1))


def _editable_plan(s: Session, plan_id: str) -> SentencePlan:
    """A plan whose content (goals' words, targets, order, interventions, steps) may change: a draft, or a
    completed plan inside an open review. What the officer completed and the manager signed is not edited in
    place otherwise; progress (goal and step status) is recorded against the plan in force at any time."""
    p = _plan(s, plan_id)
    if p.status != "draft" and _open_review(s, plan_id) is None:
        raise ValidationError([FieldError("Sentence plan", f"was completed on {format_date(p.completed_on)}: change "
                                                           "its goals and steps in a review (Review plan…) or a new "
                                                           "version; goal and step status can be changed now")])
    return p


def _goal(s: Session, goal_id: str) -> PlanGoal:
    g = s.get(PlanGoal, goal_id)
    if g is None:
        raise ValidationError([FieldError("Goal", "is no longer in the plan: open the plan again")])
    return g


def _step(s: Session, step_id: str) -> PlanStep:
    st = s.get(PlanStep, step_id)
    if st is None:
        raise ValidationError([FieldError("Step", "is no longer in the plan: open the plan again")])
    return st


def _goals(s: Session, plan_id: str) -> list[PlanGoal]:
    return list(s.scalars(select(PlanGoal).where(PlanGoal.plan_id == plan_id)
                          .order_by(PlanGoal.position, PlanGoal.created_at, PlanGoal.id)))


def _steps(s: Session, goal_ids: Sequence[str]) -> dict[str, list[PlanStep]]:
    out: dict[str, list[PlanStep]] = {g: [] for g in goal_ids}
    if goal_ids:
        for st in s.scalars(select(PlanStep).where(PlanStep.goal_id.in_(list(goal_ids)))
                            .order_by(PlanStep.position, PlanStep.created_at, PlanStep.id)):
            out.setdefault(st.goal_id, []).append(st)
    return out


def _requirements(s: Session, person_id: str) -> list[Requirement]:
    """The requirements of the case's current orders (not terminated), in the order made."""
    return list(s.scalars(select(Requirement).join(Sentence, Sentence.id == Requirement.sentence_id)
                          .where(Sentence.person_id == person_id, Sentence.terminated_on.is_(None))
                          .order_by(Sentence.start_date, Requirement.created_at, Requirement.id)))


def _intervention_of(r: Requirement) -> rules.Intervention | None:
    return rules.intervention_for(r.type_code, (r.params or {}).get("programme"))


def _step_model(st: PlanStep) -> rules.Step:
    return rules.Step(st.what or "", st.who or "", st.partner, st.who_name or "", st.by_when, st.status, st.id)


def _goal_model(g: PlanGoal, steps: Sequence[PlanStep], reqs: Mapping[str, Requirement]) -> rules.Goal:
    codes = []
    for rid in g.requirement_ids or []:
        i = _intervention_of(reqs[rid]) if rid in reqs else None
        if i is not None:
            codes.append(i.code)
    return rules.Goal(g.title or "", g.area or "", g.outcome or "", tuple(g.related_areas or ()), g.rosh_link,
                      g.target_date, g.status, tuple(_step_model(x) for x in steps), tuple(codes), g.id)


def _agreements(s: Session, plan_id: str) -> list[PlanAgreement]:
    return list(s.scalars(select(PlanAgreement).where(PlanAgreement.plan_id == plan_id)
                          .order_by(PlanAgreement.on_date, PlanAgreement.created_at, PlanAgreement.id)))


def _plan_model(s: Session, p: SentencePlan) -> rules.Plan:
    goals = _goals(s, p.id)
    steps = _steps(s, [g.id for g in goals])
    reqs = {r.id: r for r in _requirements(s, p.person_id)}
    agreements = _agreements(s, p.id)
    last = agreements[-1] if agreements else None
    agreement = rules.Agreement(last.agreement, last.reason or "", last.on_date, last.updated) if last else None
    return rules.Plan(p.plan_type, tuple(_goal_model(g, steps[g.id], reqs) for g in goals), p.persons_words or "",
                      p.involvement or "", agreement, p.sequence_reason or "",
                      any(g.learning_plan and g.status != "removed" for g in goals), p.status == "complete")


def _needs_of(s: Session, p: SentencePlan) -> NeedsAssessment | None:
    if p.needs_assessment_id:
        found = s.get(NeedsAssessment, p.needs_assessment_id)
        if found is not None:
            return found
    return s.scalar(select(NeedsAssessment).where(NeedsAssessment.person_id == p.person_id,
                                                  NeedsAssessment.status == "complete")
                    .order_by(NeedsAssessment.completed_on.desc(), NeedsAssessment.created_at.desc()).limit(1))


def _all_flags(s: Session, p: SentencePlan) -> list[pw.Flag]:
    model = _plan_model(s, p)
    person = s.get(Person, p.person_id)
    needs = _needs_of(s, p)
    name = (person.preferred_name or person.first_name) if person else None
    flags = rules.plan_flags(model, model_of(needs) if needs else None, person.gender if person else None, name)
    return [*rules.involvement_flags(model), *rules.sequencing_problems(model.goals, p.sequence_reason), *flags]


def _target(choice: str, chosen: date | None, today: date) -> date | None:
    try:
        return rules.target_date_for(choice, today, chosen)
    except ValueError as e:
        field_name, _, why = str(e).partition(": ")
        raise ValidationError([FieldError(field_name, why)]) from e


def _goal_in_errors(goal: GoalIn, status: str, target: date | None, today: date, changed: bool) -> list[FieldError]:
    model = rules.Goal(goal.title, goal.area, goal.outcome, tuple(goal.related_areas), goal.rosh_link, target,
                       status)
    errors = rules.goal_errors(model, today, target_changed=changed)
    areas = {x.key for x in needs_data().sections}
    for key in goal.need_links:
        if key not in areas:
            errors.append(FieldError("Linked needs", f"'{key}' is not a needs section: choose from the list"))
    if not goal.need_links and not goal.rosh_link and goal.area not in areas:
        errors.append(FieldError("Links", "the goal links to no need and not to risk of harm: link it to one"))
    return errors


def _fill_goal(g: PlanGoal, goal: GoalIn, target: date | None) -> None:
    g.title = goal.title.strip()
    g.area = goal.area
    g.related_areas = list(dict.fromkeys(goal.related_areas))
    g.outcome = goal.outcome.strip() or None
    g.target_choice = goal.target_choice
    g.target_date = target
    g.need_links = list(dict.fromkeys(goal.need_links or [goal.area]))
    g.rosh_link = goal.rosh_link
    g.learning_plan = goal.learning_plan


def _check_step(step: StepIn, today: date, by_changed: bool = True) -> None:
    """The step as the rules check it, and its "by" date not in the past when it is set now (`by_changed`), as a
    goal's target date is not: a step already past its date stays as it is and shows as overdue."""
    errors = rules.step_errors(rules.Step(step.what, step.who, step.partner, step.who_name, step.by_when,
                                          step.status))
    if by_changed and step.by_when is not None and step.by_when < today:
        errors.append(FieldError("By when", f"{format_date(step.by_when)} is in the past: choose today or a later "
                                            "date"))
    require(errors)


def _fill_step(st: PlanStep, step: StepIn) -> None:
    st.what = step.what.strip()
    st.who = step.who
    st.partner = step.partner or None
    st.who_name = step.who_name.strip() or None
    st.by_when = step.by_when
    st.status = step.status


# -- writes -----------------------------------------------------------------------------------------
@writes(Change.ASSESSMENT, Change.CASE)
def start_plan(db: Database, person_id: str, plan_type: str = "initial", today: date | None = None) -> str:
    """Start a plan of a type (initial, review, termination, transfer, other). A new version starts from the
    latest completed plan: its goals still active or future, with their steps not finished, and the person's
    words, copied in (the completed plan stays as it was). Refused while another draft is open."""
    today = today or date.today()
    d = rules.plan_data()
    if plan_type not in d.plan_types:
        raise ValidationError([FieldError("Plan type", f"'{plan_type}' is not a type: choose "
                                                       f"{', '.join(v.lower() for v in d.plan_types.values())}")])
    with db.write() as s:
        if s.get(Person, person_id) is None:
            raise ValidationError([FieldError("Case", "is not on this caseload: open the case again")])
        open_draft = s.scalar(select(SentencePlan).where(SentencePlan.person_id == person_id,
                                                         SentencePlan.status == "draft"))
        if open_draft is not None:
            raise ValidationError([FieldError("Sentence plan", f"a draft started {format_date(open_draft.started_on)}"
                                                               " is open: carry on with it, or discard it first")])
        previous = s.scalar(select(SentencePlan).where(SentencePlan.person_id == person_id,
                                                       SentencePlan.status == "complete")
                            .order_by(SentencePlan.completed_on.desc(), SentencePlan.created_at.desc()).limit(1))
        needs = s.scalar(select(NeedsAssessment.id).where(NeedsAssessment.person_id == person_id,
                                                          NeedsAssessment.status == "complete")
                         .order_by(NeedsAssessment.completed_on.desc(), NeedsAssessment.created_at.desc()).limit(1))
        p = SentencePlan(person_id=person_id, plan_type=plan_type, status="draft", started_on=today,
                         previous_id=previous.id if previous else None, needs_assessment_id=needs,
                         persons_words=previous.persons_words if previous else None,
                         sequence_reason=previous.sequence_reason if previous else None, warnings_acknowledged=[])
        s.add(p)
        s.flush()
        if previous is not None:
            old_goals = [g for g in _goals(s, previous.id) if g.status in ACTIVE_PLAN_STATUSES]
            old_steps = _steps(s, [g.id for g in old_goals])
            for n, g in enumerate(old_goals):
                new = PlanGoal(plan_id=p.id, person_id=person_id, title=g.title, area=g.area,
                               related_areas=list(g.related_areas or []), outcome=g.outcome,
                               target_choice=g.target_choice, target_date=g.target_date, status=g.status, position=n,
                               need_links=list(g.need_links or []), rosh_link=g.rosh_link,
                               requirement_ids=list(g.requirement_ids or []), learning_plan=g.learning_plan,
                               carried_from=g.id)
                s.add(new)
                s.flush()
                for k, st in enumerate(x for x in old_steps[g.id] if x.status not in FINISHED_STEPS):
                    s.add(PlanStep(goal_id=new.id, person_id=person_id, what=st.what, who=st.who, partner=st.partner,
                                   who_name=st.who_name, by_when=st.by_when, status=st.status, position=k))
        add_event(s, person_id, "sentence_plan_started", today,
                  f"Sentence plan started ({d.plan_types[plan_type].lower()})", p)
        return p.id


@writes(Change.ASSESSMENT)
def set_persons_words(db: Database, plan_id: str, words: str, involvement: str | None = None,
                      before: str | None = None) -> None:
    """The person's own words on what they want to change, and how they took part in making the plan.
    `before`: the words as the form showed them; changed elsewhere meanwhile (a sync), it is refused with
    EditedElsewhere and nothing is saved."""
    if len(words or "") > 4000 or len(involvement or "") > 4000:
        raise ValidationError([FieldError("The person's words", "are over 4,000 characters: shorten them")])
    with db.write() as s:
        p = _draft_plan(s, plan_id)
        now = p.persons_words or ""
        if before is not None and " ".join(now.split()) not in (" ".join(before.split()), " ".join(words.split())):
            raise EditedElsewhere([FieldError("The person's words", "were changed on another laptop since you opened "
                                                                    "the plan: the form now shows them, and yours "
                                                                    "beside them to merge")], {"persons_words": now})
        p.persons_words = words.strip() or None
        if involvement is not None:
            p.involvement = involvement.strip() or None


@writes(Change.ASSESSMENT)
def set_sequence_reason(db: Database, plan_id: str, reason: str) -> None:
    """Why risk of harm work does not come first (empty: it should)."""
    with db.write() as s:
        _draft_plan(s, plan_id).sequence_reason = reason.strip() or None


@writes(Change.ASSESSMENT)
def add_goal(db: Database, plan_id: str, goal: GoalIn, today: date | None = None) -> str:
    """Add a goal at the end of a draft plan (or of a completed one inside an open review): active with a target
    date, or a future goal without one."""
    today = today or date.today()
    target = _target(goal.target_choice, goal.target_date, today)
    status = "future" if target is None else "active"
    require(_goal_in_errors(goal, status, target, today, True))
    with db.write() as s:
        p = _editable_plan(s, plan_id)
        last = s.scalar(select(func.max(PlanGoal.position)).where(PlanGoal.plan_id == plan_id))
        g = PlanGoal(plan_id=plan_id, person_id=p.person_id, status=status, position=(last or 0) + 1 if last is not
                     None else 0, requirement_ids=[])
        _fill_goal(g, goal, target)
        s.add(g)
        s.flush()
        return g.id


@writes(Change.ASSESSMENT, Change.CASE)
def update_goal(db: Database, goal_id: str, goal: GoalIn, today: date | None = None) -> None:
    """Change a goal's words, area, links or target date, in a draft plan or inside an open review of a completed
    one. Giving a future goal a target date makes it active, and taking an active goal's away makes it a future
    goal: that change of status is written to the goal's history with a note saying so (never silently)."""
    today = today or date.today()
    with db.write() as s:
        g = _goal(s, goal_id)
        _editable_plan(s, g.plan_id)
        same_target = goal.target_choice == g.target_choice and (goal.target_choice != "date"
                                                                 or goal.target_date == g.target_date)
        target = g.target_date if same_target else _target(goal.target_choice, goal.target_date, today)
        status = g.status
        if status in ACTIVE_PLAN_STATUSES:
            status = "future" if target is None else "active"
        require(_goal_in_errors(goal, status, target, today, not same_target))
        was = g.status
        _fill_goal(g, goal, target)
        if status != was:
            note = (f"Target date set to {format_date(target)}" if target is not None
                    else "Target date taken off")
            _status_changed(s, db, g, status, f"{note} when the goal was changed", today)


def _status_changed(s: Session, db: Database, g: PlanGoal, status: str, note: str, today: date) -> None:
    """Set a goal's status with its note in the goal's history and on the case's timeline."""
    name = _officer_name(s, db)  # before the change: its query flushes
    g.status = status
    s.add(PlanGoalStatus(goal_id=g.id, person_id=g.person_id, status=status, note=note.strip(), on_date=today,
                         by_name=name))
    label = rules.plan_data().goal_statuses[status].lower()
    add_event(s, g.person_id, "sentence_plan_goal", today, f"Goal '{g.title}' now {label}: {note.strip()}", g)


@writes(Change.ASSESSMENT, Change.CASE)
def set_goal_status(db: Database, goal_id: str, status: str, note: str, today: date | None = None,
                    target_choice: str | None = None, target_date: date | None = None) -> None:
    """Change a goal's status (active, future, achieved, removed) with a note saying why: kept as its history.
    A future goal has no target date, so making a goal future takes its target off; making a goal active that
    has none needs one (target_choice: 3_months | 6_months | 12_months | date, with target_date for a date)."""
    today = today or date.today()
    with db.write() as s:
        g = _goal(s, goal_id)
        require(rules.status_change_errors(g.status, status, note))
        if status == g.status:
            return
        if status == "future":
            g.target_choice, g.target_date = "none", None
        elif status == "active" and target_choice not in (None, "none"):
            g.target_date = _target(target_choice, target_date, today)
            g.target_choice = target_choice
        elif status == "active" and g.target_date is None:
            raise ValidationError([FieldError("Target date", "is missing: choose a target date (3, 6 or 12 months, "
                                                             "or a date) to make the goal active")])
        _status_changed(s, db, g, status, note, today)


def _delete_goal_rows(s: Session, goal_ids: Sequence[str]) -> None:
    """Delete goals with their steps, status history and contact links, row by row and children first: each
    delete goes through the ORM, so the sync outbox hears of it (a Core bulk delete, or the database's ON DELETE
    CASCADE, would leave the central store holding children whose parent is gone)."""
    if not goal_ids:
        return
    ids = list(goal_ids)
    steps = list(s.scalars(select(PlanStep).where(PlanStep.goal_id.in_(ids))))
    step_ids = [st.id for st in steps]
    rows: list[Any] = []
    if step_ids:
        rows += s.scalars(select(ContactStepLink).where(ContactStepLink.step_id.in_(step_ids)))
    rows += s.scalars(select(ContactPlanLink).where(ContactPlanLink.objective_id.in_(ids)))
    rows += s.scalars(select(PlanGoalStatus).where(PlanGoalStatus.goal_id.in_(ids)))
    _delete_each(s, rows)
    _delete_each(s, steps)
    _delete_each(s, list(s.scalars(select(PlanGoal).where(PlanGoal.id.in_(ids)))))


def _delete_each(s: Session, rows: Sequence[Any]) -> None:
    for row in rows:
        s.delete(row)
    s.flush()  # children leave before their parents


@writes(Change.ASSESSMENT, Change.CONTACT)
def delete_goal(db: Database, goal_id: str) -> None:
    """Delete a goal of a draft plan with its steps and the contact links to it and to its steps (a completed
    plan's goal is removed, with a note, instead)."""
    with db.write() as s:
        g = _goal(s, goal_id)
        _draft_plan(s, g.plan_id)
        _delete_goal_rows(s, [g.id])


@writes(Change.ASSESSMENT)
def move_goal(db: Database, goal_id: str, to_index: int) -> None:
    """Move a goal to a 0-based place among the plan's goals (up, down, or dropped after dragging)."""
    with db.write() as s:
        g = _goal(s, goal_id)
        _editable_plan(s, g.plan_id)
        goals = _goals(s, g.plan_id)
        index = [x.id for x in goals].index(g.id)
        order = rules.move_goal([rules.Goal(x.title, x.area or "", id=x.id) for x in goals], index, to_index)
        by_id = {x.id: x for x in goals}
        for n, model in enumerate(order):
            row = by_id[str(model.id)]
            if row.position != n:
                row.position = n


@writes(Change.ASSESSMENT)
def place_intervention(db: Database, goal_id: str, requirement_id: str, placed: bool = True) -> None:
    """Place one of the order's requirements (an intervention) under a goal, or take it off (placed=False). An
    intervention sits under one goal: placing it moves it from any other."""
    with db.write() as s:
        g = _goal(s, goal_id)
        _editable_plan(s, g.plan_id)
        r = next((x for x in _requirements(s, g.person_id) if x.id == requirement_id), None)
        if r is None or _intervention_of(r) is None:
            raise ValidationError([FieldError("Interventions", "is not an intervention of the current order: choose "
                                                               "from the plan's list")])
        for other in _goals(s, g.plan_id):
            held = list(other.requirement_ids or [])
            if requirement_id in held and (other.id != g.id or not placed):
                other.requirement_ids = [x for x in held if x != requirement_id]
        if placed and requirement_id not in (g.requirement_ids or []):
            g.requirement_ids = [*(g.requirement_ids or []), requirement_id]


@writes(Change.ASSESSMENT)
def add_step(db: Database, goal_id: str, step: StepIn, today: date | None = None) -> str:
    """Add a step at the end of a goal's steps (a draft plan's, or inside an open review); its "by" date is not
    in the past."""
    _check_step(step, today or date.today())
    with db.write() as s:
        g = _goal(s, goal_id)
        _editable_plan(s, g.plan_id)
        last = s.scalar(select(func.max(PlanStep.position)).where(PlanStep.goal_id == goal_id))
        st = PlanStep(goal_id=goal_id, person_id=g.person_id, position=(last + 1) if last is not None else 0)
        _fill_step(st, step)
        s.add(st)
        s.flush()
        return st.id


@writes(Change.ASSESSMENT)
def update_step(db: Database, step_id: str, step: StepIn, today: date | None = None) -> None:
    """Change a step's words, who or by when (a draft plan's, or inside an open review); a changed "by" date is
    not in the past (one already past is kept as it is). Its progress alone is set_step_status's, allowed at any
    time."""
    today = today or date.today()
    with db.write() as s:
        st = _step(s, step_id)
        _check_step(step, today, by_changed=step.by_when != st.by_when)
        _editable_plan(s, _goal(s, st.goal_id).plan_id)
        _fill_step(st, step)


@writes(Change.ASSESSMENT)
def set_step_status(db: Database, step_id: str, status: str) -> None:
    """Move a step on: not started, in progress, completed, cannot be done yet, no longer needed."""
    with db.write() as s:
        st = _step(s, step_id)
        model = _step_model(st)
        require(rules.step_errors(rules.Step(model.what, model.who, model.partner, model.named, model.by, status)))
        st.status = status


@writes(Change.ASSESSMENT, Change.CONTACT)
def delete_step(db: Database, step_id: str) -> None:
    """Delete a step of a draft plan, with any contact links to it (a completed plan's step is marked no
    longer needed instead)."""
    with db.write() as s:
        st = _step(s, step_id)
        _draft_plan(s, _goal(s, st.goal_id).plan_id)
        _delete_each(s, list(s.scalars(select(ContactStepLink).where(ContactStepLink.step_id == st.id))))
        s.delete(st)


def _words_errors(words: str | None, involvement: str | None = None) -> list[FieldError]:
    errors = []
    if len(words or "") > 4000:
        errors.append(FieldError("The person's words", f"are {len(words or ''):,} characters long: shorten them to "
                                                       "4,000 or fewer"))
    if len(involvement or "") > 4000:
        errors.append(FieldError("How they took part", f"is {len(involvement or ''):,} characters long: shorten it "
                                                       "to 4,000 or fewer"))
    return errors


@writes(Change.ASSESSMENT, Change.CASE)
def record_agreement(db: Database, plan_id: str, agreement: AgreementIn, today: date | None = None) -> str:
    """The person's agreement: yes, no (with why) or could not answer (with why). A yes is refused until the plan
    is ready to agree (a goal with a target date, a step under every active goal); no and could not answer may be
    recorded at any time. After completion it is an updated agreement, kept beside the earlier ones."""
    today = today or date.today()
    require(rules.agreement_errors(rules.Agreement(agreement.agreement, agreement.reason, today)) +
            _words_errors(agreement.persons_words))
    with db.write() as s:
        return _record_agreement(s, db, _plan(s, plan_id), agreement, today)


def _record_agreement(s: Session, db: Database, p: SentencePlan, agreement: AgreementIn, today: date) -> str:
    """Record the agreement in the open session. Only a "yes" is held to the ready-to-agree rule (a plan cannot be
    agreed until it is ready); the person may say they do not agree, or could not answer, at any time."""
    if agreement.agreement == AGREED:
        ready, why = rules.ready_to_agree(_plan_model(s, p))
        if not ready:
            raise ValidationError([FieldError("Agreement", f"'yes' cannot be recorded yet: {w[0].lower()}{w[1:]}"
                                                           " (their 'no' or 'could not answer' can be recorded "
                                                           "now, with the reason)") for w in why])
    updated = p.status == "complete"
    words = agreement.persons_words.strip() if agreement.persons_words is not None else None
    if not updated and words is not None:
        p.persons_words = words or None
    row = PlanAgreement(plan_id=p.id, person_id=p.person_id, agreement=agreement.agreement,
                        reason=agreement.reason.strip() or None, persons_words=words or None, on_date=today,
                        by_name=_officer_name(s, db), updated=updated)
    s.add(row)
    label = rules.plan_data().agreement_answers[agreement.agreement]
    add_event(s, p.person_id, "sentence_plan_agreement", today,
              f"{'Updated agreement' if updated else 'Agreement'} with the sentence plan: {label}", row)
    return row.id


def _same(a: str | None, b: str | None) -> bool:
    return " ".join((a or "").split()) == " ".join((b or "").split())


@writes(Change.ASSESSMENT, Change.CASE)
def save_agreement(db: Database, plan_id: str, words: str, involvement: str | None = None,
                   agreement: AgreementIn | None = None, before: str | None = None,
                   today: date | None = None) -> str | None:
    """What the agreement form saves, in one transaction: the person's words and how they took part (a draft's;
    `before` as set_persons_words), and their agreement when the answer, the reason or (after completion) their
    words changed since the last one recorded; saving again without a change records nothing new. On a
    completed plan the words go with an updated agreement (the plan itself stays as completed) and how they
    took part is not changed. Returns the new agreement's id, or None when none was recorded."""
    today = today or date.today()
    errors = _words_errors(words, involvement)
    if agreement is not None:
        errors += rules.agreement_errors(rules.Agreement(agreement.agreement, agreement.reason, today))
    require(errors)
    with db.write() as s:
        p = _plan(s, plan_id)
        recorded = _agreements(s, p.id)
        last = recorded[-1] if recorded else None
        if p.status == "draft":
            now = p.persons_words or ""
            if before is not None and not _same(now, before) and not _same(now, words):
                raise EditedElsewhere([FieldError("The person's words", "were changed on another laptop since you "
                                                                        "opened the plan: the form now shows them, "
                                                                        "and yours beside them to merge")],
                                      {"persons_words": now})
            p.persons_words = words.strip() or None
            if involvement is not None:
                p.involvement = involvement.strip() or None
            words_changed = False
        else:
            if involvement is not None and not _same(involvement, p.involvement):
                raise ValidationError([FieldError("How they took part", "was recorded when the plan was completed: "
                                                                        "record it in a new version of the plan")])
            words_changed = not _same(words, (last.persons_words if last and last.persons_words is not None
                                              else p.persons_words))
            if agreement is None and words_changed:
                raise ValidationError([FieldError("Agreement", "the plan is completed: their new words are kept with "
                                                               "an updated agreement, so choose their answer")])
        if agreement is None:
            return None
        if (last is not None and last.agreement == agreement.agreement and _same(last.reason, agreement.reason)
                and not words_changed):
            return None  # saved again without a change: nothing new to record
        return _record_agreement(s, db, p, replace(agreement, persons_words=words if p.status != "draft"
                                                   else None), today)


@writes(Change.ASSESSMENT, Change.CASE, Change.CONTACT)
def discard_plan(db: Database, plan_id: str, today: date | None = None) -> None:
    """Throw a draft plan away with its goals, steps and agreements."""
    today = today or date.today()
    with db.write() as s:
        p = _draft_plan(s, plan_id)
        _delete_goal_rows(s, [g.id for g in _goals(s, p.id)])
        _delete_each(s, [*_agreements(s, p.id), *s.scalars(select(PlanReview).where(PlanReview.plan_id == p.id))])
        add_event(s, p.person_id, "sentence_plan_discarded", today,
                  f"Sentence plan draft started {format_date(p.started_on)} discarded")
        s.delete(p)


def _completion_errors(s: Session, p: SentencePlan, today: date) -> list[FieldError]:
    goals = _goals(s, p.id)
    if not [g for g in goals if g.status != "removed"]:
        return [FieldError("Goals", "the plan has none: add at least one goal")]
    steps = _steps(s, [g.id for g in goals])
    reqs = {r.id: r for r in _requirements(s, p.person_id)}
    errors = []
    for n, g in enumerate(goals, start=1):
        for e in rules.goal_errors(_goal_model(g, steps[g.id], reqs), today, target_changed=False):
            errors.append(FieldError(f"Goal {n} {e.field.lower()}", e.message))
        for st in steps[g.id]:
            for e in rules.step_errors(_step_model(st)):
                errors.append(FieldError(f"Goal {n} step {e.field.lower()}", e.message))
    return errors


AGREEMENT_PREDATES_CHANGES = "agreement_predates_changes"


def _agreement_flags(s: Session, p: SentencePlan, model: rules.Plan) -> list[pw.Flag]:
    """An agreement recorded before the plan was changed. A "yes" is refused when the plan is no longer ready to agree
    (the person would stand as agreeing to a plan the agreement rule says cannot be agreed: a goal without a step, or no
    target date); a warning when it is still ready but its goals or steps changed since (the officer knows whether the
    change was talked through with the person: record their agreement again, or complete)."""
    recorded = _agreements(s, p.id)
    if not recorded:
        return []
    last = recorded[-1]
    ready, why = rules.ready_to_agree(model)
    if not ready and last.agreement == AGREED:
        raise ValidationError([FieldError("Agreement", f"was recorded on {format_date(last.on_date)}, but the plan "
                                                       f"has changed and cannot be agreed now: {w[0].lower()}{w[1:]}; "
                                                       "then record their agreement again") for w in why])
    goal_ids = [g.id for g in _goals(s, p.id)]
    stamps = [s.scalar(select(func.max(PlanGoal.updated_at)).where(PlanGoal.plan_id == p.id))]
    if goal_ids:
        stamps.append(s.scalar(select(func.max(PlanStep.updated_at)).where(PlanStep.goal_id.in_(goal_ids))))
    if any(x is not None and x > last.created_at for x in stamps):
        return [pw.Flag(AGREEMENT_PREDATES_CHANGES,
                        f"Agreement: the person's agreement of {format_date(last.on_date)} predates changes to the "
                        "goals or steps: record their agreement again, or complete if they agreed to the changes",
                        "Open The person's words and agreement and save their answer to the plan as it is now")]
    return []


@writes(Change.ASSESSMENT, Change.CASE)
def complete_plan(db: Database, plan_id: str, acknowledge_warnings: bool = False,
                  today: date | None = None) -> PlanCompletion:
    """Complete the plan: goal and step errors refuse, naming each, as does an agreement recorded before the plan
    changed so that it cannot be agreed now; the plan's flags (activity-only outcomes, risk of harm work not
    first, no involvement or words of the person, services or a learning plan missing, an agreement that
    predates changes to the goals or steps) come back as warnings unless acknowledged. Completing submits the
    plan for countersignature (or self-signs it when the Trust's rule needs none) in the same transaction."""
    today = today or date.today()
    with db.write() as s:
        p = _draft_plan(s, plan_id)
        require(_completion_errors(s, p, today))
        model = _plan_model(s, p)
        flags = _all_flags(s, p) + _agreement_flags(s, p, model)
        # Completing marks the plan completed for the rules, so the involvement flag applies now.
        done = rules.Plan(model.type, model.goals, model.own_words, model.involvement, model.agreement,
                          model.why_not_risk_first, model.learning_plan, True)
        flags = [f for f in flags if f.code not in {x.code for x in rules.involvement_flags(model)}] + \
            rules.involvement_flags(done)
        warnings = [f.message for f in flags]
        codes = tuple(f.code for f in flags)
        if warnings and not acknowledge_warnings:
            return PlanCompletion(False, warnings, codes=codes)
        name = _officer_name(s, db)  # before any field changes: its query flushes, and sealing is one change
        p.status = "complete"
        p.completed_on = today
        p.completed_by_name = name
        p.warnings_acknowledged = [f.code for f in flags]
        add_event(s, p.person_id, "sentence_plan_completed", today, "Sentence plan completed", p)
        from lpt_desktop.services.countersign import record_completion

        status = record_completion(s, db, "sentence_plan", p, today)
        return PlanCompletion(True, warnings, status, codes)


@writes(Change.ASSESSMENT)
def start_review(db: Database, plan_id: str, reason: str = "interval", today: date | None = None) -> str:
    """Start a review of a completed plan (reason: interval, or the significant change kind that prompted it).
    Refused while another review of the plan is open."""
    today = today or date.today()
    with db.write() as s:
        p = _plan(s, plan_id)
        if p.status != "complete":
            raise ValidationError([FieldError("Plan review", "the plan is still a draft: complete it first")])
        if s.scalar(select(PlanReview.id).where(PlanReview.plan_id == plan_id, PlanReview.status == "draft")):
            raise ValidationError([FieldError("Plan review", "a review of this plan is open: carry on with it")])
        r = PlanReview(plan_id=plan_id, person_id=p.person_id, status="draft", started_on=today,
                       reason=_checked_reason(reason or "interval"), ratings={}, changed=False,
                       before=_snapshot(s, plan_id, p.person_id))
        s.add(r)
        s.flush()
        return r.id


def _checked_reason(reason: str) -> str:
    from lpt_desktop.domain.case_codes import case_codes

    kind = case_codes().events.get(reason)
    if reason != "interval" and (kind is None or "plan_review" not in kind.reviews):
        raise ValidationError([FieldError("Reason for the review", f"'{reason}' is not the review interval or a "
                                                                   "significant change: choose from the list")])
    return reason


def review_reasons(db: Database, person_id: str, today: date | None = None) -> list[tuple[str, str]]:
    """What a review may be started for, (code, label), the one owed first: each significant change no plan review
    has followed yet, when the standards engine owes a review after it, and the review interval."""
    as_of = today or date.today()
    from lpt_desktop.domain.case_codes import case_codes
    from lpt_desktop.services.obligations import case_obligations
    from lpt_desktop.standards.obligations import SIGNIFICANT_SOURCE
    from lpt_desktop.store.case_record_models import CaseEvent

    owed = [o for o in case_obligations(db, person_id, as_of) if o.rule == "plan_review" and o.status != "met"]
    interval = [("interval", "Due at the review interval")]
    if not any(o.source == SIGNIFICANT_SOURCE for o in owed):
        return interval
    codes = case_codes().events
    with db.read() as s:
        done = [d for d in (*s.scalars(select(PlanReview.completed_on).where(PlanReview.person_id == person_id,
                                                                             PlanReview.status == "complete")),
                            *s.scalars(select(SentencePlan.completed_on).where(SentencePlan.person_id == person_id,
                                                                               SentencePlan.status == "complete")))
                if d is not None]
        since = max(done) if done else date.min
        kinds = list(dict.fromkeys(k for k, on in s.execute(
            select(CaseEvent.kind, CaseEvent.on_date).where(CaseEvent.person_id == person_id,
                                                            CaseEvent.on_date > since, CaseEvent.on_date <= as_of)
            .order_by(CaseEvent.on_date.desc(), CaseEvent.created_at.desc())).tuples()
            if k in codes and "plan_review" in codes[k].reviews))
    changes = [(k, _event_label(k)) for k in kinds]
    due_first = min(owed, key=lambda o: o.due_by).source == SIGNIFICANT_SOURCE
    return [*changes, *interval] if due_first else [*interval, *changes]


def _review(s: Session, review_id: str) -> PlanReview:
    r = s.get(PlanReview, review_id)
    if r is None:
        raise ValidationError([FieldError("Plan review", "is no longer on this case: open the plan again")])
    return r


def _draft_review(s: Session, review_id: str) -> PlanReview:
    r = _review(s, review_id)
    if r.status != "draft":
        raise ValidationError([FieldError("Plan review", f"was completed on {format_date(r.completed_on)}: start a "
                                                         "new review")])
    return r


@writes(Change.ASSESSMENT)
def save_review(db: Database, review_id: str, review: ReviewIn) -> None:
    """Save a review's ratings and notes as typed (checked when it is completed)."""
    with db.write() as s:
        r = _draft_review(s, review_id)
        ratings = {gid: dict(v) for gid, v in (r.ratings or {}).items()}
        for gid, rating in review.ratings.items():
            ratings.setdefault(gid, {})["rating"] = rating or None
        for gid, note in review.notes.items():
            ratings.setdefault(gid, {})["note"] = note or ""
        r.ratings = ratings
        if review.reason is not None and review.reason != r.reason:
            r.reason = _checked_reason(review.reason)
        if review.no_change_reason is not None:
            r.no_change_reason = review.no_change_reason.strip() or None
        if review.summary is not None:
            r.notes = review.summary.strip() or None


def _snapshot(s: Session, plan_id: str, person_id: str) -> list[dict[str, Any]]:
    """The plan's goals and steps as plain data, kept on a review when it begins."""
    goals = _goals(s, plan_id)
    steps = _steps(s, [g.id for g in goals])
    reqs = {r.id: r for r in _requirements(s, person_id)}
    out = []
    for g in goals:
        m = _goal_model(g, steps[g.id], reqs)
        out.append({"id": g.id, "title": m.title, "area": m.area, "outcome": m.outcome,
                    "related_areas": list(m.related_areas), "risk_of_harm": m.risk_of_harm,
                    "target_date": _iso(m.target_date), "status": m.status, "interventions": list(m.interventions),
                    "steps": [{"what": x.what, "who": x.who, "partner": x.partner, "named": x.named,
                               "by": _iso(x.by), "status": x.status} for x in m.steps]})
    return out


def _goals_of(snapshot: Sequence[Mapping[str, Any]]) -> tuple[rules.Goal, ...]:
    def day(v: Any) -> date | None:
        return date.fromisoformat(v) if isinstance(v, str) and v else None

    return tuple(rules.Goal(
        g["title"], g["area"], g["outcome"], tuple(g["related_areas"]), bool(g["risk_of_harm"]), day(g["target_date"]),
        g["status"], tuple(rules.Step(x["what"], x["who"], x["partner"], x["named"], day(x["by"]), x["status"])
                           for x in g["steps"]), tuple(g["interventions"]), g["id"]) for g in snapshot)


def _review_model(s: Session, r: PlanReview) -> rules.Review:
    """The review as the rules see it: the goals under review (those active or future when it began), their
    ratings by position, and whether the plan changed since it began."""
    before = _goals_of(r.before or [])
    under = tuple(g for g in before if g.status in ACTIVE_PLAN_STATUSES)
    ratings = {n: (r.ratings or {}).get(str(g.id), {}).get("rating") for n, g in enumerate(under)}
    changed = rules.plan_changed(before, _goals_of(_snapshot(s, r.plan_id, r.person_id)))
    return rules.Review(under, {n: v for n, v in ratings.items() if v}, changed, r.no_change_reason or "")


@writes(Change.ASSESSMENT, Change.CASE)
def complete_review(db: Database, review_id: str, today: date | None = None) -> None:
    """Complete a review: every goal under review rated met, partly met or not met; a review that changed nothing
    in the plan says why it stands. Meets the plan_review the standards engine owes."""
    today = today or date.today()
    with db.write() as s:
        r = _draft_review(s, review_id)
        model = _review_model(s, r)
        require(rules.review_errors(model))
        name = _officer_name(s, db)
        r.changed = model.changed
        r.status = "complete"
        r.completed_on = today
        r.completed_by_name = name
        add_event(s, r.person_id, "plan_review_completed", today,
                  "Sentence plan reviewed" + ("" if model.changed else " (no change)"), r)


@writes(Change.CONTACT)
def link_contact(db: Database, contact_id: str, goal_ids: Sequence[str], step_ids: Sequence[str] = ()) -> None:
    """Record the goals and steps a contact delivered (replacing its earlier links): each then shows the contact
    as its evidence. They must be the contact's case's."""
    with db.write() as s:
        contact = s.get(Contact, contact_id)
        if contact is None:
            raise ValidationError([FieldError("Contact", "is no longer on this case: open the case again")])
        for gid in goal_ids:
            g = s.get(PlanGoal, gid)
            if g is None or g.person_id != contact.person_id:
                raise ValidationError([FieldError("Plan goals", "one is not a goal of this case's plan: choose again")])
        for sid in step_ids:
            st = s.get(PlanStep, sid)
            if st is None or st.person_id != contact.person_id:
                raise ValidationError([FieldError("Plan steps", "one is not a step of this case's plan: choose again")])
        _relink(s, ContactPlanLink, ContactPlanLink.objective_id, "objective_id", contact_id, set(goal_ids))
        _relink(s, ContactStepLink, ContactStepLink.step_id, "step_id", contact_id, set(step_ids))


def _relink(s: Session, model: Any, column: Any, name: str, contact_id: str, wanted: set[str]) -> None:
    existing = set(s.scalars(select(column).where(model.contact_id == contact_id)))
    if existing - wanted:  # row by row: each delete reaches the sync outbox
        _delete_each(s, list(s.scalars(select(model).where(model.contact_id == contact_id,
                                                           column.in_(sorted(existing - wanted))))))
    for x in sorted(wanted - existing):
        s.add(model(contact_id=contact_id, **{name: x}))


# -- reads ------------------------------------------------------------------------------------------
def _evidence(s: Session, model: Any, column: Any, ids: Sequence[str]) -> dict[str, list[Evidence]]:
    """The contacts that delivered each goal or step: current versions only (an amended contact's amendment
    carries its links)."""
    out: dict[str, list[Evidence]] = {}
    if not ids:
        return out
    newer = aliased(Contact)
    kinds = contact_codes().kinds
    rows = s.execute(select(column, Contact.id, Contact.starts_at, Contact.type_code, Contact.notes,
                            Contact.restricted)
                     .join(Contact, Contact.id == model.contact_id)
                     .where(column.in_(list(ids)), ~exists().where(newer.amends_id == Contact.id))
                     .order_by(Contact.starts_at)).all()
    for key, cid, at, code, notes, restricted in rows:
        first = "" if restricted else ((notes or "").strip().splitlines() or [""])[0]
        kind = kinds.get(code)
        out.setdefault(key, []).append(Evidence(cid, at, kind.label if kind else code, first[:120]))
    return out


def _carried_evidence(s: Session, goals: Sequence[PlanGoal], steps: Mapping[str, Sequence[PlanStep]]
                      ) -> tuple[dict[str, list[Evidence]], dict[str, list[Evidence]]]:
    """Each goal's and step's evidence, with that of the goals it was carried from in earlier versions of the plan
    (a goal copied into a new version keeps what was delivered towards it; a copied step is its earlier goal's
    step with the same words, as start_plan copies them)."""
    ancestors: dict[str, list[str]] = {}
    for g in goals:
        chain, seen, at = [], {g.id}, g.carried_from
        while at and at not in seen:
            seen.add(at)
            chain.append(at)
            at = s.scalar(select(PlanGoal.carried_from).where(PlanGoal.id == at))
        ancestors[g.id] = chain
    old_ids = sorted({a for chain in ancestors.values() for a in chain})
    old_steps = _steps(s, old_ids) if old_ids else {}
    step_sources: dict[str, list[str]] = {}
    for g in goals:
        for st in steps.get(g.id, ()):
            step_sources[st.id] = [st.id, *(x.id for a in ancestors[g.id] for x in old_steps.get(a, ())
                                            if (x.what or "").strip() == (st.what or "").strip())]
    goal_found = _evidence(s, ContactPlanLink, ContactPlanLink.objective_id,
                           [*(g.id for g in goals), *old_ids])
    step_found = _evidence(s, ContactStepLink, ContactStepLink.step_id,
                           sorted({x for ids in step_sources.values() for x in ids}))

    def merged(found: dict[str, list[Evidence]], ids: Sequence[str]) -> list[Evidence]:
        out = {e.contact_id: e for i in ids for e in found.get(i, ())}
        return sorted(out.values(), key=lambda e: e.on)

    return ({g.id: merged(goal_found, [g.id, *ancestors[g.id]]) for g in goals},
            {sid: merged(step_found, ids) for sid, ids in step_sources.items()})


def _agreement_view(a: PlanAgreement) -> AgreementView:
    return AgreementView(a.id, a.agreement, rules.plan_data().agreement_answers.get(a.agreement, a.agreement),
                         a.reason or "", a.persons_words or "", a.on_date, a.by_name or "", a.updated)


def _review_view(s: Session, r: PlanReview) -> ReviewView:
    stored = r.ratings or {}
    errors: tuple[FieldError, ...] = ()
    changed = r.changed
    if r.status == "draft":
        model = _review_model(s, r)
        errors = tuple(rules.review_errors(model))
        changed = model.changed
    reason = "Due at the review interval" if (r.reason or "interval") == "interval" else _event_label(r.reason or "")
    return ReviewView(r.id, r.plan_id, r.status, r.started_on, r.completed_on, r.completed_by_name or "",
                      r.reason or "interval", reason,
                      {g: v.get("rating") for g, v in stored.items() if v.get("rating")},
                      {g: v.get("note") for g, v in stored.items() if v.get("note")},
                      changed, r.no_change_reason or "", r.notes or "", errors,
                      tuple(str(g["id"]) for g in (r.before or []) if g.get("status") in ACTIVE_PLAN_STATUSES))


def _event_label(code: str) -> str:
    from lpt_desktop.domain.case_codes import case_codes

    kind = case_codes().events.get(code)
    return f"After a significant change: {kind.label.lower()}" if kind else code


def _interventions(s: Session, person_id: str, goals: Sequence[PlanGoal]) -> list[InterventionView]:
    placed = {rid: g.id for g in goals for rid in (g.requirement_ids or [])}
    out = []
    for r in _requirements(s, person_id):
        i = _intervention_of(r)
        if i is not None:
            out.append(InterventionView(r.id, i.code, i.label, placed.get(r.id)))
    return out


def _review_due(db: Database, person_id: str, status: str, as_of: date) -> tuple[date | None, str]:
    """The soonest plan review the standards engine owes and has not seen met, in its words (outside any open
    session: the engine reads the case itself)."""
    if status != "complete":
        return None, "Not due until the plan is completed"
    from lpt_desktop.services.obligations import case_obligations

    owed = [o for o in case_obligations(db, person_id, as_of) if o.rule == "plan_review" and o.status != "met"]
    if not owed:
        return None, "No plan review is owed now"
    o = min(owed, key=lambda x: x.due_by)
    late = " (overdue)" if o.status == "overdue" else ""
    return o.due_by, f"Due {format_date(o.due_by)}{late}: {o.description}"


def _with_due(db: Database, view: PlanView | None, as_of: date) -> PlanView | None:
    if view is None:
        return None
    due, text = _review_due(db, view.person_id, view.status, as_of)
    return replace(view, review_due=due, review_due_text=text)


def _view(s: Session, p: SentencePlan, as_of: date) -> PlanView:
    d = rules.plan_data()
    areas = {x.key: x.label for x in needs_data().sections}
    goals = _goals(s, p.id)
    steps = _steps(s, [g.id for g in goals])
    reqs = {r.id: r for r in _requirements(s, p.person_id)}
    interventions = _interventions(s, p.person_id, goals)
    person = s.get(Person, p.person_id)
    name = (person.preferred_name or person.first_name) if person else None
    goal_evidence, step_evidence = _carried_evidence(s, goals, steps)
    history: dict[str, list[GoalStatusChange]] = {}
    if goals:
        for h in s.scalars(select(PlanGoalStatus).where(PlanGoalStatus.goal_id.in_([g.id for g in goals]))
                           .order_by(PlanGoalStatus.on_date, PlanGoalStatus.created_at)):
            history.setdefault(h.goal_id, []).append(GoalStatusChange(h.status, d.goal_statuses.get(h.status, h.status),
                                                                      h.note or "", h.on_date, h.by_name or ""))
    views = []
    for n, g in enumerate(goals, start=1):
        model = _goal_model(g, steps[g.id], reqs)
        step_views = tuple(
            StepView(st.id, g.id, st.what, st.who, st.partner, st.who_name or "", rules.who_words(_step_model(st)),
                     st.by_when, st.status, d.step_statuses.get(st.status, st.status), st.position,
                     tuple(rules.step_errors(_step_model(st))), tuple(step_evidence.get(st.id, ())),
                     st.by_when is not None and st.by_when < as_of and st.status in OPEN_STEPS)
            for st in steps[g.id])
        flags = tuple(pw.outcome_flags(g.outcome, name, g.area)) if g.status in ACTIVE_PLAN_STATUSES else ()
        views.append(GoalView(
            g.id, p.id, n, g.title, g.area, areas.get(g.area or "", g.area or ""), tuple(g.related_areas or ()),
            g.outcome or "", g.target_choice or "none", g.target_date, g.status,
            d.goal_statuses.get(g.status, g.status), g.position, tuple(g.need_links or ()), g.rosh_link,
            g.learning_plan,            tuple(i for i in interventions if i.goal_id == g.id), flags,
            tuple(rules.goal_errors(model, as_of, target_changed=False)), step_views, tuple(history.get(g.id, ())),
            tuple(goal_evidence.get(g.id, ()))))
    agreements = [_agreement_view(a) for a in _agreements(s, p.id)]
    ready, why = rules.ready_to_agree(_plan_model(s, p))
    from lpt_desktop.services.countersign import chain_status

    signing = chain_status(s, "sentence_plan", p.id)
    from lpt_desktop.assessment import countersign as cs

    reviews = sorted(s.scalars(select(PlanReview).where(PlanReview.plan_id == p.id)),
                     key=lambda r: (r.started_on, r.created_at), reverse=True)
    full_name = f"{person.first_name} {person.last_name}" if person else ""
    return PlanView(
        p.id, p.person_id, full_name, p.plan_type, d.plan_types.get(p.plan_type, p.plan_type), p.status, p.started_on,
        p.completed_on, p.completed_by_name or "", p.persons_words or "", p.involvement or "", p.sequence_reason or "",
        p.needs_assessment_id, tuple(views), agreements[-1] if agreements else None, tuple(agreements), ready,
        tuple(why), tuple(_all_flags(s, p)), tuple(interventions), signing, cs.status_label(signing),
        tuple(_review_view(s, r) for r in reviews), None, "", _learning_plan_needed(s, p))


def _learning_plan_needed(s: Session, p: SentencePlan) -> str:
    """Why a learning plan must be part of this plan (the needs assessment's Skills for Life screening found a need),
    or "" when none is required: removing the learning plan's goal is warned of with it."""
    needs = _needs_of(s, p)
    if needs is None:
        return ""
    required, why = learning_plan_required(model_of(needs).skills)
    return why if required else ""


def plan_view(db: Database, plan_id: str, today: date | None = None) -> PlanView:
    as_of = today or date.today()
    with db.read() as s:
        view = _view(s, _plan(s, plan_id), as_of)
    found = _with_due(db, view, as_of)
    assert found is not None
    return found


def _current(s: Session, person_id: str) -> SentencePlan | None:
    plans = list(s.scalars(select(SentencePlan).where(SentencePlan.person_id == person_id)))
    if not plans:
        return None
    return max(plans, key=lambda p: (p.status == "draft", p.completed_on or p.started_on, p.created_at))


def current_plan(db: Database, person_id: str, today: date | None = None) -> PlanView | None:
    """The draft plan if one is open, else the latest completed plan; None when the case has none."""
    as_of = today or date.today()
    with db.read() as s:
        p = _current(s, person_id)
        view = _view(s, p, as_of) if p is not None else None
    return _with_due(db, view, as_of)


def plan_in_force(db: Database, person_id: str, today: date | None = None) -> PlanView | None:
    """The latest completed plan (what the person agreed and the PDF prints), else the draft."""
    as_of = today or date.today()
    with db.read() as s:
        plans = list(s.scalars(select(SentencePlan).where(SentencePlan.person_id == person_id)))
        if not plans:
            return None
        p = max(plans, key=lambda x: (x.status == "complete", x.completed_on or x.started_on, x.created_at))
        view = _view(s, p, as_of)
    return _with_due(db, view, as_of)


def plan_history(db: Database, person_id: str) -> list[PlanItem]:
    """Every version of the case's plan, newest first."""
    d = rules.plan_data()
    with db.read() as s:
        plans = sorted(s.scalars(select(SentencePlan).where(SentencePlan.person_id == person_id)),
                       key=lambda p: (p.started_on, p.created_at), reverse=True)
        counts: dict[str, int] = {pid: int(n) for pid, n in s.execute(
            select(PlanGoal.plan_id, func.count()).where(PlanGoal.person_id == person_id)
            .group_by(PlanGoal.plan_id)).all()}
        return [PlanItem(p.id, p.plan_type, d.plan_types.get(p.plan_type, p.plan_type), p.status, p.started_on,
                         p.completed_on, int(counts.get(p.id, 0))) for p in plans]


def open_items(db: Database, person_id: str) -> list[PlanLinkChoice]:
    """The goals (active or future) and their steps not finished, of the plan in force: what the contact entry
    offers to link a contact to. While a new version is being drafted, its goals carried from the plan in force
    are not offered twice (the evidence follows the goal into the new version); its new goals are offered,
    labelled as the draft's."""
    with db.read() as s:
        plans = list(s.scalars(select(SentencePlan).where(SentencePlan.person_id == person_id)))
        complete = [p for p in plans if p.status == "complete"]
        drafts = [p for p in plans if p.status == "draft"]
        chosen: list[tuple[SentencePlan, str]] = []
        if complete:
            chosen.append((max(complete, key=lambda p: (p.completed_on or p.started_on, p.created_at)), ""))
        chosen += [(p, " (draft plan)" if complete else "") for p in drafts]
        out = []
        for p, label in chosen:
            goals = [g for g in _goals(s, p.id) if g.status in ACTIVE_PLAN_STATUSES]
            steps = _steps(s, [g.id for g in goals])
            for n, g in enumerate(goals, start=1):
                if label and g.carried_from:
                    continue  # offered as the plan in force's goal
                out.append(PlanLinkChoice("goal", g.id, g.id, f"Goal {n}{label}: {g.title}"))
                for st in steps[g.id]:
                    if st.status not in FINISHED_STEPS:
                        out.append(PlanLinkChoice("step", st.id, g.id, f"Step: {st.what}"))
        return out


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def plan_json(view: PlanView | None) -> dict[str, Any]:
    """The plan as `lpt plan show --json` prints it (README: "lpt plan show"); None: the case has no plan."""
    if view is None:
        return {"id": None, "type": None, "status": "none", "started_on": None, "completed_on": None,
                "signing_status": None, "agreement": {"answer": None, "reason": None, "on": None, "updated": False,
                                                      "persons_words": None},
                "ready_to_agree": False, "review_due": None, "flags": [], "goals": []}
    ag = view.agreement
    return {
        "id": view.id, "type": view.plan_type, "status": view.status, "started_on": _iso(view.started_on),
        "completed_on": _iso(view.completed_on), "signing_status": view.signing_status,
        "agreement": {"answer": ag.agreement if ag else None, "reason": (ag.reason or None) if ag else None,
                      "on": _iso(ag.on_date) if ag else None, "updated": ag.updated if ag else False,
                      "persons_words": (ag.persons_words if ag and ag.persons_words else view.persons_words) or None},
        "ready_to_agree": view.ready_to_agree,
        "review_due": _iso(view.review_due),
        "flags": [f.code for f in view.flags],
        "goals": [{
            "title": g.title, "area": g.area, "outcome": g.outcome or None, "target_date": _iso(g.target_date),
            "status": g.status, "flags": [f.code for f in g.flags],
            "interventions": [i.code for i in g.interventions],
            "steps": [{"what": st.what, "who": st.who_words or st.who, "by": _iso(st.by_when), "status": st.status}
                      for st in g.steps]} for g in view.goals],
    }
