"""National Standards for the caseload: the policy in force, each case's obligations, "what is due",
compliance, and the officer's per-case frequency overrides.

Facts are read in bulk (a handful of queries for the whole caseload, never one per case) and handed to
the pure engine in standards/obligations.py, so every screen shows the same statuses.

RoSH reviews are completed RoSH assessments (issue 18: services/rosh.py), which also meet the reviews a
significant change on the case's timeline opens; a screening's full analysis still owed and a report writer's
screening not yet confirmed are the rosh_full_analysis and rosh_confirmation rules' facts. Bare standards_record
rows of kind rosh_review made before RoSH assessments existed (imports, the demo's history) still count, but no
new one is accepted. Sentence plans and plan reviews are completed plans and reviews (issue 20: services/
sentence_plan.py), which also meet the reviews a significant change opens; bare standards_record rows of those
kinds count from before the case's first completed plan. Approximations: the
offence category comes from keywords in the offence text
(resources/standards/_offences.toml); custody length for a licence is taken as twice the licence period
(release at the halfway point).
"""

from __future__ import annotations

import json
import re
import threading
import tomllib
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Row, Select, bindparam, event, func, select, true
from sqlalchemy.engine.interfaces import DBAPIConnection, DBAPICursor
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.pool import ConnectionPoolEntry

from lpt_desktop.domain.case_codes import case_codes
from lpt_desktop.domain.validation import FieldError, ValidationError
from lpt_desktop.paths import resources_dir
from lpt_desktop.services.appointments import working_calendar
from lpt_desktop.services.changes import Change, writes
from lpt_desktop.services.obligation_sources import sources
from lpt_desktop.standards.calendar import WorkingCalendar
from lpt_desktop.standards.obligations import (
    RULE_IDS,
    CaseFacts,
    ContactRow,
    EnforcementFact,
    EventFact,
    Obligation,
    RecordFact,
    RegisterFact,
    RoshFollowUpFact,
    contacts_needed,
    failure_outcomes,
    obligations,
)
from lpt_desktop.standards.policy import Policy, load_policy, policy_names
from lpt_desktop.store.case_record_models import CaseEvent
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Audit, Contact, Enforcement, Meta, Person, Registration, Requirement, Sentence
from lpt_desktop.store.plan_models import PlanReview, SentencePlan
from lpt_desktop.store.rosh_models import RoshAssessment, RoshConfirmation
from lpt_desktop.store.schedule_models import StandardsOverride, StandardsRecord

POLICY_KEY = "standards_policy"
DEFAULT_POLICY = "current"
RECORD_KINDS = ("sentence_plan", "plan_review")
# Read, never written any more: a RoSH review is met by a completed RoSH assessment (services/rosh.py).
LEGACY_RECORD_KINDS = ("rosh_review",)


# -- the policy in force ----------------------------------------------------------------------------
def policy_in_force(db: Database) -> str:
    with db.read() as s:
        name = s.scalar(select(Meta.value).where(Meta.key == POLICY_KEY))
    return name if name in policy_names() else DEFAULT_POLICY


@writes(Change.STANDARDS)
def set_policy_in_force(db: Database, name: str) -> None:
    if name not in policy_names():
        raise ValidationError([FieldError("Standards policy", f"'{name}' is not a policy: choose one of "
                                                               f"{', '.join(policy_names())}")])
    with db.write() as s:
        row = s.get(Meta, POLICY_KEY)
        if row is None:
            s.add(Meta(key=POLICY_KEY, value=name))
        else:
            row.value = name


def _policy(s: Session) -> Policy:
    name = s.scalar(select(Meta.value).where(Meta.key == POLICY_KEY))
    return load_policy(name if name in policy_names() else DEFAULT_POLICY)


# -- overrides and records --------------------------------------------------------------------------
@writes(Change.STANDARDS)
def set_frequency_override(db: Database, person_id: str, rule: str, every_days: int | None) -> None:
    """Set (or with None clear) how often `rule` repeats for this case, where the policy allows it."""
    if rule not in RULE_IDS:
        raise ValidationError([FieldError("Rule", f"'{rule}' is not a standards rule, e.g. ns_contacts")])
    if every_days is not None and not 1 <= every_days <= 366:
        raise ValidationError([FieldError("Frequency", f"{every_days} days is out of range: give 1 to 366 days")])
    with db.write() as s:
        if s.get(Person, person_id) is None:
            raise ValidationError([FieldError("Case", "is not on this caseload: open the case again")])
        row = s.scalar(select(StandardsOverride).where(StandardsOverride.person_id == person_id,
                                                       StandardsOverride.rule == rule))
        if every_days is None:
            if row is not None:
                s.delete(row)
        elif row is None:
            s.add(StandardsOverride(person_id=person_id, rule=rule, every_days=every_days))
        else:
            row.every_days = every_days


def frequency_overrides(db: Database, person_id: str) -> dict[str, int]:
    with db.read() as s:
        rows = s.execute(select(StandardsOverride.rule, StandardsOverride.every_days)
                         .where(StandardsOverride.person_id == person_id)).all()
    return {rule: every for rule, every in rows}


@writes(Change.STANDARDS)
def record_done(db: Database, person_id: str, kind: str, on: date, note: str = "") -> str:
    """Record a sentence plan or a plan/RoSH review as done on a day (it meets the matching obligation)."""
    errors = []
    if kind in LEGACY_RECORD_KINDS:
        errors.append(FieldError("Record", "a RoSH review is recorded by completing one: start a RoSH review on "
                                           "the case's RoSH page"))
    elif kind not in RECORD_KINDS:
        errors.append(FieldError("Record", f"'{kind}' is not one of {', '.join(RECORD_KINDS)}"))
    if on > date.today():
        errors.append(FieldError("Date", "is in the future: record a plan or review once it is done"))
    if errors:
        raise ValidationError(errors)
    with db.write() as s:
        if s.get(Person, person_id) is None:
            raise ValidationError([FieldError("Case", "is not on this caseload: open the case again")])
        row = StandardsRecord(person_id=person_id, kind=kind, done_on=on, note=note.strip() or None)
        s.add(row)
        s.flush()
        return row.id


# -- facts from the database, in bulk ---------------------------------------------------------------
@cache
def _offence_keywords() -> dict[str, tuple[str, ...]]:
    with open(resources_dir() / "standards" / "_offences.toml", "rb") as fh:
        doc = tomllib.load(fh)
    return {cat: tuple(w.casefold() for w in words) for cat, words in doc["categories"].items()}


@lru_cache(maxsize=4096)  # a caseload has a few hundred distinct offence texts
def offence_category(offence: str | None) -> str | None:
    text = (offence or "").casefold()
    for category, words in _offence_keywords().items():
        if any(w in text for w in words):
            return category
    return None


def _local_day(utc: datetime | None) -> date | None:
    """The local day of a UTC timestamp as the store keeps it (naive)."""
    return utc.replace(tzinfo=UTC).astimezone().date() if utc is not None else None


def _in(column: QueryableAttribute[Any], by_ids: bool) -> ColumnElement[bool]:
    """The given people's rows (the expanding parameter "ids"), or everyone's."""
    return column.in_(bindparam("ids", expanding=True)) if by_ids else true()


def _ids(person_ids: Sequence[str] | None) -> dict[str, list[str]]:
    return {"ids": list(person_ids)} if person_ids is not None else {}


@cache
def _fact_queries(by_ids: bool) -> dict[str, Select[Any]]:
    """The facts' queries, built once: one case's obligations (the case screen) ran a dozen small queries, and
    building their statements anew each time cost a third of it."""
    return {
        "people": select(Person.id, Person.crn, Person.first_name, Person.last_name, Person.tier, Person.rosh,
                         Person.tier_scheme).where(_in(Person.id, by_ids)),
        "sentences": select(Sentence.id, Sentence.person_id, Sentence.order_type, Sentence.offence,
                            Sentence.sentence_date, Sentence.start_date, Sentence.end_date, Sentence.length_months,
                            Sentence.recalled_on)
        .where(Sentence.terminated_on.is_(None), _in(Sentence.person_id, by_ids)).order_by(Sentence.start_date),
        "requirements": select(Requirement.sentence_id, Requirement.type_code)
        .join(Sentence, Sentence.id == Requirement.sentence_id)
        .where(Sentence.terminated_on.is_(None), _in(Sentence.person_id, by_ids)),
        "registrations": select(Registration.person_id, Registration.type_code, Registration.start_date,
                                Registration.next_review_date, Registration.category, Registration.level)
        .where(Registration.ended_on.is_(None), _in(Registration.person_id, by_ids)),
        "amended": select(Contact.amends_id, Contact.id).where(Contact.amends_id.is_not(None),
                                                               _in(Contact.person_id, by_ids)),
        "enforcement": select(Enforcement.id, Enforcement.person_id, Enforcement.contact_id, Enforcement.action,
                              Enforcement.decided_on).where(_in(Enforcement.person_id, by_ids)),
        "records": select(StandardsRecord.id, StandardsRecord.person_id, StandardsRecord.kind,
                          StandardsRecord.done_on).where(_in(StandardsRecord.person_id, by_ids)),
        "events": select(CaseEvent.id, CaseEvent.person_id, CaseEvent.kind, CaseEvent.on_date, CaseEvent.created_at)
        .where(CaseEvent.kind.in_(sorted(case_codes().significant())), _in(CaseEvent.person_id, by_ids)),
        "overrides": select(StandardsOverride.person_id, StandardsOverride.rule, StandardsOverride.every_days)
        .where(_in(StandardsOverride.person_id, by_ids)),
        "rosh": select(RoshAssessment.id, RoshAssessment.person_id, RoshAssessment.status, RoshAssessment.started_on,
                       RoshAssessment.completed_on, RoshAssessment.full_analysis, RoshAssessment.by_report_writer,
                       RoshConfirmation.on_date)
        .outerjoin(RoshConfirmation, RoshConfirmation.id == RoshAssessment.id)
        .where(_in(RoshAssessment.person_id, by_ids)),
        "plans": select(SentencePlan.person_id, SentencePlan.id, SentencePlan.plan_type, SentencePlan.completed_on)
        .where(SentencePlan.status == "complete", _in(SentencePlan.person_id, by_ids)),
        "plan_reviews": select(PlanReview.person_id, PlanReview.id, PlanReview.completed_on)
        .where(PlanReview.status == "complete", _in(PlanReview.person_id, by_ids)),
    }


# Core rows iter_facts reads: a person (id, crn, first, last, tier, rosh, tier scheme) and a current sentence
# (id, person, order type, offence, sentence date, start, end, length in months, recalled on).
_PersonRow = Row[tuple[str, str, str, str, str | None, str | None, str | None]]
_SentenceRow = Row[tuple[str, str, str, str | None, date | None, date, date | None, int | None, date | None]]
# A contact straight from the driver, dates as text: (person, starts at, type, outcome, id).
_RawContact = tuple[str, str, str, str | None, str]
# A contact as kept for the engine, dates as text: (id, starts at, type, outcome).
_KeptContact = tuple[str, str, str, str | None]


def _raw_connection(s: Session) -> DBAPIConnection:
    conn = s.connection().connection.dbapi_connection
    assert conn is not None  # a session's checked-out connection is open
    return conn


@dataclass(frozen=True)
class _Who:
    crn: str
    name: str


def iter_facts(s: Session, as_of: date, person_ids: Sequence[str] | None = None,
               who: dict[str, _Who] | None = None, since: date | None = None,
               policy: Policy | None = None, calendar: WorkingCalendar | None = None) -> Iterator[CaseFacts]:
    """CaseFacts for the given people (None: everyone), one case at a time, from eight queries.

    Contacts stream from the covering index in person order, so a Trust-scale caseload (a million
    contacts) is never all in memory at once; `who` is filled with each person's CRN and name.
    With `since` and `policy`, each case carries only the contacts `obligations(..., since=since)`
    reads (standards.obligations.contacts_needed): its results are the same, from a fraction of the rows.
    `calendar` must be the one the engine is then given (None: the office closures this session sees).
    """
    for by_day in _iter_facts(s, (as_of,), person_ids, who, since, policy, calendar):
        yield by_day[as_of]


def iter_facts_on(s: Session, days: Sequence[date], person_ids: Sequence[str] | None = None,
                  ) -> Iterator[dict[date, CaseFacts]]:
    """Each case's facts on each of the days ({day: CaseFacts}), one case at a time, from one reading: the same
    as iter_facts for each day alone (a day's facts hold the contacts up to it), with the contacts read and
    parsed once for all the days (the practice team view's two periods, the charts' month-ends)."""
    return _iter_facts(s, tuple(days), person_ids)


def _iter_facts(s: Session, days: tuple[date, ...], person_ids: Sequence[str] | None = None,
                who: dict[str, _Who] | None = None, since: date | None = None,
                policy: Policy | None = None, calendar: WorkingCalendar | None = None
                ) -> Iterator[dict[date, CaseFacts]]:
    as_of = max(days)
    core = s.connection()  # Core rows: the ORM's row loading doubled these queries' cost
    q, ids = _fact_queries(person_ids is not None), _ids(person_ids)
    people = core.execute(q["people"], ids).all()
    if who is not None:
        who.update({pid: _Who(crn, f"{last}, {first}") for pid, crn, first, last, _t, _r, _ts in people})
    sentences: dict[str, _SentenceRow] = {}
    for row in core.execute(q["sentences"], ids).all():
        sentences[row[1]] = row  # the latest start wins, as the caseload's current sentence
    current_ids = {row[0] for row in sentences.values()}
    reqs: dict[str, list[str]] = defaultdict(list)
    for sid, code in core.execute(q["requirements"], ids).all():
        if sid in current_ids:
            reqs[sid].append(code)
    regs: dict[str, list[RegisterFact]] = defaultdict(list)
    for pid, code, start, review, cat, level in core.execute(q["registrations"], ids).all():
        regs[pid].append(RegisterFact(code, start, review, cat, level))
    # Corrections: a contact amended by a newer row is superseded (few rows, from a partial index).
    amended_by = {amends: cid for amends, cid in core.execute(q["amended"], ids).all() if amends is not None}

    def head(cid: str) -> str:
        while cid in amended_by:
            cid = amended_by[cid]
        return cid

    enforcement: dict[str, list[EnforcementFact]] = defaultdict(list)
    for eid, pid, cid, action, on in core.execute(q["enforcement"], ids).all():
        enforcement[pid].append(EnforcementFact(head(cid), action, on, eid))
    records: dict[str, list[RecordFact]] = defaultdict(list)
    for rid, pid, kind, on in core.execute(q["records"], ids).all():
        records[pid].append(RecordFact(kind, on, rid))
    followups = _rosh_facts(core, person_ids, records, sentences)
    _plan_facts(core, person_ids, records)
    # The timeline's significant changes only (a few per case): the reviews they open (issue 16).
    events: dict[str, list[EventFact]] = defaultdict(list)
    # created_at (UTC) is when it was recorded: its local day is when the officer knew of it.
    for eid, pid, kind, on, created in core.execute(q["events"], ids).all():
        events[pid].append(EventFact(kind, on, eid, _local_day(created)))
    overrides: dict[str, dict[str, int]] = defaultdict(dict)
    for pid, rule, every in core.execute(q["overrides"], ids).all():
        overrides[pid][rule] = every
    person_rows = {row[0]: row for row in people}

    def build(pid: str, contacts: list[ContactRow]) -> CaseFacts:
        _p, _crn, _f, _l, tier, rosh, tier_scheme = person_rows[pid]
        sen = sentences.get(pid)
        if sen is None:
            return CaseFacts(person_id=pid, tier=tier, tier_scheme=tier_scheme, rosh=rosh,
                             registers=tuple(regs.get(pid, ())),
                             overrides=overrides.get(pid, {}), rosh_followups=tuple(followups.get(pid, ())))
        sid, _p, order, offence, sentence_date, start, end, months, recalled_on = sen
        return CaseFacts(
            person_id=pid, sentence_type=order, start=start, sentence_date=sentence_date, end=end,
            length_months=months, requirements=tuple(reqs.get(sid, ())), tier=tier, tier_scheme=tier_scheme,
            rosh=rosh,
            registers=tuple(regs.get(pid, ())), offence_category=offence_category(offence),
            custody_months=months * 2 if order == "LIC" and months else None,
            contacts=tuple(contacts), enforcement=tuple(enforcement.get(pid, ())),
            records=tuple(records.get(pid, ())), overrides=overrides.get(pid, {}),
            events=tuple(sorted(events.get(pid, ()), key=lambda e: (e.on, e.id))), recalled_on=recalled_on,
            rosh_followups=tuple(followups.get(pid, ())))

    # Contacts with an outcome up to "as of", under the current sentence (from its sentence date, for
    # victim contact in custody), superseded versions dropped. The planner reads them from the covering
    # index ix_contact_standards, already in person order (no INDEXED BY: a file migrated before the
    # index existed still works, only slower). Straight from the driver, dates as text, plain tuples
    # (a ContactFact by position): SQLAlchemy rows and DateTime parsing would double the cost.
    until = (as_of + timedelta(days=1)).isoformat()
    since_of = {pid: (row[4] or row[5]).isoformat() for pid, row in sentences.items()}
    if since is not None and policy is not None and person_ids is None:  # a few people: read them whole
        assert len(days) == 1, "the engine's own reading is of one day"
        if calendar is None:
            calendar = working_calendar(s)
        for facts in _recent_facts(s, policy, calendar, as_of, since, until, person_rows, since_of, amended_by,
                                   build):
            yield {as_of: facts}
        return
    # An earlier day's facts keep the contacts before its own next day, as iter_facts on that day reads them.
    earlier = [(day, (day + timedelta(days=1)).isoformat()) for day in days if day != as_of]
    sql = "SELECT person_id, starts_at, type_code, outcome, id FROM contact WHERE outcome IS NOT NULL"
    params: tuple[str, ...] = ()
    if person_ids is not None:
        sql += f" AND person_id IN ({', '.join('?' * len(person_ids))})"
        params = tuple(person_ids)
    cursor = _raw_connection(s).execute(sql + " ORDER BY person_id", params)
    parse = datetime.fromisoformat
    seen: set[str] = set()
    for pid, rows in groupby(cursor, key=itemgetter(0)):
        if pid not in person_rows:
            continue
        seen.add(pid)
        first = since_of.get(pid)
        if first is None:
            yield dict.fromkeys(days, build(pid, []))
            continue
        kept = [(at, (cid, parse(at), code, outcome)) for _p, at, code, outcome, cid in rows
                if first <= at < until and cid not in amended_by]
        by_day = {as_of: build(pid, [row for _at, row in kept])}
        for day, day_until in earlier:
            by_day[day] = build(pid, [row for at, row in kept if at < day_until])
        yield by_day
    for pid in person_rows:
        if pid not in seen:
            yield dict.fromkeys(days, build(pid, []))


def _rosh_facts(core: Connection, person_ids: Sequence[str] | None, records: dict[str, list[RecordFact]],
               sentences: dict[str, Any]) -> dict[str, list[RoshFollowUpFact]]:
    """Completed RoSH assessments as the rosh_review records they are (added to `records`), and what
    screenings left owing: a full analysis required and not done (a draft; met when it is completed with
    the analysis), and a report writer's screening to confirm from the sentence's start (met when confirmed or
    revised)."""
    out: dict[str, list[RoshFollowUpFact]] = defaultdict(list)
    first_done: dict[str, date] = {}
    reviews: list[tuple[str, RecordFact]] = []  # each completed assessment, as the rosh_review record it is
    for aid, pid, status, started, completed, full, writer, confirmed in core.execute(
            _fact_queries(person_ids is not None)["rosh"], _ids(person_ids)).all():
        done = completed if status == "complete" else None
        if done is not None:
            first_done[pid] = min(done, first_done.get(pid, done))
            reviews.append((pid, RecordFact("rosh_review", done, aid)))
        if full == "required" or (full == "done" and done is not None):
            out[pid].append(RoshFollowUpFact("full_analysis", started, done, aid))
        sentence = sentences.get(pid)
        start = (sentence[5] or sentence[4]) if sentence is not None else None
        if writer and done is not None and start is not None:
            # From the sentence's start, as assessment/rosh_reviews.confirmation_due counts it.
            out[pid].append(RoshFollowUpFact("confirmation", start, confirmed, aid))
    # A bare rosh_review record counts only from before the case's first completed assessment (the history
    # before RoSH assessments existed): one dated after it is not a review, and never meets one.
    for pid, first in first_done.items():
        records[pid] = [r for r in records[pid] if r.kind != "rosh_review" or r.on < first]
    for pid, review in reviews:
        records[pid].append(review)
    return out


def _plan_facts(core: Connection, person_ids: Sequence[str] | None, records: dict[str, list[RecordFact]]) -> None:
    """Completed sentence plans and plan reviews (issue 20) as the sentence_plan and plan_review records they are
    (added to `records`): a plan meets initial_sentence_plan, and a completed review, or a new version of the
    plan of type review, meets a plan_review. A bare record of either kind counts only from before the case's
    first completed plan (the history before plans had tables), as RoSH reviews do."""
    first_done: dict[str, date] = {}
    found: dict[str, list[RecordFact]] = defaultdict(list)
    q, ids = _fact_queries(person_ids is not None), _ids(person_ids)
    for pid_, plan_id, kind, completed in core.execute(q["plans"], ids).all():
        if completed is None:
            continue
        first_done[pid_] = min(completed, first_done.get(pid_, completed))
        found[pid_].append(RecordFact("plan_review" if kind == "review" else "sentence_plan", completed, plan_id))
    for pid_, review_id, completed in core.execute(q["plan_reviews"], ids).all():
        if completed is not None:
            found[pid_].append(RecordFact("plan_review", completed, review_id))
    for pid_, first in first_done.items():
        records[pid_] = [r for r in records[pid_] if r.kind not in RECORD_KINDS or r.on < first]
    for pid_, facts in found.items():
        records[pid_].extend(facts)


_CONTACT_COLUMNS = "c.person_id, c.starts_at, c.type_code, c.outcome, c.id"


def failures_clause() -> str:
    """`outcome IN (...)` naming the failure outcomes as literals, sorted: the words of the partial
    index ix_contact_failures, so SQLite reads that small index (it cannot match bound parameters)."""
    codes = sorted(failure_outcomes())
    if not all(re.fullmatch(r"[A-Z0-9]+", c) for c in codes):  # reference data, but never quote blindly
        raise ValueError("failure outcome codes must be letters and digits")
    return f"outcome IN ({', '.join(repr(c) for c in codes)})"


def _recent_facts(s: Session, policy: Policy, calendar: WorkingCalendar, as_of: date, since: date, until: str,
                  person_rows: dict[str, _PersonRow], since_of: dict[str, str], amended_by: dict[str, str],
                  build: Callable[[str, list[ContactRow]], CaseFacts]) -> Iterator[CaseFacts]:
    """Cases with only the contacts the engine reads from `since` on (see iter_facts and
    standards.obligations.contacts_needed): failures from their own small index, and for each contact
    window and one-off rule the contacts up to the one that meets it, found by index seeks."""
    conn = _raw_connection(s)
    cuts: dict[str, str] = {}
    # (types, outcomes, need) -> [[person, from, until]]
    asks: dict[tuple[tuple[str, ...], tuple[str, ...] | None, int], list[tuple[str, str, str]]] = defaultdict(list)
    # A policy has a handful of (types, outcomes) pairs: each is put in its statement's order once.
    terms: dict[tuple[frozenset[str], frozenset[str] | None], tuple[tuple[str, ...], tuple[str, ...] | None]] = {}
    for pid in person_rows:
        first = since_of.get(pid)
        if first is None:
            continue
        cut, lookups = contacts_needed(policy, build(pid, []), as_of, since, calendar)
        if cut is not None:
            cuts[pid] = max(cut.isoformat(), first)
        for lk in lookups:
            sorted_terms = terms.get((lk.types, lk.outcomes))
            if sorted_terms is None:
                sorted_terms = terms[(lk.types, lk.outcomes)] = (
                    tuple(sorted(lk.types)), tuple(sorted(lk.outcomes)) if lk.outcomes else None)
            key = (*sorted_terms, lk.need)
            end = until if lk.until is None else min(until, lk.until.isoformat())
            asks[key].append((pid, max(lk.on.isoformat(), first), end))
    rows: dict[str, dict[str, _KeptContact]] = defaultdict(dict)  # person -> contact id -> row

    def keep(found: Iterable[_RawContact]) -> None:
        for pid, at, code, outcome, cid in found:
            first = since_of.get(pid)
            if first is not None and first <= at < until and cid not in amended_by:
                rows[pid][cid] = (cid, at, code, outcome)

    # Every failure under the sentence (enforcement counts them all), from the small partial index.
    keep(conn.execute(f"SELECT {_CONTACT_COLUMNS} FROM contact AS c WHERE {failures_clause()}"))
    # Review cycles counted in contacts (none in the shipped policies) look back a fixed time.
    if cuts:
        keep(conn.execute(
            f"SELECT {_CONTACT_COLUMNS} FROM json_each(?) AS j CROSS JOIN contact AS c ON c.person_id = j.key "
            "AND c.starts_at >= j.value AND c.starts_at < ? AND c.outcome IS NOT NULL", (json.dumps(cuts), until)))
    # Each window and one-off rule: the day of the need-th matching contact by a seek, then the matching
    # contacts from the window's start to the end of that day (the engine counts them and breaks ties by
    # id). One statement for every lookup, in person order: each person's few index pages are decrypted
    # once for all their lookups (a statement per kind of lookup re-read them from disk for each).
    if not asks:
        return _yield_facts(person_rows, rows, build)
    kinds = list(asks)
    matches: list[tuple[str, list[str]]] = []
    for types, outcomes, _need in kinds:
        match = f"c.type_code IN ({', '.join('?' * len(types))})"
        params: list[str] = [*types]
        if outcomes is not None:
            match += f" AND c.outcome IN ({', '.join('?' * len(outcomes))})"
            params += outcomes
        matches.append((match, params))
    flat = sorted((pid, on, end, k) for k, key in enumerate(kinds) for pid, on, end in asks[key])
    superseded = json.dumps(sorted(amended_by))
    ends, end_params = [], []
    for k, (match, mparams) in enumerate(matches):  # the day after the need-th match: where to stop reading
        ends.append(
            f"WHEN {k} THEN date((SELECT c.starts_at FROM contact AS c "
            "WHERE c.person_id = json_extract(j.value, '$[0]') AND c.starts_at >= json_extract(j.value, '$[1]') "
            f"AND c.starts_at < json_extract(j.value, '$[2]') AND c.outcome IS NOT NULL AND {match} "
            "AND c.id NOT IN (SELECT value FROM json_each(?)) "
            f"ORDER BY c.starts_at LIMIT 1 OFFSET {kinds[k][2] - 1:d}), '+1 day')")
        end_params += [*mparams, superseded]
    # SQLite works out a seek's bounds once per outer row: each lookup's end is found once, then its
    # contacts are read from the same (now decrypted) pages.
    keep(conn.execute(
        f"SELECT {_CONTACT_COLUMNS} FROM json_each(?) AS j CROSS JOIN contact AS c "
        "ON c.person_id = json_extract(j.value, '$[0]') AND c.starts_at >= json_extract(j.value, '$[1]') "
        f"AND c.starts_at < (CASE json_extract(j.value, '$[3]') {' '.join(ends)} END) "
        "AND c.outcome IS NOT NULL AND CASE json_extract(j.value, "
        f"'$[3]') {' '.join(f'WHEN {k} THEN {m}' for k, (m, _p) in enumerate(matches))} END",
        (json.dumps(flat), *end_params, *[v for _m, mp in matches for v in mp])))
    return _yield_facts(person_rows, rows, build)


def _yield_facts(person_rows: dict[str, _PersonRow], rows: dict[str, dict[str, _KeptContact]],
                 build: Callable[[str, list[ContactRow]], CaseFacts]) -> Iterator[CaseFacts]:
    parse = datetime.fromisoformat
    for pid in person_rows:
        found = rows.get(pid)
        yield build(pid, [(cid, parse(at), code, outcome) for cid, at, code, outcome in found.values()]
                    if found else [])


def load_facts(s: Session, as_of: date, person_ids: Sequence[str] | None = None, since: date | None = None,
               policy: Policy | None = None, calendar: WorkingCalendar | None = None
               ) -> tuple[dict[str, CaseFacts], dict[str, _Who]]:
    """Every case's facts at once, keyed by person id (tests and the benchmark; services stream)."""
    who: dict[str, _Who] = {}
    facts = {f.person_id: f for f in iter_facts(s, as_of, person_ids, who, since, policy, calendar)}
    return facts, who  # type: ignore[return-value]


def _extra(s: Session, as_of: date, person_ids: Sequence[str] | None) -> dict[str, list[Obligation]]:
    """Obligations other features add (services/obligation_sources.py: court's report requests)."""
    out: dict[str, list[Obligation]] = defaultdict(list)
    for fn in sources():
        for o in fn(s, as_of, person_ids):
            if o.person_id is not None:
                out[o.person_id].append(o)
    return out


def all_obligations(db: Database, as_of: date | None = None, person_ids: Sequence[str] | None = None,
                    since: date | None = None) -> tuple[dict[str, list[Obligation]], dict[str, _Who]]:
    """Every case's obligations (or the given cases'), keyed by person id, from a few bulk queries."""
    as_of = as_of or date.today()
    out: dict[str, list[Obligation]] = {}
    who: dict[str, _Who] = {}
    with db.read() as s:  # WAL: this read does not hold up a save while the engine works through it
        policy, calendar = _settings(db, s)
        extra = _extra(s, as_of, person_ids)
        for case in iter_facts(s, as_of, person_ids, who, since, policy, calendar):
            pid = case.person_id
            items = obligations(policy, case, as_of, since=since, calendar=calendar)
            if pid in extra:
                items = sorted(items + extra[pid], key=lambda o: (o.due_by, o.rule))
            out[pid] = items  # type: ignore[index]
    return out, who


def case_obligations(db: Database, person_id: str, as_of: date | None = None) -> list[Obligation]:
    """One case's obligations under the policy in force, soonest due first."""
    found, _ = all_obligations(db, as_of, [person_id])
    return found.get(person_id, [])


def case_facts(db: Database, person_id: str, as_of: date | None = None) -> CaseFacts | None:
    with db.read() as s:
        facts, _ = load_facts(s, as_of or date.today(), [person_id])
    return facts.get(person_id)


# -- what is due ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DueItem:
    obligation: Obligation
    person_id: str
    crn: str
    name: str


def is_on_list(o: Obligation, as_of: date, horizon_days: int) -> bool:
    """Due and overdue always; upcoming when it opens within the horizon."""
    if o.status in ("due", "overdue"):
        return True
    return o.status == "upcoming" and o.due_from is not None and o.due_from <= as_of + timedelta(days=horizon_days)


def caseload_due(db: Database, as_of: date | None = None, horizon_days: int = 7) -> list[DueItem]:
    """Everything due or overdue across the caseload (and what opens within horizon_days), by due date."""
    as_of = as_of or date.today()
    kept = _kept_obligations(db, as_of)  # the caseload's next-due column reads the same: kept between them
    who = kept.who
    items = [DueItem(o, pid, who[pid].crn, who[pid].name)
             for pid, obs in kept.open.items() for o in obs if is_on_list(o, as_of, horizon_days)]
    return sorted(items, key=lambda i: (i.obligation.due_by, i.name, i.obligation.rule))


def next_due(items: Sequence[Obligation]) -> Obligation | None:
    """The caseload column: the first overdue or due obligation by due date, else the next upcoming."""
    open_ = [o for o in items if o.status in ("overdue", "due")]
    if open_:
        return min(open_, key=lambda o: (o.due_by, o.rule))
    upcoming = [o for o in items if o.status == "upcoming"]
    return min(upcoming, key=lambda o: (o.due_by, o.rule)) if upcoming else None


# -- what is due and the caseload's "next due" column, kept ---------------------------------------------
# The caseload is reloaded after every edit and on every screen change, and "what is due" asks the same of
# the engine (every case from "as of" on); over a Trust-scale file that takes seconds. Both read one set of
# open obligations per case, kept per database and day. After a write only the cases it changed are worked
# out again:
# - a write to tables the engine does not read per case (the sync_* bookkeeping a pull writes, drafts, audit
#   rows, note templates), or to the settings (the policy in force, office closures: they are in the key and
#   re-read after any write), recomputes nothing;
# - a write to the case tables is recomputed for the people the new audit rows name (a sync pull names each
#   case it wrote: sync/apply.apply_items); a case table written with no audit row since naming a case of it
#   (bulk inserts, Core statements) recomputes everyone, as does a new policy or set of closures.
_writes: weakref.WeakKeyDictionary[Engine, list[int]] = weakref.WeakKeyDictionary()
# engine -> table -> the write count after its latest write (which tables a stretch of writes touched)
_tables_written: weakref.WeakKeyDictionary[Engine, dict[str, int]] = weakref.WeakKeyDictionary()
_settings_cache: weakref.WeakKeyDictionary[Database, tuple[int, Policy, WorkingCalendar]] = weakref.WeakKeyDictionary()
_DML = re.compile(r"\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+"
                  r"[\"`\[]?(\w+)", re.IGNORECASE)
_NOT_READ = frozenset({"contact_draft", "audit", "note_template"})
# Written without changing any case's facts: the settings are in the kept results' key, the sync_* tables are
# the pull's bookkeeping (cursor, versions, outbox, conflicts, notices, evictions), *_fts the note search index.
_SETTINGS = frozenset({"lpt_meta", "office_closure"})
INCREMENTAL_MAX = 500  # more people changed than this: recompute everyone in one bulk pass
_OPEN = ("due", "overdue", "upcoming")  # what the due list and the column can show
_UNSETTLED = "lpt_tables_written"  # connection info: the tables its open transaction has written


def _case_data(table: str) -> bool:
    """Whether a write to this table can change a case's facts (unknown tables: yes)."""
    return not (table in _NOT_READ or table.startswith("sync_") or table.endswith("_fts"))


def write_count(db: Database) -> int:
    """How many statements have changed tables the engine reads, through this database's engine; counted again
    once their transaction has ended.

    Counted when a statement runs, so a reader computing while a write is under way looks again next time; but a
    reader can read the count after the writer's statement and open its snapshot before the commit, and keep
    results without the write under a count that already includes it. So each transaction's tables are counted
    (and stamped) once more when its connection goes back to the pool, after the COMMIT (or rollback) has run:
    whatever was kept in between is looked at again. (SQLAlchemy's "commit" event fires before the COMMIT runs:
    too early.) Every write path returns its connection: Database.write's session, sync's applying, Core."""
    engine = db.engine
    if engine not in _writes:
        counter = _writes[engine] = [0]
        tables = _tables_written[engine] = {}

        def after(conn: Connection, _cursor: DBAPICursor, statement: str, *_args: object) -> None:
            m = _DML.match(statement)
            if m is not None:
                table = m.group(1).lower()
                if table not in _NOT_READ:
                    counter[0] += 1
                    tables[table] = counter[0]
                    conn.info.setdefault(_UNSETTLED, set()).add(table)  # the pooled connection's own info

        def settled(_dbapi_conn: DBAPIConnection | None, record: ConnectionPoolEntry) -> None:
            written = record.info.pop(_UNSETTLED, None)
            if written:  # its transaction has committed or rolled back: count its tables again
                counter[0] += 1
                for table in written:
                    tables[table] = counter[0]

        event.listen(engine, "after_cursor_execute", after)
        event.listen(engine, "checkin", settled)
    return _writes[engine][0]


def _tables_written_since(db: Database, count: int) -> set[str]:
    """The tables written (through this database's engine) after write_count(db) was `count`."""
    return {t for t, n in _tables_written.get(db.engine, {}).items() if n > count}


def _settings(db: Database, s: Session) -> tuple[Policy, WorkingCalendar]:
    """The policy in force and the working-day calendar with the office closures, re-read only after a write."""
    count = write_count(db)
    hit = _settings_cache.get(db)
    if hit is None or hit[0] != count:
        hit = (count, _policy(s), working_calendar(s))
        _settings_cache[db] = hit
    return hit[1], hit[2]


@dataclass(frozen=True)
class _Kept:
    """Each case's open obligations on one day (what is due, the next-due column), and what they came from."""

    count: int  # write_count when they were worked out
    key: tuple[date, str, WorkingCalendar]  # (as of, policy name, calendar)
    audit_max: int  # the last audit row then
    open: dict[str, list[Obligation]]  # person -> due, overdue and upcoming obligations, in the engine's order
    who: dict[str, _Who]
    next_due: dict[str, Obligation]  # person -> next_due(open[person]), for people with one


# db -> as of -> kept (the two days last asked about: today, and a view looking at another day)
_kept: weakref.WeakKeyDictionary[Database, dict[date, _Kept]] = weakref.WeakKeyDictionary()
_KEPT_DAYS = 2


def cases_changed_since(db: Database, s: Session, count: int, audit_max: int,
                        in_key: frozenset[str] = frozenset()) -> set[str] | None:
    """The cases written since write_count(db) was `count` and the audit's last row was `audit_max`: the people
    the audit rows since name; None when a write may have changed anyone's (a case table written with no audit
    row naming a case of it, or audited without naming one). Writes only to the sync_* bookkeeping, drafts, audit
    rows, note templates and search indexes change no case; nor do writes to the tables `in_key` (settings the
    caller keys its kept results on). For any cache kept per case by write_count (the caseload's columns)."""
    rows = s.execute(select(Audit.person_id, Audit.table_name).where(Audit.id > audit_max)).all()
    people = {pid for pid, _table in rows if pid is not None}

    def case_data(table: str) -> bool:
        return _case_data(table) and table not in in_key

    if any(pid is None and case_data(table) for pid, table in rows):
        return None  # a case table written and audited without naming its case
    named = {table for pid, table in rows if pid is not None}
    if any(case_data(t) and t not in named for t in _tables_written_since(db, count)):
        return None  # a case table written that no audit row since names a case of (a Core statement, say)
    return people


def _open_by_person(found: dict[str, list[Obligation]]) -> dict[str, list[Obligation]]:
    return {pid: [o for o in obs if o.status in _OPEN] for pid, obs in found.items()}


_kept_locks: weakref.WeakKeyDictionary[Database, threading.Lock] = weakref.WeakKeyDictionary()
_kept_locks_guard = threading.Lock()


def _kept_obligations(db: Database, as_of: date) -> _Kept:
    """Every case's open obligations as of a day (`since` that day), worked out again only where changed. One
    caller at a time per caseload: after an unlock the caseload's columns and the standards feature both ask at
    once on the two read threads, and the second then takes the first's result instead of working everyone out
    again beside it."""
    with _kept_locks_guard:
        lock = _kept_locks.setdefault(db, threading.Lock())
    with lock:
        return _kept_obligations_now(db, as_of)


def _kept_obligations_now(db: Database, as_of: date) -> _Kept:
    count = write_count(db)  # read first: a write while computing makes the next call look again
    with db.read() as s:
        policy, calendar = _settings(db, s)
        key = (as_of, policy.name, calendar)
        days = _kept.setdefault(db, {})
        hit = days.get(as_of)
        if hit is not None and hit.key != key:
            hit = None
        if hit is not None and hit.count == count:
            return hit
        people = cases_changed_since(db, s, hit.count, hit.audit_max, _SETTINGS) if hit is not None else None
        audit_max = s.scalar(select(func.max(Audit.id))) or 0
    if hit is not None and people is not None and len(people) <= INCREMENTAL_MAX:
        open_, who, next_ = dict(hit.open), dict(hit.who), dict(hit.next_due)
        if people:
            found, found_who = all_obligations(db, as_of, sorted(people), since=as_of)
            for pid in people:  # a recomputed case keeps its place (the due list breaks ties in this order)
                next_.pop(pid, None)
                if pid in found:
                    open_[pid] = [o for o in found[pid] if o.status in _OPEN]
                    who[pid] = found_who[pid]
                    if (o := next_due(open_[pid])) is not None:
                        next_[pid] = o
                else:  # no longer on this caseload
                    open_.pop(pid, None)
                    who.pop(pid, None)
    else:
        found, who = all_obligations(db, as_of, since=as_of)
        open_ = _open_by_person(found)
        next_ = {pid: o for pid, obs in open_.items() if (o := next_due(obs)) is not None}
    kept = _Kept(count, key, audit_max, open_, who, next_)
    days.pop(as_of, None)
    days[as_of] = kept
    while len(days) > _KEPT_DAYS:
        days.pop(next(iter(days)), None)
    return kept


def next_due_by_person(db: Database, as_of: date | None = None) -> dict[str, Obligation]:
    """Each case's next obligation (first overdue or due, else the next upcoming), from the engine."""
    return _kept_obligations(db, as_of or date.today()).next_due


# -- compliance -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Compliance:
    """Share of obligations met on time among those whose deadline fell in the period (SPM 5, SPM 24)."""

    start: date
    end: date
    met_on_time: int
    total: int
    by_rule: dict[str, tuple[int, int]]  # rule -> (met on time, total)

    @property
    def share(self) -> float:
        """0..1; 1.0 when nothing fell due in the period (see `total`)."""
        return self.met_on_time / self.total if self.total else 1.0


def _tally(start: date, end: date, as_of: date, items: Iterable[Obligation]) -> Compliance:
    """The one definition: obligations due in [start, end] whose deadline has passed (or that were met)."""
    by_rule: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    met = total = 0
    for o in items:
        if not start <= o.due_by <= end or (o.status != "met" and o.due_by >= as_of):
            continue
        total += 1
        by_rule[o.rule][1] += 1
        if o.met_on_time:
            met += 1
            by_rule[o.rule][0] += 1
    return Compliance(start, end, met, total, {k: (v[0], v[1]) for k, v in by_rule.items()})


def _period(start: date, end: date, as_of: date | None) -> date:
    if end < start:
        raise ValidationError([FieldError("Period", "ends before it starts: choose an end on or after the start")])
    return as_of or min(date.today(), end)


def compliance(db: Database, start: date, end: date, person_id: str | None = None,
               as_of: date | None = None) -> Compliance:
    """Obligations due in [start, end] whose deadline has passed (or that were met), judged as of `as_of`."""
    as_of = _period(start, end, as_of)
    found, _ = all_obligations(db, as_of, [person_id] if person_id else None, since=start)
    return _tally(start, end, as_of, (o for obs in found.values() for o in obs))


def compliance_by_case(db: Database, start: date, end: date, as_of: date | None = None) -> dict[str, Compliance]:
    """Every case's compliance (as `compliance(db, start, end, person_id)`), from one pass over the caseload."""
    as_of = _period(start, end, as_of)
    found, _ = all_obligations(db, as_of, since=start)
    return {pid: _tally(start, end, as_of, obs) for pid, obs in found.items()}


def due_counts(db: Database, as_of: date | None = None) -> dict[str, int]:
    """How many items are due and overdue across the caseload (for the status bar)."""
    items = caseload_due(db, as_of, horizon_days=0)
    counts = {"due": 0, "overdue": 0}
    for i in items:
        if i.obligation.status in counts:
            counts[i.obligation.status] += 1
    return counts

