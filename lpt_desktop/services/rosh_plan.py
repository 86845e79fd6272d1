"""Risk management plans (issue 18): start one from a completed RoSH assessment, its actions (who, what, by
when) section by section, who it was shared with, completing it, and the contacts that deliver its actions.

The rules are the assessment room's (assessment/risk_plan.py: when a plan is required, what stops completion,
which actions have no evidence); this module stores and reads.

Writes:
  start_plan(db, person_id, today=None) -> plan id        from the latest completed assessment
  add_action(db, plan_id, ActionIn, today=None) -> action id
  update_action(db, action_id, ActionIn, today=None)
  remove_action(db, action_id, today=None)
  move_action(db, action_id, position, today=None)         0-based within its section
  mark_action_done(db, action_id, done_on, today=None)     (None: not done after all)
  record_sharing(db, plan_id, agency, on, detail="", today=None)
  complete_plan(db, plan_id, acknowledge_warnings=False, today=None) -> PlanCompletion
  link_contact_to_actions(db, contact_id, action_ids)      the contact entry, for the actions it delivered
Reads:
  current_plan(db, person_id) -> PlanView | None
  plan_view(db, plan_id) -> PlanView
  open_actions(db, person_id) -> list[ActionView]          what the contact entry offers
  plan_required(level) -> bool
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session, aliased

from lpt_desktop.assessment import risk_plan as rp
from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.validation import FieldError, ValidationError, require
from lpt_desktop.services.case_events import add_event
from lpt_desktop.services.changes import Change, writes
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Contact, ContactRmpLink, Meta, Officer, Person
from lpt_desktop.store.rosh_models import RiskPlan, RiskPlanAction, RiskPlanSharing, RoshAssessment


@dataclass(frozen=True)
class ActionIn:
    section: str  # a plan section code (key_information, supervision, ...)
    who: str = ""  # a role or an agency
    what: str = ""
    by_when: date | None = None


@dataclass(frozen=True)
class Evidence:
    contact_id: str
    on: date
    type_code: str
    summary: str  # the note's first line, shortened


@dataclass(frozen=True)
class ActionView:
    id: str
    plan_id: str
    section: str
    section_label: str
    number: int  # 1-based within its section
    who: str
    what: str
    by_when: date | None
    done_on: date | None
    missing: tuple[str, ...]  # of "who", "what", "by when"
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class PlanView:
    id: str
    person_id: str
    assessment_id: str | None
    status: str  # draft | complete
    started_on: date
    completed_on: date | None
    completed_by: str | None
    shared: list[dict[str, Any]]  # [{with, detail, on}] (on as yyyy-mm-dd)
    countersign_status: str
    actions: list[ActionView]  # in section order, then position

    @property
    def without_evidence(self) -> list[ActionView]:
        return [a for a in self.actions if not a.evidence]


@dataclass(frozen=True)
class PlanCompletion:
    completed: bool
    warnings: list[str]


def plan_required(level: str | None) -> bool:
    """Whether the level requires a plan (the data's threshold: medium and above as shipped)."""
    return rp.plan_required(level)


def _plan(s: Session, plan_id: str) -> RiskPlan:
    p = s.get(RiskPlan, plan_id)
    if p is None:
        raise ValidationError([FieldError("Risk management plan", "is no longer on this case: open the case again")])
    return p


def _draft_plan(s: Session, plan_id: str) -> RiskPlan:
    p = _plan(s, plan_id)
    if p.status != "draft":
        raise ValidationError([FieldError("Risk management plan", f"was completed on {format_date(p.completed_on)}"
                                                                  ": start a new plan to change its actions")])
    return p


def _action(s: Session, action_id: str) -> RiskPlanAction:
    a = s.get(RiskPlanAction, action_id)
    if a is None:
        raise ValidationError([FieldError("Action", "is no longer in the plan: open the plan again")])
    return a


def _section_errors(section: str) -> list[FieldError]:
    if rp.plan_data().section(section) is None:
        return [FieldError("Plan section", f"'{section}' is not a section of the plan: choose one of "
                                           f"{', '.join(s.label for s in rp.plan_data().sections)}")]
    return []


def _actions(s: Session, plan_id: str) -> list[RiskPlanAction]:
    return list(s.scalars(select(RiskPlanAction).where(RiskPlanAction.plan_id == plan_id)))


def _as_plan(actions: Sequence[RiskPlanAction], shared: Sequence[dict[str, Any]]) -> rp.RiskPlan:
    sections: dict[str, list[rp.Action]] = {}
    for a in sorted(actions, key=lambda x: (x.position, x.created_at)):
        sections.setdefault(a.section, []).append(rp.Action(a.who or "", a.what or "", a.by_when, a.id, a.done_on))
    sharing = [rp.Sharing(x.get("with", ""), date.fromisoformat(x["on"]) if x.get("on") else None,
                          x.get("detail") or "") for x in shared]
    return rp.RiskPlan(sections, sharing)


def _label(section: str) -> str:
    sec = rp.plan_data().section(section)
    return sec.label if sec else section


@writes(Change.ASSESSMENT, Change.CASE)
def start_plan(db: Database, person_id: str, today: date | None = None, copy_open_actions: bool = False) -> str:
    """Start a risk management plan from the case's latest completed RoSH assessment (refused while another
    plan is a draft, or before any assessment is completed). With copy_open_actions, the previous plan's actions
    not yet done come across with who and what, but no by-when: each needs a timescale set again, so none is
    pulled through out of date."""
    today = today or date.today()
    with db.write() as s:
        if s.get(Person, person_id) is None:
            raise ValidationError([FieldError("Case", "is not on this caseload: open the case again")])
        if s.scalar(select(RiskPlan.id).where(RiskPlan.person_id == person_id, RiskPlan.status == "draft")):
            raise ValidationError([FieldError("Risk management plan", "a draft is open: carry on with it")])
        assessment = s.scalar(select(RoshAssessment).where(RoshAssessment.person_id == person_id,
                                                           RoshAssessment.status == "complete")
                              .order_by(RoshAssessment.completed_on.desc(), RoshAssessment.created_at.desc()))
        if assessment is None:
            raise ValidationError([FieldError("Risk management plan", "needs a completed RoSH assessment: "
                                                                      "complete the screening and summary first")])
        previous = s.scalar(select(RiskPlan).where(RiskPlan.person_id == person_id, RiskPlan.status == "complete")
                            .order_by(RiskPlan.started_on.desc(), RiskPlan.created_at.desc()).limit(1))
        plan = RiskPlan(person_id=person_id, assessment_id=assessment.id, status="draft", started_on=today,
                        shared=[], countersign_status="unsigned")
        s.add(plan)
        if copy_open_actions and previous is not None:
            s.flush()
            for a in sorted(_actions(s, previous.id), key=lambda x: (x.section, x.position)):
                if a.done_on is None:
                    s.add(RiskPlanAction(plan_id=plan.id, person_id=person_id, section=a.section, who=a.who,
                                         what=a.what, by_when=None, position=a.position))
        add_event(s, person_id, "risk_plan_started", today,
                  f"Risk management plan started (RoSH {assessment.kind} of {format_date(assessment.completed_on)})",
                  plan)
        return plan.id


@writes(Change.ASSESSMENT, Change.CASE)
def add_action(db: Database, plan_id: str, action: ActionIn, today: date | None = None) -> str:
    """Add an action at the end of its section. Who, what or by when may be filled in later; the plan cannot be
    completed until every action has all three."""
    require(_section_errors(action.section))
    with db.write() as s:
        plan = _draft_plan(s, plan_id)
        last = [a.position for a in _actions(s, plan_id) if a.section == action.section]
        row = RiskPlanAction(plan_id=plan_id, person_id=plan.person_id, section=action.section,
                             who=action.who.strip() or None, what=action.what.strip() or None,
                             by_when=action.by_when, position=(max(last) + 1) if last else 0)
        s.add(row)
        add_event(s, plan.person_id, "risk_plan_changed", today or date.today(),
                  f"Risk management plan: action added to {_label(action.section).lower()}", row)
        return row.id


@writes(Change.ASSESSMENT, Change.CASE)
def update_action(db: Database, action_id: str, action: ActionIn, today: date | None = None) -> None:
    """Change an action's section, who, what and by when (as given: empty clears)."""
    require(_section_errors(action.section))
    with db.write() as s:
        row = _action(s, action_id)
        plan = _draft_plan(s, row.plan_id)
        if row.section != action.section:
            last = [a.position for a in _actions(s, plan.id) if a.section == action.section]
            row.position = (max(last) + 1) if last else 0
        row.section = action.section
        row.who, row.what, row.by_when = action.who.strip() or None, action.what.strip() or None, action.by_when
        add_event(s, plan.person_id, "risk_plan_changed", today or date.today(),
                  f"Risk management plan: action in {_label(action.section).lower()} changed", row)


@writes(Change.ASSESSMENT, Change.CASE, Change.CONTACT)
def remove_action(db: Database, action_id: str, today: date | None = None) -> None:
    """Remove an action from a draft plan (with its links to contacts)."""
    with db.write() as s:
        row = _action(s, action_id)
        plan = _draft_plan(s, row.plan_id)
        s.execute(delete(ContactRmpLink).where(ContactRmpLink.action_id == action_id))
        add_event(s, plan.person_id, "risk_plan_changed", today or date.today(),
                  f"Risk management plan: action removed from {_label(row.section).lower()}")
        s.delete(row)


@writes(Change.ASSESSMENT, Change.CASE)
def move_action(db: Database, action_id: str, position: int, today: date | None = None) -> None:
    """Move an action to `position` (0-based) within its section; the others close up around it."""
    with db.write() as s:
        row = _action(s, action_id)
        plan = _draft_plan(s, row.plan_id)
        siblings = sorted((a for a in _actions(s, plan.id) if a.section == row.section and a.id != row.id),
                          key=lambda a: (a.position, a.created_at))
        siblings.insert(max(0, min(position, len(siblings))), row)
        for n, a in enumerate(siblings):
            if a.position != n:
                a.position = n
        add_event(s, plan.person_id, "risk_plan_changed", today or date.today(),
                  f"Risk management plan: actions in {_label(row.section).lower()} reordered")


@writes(Change.ASSESSMENT, Change.CASE)
def mark_action_done(db: Database, action_id: str, done_on: date | None, today: date | None = None) -> None:
    """Record an action delivered on a day (None: not delivered after all); a completed plan's too."""
    today = today or date.today()
    if done_on is not None and done_on > today:
        raise ValidationError([FieldError("Done on", f"{format_date(done_on)} is in the future: record it once "
                                                     "it is done")])
    with db.write() as s:
        row = _action(s, action_id)
        row.done_on = done_on
        what = f"done on {format_date(done_on)}" if done_on else "not done after all"
        add_event(s, row.person_id, "risk_plan_changed", today,
                  f"Risk management plan: action in {_label(row.section).lower()} {what}", row)


@writes(Change.ASSESSMENT, Change.CASE)
def record_sharing(db: Database, plan_id: str, agency: str, on: date | None, detail: str = "",
                   today: date | None = None) -> None:
    """Record that the plan was shared with an agency (police, children's services, MAPPA, approved premises,
    other with who) on a day; a completed plan's too."""
    today = today or date.today()
    errors = rp.sharing_errors([rp.Sharing(agency, on, detail)])
    if on is not None and on > today:
        errors.append(FieldError("Shared on", f"{format_date(on)} is in the future: record it once it is shared"))
    require(errors)
    assert on is not None
    with db.write() as s:
        plan = _plan(s, plan_id)
        # A row of its own: the plan itself is sealed once complete, and rows from two laptops never clash.
        s.add(RiskPlanSharing(plan_id=plan.id, person_id=plan.person_id, agency=agency, detail=detail.strip(),
                              on_date=on))
        found = rp.plan_data().agency(agency)
        name = detail.strip() if found and found.needs_detail else (found.label if found else agency)
        add_event(s, plan.person_id, "risk_plan_shared", today,
                  f"Risk management plan shared with {name} on {format_date(on)}", plan)


@writes(Change.ASSESSMENT, Change.CASE)
def complete_plan(db: Database, plan_id: str, acknowledge_warnings: bool = False,
                  today: date | None = None) -> PlanCompletion:
    """Complete the plan: refused while any action lacks who, what or by when (ValidationError naming each);
    a plan not yet shared with anyone is a warning, returned unless acknowledged."""
    today = today or date.today()
    with db.write() as s:
        plan = _draft_plan(s, plan_id)
        model = _as_plan(_actions(s, plan_id), _shared(s, plan))
        require(rp.completion_errors(model))
        warnings = rp.section_warnings(model, _plan_level(s, plan)) + rp.sharing_warnings(model)
        if warnings and not acknowledge_warnings:
            return PlanCompletion(False, warnings)
        name = _officer_name(s, db)  # before any field changes: its query flushes, and sealing is one change
        plan.status = "complete"
        plan.completed_on = today
        plan.completed_by_name = name
        add_event(s, plan.person_id, "risk_plan_completed", today, "Risk management plan completed", plan)
        # Issue 19: submitted for countersignature, or self-signed when the Trust's rule needs none.
        from lpt_desktop.services.countersign import record_completion

        record_completion(s, db, "risk_plan", plan, today)
        return PlanCompletion(True, warnings)


def _officer_name(s: Session, db: Database) -> str:
    oid = db.officer_id or s.scalar(select(Meta.value).where(Meta.key == "officer_id"))
    officer = s.get(Officer, oid) if oid else None
    return officer.name if officer else db.actor


@writes(Change.CONTACT)
def link_contact_to_actions(db: Database, contact_id: str, action_ids: Sequence[str]) -> None:
    """Record that a contact delivered these plan actions (replacing its earlier links): the plan then shows the
    contact as each action's evidence. Actions must be the contact's case's."""
    with db.write() as s:
        contact = s.get(Contact, contact_id)
        if contact is None:
            raise ValidationError([FieldError("Contact", "is no longer on this case: open the case again")])
        errors = []
        for aid in dict.fromkeys(action_ids):
            a = s.get(RiskPlanAction, aid)
            if a is None or a.person_id != contact.person_id:
                errors.append(FieldError("Risk plan actions", "one is not an action of this case's plan: choose "
                                                              "again from the open actions"))
                break
        require(errors)
        existing = set(s.scalars(select(ContactRmpLink.action_id).where(ContactRmpLink.contact_id == contact_id)))
        wanted = set(action_ids)
        if existing - wanted:
            s.execute(delete(ContactRmpLink).where(ContactRmpLink.contact_id == contact_id,
                                                   ContactRmpLink.action_id.in_(sorted(existing - wanted))))
        for aid in sorted(wanted - existing):
            s.add(ContactRmpLink(contact_id=contact_id, action_id=aid))


# -- reads ------------------------------------------------------------------------------------------
def _evidence(s: Session, action_ids: Sequence[str]) -> dict[str, list[Evidence]]:
    """The contacts that delivered each action: current versions only, as the contact log shows them (a contact
    amended is superseded by its amendment, which carries the links; counting both would count it twice)."""
    out: dict[str, list[Evidence]] = {}
    if not action_ids:
        return out
    newer = aliased(Contact)
    rows = s.execute(select(ContactRmpLink.action_id, Contact.id, Contact.starts_at, Contact.type_code, Contact.notes)
                     .join(Contact, Contact.id == ContactRmpLink.contact_id)
                     .where(ContactRmpLink.action_id.in_(list(action_ids)),
                            ~exists().where(newer.amends_id == Contact.id))
                     .order_by(Contact.starts_at)).all()
    for aid, cid, at, code, notes in rows:
        first = (notes or "").strip().splitlines()[0] if (notes or "").strip() else ""
        out.setdefault(aid, []).append(Evidence(cid, at.date(), code, first[:120]))
    return out


def _plan_view(s: Session, plan: RiskPlan) -> PlanView:
    rows = _actions(s, plan.id)
    evidence = _evidence(s, [a.id for a in rows])
    model = _as_plan(rows, [])
    by_id = {a.id: a for a in rows}
    gaps = {(g.section, g.number): g.missing for g in rp.incomplete_actions(model)}
    actions = []
    for section, number, act in rp.all_actions(model):
        assert isinstance(act.id, str)
        row = by_id[act.id]
        actions.append(ActionView(row.id, plan.id, section, _label(section), number, act.who, act.what, act.by_when,
                                  row.done_on, gaps.get((section, number), ()), tuple(evidence.get(row.id, ()))))
    return PlanView(plan.id, plan.person_id, plan.assessment_id, plan.status, plan.started_on, plan.completed_on,
                    plan.completed_by_name, _shared(s, plan), _signing(s, plan), actions)


def _plan_level(s: Session, plan: RiskPlan) -> str | None:
    """The RoSH level the plan answers: its assessment's, or the case's when it has none."""
    a = s.get(RoshAssessment, plan.assessment_id) if plan.assessment_id else None
    if a is not None and a.overall_level:
        return a.overall_level
    person = s.get(Person, plan.person_id)
    return person.rosh if person is not None else None


def _shared(s: Session, plan: RiskPlan) -> list[dict[str, Any]]:
    """Who the plan was shared with ({with, detail, on}, oldest first): its sharing rows, after any kept in the
    plan's old list (records made before sharing had rows of its own)."""
    rows = s.scalars(select(RiskPlanSharing).where(RiskPlanSharing.plan_id == plan.id)
                     .order_by(RiskPlanSharing.on_date, RiskPlanSharing.created_at, RiskPlanSharing.id)).all()
    ids = {r.id for r in rows}
    # Migration 0016 copied the old list into rows with these ids: an entry so copied is read once, as its row.
    legacy = [x for n, x in enumerate(plan.shared or []) if legacy_sharing_id(plan.id, n) not in ids]
    return [*legacy, *({"with": r.agency, "detail": r.detail or "", "on": r.on_date.isoformat()} for r in rows)]


def legacy_sharing_id(plan_id: str, n: int) -> str:
    """The id migration 0016 gave the n-th entry of a plan's old sharing list (the same on every laptop)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"risk_plan_sharing/{plan_id}/{n}"))


def _signing(s: Session, plan: RiskPlan) -> str:
    """The plan's countersignature status from its chain (issue 19: the chain is the truth)."""
    from lpt_desktop.services.countersign import chain_status

    return chain_status(s, "risk_plan", plan.id)


def plan_view(db: Database, plan_id: str) -> PlanView:
    with db.read() as s:
        return _plan_view(s, _plan(s, plan_id))


def current_plan(db: Database, person_id: str) -> PlanView | None:
    """The draft plan if one is open, else the latest completed plan; None when the case has none."""
    with db.read() as s:
        plans = s.scalars(select(RiskPlan).where(RiskPlan.person_id == person_id)).all()
        if not plans:
            return None
        plan = max(plans, key=lambda p: (p.status == "draft", p.started_on, p.created_at))
        return _plan_view(s, plan)


def open_actions(db: Database, person_id: str) -> list[ActionView]:
    """Actions not yet done of the plan in force (the latest completed) and of a draft being written: what the
    contact entry offers to link a contact to."""
    with db.read() as s:
        plans = s.scalars(select(RiskPlan).where(RiskPlan.person_id == person_id)).all()
        complete = [p for p in plans if p.status == "complete"]
        chosen = [p for p in plans if p.status == "draft"]
        if complete:
            chosen.insert(0, max(complete, key=lambda p: (p.started_on, p.created_at)))
        return [a for p in chosen for a in _plan_view(s, p).actions if a.done_on is None]
