"""Recording contacts, amending them, enforcement decisions, unpaid work, drafts and note search.

Every function that writes is one transaction with its audit rows (store/audit.py). A saved
contact is never edited: amend_contact adds a corrected row that points at the original.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.orm import Session, aliased

from lpt_desktop.domain.contacts import (
    NO_OUTCOME,
    ContactInput,
    SameDayContact,
    UsedLocation,
    check_contact,
    contact_codes,
    contact_warnings,
    default_location,
    need_code,
)
from lpt_desktop.domain.dates import add_months
from lpt_desktop.domain.enforcement import (
    OpenItem,
    Requirement,
    check_action,
    failure_number,
    judged_outcome,
    open_items,
    policy,
    required,
    warned_within_window,
)
from lpt_desktop.domain.validation import FieldError, ValidationError, require
from lpt_desktop.domain.workdays import WorkingDays
from lpt_desktop.services.appointments import working_calendar
from lpt_desktop.services.changes import Change, writes
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import (
    Contact,
    ContactDraft,
    ContactPlanLink,
    ContactRmpLink,
    Enforcement,
    NoteTemplate,
    Person,
    Sentence,
)
from lpt_desktop.store.models import (
    Requirement as RequirementRow,
)
from lpt_desktop.store.plan_models import ContactStepLink, PlanGoal, PlanStep
from lpt_desktop.store.rosh_models import RiskPlanAction

RESTRICTED_NOTE = "Restricted: victim liaison contact. Only the case's officer and victim liaison staff can read it."
DEFAULT_TEMPLATES = {
    "Supervision": "Progress since last contact:\n\nRisk of harm:\n\nNeeds worked on:\n\nActions agreed:\n\n"
                   "Next appointment:\n",
    "Home visit": "Who was present:\n\nHome conditions:\n\nRisk to others in the household:\n\nConcerns:\n\n"
                  "Actions:\n",
    "Failure to comply": "What happened:\n\nThe person's explanation:\n\nRisk implications:\n\n"
                         "Enforcement decision and why:\n",
}


# -- views -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EnforcementView:
    id: str
    action: str
    label: str
    reason: str
    decided_on: date
    author: str


@dataclass(frozen=True)
class ContactView:
    id: str
    person_id: str
    type_code: str
    type_label: str
    starts_at: datetime
    outcome: str
    outcome_label: str
    absence_reason: str
    absence_reason_label: str
    evidence: str
    location: str
    present: str
    notes: str
    risk_areas: tuple[str, ...]
    needs: tuple[str, ...]
    sensitive: bool
    alert: bool
    management_oversight: bool
    restricted: bool
    hidden: bool  # restricted and this officer may not read it: free text is withheld
    upw_minutes_worked: int
    upw_minutes_credited: int
    upw_skills: str
    victim_views: str
    author: str
    recorded_at: datetime
    amends_id: str | None
    amendment_reason: str
    amended_by_id: str | None
    is_failure: bool
    enforcement: tuple[EnforcementView, ...] = ()
    open_items: tuple[OpenItem, ...] = ()
    requirement: Requirement | None = None
    plan_objective_ids: tuple[str, ...] = ()  # sentence plan objectives this contact delivered
    rmp_action_ids: tuple[str, ...] = ()  # risk management plan actions this contact delivered
    plan_step_ids: tuple[str, ...] = ()  # sentence plan steps this contact delivered (issue 20)

    @property
    def roh_relevant(self) -> bool:
        return bool(self.risk_areas)

    @property
    def is_current(self) -> bool:
        return self.amended_by_id is None

    def as_input(self) -> ContactInput:
        """The contact as the entry form's input (to start an amendment from it)."""
        return ContactInput(
            type_code=self.type_code, starts_at=self.starts_at, outcome=self.outcome,
            absence_reason=self.absence_reason, evidence=self.evidence, location=self.location,
            present=self.present, notes=self.notes, risk_areas=self.risk_areas, needs=self.needs,
            sensitive=self.sensitive, alert=self.alert, management_oversight=self.management_oversight,
            upw_minutes_worked=self.upw_minutes_worked, upw_minutes_credited=self.upw_minutes_credited,
            upw_skills=self.upw_skills, victim_views=self.victim_views,
            # An amendment keeps what the contact delivered: the new version is the evidence from now on.
            plan_objective_ids=self.plan_objective_ids, rmp_action_ids=self.rmp_action_ids,
            plan_step_ids=self.plan_step_ids)


class ContactNotFound(LookupError):
    pass


# -- helpers ---------------------------------------------------------------------------------------
def _person(s: Session, person_id: str) -> Person:
    p = s.get(Person, person_id)
    if p is None:
        raise ValidationError([FieldError("Case", "is not on this caseload: open the case again")])
    return p


def current_sentence(s: Session, person_id: str) -> Sentence | None:
    return s.scalar(select(Sentence).where(Sentence.person_id == person_id, Sentence.terminated_on.is_(None))
                    .order_by(Sentence.start_date.desc()).limit(1))


def _may_read(db: Database, case_officer_id: str | None) -> bool:
    """Restricted (victim liaison) contacts: the case's own officer and victim liaison staff only."""
    return db.role == "VLO" or (db.officer_id is not None and case_officer_id == db.officer_id)


def _can_read_restricted(db: Database, person: Person) -> bool:
    return _may_read(db, person.officer_id)


def _current_failures(s: Session, person_id: str) -> list[Contact]:
    newer = aliased(Contact)
    failure_codes = [c for c, o in contact_codes().outcomes.items() if o.failure]
    return list(s.scalars(
        select(Contact).where(Contact.person_id == person_id, Contact.outcome.in_(failure_codes),
                              ~exists().where(newer.amends_id == Contact.id))
        .order_by(Contact.starts_at)))


def _chain_ids(s: Session, contact: Contact) -> list[str]:
    """This contact and every earlier version it corrects."""
    ids = [contact.id]
    prev = contact.amends_id
    while prev:
        ids.append(prev)
        prev = s.scalar(select(Contact.amends_id).where(Contact.id == prev))
    return ids


def _warning_dates(s: Session, person_id: str, since: date, exclude_contact_ids: tuple[str, ...] = ()) -> list[date]:
    """Warnings given under the current sentence, leaving out those given for the failure being judged."""
    warnings = [code for code, a in policy().actions.items() if a.kind == "warning"]
    return list(s.scalars(select(Enforcement.decided_on).where(
        Enforcement.person_id == person_id, Enforcement.action.in_(warnings), Enforcement.decided_on >= since,
        Enforcement.contact_id.not_in(exclude_contact_ids))))


def _counting_since(sentence: Sentence) -> date:
    # Failures and warnings count per order (CJA 2003 Sch 8): nothing from an earlier sentence.
    # failure_number's `since` is exclusive, so the day before the start keeps a first-day failure.
    return sentence.start_date - timedelta(days=1)


def _requirement_for(s: Session, person_id: str, sentence: Sentence, failure_on: date,
                     exclude_ids: tuple[str, ...] = ()) -> Requirement:
    dates = [c.starts_at.date() for c in _current_failures(s, person_id) if c.id not in exclude_ids]
    number = failure_number([*dates, failure_on], failure_on, since=_counting_since(sentence))
    last = warned_within_window(_warning_dates(s, person_id, sentence.start_date, exclude_ids), failure_on)
    return required(sentence.order_type, number, last)


def _action_errors(s: Session, person_id: str, action_ids: Sequence[str]) -> list[FieldError]:
    """Risk plan actions a contact says it delivered must be this case's (as link_contact_to_actions checks)."""
    ids = sorted(set(action_ids))
    if not ids:
        return []
    found = set(s.scalars(select(RiskPlanAction.id).where(RiskPlanAction.id.in_(ids),
                                                          RiskPlanAction.person_id == person_id)))
    if found == set(ids):
        return []
    return [FieldError("Risk plan actions", "one is not an action of this case's plan: choose again from the open "
                                            "actions")]


def _goal_errors(s: Session, person_id: str, goal_ids: Sequence[str]) -> list[FieldError]:
    """Sentence plan goals a contact says it delivered must be this case's (as sentence_plan.link_contact
    checks)."""
    wanted = set(goal_ids)
    if not wanted or set(s.scalars(select(PlanGoal.id).where(PlanGoal.id.in_(sorted(wanted)),
                                                             PlanGoal.person_id == person_id))) == wanted:
        return []
    return [FieldError("Sentence plan goals", "one is not a goal of this case's plan: choose again from the plan's "
                                              "goals")]


def _step_errors(s: Session, person_id: str, step_ids: Sequence[str]) -> list[FieldError]:
    """Sentence plan steps a contact says it delivered must be this case's (as sentence_plan.link_contact
    checks)."""
    wanted = set(step_ids)
    if not wanted or set(s.scalars(select(PlanStep.id).where(PlanStep.id.in_(sorted(wanted)),
                                                             PlanStep.person_id == person_id))) == wanted:
        return []
    return [FieldError("Sentence plan steps", "one is not a step of this case's plan: choose again from the plan's "
                                              "steps")]


def _links(s: Session, ids: Sequence[str]) -> dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    """Each contact's (sentence plan goal ids, risk plan action ids, sentence plan step ids)."""
    plans: dict[str, list[str]] = defaultdict(list)
    actions: dict[str, list[str]] = defaultdict(list)
    steps: dict[str, list[str]] = defaultdict(list)
    for chunk in (list(ids)[i:i + 500] for i in range(0, len(ids), 500)):
        for cid, oid in s.execute(select(ContactPlanLink.contact_id, ContactPlanLink.objective_id)
                                  .where(ContactPlanLink.contact_id.in_(chunk))):
            plans[cid].append(oid)
        for cid, aid in s.execute(select(ContactRmpLink.contact_id, ContactRmpLink.action_id)
                                  .where(ContactRmpLink.contact_id.in_(chunk))):
            actions[cid].append(aid)
        for cid, sid in s.execute(select(ContactStepLink.contact_id, ContactStepLink.step_id)
                                  .where(ContactStepLink.contact_id.in_(chunk))):
            steps[cid].append(sid)
    return {cid: (tuple(sorted(plans.get(cid, ()))), tuple(sorted(actions.get(cid, ()))),
                  tuple(sorted(steps.get(cid, ())))) for cid in ids}


def _decisions(s: Session, ids: list[str]) -> list[Enforcement]:
    return list(s.scalars(select(Enforcement).where(Enforcement.contact_id.in_(ids))
                          .order_by(Enforcement.decided_on, Enforcement.created_at)))


# -- recording -------------------------------------------------------------------------------------
@writes(Change.CONTACT, Change.APPOINTMENT, Change.ENFORCEMENT, Change.DRAFT)
def record_contact(db: Database, person_id: str, data: ContactInput, now: datetime | None = None,
                   amends_id: str | None = None, amendment_reason: str = "") -> str:
    """Check and save one contact (and its enforcement decision, if given) in one transaction."""
    now = now or datetime.now()
    with db.write() as s:
        person = _person(s, person_id)
        sentence = current_sentence(s, person_id)
        errors = check_contact(data, now, sentence.start_date if sentence else None,
                               sentence.end_date if sentence else None)
        original = None
        if amends_id is not None:
            original = s.get(Contact, amends_id)
            if original is None or original.person_id != person_id:
                raise ContactNotFound("The contact being amended is not on this case.")
            if s.scalar(select(Contact.id).where(Contact.amends_id == amends_id)):
                errors.append(FieldError("Amendment", "this contact has already been amended: amend the latest "
                                                      "version instead"))
            if not amendment_reason.strip():
                errors.append(FieldError("Reason for amendment", "is empty: say what was wrong with the original"))
            if original.restricted and not _may_read(db, person.officer_id):
                errors.append(FieldError("Amendment", "this is a restricted victim liaison contact: only the case's "
                                                      "officer or victim liaison staff can amend it"))
        errors += _action_errors(s, person_id, data.rmp_action_ids)
        errors += _goal_errors(s, person_id, data.plan_objective_ids)
        errors += _step_errors(s, person_id, data.plan_step_ids)
        need = None
        if data.enforcement_action and not errors:
            if sentence is None:
                errors.append(FieldError("Enforcement action", "needs a current order or licence on the case"))
            else:
                exclude = tuple(_chain_ids(s, original)) if original else ()
                assert data.starts_at is not None  # check_contact refused an empty date
                need = _requirement_for(s, person_id, sentence, data.starts_at.date(), exclude)
                errors += check_action(sentence.order_type, need, data.enforcement_action, data.enforcement_reason)
        require(errors)
        kind = contact_codes().kinds[data.type_code]
        contact = Contact(
            person_id=person_id, type_code=data.type_code, starts_at=data.starts_at,
            outcome=judged_outcome(data.outcome, data.absence_judgement) or None,
            location=data.location.strip() or None, notes=data.notes.strip() or None,
            present=data.present.strip() or None, absence_reason=data.absence_reason or None,
            evidence=data.evidence or None, risk_areas=list(data.risk_areas), needs=list(data.needs),
            sensitive=data.sensitive, alert=data.alert, management_oversight=data.management_oversight,
            restricted=kind.restricted, upw_minutes_worked=data.upw_minutes_worked,
            upw_minutes_credited=data.upw_minutes_credited, upw_skills=data.upw_skills.strip() or None,
            victim_views=data.victim_views.strip() or None, author=db.actor, amends_id=amends_id,
            amendment_reason=amendment_reason.strip() or None)
        s.add(contact)
        s.flush()
        s.add_all([ContactPlanLink(contact_id=contact.id, objective_id=o)
                   for o in dict.fromkeys(data.plan_objective_ids)])
        s.add_all([ContactRmpLink(contact_id=contact.id, action_id=a) for a in data.rmp_action_ids])
        s.add_all([ContactStepLink(contact_id=contact.id, step_id=x) for x in dict.fromkeys(data.plan_step_ids)])
        if need is not None:
            s.add(Enforcement(contact_id=contact.id, person_id=person_id, action=data.enforcement_action,
                              reason=data.enforcement_reason.strip() or None, decided_on=now.date(),
                              required_kind=need.kind, failure_number=need.number, author=db.actor))
        s.execute(delete(ContactDraft).where(ContactDraft.person_id == person_id,
                                             ContactDraft.amends_id.is_(amends_id) if amends_id is None
                                             else ContactDraft.amends_id == amends_id))
        return contact.id


def warnings_for(db: Database, person_id: str, data: ContactInput, amends_id: str | None = None) -> list[FieldError]:
    """What to ask the officer to confirm before saving (an attended contact with no note, a second contact of
    the same type the same day): saved anyway if they confirm. The form asks; `lpt contacts add` prints."""
    if data.starts_at is None:
        return contact_warnings(data, [], amends_id)
    day = data.starts_at.replace(hour=0, minute=0, second=0, microsecond=0)
    with db.read() as s:
        newer = aliased(Contact)
        rows = s.execute(select(Contact.id, Contact.type_code, Contact.starts_at).where(
            Contact.person_id == person_id, Contact.type_code == data.type_code, Contact.starts_at >= day,
            Contact.starts_at < day + timedelta(days=1), ~exists().where(newer.amends_id == Contact.id))).all()
    return contact_warnings(data, [SameDayContact(i, t, at) for i, t, at in rows], amends_id)


@writes(Change.CONTACT, Change.APPOINTMENT, Change.ENFORCEMENT, Change.DRAFT)
def amend_contact(db: Database, contact_id: str, data: ContactInput, reason: str,
                  now: datetime | None = None) -> str:
    with db.read() as s:
        original = s.get(Contact, contact_id)
        if original is None:
            raise ContactNotFound("That contact is not on this caseload.")
        person_id = original.person_id
    return record_contact(db, person_id, data, now, amends_id=contact_id, amendment_reason=reason)


@writes(Change.ENFORCEMENT)
def decide_enforcement(db: Database, contact_id: str, action: str, reason: str = "",
                       on: date | None = None) -> str:
    """Record an enforcement decision on a failure already saved (the usual path: within 2 working days)."""
    on = on or date.today()
    with db.write() as s:
        contact = s.get(Contact, contact_id)
        if contact is None:
            raise ContactNotFound("That contact is not on this caseload.")
        outcome = contact_codes().outcomes.get(contact.outcome or "")
        if outcome is None or not outcome.failure:
            require([FieldError("Enforcement action", "is only for a failure: this contact's outcome is "
                                                      f"{outcome.label.lower() if outcome else NO_OUTCOME.lower()}")])
        if s.scalar(select(Contact.id).where(Contact.amends_id == contact_id)):
            require([FieldError("Enforcement action", "this contact has been amended: decide on the latest version")])
        sentence = current_sentence(s, contact.person_id)
        if sentence is None:
            raise ValidationError([FieldError("Enforcement action", "needs a current order or licence on the case")])
        chain = _chain_ids(s, contact)
        need = _requirement_for(s, contact.person_id, sentence, contact.starts_at.date(), tuple(chain))
        require(check_action(sentence.order_type, need, action, reason))
        if on < contact.starts_at.date():
            require([FieldError("Decision date", "is before the failure: check the date")])
        e = Enforcement(contact_id=contact_id, person_id=contact.person_id, action=action,
                        reason=reason.strip() or None, decided_on=on, required_kind=need.kind,
                        failure_number=need.number, author=db.actor)
        s.add(e)
        s.flush()
        return e.id


# -- reading ---------------------------------------------------------------------------------------
def _view(c: Contact, readable: bool, amended_by: str | None, decisions: Sequence[Enforcement] = (),
          items: Sequence[OpenItem] = (), need: Requirement | None = None,
          links: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] = ((), (), ())) -> ContactView:
    codes = contact_codes()
    actions = policy().actions
    kind = codes.kinds.get(c.type_code)
    outcome = codes.outcomes.get(c.outcome or "")
    reason = codes.absence_reasons.get(c.absence_reason or "")
    hidden = c.restricted and not readable
    return ContactView(
        id=c.id, person_id=c.person_id, type_code=c.type_code, type_label=kind.label if kind else c.type_code,
        starts_at=c.starts_at, outcome=c.outcome or "", outcome_label=outcome.label if outcome else "",
        absence_reason=c.absence_reason or "", absence_reason_label=reason.label if reason else "",
        evidence=c.evidence or "", location="" if hidden else (c.location or ""),
        present="" if hidden else (c.present or ""),
        notes=RESTRICTED_NOTE if hidden else (c.notes or ""), risk_areas=tuple(c.risk_areas or ()),
        needs=tuple(need_code(n) for n in c.needs or ()), sensitive=c.sensitive, alert=c.alert,
        management_oversight=c.management_oversight, restricted=c.restricted, hidden=hidden,
        upw_minutes_worked=c.upw_minutes_worked, upw_minutes_credited=c.upw_minutes_credited,
        upw_skills="" if hidden else (c.upw_skills or ""), victim_views="" if hidden else (c.victim_views or ""),
        author=c.author or "", recorded_at=c.created_at, amends_id=c.amends_id,
        amendment_reason="" if hidden else (c.amendment_reason or ""),
        amended_by_id=amended_by, is_failure=bool(outcome and outcome.failure),
        enforcement=tuple(EnforcementView(e.id, e.action, actions[e.action].label if e.action in actions
                                          else e.action, e.reason or "", e.decided_on, e.author or "")
                          for e in decisions),
        open_items=tuple(items), requirement=need, plan_objective_ids=links[0], rmp_action_ids=links[1],
        plan_step_ids=links[2])


def list_contacts(db: Database, person_id: str, include_history: bool = False) -> list[ContactView]:
    """The case's contact log, newest first: current versions only unless include_history."""
    with db.read() as s:
        person = _person(s, person_id)
        readable = _can_read_restricted(db, person)
        rows = list(s.scalars(select(Contact).where(Contact.person_id == person_id)
                              .order_by(Contact.starts_at.desc(), Contact.created_at.desc())))
        amended_by = {c.amends_id: c.id for c in rows if c.amends_id}
        status = _enforcement_status(s, person_id, rows, amended_by)
        shown = [c for c in rows if include_history or c.id not in amended_by]
        links = _links(s, [c.id for c in shown])
        views = []
        for c in shown:
            decisions, items, need = status.get(c.id, ([], [], None))
            views.append(_view(c, readable, amended_by.get(c.id), decisions, items, need, links[c.id]))
        return views


def contact_history(db: Database, contact_id: str) -> list[ContactView]:
    """Every version of one contact, newest first (the amendment trail)."""
    with db.read() as s:
        c = s.get(Contact, contact_id)
        if c is None:
            raise ContactNotFound("That contact is not on this caseload.")
        person = _person(s, c.person_id)
        readable = _can_read_restricted(db, person)
        # Walk forward to the latest version, then back through the chain.
        while (newer := s.scalar(select(Contact).where(Contact.amends_id == c.id))) is not None:
            c = newer
        out: list[ContactView] = []
        later: str | None = None
        while c is not None:
            out.append(_view(c, readable, later, _decisions(s, [c.id]), links=_links(s, [c.id])[c.id]))
            later = c.id
            c = s.get(Contact, c.amends_id) if c.amends_id else None
        return out


def _enforcement_status(s: Session, person_id: str, rows: list[Contact], amended_by: dict[str, str],
                        calendar: WorkingDays | None = None,
                        ) -> dict[str, tuple[list[Enforcement], list[OpenItem], Requirement | None]]:
    """Each failure's decisions, what is still owed and by when (working days of `calendar`; None: the
    office closures this session sees), and what the law requires."""
    sentence = current_sentence(s, person_id)
    if sentence is None:
        return {}
    codes = contact_codes()
    by_id = {c.id: c for c in rows}
    failures = sorted((c for c in rows if c.id not in amended_by and codes.outcomes.get(c.outcome or "")
                       and codes.outcomes[c.outcome or ""].failure), key=lambda c: c.starts_at)
    all_decisions = _decisions(s, list(by_id))
    by_contact: dict[str, list[Enforcement]] = defaultdict(list)
    for e in all_decisions:
        by_contact[e.contact_id].append(e)
    warnings = [(e.contact_id, e.decided_on) for e in all_decisions if policy().actions.get(e.action)
                and policy().actions[e.action].kind == "warning" and e.decided_on >= sentence.start_date]
    since = _counting_since(sentence)
    if calendar is None:
        calendar = working_calendar(s)
    dates = [c.starts_at.date() for c in failures]
    result: dict[str, tuple[list[Enforcement], list[OpenItem], Requirement | None]] = {}
    for c in failures:
        on = c.starts_at.date()
        chain = [c.id]
        prev = c.amends_id
        while prev and prev in by_id:
            chain.append(prev)
            prev = by_id[prev].amends_id
        # The same rule as _requirement_for: warnings given for this failure do not count against it.
        need = required(sentence.order_type, failure_number(dates, on, since=since),
                        warned_within_window([d for cid, d in warnings if cid not in chain], on))
        decisions = sorted((e for cid in chain for e in by_contact.get(cid, [])),
                           key=lambda e: (e.decided_on, e.created_at))
        result[c.id] = (decisions, open_items(sentence.order_type, on, need, [e.action for e in decisions],
                                                 calendar), need)
    return result


@dataclass(frozen=True)
class DueItem:
    person_id: str
    crn: str
    name: str
    contact_id: str
    failure_on: date
    outcome_label: str
    what: str
    due: date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def enforcement_due(db: Database, today: date | None = None) -> list[DueItem]:
    """Open enforcement decisions and breach deadlines across the caseload, soonest first."""
    today = today or date.today()
    codes = contact_codes()
    failure_codes = [c for c, o in codes.outcomes.items() if o.failure]
    items: list[DueItem] = []
    with db.read() as s:
        calendar = working_calendar(s)
        people = list(s.execute(
            select(Person.id, Person.crn, Person.first_name, Person.last_name)
            .where(exists().where(Contact.person_id == Person.id, Contact.outcome.in_(failure_codes)))))
        for pid, crn, first, last in people:
            rows = list(s.scalars(select(Contact).where(Contact.person_id == pid)))
            amended_by = {c.amends_id: c.id for c in rows if c.amends_id}
            by_id = {c.id: c for c in rows}
            for cid, (_d, open_, _n) in _enforcement_status(s, pid, rows, amended_by, calendar).items():
                for it in open_:
                    outcome = codes.outcomes.get(by_id[cid].outcome or "")
                    items.append(DueItem(pid, crn, f"{last}, {first}", cid, it.failure_on,
                                         outcome.label if outcome else "", it.what, it.due, (it.due - today).days))
    return sorted(items, key=lambda i: (i.due, i.name))


# -- unpaid work -----------------------------------------------------------------------------------
UPW_GRACE_DAYS = 28


@dataclass(frozen=True)
class UpwSummary:
    ordered_hours: int
    worked_minutes: int
    credited_minutes: int
    remaining_minutes: int
    must_finish_by: date
    on_track: bool
    projected_finish: date | None
    skills: tuple[tuple[date, str], ...]

    @property
    def done_minutes(self) -> int:
        return self.worked_minutes + self.credited_minutes


def upw_summary(db: Database, person_id: str, today: date | None = None) -> UpwSummary | None:
    """Hours ordered, worked and remaining, and whether the pace finishes within 12 months."""
    today = today or date.today()
    with db.read() as s:
        sentence = current_sentence(s, person_id)
        if sentence is None:
            return None
        req = s.scalar(select(RequirementRow).where(RequirementRow.sentence_id == sentence.id,
                                                    RequirementRow.type_code == "UPW"))
        if req is None:
            return None
        newer = aliased(Contact)
        sessions = list(s.scalars(select(Contact).where(
            Contact.person_id == person_id, Contact.type_code.in_(
                [k for k, v in contact_codes().kinds.items() if v.unpaid_work]),
            ~exists().where(newer.amends_id == Contact.id)).order_by(Contact.starts_at)))
    ordered = int(req.params.get("hours", 0))
    start = req.start_date or sentence.start_date
    worked = sum(c.upw_minutes_worked for c in sessions)
    credited = sum(c.upw_minutes_credited for c in sessions)
    remaining = max(0, ordered * 60 - worked - credited)
    deadline = add_months(start, 12)
    elapsed = max((today - start).days, 1)
    done = worked + credited
    projected = None
    if remaining == 0:
        projected = max((c.starts_at.date() for c in sessions), default=today)
    elif done > 0:
        projected = today + timedelta(days=round(remaining / (done / elapsed)))
    # With no hours yet there is no pace to judge: a new order is on track for its first four weeks.
    starting = done == 0 and elapsed < UPW_GRACE_DAYS
    on_track = remaining == 0 or starting or (projected is not None and projected <= deadline)
    skills = tuple((c.starts_at.date(), c.upw_skills) for c in sessions if c.upw_skills)
    return UpwSummary(ordered, worked, credited, remaining, deadline, on_track, projected, skills)


# -- drafts and templates --------------------------------------------------------------------------
@dataclass(frozen=True)
class Draft:
    id: str
    person_id: str
    crn: str
    name: str
    amends_id: str | None
    data: ContactInput
    saved_at: datetime


def _to_payload(data: ContactInput) -> dict[str, Any]:
    payload = asdict(data)
    payload["starts_at"] = data.starts_at.isoformat(timespec="minutes") if data.starts_at else None
    return payload


def _from_payload(payload: dict[str, Any]) -> ContactInput:
    fields = dict(payload)
    fields["starts_at"] = datetime.fromisoformat(fields["starts_at"]) if fields.get("starts_at") else None
    for key in ("risk_areas", "needs", "plan_objective_ids", "rmp_action_ids", "plan_step_ids"):
        fields[key] = tuple(fields.get(key) or ())
    known = set(ContactInput.__dataclass_fields__)
    return ContactInput(**{k: v for k, v in fields.items() if k in known})


@writes(Change.DRAFT)
def save_draft(db: Database, person_id: str, data: ContactInput, amends_id: str | None = None) -> str:
    """Upsert the one draft per case (and per amended contact). Never validated: it is work in progress."""
    with db.write() as s:
        _person(s, person_id)
        draft = s.scalar(select(ContactDraft).where(
            ContactDraft.person_id == person_id,
            ContactDraft.amends_id.is_(None) if amends_id is None else ContactDraft.amends_id == amends_id))
        if draft is None:
            draft = ContactDraft(person_id=person_id, amends_id=amends_id)
            s.add(draft)
        draft.payload = _to_payload(data)
        s.flush()
        return draft.id


def drafts(db: Database, person_id: str | None = None) -> list[Draft]:
    with db.read() as s:
        q = select(ContactDraft, Person.crn, Person.first_name, Person.last_name).join(
            Person, Person.id == ContactDraft.person_id).where(_is_contact_draft()).order_by(
            ContactDraft.updated_at.desc())
        if person_id:
            q = q.where(ContactDraft.person_id == person_id)
        return [Draft(d.id, d.person_id, crn, f"{last}, {first}", d.amends_id, _from_payload(d.payload),
                      d.updated_at) for d, crn, first, last in s.execute(q)]


@writes(Change.DRAFT)
def discard_draft(db: Database, draft_id: str) -> None:
    with db.write() as s:
        s.execute(delete(ContactDraft).where(ContactDraft.id == draft_id))


# A case record form's unsaved edits (the personal details being edited in place) share the draft table: its
# amends_id, free text naming the contact amended, holds FORM_PREFIX + the form's name instead, so no migration
# was needed and a contact draft is never mistaken for one (drafts() leaves them out).
FORM_PREFIX = "form:"
PERSONAL_FORM = "personal"


def _is_contact_draft() -> Any:
    return or_(ContactDraft.amends_id.is_(None), ContactDraft.amends_id.not_like(f"{FORM_PREFIX}%"))


@dataclass(frozen=True)
class FormDraft:
    id: str
    person_id: str
    crn: str
    name: str
    form: str
    values: dict[str, Any]  # what the form held
    before: dict[str, Any]  # the record as it was when the editing began (what the changes are measured against)
    saved_at: datetime


def _encode(values: dict[str, Any]) -> dict[str, Any]:
    return {k: {"date": v.isoformat()} if isinstance(v, date) else v for k, v in values.items()}


def _decode(values: dict[str, Any]) -> dict[str, Any]:
    return {k: date.fromisoformat(v["date"]) if isinstance(v, dict) and "date" in v else v
            for k, v in values.items()}


@writes(Change.DRAFT)
def save_form_draft(db: Database, person_id: str, form: str, values: dict[str, Any],
                    before: dict[str, Any]) -> str:
    """Upsert the one draft of a case's form. Never validated: it is work in progress."""
    with db.write() as s:
        _person(s, person_id)
        key = FORM_PREFIX + form
        draft = s.scalar(select(ContactDraft).where(ContactDraft.person_id == person_id,
                                                    ContactDraft.amends_id == key))
        if draft is None:
            draft = ContactDraft(person_id=person_id, amends_id=key)
            s.add(draft)
        draft.payload = {"form": form, "values": _encode(values), "before": _encode(before)}
        s.flush()
        return draft.id


def form_drafts(db: Database, person_id: str | None = None) -> list[FormDraft]:
    with db.read() as s:
        q = select(ContactDraft, Person.crn, Person.first_name, Person.last_name).join(
            Person, Person.id == ContactDraft.person_id).where(
            ContactDraft.amends_id.like(f"{FORM_PREFIX}%")).order_by(ContactDraft.updated_at.desc())
        if person_id:
            q = q.where(ContactDraft.person_id == person_id)
        return [FormDraft(d.id, d.person_id, crn, f"{last}, {first}", d.amends_id.removeprefix(FORM_PREFIX),
                          _decode(d.payload.get("values") or {}), _decode(d.payload.get("before") or {}),
                          d.updated_at) for d, crn, first, last in s.execute(q)]


@writes(Change.DRAFT)
def discard_form_draft(db: Database, person_id: str, form: str) -> None:
    with db.write() as s:
        s.execute(delete(ContactDraft).where(ContactDraft.person_id == person_id,
                                             ContactDraft.amends_id == FORM_PREFIX + form))


def note_templates(db: Database) -> dict[str, str]:
    with db.read() as s:
        rows = {t.name: t.body for t in s.scalars(select(NoteTemplate).order_by(NoteTemplate.name))}
    return rows or dict(DEFAULT_TEMPLATES)


@writes(Change.TEMPLATE)
def save_note_template(db: Database, name: str, body: str) -> None:
    if not name.strip():
        raise ValidationError([FieldError("Template name", "is empty: give the template a short name")])
    if not body.strip():
        raise ValidationError([FieldError("Template", "is empty: write the headings you want")])
    with db.write() as s:
        if not s.scalar(select(NoteTemplate.id).limit(1)):  # first edit: keep the defaults alongside
            s.add_all([NoteTemplate(name=n, body=b) for n, b in DEFAULT_TEMPLATES.items() if n != name.strip()])
        t = s.scalar(select(NoteTemplate).where(NoteTemplate.name == name.strip()))
        if t is None:
            s.add(NoteTemplate(name=name.strip(), body=body))
        else:
            t.body = body


def defaults_for(db: Database, person_id: str, now: datetime | None = None) -> ContactInput:
    """Sensible starting values: now, the case's usual type, and where that type last took place (both from
    contacts that have happened, never from a booking still to come; domain.contacts.default_location)."""
    now = (now or datetime.now()).replace(second=0, microsecond=0)
    with db.read() as s:
        recent = list(s.execute(select(Contact.type_code, Contact.location).where(
            Contact.person_id == person_id, Contact.starts_at <= now).order_by(Contact.starts_at.desc()).limit(20)))
    kinds = contact_codes().kinds
    usual = max((t for t, _ in recent if t in kinds and kinds[t].appointment and not kinds[t].unpaid_work),
                key=[t for t, _ in recent].count, default="COAP")
    return ContactInput(type_code=usual, starts_at=now, location=default_location_for(db, person_id, usual, now))


def default_location_for(db: Database, person_id: str, type_code: str, now: datetime | None = None) -> str:
    """The location a new contact or booking of this type starts with (domain.contacts.default_location): the
    case's latest past contact of the type, else the officer's office for an office type."""
    from lpt_desktop.services.offices import officer_office

    now = now or datetime.now()
    with db.read() as s:
        rows = s.execute(select(Contact.starts_at, Contact.location).where(
            Contact.person_id == person_id, Contact.type_code == type_code, Contact.location.is_not(None),
            Contact.restricted.is_(False), Contact.starts_at <= now)
            .order_by(Contact.starts_at.desc()).limit(1)).all()
    office = officer_office(db)
    return default_location(type_code, [UsedLocation(type_code, at, loc) for at, loc in rows], now,
                            office.name if office else "")


# -- search ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SearchHit:
    contact_id: str
    person_id: str
    crn: str
    name: str
    starts_at: datetime
    type_label: str
    snippet: str


_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str:
    """The officer's words as an FTS5 query: every word must appear; the last may be a prefix."""
    words = _WORD.findall(text)
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


# Ranking (bm25) every match of a very common word costs half a second at Trust scale, so only the
# newest RECENT_MATCHES matching notes are ranked: all of them whenever fewer match. The cut-off is
# the rowid of the RECENT_MATCHES-th newest match, found by walking the index backwards without
# ranking (bench/: note-search). The index's rowid is the contact's (store/note_index: the note is
# read from the contact row, not stored twice), so newest means most recently written contact.
# Parameters: ?1 query, ?2 limit, ?3 RECENT_MATCHES - 1.
RECENT_MATCHES = 5_000
SEARCH_SQL = (
    "SELECT c.id, snippet(contact_fts, 0, '[', ']', '…', 12), c.person_id, c.starts_at, c.type_code,"
    " c.restricted, p.crn, p.first_name, p.last_name, p.officer_id"
    " FROM contact_fts f JOIN contact c ON c.rowid = f.rowid JOIN person p ON p.id = c.person_id"
    " WHERE contact_fts MATCH ?1 AND f.rowid >= coalesce((SELECT rowid FROM contact_fts"
    " WHERE contact_fts MATCH ?1 ORDER BY rowid DESC LIMIT 1 OFFSET ?3), 0)"
    " AND NOT EXISTS (SELECT 1 FROM contact n WHERE n.amends_id = c.id)"  # superseded versions
    " ORDER BY rank LIMIT ?2")


def search_notes(db: Database, text: str, limit: int = 200) -> list[SearchHit]:
    """Full-text search over the caseload's contact notes: best matches first among the newest 5,000."""
    query = fts_query(text)
    if not query:
        return []
    kinds = contact_codes().kinds
    with db.read() as s:
        rows = s.connection().exec_driver_sql(SEARCH_SQL, (query, limit, RECENT_MATCHES - 1)).all()
    hits = []
    for cid, snip, pid, starts, type_code, restricted, crn, first, last, officer in rows:
        if restricted and not _may_read(db, officer):
            continue  # a restricted note is not searchable by those who may not read it
        starts_at = starts if isinstance(starts, datetime) else datetime.fromisoformat(str(starts))
        hits.append(SearchHit(cid, pid, crn, f"{last}, {first}", starts_at,
                              kinds[type_code].label if type_code in kinds else type_code, snip))
    return hits


def describe_minutes(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    return f"{hours}h {mins:02d}m" if mins else f"{hours}h"


