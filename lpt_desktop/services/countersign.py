"""Countersignature, returns, management oversight and tier overrides (issue 19): the officer's and the team
manager's writes and reads around them. Every rule is assessment/countersign.py's; this module stores the
chain of countersignature records and reads it.

Who is acting comes from the laptop's sync state (sync/state.py: USERNAME, DISPLAY_NAME, ROLE, and the grade
the central store delivers under "grade"); an unenrolled laptop is its file's officer, as an offender
manager, with the grade read from the officer row's role ("PO", "PSO", "Trainee"). The desktop refuses, in
words, an action the role may not take; the server refuses it too.

The truth of a target's status is its chain (status_of): a team manager's laptop writes countersignature
records only (the server refuses anything else from a manager: no case events, no edits of the officer's
records), and a completed assessment or plan is sealed (never written again), so the `countersign_status`
column of rosh_assessment and risk_plan stays "unsigned". Reads take the chain: signing_status, status_label.

Returned work goes back to the officer, who either revises it (revise: a new version, a review started from
the returned assessment, a new risk management plan from the returned plan's open actions, or a new sentence
plan version from the returned plan's open goals and steps; completing it submits it again,
always to the manager whatever the level now, since the manager asked for the change) or resubmits it as it
is with a reply (resubmit). A completed RoSH assessment is never edited (issue 18), so revising is a new
version: the returned one stays readable, comparable and counted by the standards engine.

Writes (each one transaction, audited, with its outbox rows):
  submit_for_countersignature(db, kind, target_id, today=None) -> status      officer
  record_completion(s, db, kind, row, today) -> status | None   inside rosh/rosh_plan completion
  countersign(db, kind, target_id, double=None, comment=None, today=None) -> status   team manager
  return_work(db, kind, target_id, comment, today=None) -> status                      team manager
  resubmit(db, kind, target_id, comment=None, today=None) -> status                    officer
  countersign_revise.revise(db, kind, target_id, today=None) -> the new draft's id     officer (its own module:
      it starts a RoSH review or a plan, and services/rosh.py and rosh_plan.py call this module)
  agree_override(db, tier_decision_id, reason, today=None) / refuse_override(...)     team manager
  record_oversight(db, person_id, note, on, today=None) -> contact id                 team manager
Reads:
  current_actor(db) -> Actor
  countersign_queue(db, today=None) -> list[QueueItem]
  returns_for_officer(db, person_id=None) -> list[ReturnItem]
  override_status(db, person_id) -> OverrideStatus | None   the tier in force when it is an override
  countersign_history(db, kind, target_id) -> list[HistoryItem]
  signing_status(db, kind, target_id) -> status code; status_label(db, kind, target_id) -> words
  awaiting_by_person(db) -> {person_id: "Awaiting countersignature"} for cases whose RoSH level awaits it
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.domain.contacts import ContactInput
from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.reference import reference
from lpt_desktop.domain.validation import FieldError, ValidationError
from lpt_desktop.services.case_events import add_event
from lpt_desktop.services.changes import Change, writes
from lpt_desktop.store.countersign_models import Countersignature
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Meta, Officer, Person, Registration
from lpt_desktop.store.plan_models import SentencePlan
from lpt_desktop.store.rosh_models import RiskPlan, RoshAssessment
from lpt_desktop.store.sync_models import SyncConflict, SyncRecord
from lpt_desktop.store.tiering_models import TierDecision
from lpt_desktop.sync import state

# The officer's grade in the sync state, as the central store delivers it on enrolment and every refresh.
GRADE_KEY = state.GRADE
COMMENT_MIN_CHARS = 20  # "at least a sentence", as an override's reason (services/tiering.py)
COMMENT_MIN_WORDS = 4
OVERSIGHT_TYPE = "MO1"
# Registers that are child-protection concerns on the case whatever the screening says.
CHILD_PROTECTION_REGISTERS = cs.CHILD_PROTECTION_REGISTERS
_EVENTS = {cs.SUBMITTED: "countersign_submitted", cs.RESUBMITTED: "countersign_resubmitted",
           cs.SELF_SIGN: "countersign_self_signed"}


# -- who is acting ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Actor:
    username: str
    name: str
    role: str  # offender_manager | team_manager | court_officer | ...
    grade: str | None  # po | pso | trainee, or None when not known
    grade_from: str  # "central store" | "officer record" | "not known"
    enrolled: bool

    @property
    def recorded_grade(self) -> str | None:
        """The grade a record carries: on an enrolled laptop only the central store's (the server checks it
        against its own), else the officer row's."""
        return self.grade if self.grade_from == "central store" or not self.enrolled else None


def _actor(s: Session, db: Database) -> Actor:
    st = state.read_all(s)
    oid = db.officer_id or s.scalar(select(Meta.value).where(Meta.key == "officer_id"))
    officer = s.get(Officer, oid) if oid else None
    if st.get(state.ROLE) and st.get(state.USERNAME):
        grade = cs.normal_grade(st.get(GRADE_KEY))
        grade_from = "central store"
        if grade is None and GRADE_KEY not in st and officer is not None and st[state.ROLE] == cs.OFFENDER_MANAGER:
            # Until the central store delivers grades, the officer row's role stands in for it.
            grade, grade_from = cs.normal_grade(officer.role), "officer record"
        name = st.get(state.DISPLAY_NAME) or (officer.name if officer else st[state.USERNAME])
        return Actor(st[state.USERNAME], name, st[state.ROLE], grade, grade_from if grade else "not known",
                     state.LAPTOP_ID in st)
    if officer is None:
        return Actor(db.actor, db.actor, cs.OFFENDER_MANAGER, None, "not known", False)
    grade = cs.normal_grade(officer.role)
    return Actor(officer.staff_code, officer.name, cs.OFFENDER_MANAGER, grade,
                 "officer record" if grade else "not known", False)


def current_actor(db: Database) -> Actor:
    """Who this laptop acts as: its enrolled user and role, or the file's officer as an offender manager."""
    with db.read() as s:
        return _actor(s, db)


# -- targets ----------------------------------------------------------------------------------------
@dataclass
class _Target:
    kind: str
    row: Any
    person_id: str
    level: str | None
    child_protection: bool
    complete: bool
    author: str | None  # an override's author (tier decisions carry no username: "STAFF Name")


def _kind_check(kind: str) -> None:
    if kind not in cs.TARGET_KINDS:
        raise ValidationError([FieldError("Countersignature", f"'{kind}' is not work that is countersigned: "
                                                              "open the assessment or plan again")])


def _child_protection(s: Session, person_id: str, a: RoshAssessment | None) -> bool:
    """Concerns about children answered yes in the screening, or a child-protection register on the case
    (assessment/countersign.py child_protection_concerns: the server applies the same rule to its copy)."""
    registers = s.scalars(select(Registration.type_code).where(
        Registration.person_id == person_id, Registration.type_code.in_(CHILD_PROTECTION_REGISTERS),
        Registration.ended_on.is_(None)))
    return cs.child_protection_concerns(a.answers if a is not None else None, registers)


def _target(s: Session, kind: str, target_id: str) -> _Target:
    _kind_check(kind)
    if kind == cs.ROSH_ASSESSMENT:
        a = s.get(RoshAssessment, target_id)
        if a is None:
            raise ValidationError([FieldError("RoSH assessment", "is no longer on this case: open the case again")])
        return _Target(kind, a, a.person_id, a.overall_level, _child_protection(s, a.person_id, a),
                       a.status == "complete", None)
    if kind == cs.RISK_PLAN:
        p = s.get(RiskPlan, target_id)
        if p is None:
            raise ValidationError([FieldError("Risk management plan", "is no longer on this case: open the case "
                                                                      "again")])
        a = s.get(RoshAssessment, p.assessment_id) if p.assessment_id else None
        person = s.get(Person, p.person_id)
        level = (a.overall_level if a is not None else None) or (person.rosh if person else None)
        return _Target(kind, p, p.person_id, level, _child_protection(s, p.person_id, a), p.status == "complete",
                       None)
    if kind == cs.SENTENCE_PLAN:
        sp = s.get(SentencePlan, target_id)
        if sp is None:
            raise ValidationError([FieldError("Sentence plan", "is no longer on this case: open the case again")])
        person = s.get(Person, sp.person_id)
        # A sentence plan answers the case's RoSH level now; its concerns are the case's registers.
        return _Target(kind, sp, sp.person_id, person.rosh if person else None,
                       _child_protection(s, sp.person_id, None), sp.status == "complete", None)
    d = s.get(TierDecision, target_id)
    if d is None:
        raise ValidationError([FieldError("Tier decision", "is no longer on this case: open the case again")])
    if d.action != "overridden":
        raise ValidationError([FieldError("Tier decision", f"tier {d.tier} was accepted as suggested: only an "
                                                           "override is agreed or refused")])
    return _Target(kind, d, d.person_id, None, False, True, d.author)


# The order rows are read in before chain_order puts them in causal order (it breaks ties, and orders rows
# written before follows_id).
_OLD_ORDER = (Countersignature.on_date, Countersignature.created_at, Countersignature.id)


def _refused_ids(s: Session) -> set[str]:
    """Countersignature records the central store refused (someone acted first): kept here and listed as
    rejections, but no part of the chain the server and every other laptop hold."""
    # One the server later accepted (sent again after a refusal for another reason) is in the chain after all.
    accepted = select(SyncRecord.record_id).where(SyncRecord.kind == "countersignature")
    return set(s.scalars(select(SyncConflict.record_id).where(SyncConflict.kind == "countersignature",
                                                              SyncConflict.reason == "rejected",
                                                              SyncConflict.record_id.not_in(accepted))))


def _chain(s: Session, kind: str, target_id: str) -> list[Countersignature]:
    refused = _refused_ids(s)
    rows = s.scalars(select(Countersignature).where(Countersignature.target_kind == kind,
                                                    Countersignature.target_id == target_id).order_by(*_OLD_ORDER))
    return cs.chain_order(r for r in rows if r.id not in refused)


def _status(chain: list[Countersignature], kind: str) -> str:
    return cs.status_of(chain, kind)


def person_of(s: Session, kind: str, target_id: str) -> str:
    """The case a piece of work is on (refused in words when it is not on this laptop)."""
    return _target(s, kind, target_id).person_id


def refusal(why: str, field: str = "Countersignature") -> ValidationError:
    """A refusal naming the field, as this module's own are."""
    return _refuse(why, field)


def actor_in(s: Session, db: Database) -> Actor:
    """Who this laptop acts as, in the caller's session."""
    return _actor(s, db)


def chain_status(s: Session, kind: str, target_id: str) -> str:
    """A target's status from its chain, in the caller's session (services/rosh.py's overview reads it)."""
    return _status(_chain(s, kind, target_id), kind)


def _last(chain: list[Countersignature], actions: Iterable[str]) -> Countersignature | None:
    wanted = set(actions)
    return next((r for r in reversed(chain) if r.action in wanted), None)


def _refuse(why: str, field: str = "Countersignature") -> ValidationError:
    return ValidationError([FieldError(field, why)])


def _allowed(actor: Actor, author: str | None, action: str, first: str | None = None) -> None:
    ok, why = cs.may_act(actor.role, actor.username, author, action, first_countersigner=first)
    if not ok:
        raise _refuse(why)


def _next(status: str, action: str, double: bool = False) -> str:
    try:
        return cs.next_status(status, action, double=double)
    except cs.TransitionError as e:
        raise _refuse(str(e)) from None


def _add(s: Session, t: _Target, actor: Actor, action: str, after: str, on: date, comment: str | None) -> None:
    # It follows the chain's head here: the central store refuses it if someone else's record got there first.
    head = cs.head_of(_chain(s, t.kind, t.row.id))
    s.add(Countersignature(person_id=t.person_id, target_kind=t.kind, target_id=t.row.id, action=action,
                           status_after=after, author=actor.username, author_name=actor.name,
                           author_role=actor.role, author_grade=actor.recorded_grade, on_date=on, comment=comment,
                           follows_id=head))
    if action in _EVENTS:
        what = cs.kind_label(t.kind)
        words = {cs.SUBMITTED: f"{what} submitted for countersignature",
                 cs.RESUBMITTED: f"{what} resubmitted for countersignature",
                 cs.SELF_SIGN: f"{what} self-signed"}[action]
        if after == cs.AWAITING and action == cs.SUBMITTED and comment:
            words += f" ({comment})"
        add_event(s, t.person_id, _EVENTS[action], on, words, t.row)


def _comment(text: str | None, field: str, what: str) -> str:
    words = " ".join((text or "").split())
    if len(words) < COMMENT_MIN_CHARS or len(words.split()) < COMMENT_MIN_WORDS:
        raise _refuse(f"is too short: say in at least a sentence {what}", field)
    return words


# -- the officer's writes ---------------------------------------------------------------------------
def _previous_returned(s: Session, t: _Target) -> Any | None:
    """The returned version this work revises, if any: the assessment a review started from, or the plan
    before this one, when its chain ends returned."""
    prev: Any
    if t.kind == cs.ROSH_ASSESSMENT:
        prev = s.get(RoshAssessment, t.row.previous_id) if t.row.previous_id else None
    elif t.kind == cs.SENTENCE_PLAN:  # a new version names the completed plan it started from
        prev = s.get(SentencePlan, t.row.previous_id) if t.row.previous_id else None
    else:
        prev = s.scalar(select(RiskPlan).where(RiskPlan.person_id == t.person_id, RiskPlan.status == "complete",
                                               RiskPlan.id != t.row.id,
                                               RiskPlan.started_on <= t.row.started_on)
                        .order_by(RiskPlan.started_on.desc(), RiskPlan.created_at.desc()).limit(1))
    if prev is None or chain_status(s, t.kind, prev.id) != cs.REJECTED:
        return None
    return prev


def _submit(s: Session, db: Database, t: _Target, today: date) -> str:
    if not t.complete:
        raise _refuse(f"{cs.kind_label(t.kind)} is still a draft: complete it first, and completing submits it")
    actor = _actor(s, db)
    chain = _chain(s, t.kind, t.row.id)
    status = _status(chain, t.kind)
    need = cs.needs_countersignature(t.level, t.child_protection, actor.grade, t.kind)
    returned = _previous_returned(s, t)
    comment = None
    if returned is not None:
        last = _last(_chain(s, t.kind, returned.id), [cs.RETURNED])
        comment = f"revises the work returned on {format_date(last.on_date if last else None)}"
    action = cs.SUBMITTED if (need.needed or returned is not None) else cs.SELF_SIGN
    _allowed(actor, actor.username, action)
    after = _next(status, action)
    _add(s, t, actor, action, after, today, comment)
    return after


def record_completion(s: Session, db: Database, kind: str, row: Any, today: date) -> str | None:
    """Called by services/rosh.py complete_assessment and services/rosh_plan.py complete_plan inside their
    transaction: the completed work is submitted for countersignature, or self-signed when none is needed.
    Work completed by anyone other than an offender manager (a report writer's screening for court) stays
    unsigned: the offender manager confirms or revises it, and that revision is signed. Returns the status."""
    if _actor(s, db).role != cs.OFFENDER_MANAGER:
        return None
    s.flush()
    return _submit(s, db, _target(s, kind, row.id), today)


@writes(Change.ASSESSMENT, Change.CASE)
def submit_for_countersignature(db: Database, target_kind: str, target_id: str, today: date | None = None) -> str:
    """Submit completed work: awaiting countersignature when the Trust's rule says it needs one (high or very
    high RoSH, child-protection concerns, a PSO's or trainee's work), else self-signed. Returns the status."""
    with db.write() as s:
        return _submit(s, db, _target(s, target_kind, target_id), today or date.today())


@writes(Change.ASSESSMENT, Change.CASE)
def resubmit(db: Database, target_kind: str, target_id: str, comment: str | None = None,
             today: date | None = None) -> str:
    """Send returned work back to the manager as it is, with the officer's reply (e.g. why the level stands).
    To change the work instead, revise it: completing the revision submits it."""
    today = today or date.today()
    with db.write() as s:
        t = _target(s, target_kind, target_id)
        actor = _actor(s, db)
        _allowed(actor, actor.username, cs.RESUBMITTED)
        after = _next(_status(_chain(s, t.kind, t.row.id), t.kind), cs.RESUBMITTED)
        reply = " ".join((comment or "").split()) or None
        _add(s, t, actor, cs.RESUBMITTED, after, today, reply)
        return after


# -- the team manager's writes ----------------------------------------------------------------------
def _submitter(chain: list[Countersignature]) -> str | None:
    last = _last(chain, [cs.SUBMITTED, cs.RESUBMITTED, cs.SELF_SIGN])
    return last.author if last else None


def _grade_of_work(chain: list[Countersignature]) -> str | None:
    last = _last(chain, [cs.SUBMITTED, cs.RESUBMITTED])
    return last.author_grade if last else None


@writes(Change.ASSESSMENT)
def countersign(db: Database, target_kind: str, target_id: str, double: bool | None = None,
                comment: str | None = None, today: date | None = None) -> str:
    """The team manager countersigns work awaiting it. Work that needs a second countersignature (very high
    RoSH) then awaits a second, senior countersignature, which another manager gives from awaiting double
    countersignature. double: None takes whichever the work awaits; True or False insists on one. Returns the
    status."""
    today = today or date.today()
    with db.write() as s:
        t = _target(s, target_kind, target_id)
        if t.kind == cs.TIER_DECISION:
            raise _refuse("a tier override is agreed or refused, not countersigned", "Tier decision")
        actor = _actor(s, db)
        chain = _chain(s, t.kind, t.row.id)
        status = _status(chain, t.kind)
        second = status == cs.AWAITING_DOUBLE if double is None else double
        action = cs.DOUBLE_COUNTERSIGN if second else cs.COUNTERSIGN
        first = _last(chain, [cs.COUNTERSIGN])
        _allowed(actor, _submitter(chain), action, first.author if first and second else None)
        need = cs.needs_countersignature(t.level, t.child_protection, _grade_of_work(chain), t.kind)
        after = _next(status, action, double=need.double)
        _add(s, t, actor, action, after, today, " ".join((comment or "").split()) or None)
        return after


@writes(Change.ASSESSMENT)
def return_work(db: Database, target_kind: str, target_id: str, comment: str, today: date | None = None) -> str:
    """The team manager returns work awaiting countersignature to its officer, saying what to change (a
    comment of at least a sentence). Returns the status (rejected)."""
    today = today or date.today()
    with db.write() as s:
        t = _target(s, target_kind, target_id)
        if t.kind == cs.TIER_DECISION:
            raise _refuse("a tier override is agreed or refused, not returned", "Tier decision")
        actor = _actor(s, db)
        chain = _chain(s, t.kind, t.row.id)
        _allowed(actor, _submitter(chain), cs.RETURNED)
        text = _comment(comment, "Comment", "what the officer should change, e.g. 'The analysis leaves out the "
                                            "previous domestic abuse call-outs: add them and review the level'")
        after = _next(_status(chain, t.kind), cs.RETURNED)
        _add(s, t, actor, cs.RETURNED, after, today, text)
        return after


def _override_author_is(actor: Actor, author: str | None) -> bool:
    """Whether the override's author (kept as "STAFF Name") is this user."""
    words = (author or "").strip().lower()
    return bool(words) and (words.split()[0] == actor.username.lower() or words == actor.username.lower()
                            or words.endswith(actor.name.lower()))


def _decide_override(db: Database, decision_id: str, action: str, reason: str, today: date | None) -> str:
    today = today or date.today()
    with db.write() as s:
        t = _target(s, cs.TIER_DECISION, decision_id)
        actor = _actor(s, db)
        _allowed(actor, actor.username if _override_author_is(actor, t.author) else t.author, action)
        latest = s.scalar(select(TierDecision).where(TierDecision.person_id == t.person_id)
                          .order_by(TierDecision.decided_on.desc(), TierDecision.created_at.desc()).limit(1))
        if latest is not None and latest.id != decision_id:
            raise _refuse(f"a later tier decision ({format_date(latest.decided_on)}) replaced this override: "
                          "open the case's tier again", "Tier decision")
        verb = "agreed" if action == cs.AGREE else "refused"
        text = _comment(reason, "Reason", f"why the override is {verb}")
        after = _next(_status(_chain(s, t.kind, t.row.id), t.kind), action)
        _add(s, t, actor, action, after, today, text)
        return after


@writes(Change.ASSESSMENT)
def agree_override(db: Database, tier_decision_id: str, reason: str, today: date | None = None) -> str:
    """The team manager agrees an officer's tier override, with a reason. Returns the status (agreed)."""
    return _decide_override(db, tier_decision_id, cs.AGREE, reason, today)


@writes(Change.ASSESSMENT)
def refuse_override(db: Database, tier_decision_id: str, reason: str, today: date | None = None) -> str:
    """The team manager refuses an officer's tier override, with a reason (the officer decides the tier again:
    the refused override stays in force until they do). Returns the status (refused)."""
    return _decide_override(db, tier_decision_id, cs.REFUSE, reason, today)


@writes(Change.CONTACT, Change.DRAFT)
def record_oversight(db: Database, person_id: str, note: str, on: date | datetime,
                     today: date | None = None) -> str:
    """A management oversight contact (MO1, management oversight) on a team case, by the team manager: it
    counts as oversight in the standards engine and the audit. Returns the contact's id."""
    from lpt_desktop.services.contacts import record_contact

    today = today or date.today()
    with db.read() as s:
        actor = _actor(s, db)
    if actor.role != cs.TEAM_MANAGER:
        raise _refuse(f"is recorded by the team manager: this laptop's user is "
                      f"{cs.ROLE_LABELS.get(actor.role, actor.role)}", "Management oversight")
    text = " ".join((note or "").split())
    if not text:
        raise _refuse("is empty: say what was reviewed and what the officer should do", "Note")
    when = on if isinstance(on, datetime) else datetime.combine(on, time(12, 0))
    if when.date() > today:
        raise _refuse(f"{format_date(when.date())} is in the future: record oversight once it has happened",
                      "Date")
    # The undecorated save: an oversight contact is never a booking nor an enforcement decision, so this
    # service announces only what it writes (the contact, and the case's contact draft it clears).
    save = record_contact.__wrapped__  # type: ignore[attr-defined]
    # Recorded as attended: the standards engine (management_oversight) counts only contacts with an outcome.
    contact_id: str = save(db, person_id, ContactInput(type_code=OVERSIGHT_TYPE, starts_at=when, notes=note.strip(),
                                                       outcome="ATTC", management_oversight=True),
                           now=datetime.combine(today, time(23, 59)))
    return contact_id


# -- reads ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class QueueItem:
    target_kind: str
    target_id: str
    kind_label: str  # "RoSH assessment", "Risk management plan", "Tier override"
    person_id: str
    crn: str
    name: str
    level: str | None  # L | M | H | VH (None for a tier override)
    level_label: str
    status: str
    status_label: str  # "Awaiting countersignature"
    author: str | None  # username of who submitted it
    author_name: str | None
    submitted_on: date
    days_waiting: int
    why: str  # why it needs countersigning, or the override's tier and reason


@dataclass(frozen=True)
class ReturnItem:
    target_kind: str
    target_id: str
    kind_label: str
    person_id: str
    crn: str
    name: str
    returned_on: date
    returned_by: str | None  # the manager's name
    comment: str
    revision_id: str | None  # a draft revising it, if one is open


@dataclass(frozen=True)
class HistoryItem:
    on_date: date
    action: str
    action_label: str
    status_after: str
    status_label: str
    author: str | None
    author_name: str | None
    author_role: str | None
    comment: str | None


def _level_label(level: str | None) -> str:
    levels = reference().rosh_levels
    return levels[level].label if level in levels else "Not assessed"


def _chains(s: Session) -> dict[tuple[str, str], list[Countersignature]]:
    refused = _refused_ids(s)
    out: dict[tuple[str, str], list[Countersignature]] = defaultdict(list)
    for r in s.scalars(select(Countersignature).order_by(*_OLD_ORDER)):
        if r.id not in refused:
            out[(r.target_kind, r.target_id)].append(r)
    return {key: cs.chain_order(chain) for key, chain in out.items()}


def countersign_queue(db: Database, today: date | None = None) -> list[QueueItem]:
    """The team's work awaiting countersignature (and overrides awaiting agreement): high and very high RoSH
    first, then the rest, each oldest first, with how many days it has waited. On a manager's laptop this is
    the team's cases; on an officer's, their own work waiting."""
    today = today or date.today()
    items: list[QueueItem] = []
    with db.read() as s:
        chains = _chains(s)
        people = {p.id: p for p in s.scalars(select(Person))}
        for (kind, tid), chain in chains.items():
            if kind == cs.TIER_DECISION:
                continue
            status = _status(chain, kind)
            if not cs.is_awaiting(status):
                continue
            try:
                t = _target(s, kind, tid)
            except ValidationError:
                continue  # the work is not on this laptop (yet): its records arrived first
            need = cs.needs_countersignature(t.level, t.child_protection, _grade_of_work(chain), kind)
            items.append(_queue_item(people, t, status, chain, today, need.why))
        # Overrides awaiting agreement: each case's latest decision, when it is an override.
        latest: dict[str, TierDecision] = {}
        for d in s.scalars(select(TierDecision).order_by(TierDecision.decided_on, TierDecision.created_at)):
            latest[d.person_id] = d
        for d in latest.values():
            if d.action != "overridden":
                continue
            chain = chains.get((cs.TIER_DECISION, d.id), [])
            status = _status(chain, cs.TIER_DECISION)
            if status != cs.AWAITING_AGREEMENT:
                continue
            p = people.get(d.person_id)
            items.append(QueueItem(cs.TIER_DECISION, d.id, cs.kind_label(cs.TIER_DECISION), d.person_id,
                                   p.crn if p else "", _name(p), p.rosh if p else None,
                                   _level_label(p.rosh if p else None), status, cs.status_label(status),
                                   (d.author or "").split()[0] if d.author else None, d.author, d.decided_on,
                                   (today - d.decided_on).days,
                                   f"Tier {d.tier} instead of the suggested {d.suggested}: {d.reason or ''}".strip()))
    high = ("VH", "H")
    items.sort(key=lambda i: (i.level not in high, i.submitted_on, i.crn))
    return items


def _name(p: Person | None) -> str:
    return f"{p.first_name} {p.last_name}" if p else ""


def _queue_item(people: dict[str, Person], t: _Target, status: str, chain: list[Countersignature], today: date,
                why: str) -> QueueItem:
    p = people.get(t.person_id)
    submitted = _last(chain, [cs.SUBMITTED, cs.RESUBMITTED])
    # Waiting since the record that put it in the queue (a first countersignature, for a second one).
    since = _last(chain, [cs.SUBMITTED, cs.RESUBMITTED, cs.COUNTERSIGN])
    assert submitted is not None and since is not None
    return QueueItem(t.kind, t.row.id, cs.kind_label(t.kind), t.person_id, p.crn if p else "", _name(p), t.level,
                     _level_label(t.level), status, cs.status_label(status), submitted.author,
                     submitted.author_name, since.on_date, (today - since.on_date).days, why)


def returns_for_officer(db: Database, person_id: str | None = None) -> list[ReturnItem]:
    """Work returned to the officer and not yet resubmitted or revised, newest first, with the manager's
    comment (and the draft revising it, if one is open); person_id: one case's only."""
    out: list[ReturnItem] = []
    with db.read() as s:
        people = {p.id: p for p in s.scalars(select(Person))}
        for (kind, tid), chain in _chains(s).items():
            if kind == cs.TIER_DECISION or _status(chain, kind) != cs.REJECTED:
                continue
            if person_id is not None and chain[0].person_id != person_id:
                continue
            try:
                t = _target(s, kind, tid)
            except ValidationError:
                continue
            if _revised_by(s, t, completed=True) is not None:
                continue  # a completed revision has gone back to the manager
            ret = _last(chain, [cs.RETURNED])
            assert ret is not None
            p = people.get(t.person_id)
            draft = _revised_by(s, t, completed=False)
            out.append(ReturnItem(kind, tid, cs.kind_label(kind), t.person_id, p.crn if p else "", _name(p),
                                  ret.on_date, ret.author_name or ret.author, ret.comment or "",
                                  draft.id if draft is not None else None))
    out.sort(key=lambda r: (r.returned_on, r.crn), reverse=True)
    return out


def _revised_by(s: Session, t: _Target, completed: bool) -> Any | None:
    """A later version of returned work: a review started from the assessment, a sentence plan started from
    the returned one, or a later risk management plan."""
    status = "complete" if completed else "draft"
    if t.kind == cs.ROSH_ASSESSMENT:
        return s.scalar(select(RoshAssessment).where(RoshAssessment.previous_id == t.row.id,
                                                     RoshAssessment.status == status).limit(1))
    if t.kind == cs.SENTENCE_PLAN:
        return s.scalar(select(SentencePlan).where(SentencePlan.previous_id == t.row.id,
                                                   SentencePlan.status == status).limit(1))
    return s.scalar(select(RiskPlan).where(RiskPlan.person_id == t.person_id, RiskPlan.id != t.row.id,
                                           RiskPlan.status == status, RiskPlan.started_on >= t.row.started_on,
                                           RiskPlan.created_at > t.row.created_at).limit(1))


def countersign_history(db: Database, target_kind: str, target_id: str) -> list[HistoryItem]:
    """Every signing action on the work, oldest first: who did what, when, with their comment."""
    _kind_check(target_kind)
    with db.read() as s:
        return [HistoryItem(r.on_date, r.action, cs.action_label(r.action), r.status_after,
                            cs.status_label(r.status_after), r.author, r.author_name, r.author_role, r.comment)
                for r in _chain(s, target_kind, target_id)]


def signing_status(db: Database, target_kind: str, target_id: str) -> str:
    """The work's status code from its chain (unsigned when nothing has been recorded)."""
    _kind_check(target_kind)
    with db.read() as s:
        return chain_status(s, target_kind, target_id)


def status_label(db: Database, target_kind: str, target_id: str) -> str:
    """The work's status in words ("Awaiting countersignature")."""
    return cs.status_label(signing_status(db, target_kind, target_id))


@dataclass(frozen=True)
class OverrideStatus:
    decision_id: str
    tier: str
    status: str  # awaiting_agreement | agreed | refused
    status_label: str
    by: str | None  # the manager's name, once agreed or refused
    reason: str | None  # the manager's reason


def override_status(db: Database, person_id: str) -> OverrideStatus | None:
    """The manager's view of the case's tier in force, when it is an officer's override: awaiting agreement,
    agreed or refused, with who and why. None when the latest decision accepted the suggested tier."""
    with db.read() as s:
        d = s.scalar(select(TierDecision).where(TierDecision.person_id == person_id)
                     .order_by(TierDecision.decided_on.desc(), TierDecision.created_at.desc()).limit(1))
        if d is None or d.action != "overridden":
            return None
        chain = _chain(s, cs.TIER_DECISION, d.id)
        status = _status(chain, cs.TIER_DECISION)
        last = _last(chain, [cs.AGREE, cs.REFUSE]) if status != cs.AWAITING_AGREEMENT else None
        return OverrideStatus(d.id, d.tier, status, cs.status_label(status),
                              (last.author_name or last.author) if last else None, last.comment if last else None)


def awaiting_by_person(db: Database) -> dict[str, str]:
    """Cases whose RoSH level (their latest completed assessment) awaits countersignature, with the words to
    show beside the level: the level is in force meanwhile. Light columns only: the caseload calls it on every
    load (and keeps it: services/caseload recomputes only the cases written since, with awaiting_of)."""
    with db.read() as s:
        return awaiting_of(s, None, refused_ids(s))


def refused_ids(s: Session) -> set[str]:
    """The countersignature records the central store refused (see _refused_ids): the caseload keeps its column
    with them, as a record refused or accepted since changes a chain without a write to the case's tables."""
    return _refused_ids(s)


def awaiting_of(s: Session, person_ids: Collection[str] | None, refused: set[str]) -> dict[str, str]:
    """awaiting_by_person for these people only (None: everyone), with the refused records already read: a case's
    answer depends on its own assessments and their chains alone, so any subset gives each case's full answer."""
    out: dict[str, str] = {}
    latest: dict[str, str] = {}  # person -> their latest completed assessment's id
    query = (select(RoshAssessment.person_id, RoshAssessment.id).where(RoshAssessment.status == "complete")
             # id last: a tie in the dates picks the same assessment whichever people are asked about
             .order_by(RoshAssessment.completed_on, RoshAssessment.created_at, RoshAssessment.id))
    if person_ids is not None:
        query = query.where(RoshAssessment.person_id.in_(sorted(person_ids)))
    for pid, aid in s.execute(query):
        latest[pid] = aid
    chains: dict[str, list[Any]] = defaultdict(list)
    signing = (select(Countersignature.id, Countersignature.follows_id, Countersignature.target_id,
                      Countersignature.action, Countersignature.status_after)
               .where(Countersignature.target_kind == cs.ROSH_ASSESSMENT).order_by(*_OLD_ORDER))
    if person_ids is not None:
        signing = signing.where(Countersignature.target_id.in_(sorted(latest.values())))
    for rec in s.execute(signing):
        if rec.id not in refused:
            chains[rec.target_id].append(rec)
    for pid, aid in latest.items():
        status = cs.status_of(cs.chain_order(chains.get(aid, [])), cs.ROSH_ASSESSMENT)
        if cs.is_awaiting(status):
            out[pid] = cs.status_label(status)
    return out


__all__ = ["Actor", "HistoryItem", "OverrideStatus", "QueueItem", "ReturnItem", "actor_in", "agree_override",
           "awaiting_by_person", "awaiting_of", "chain_status", "countersign", "countersign_history",
           "countersign_queue", "current_actor", "override_status", "person_of", "record_completion",
           "record_oversight", "refusal", "refuse_override", "refused_ids", "resubmit", "return_work",
           "returns_for_officer", "signing_status", "status_label", "submit_for_countersignature"]
