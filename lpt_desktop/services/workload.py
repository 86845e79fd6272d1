"""Workload (issue 21): each officer's cases weighted by the tier in force and by the reports and other work due,
against their capacity, per officer and per team. The sums are practice/workload.py's; the weights are
resources/data/workload_weights.json; this module reads the caseload and the officers.

Whose workload:
  - on a team manager's laptop (sync role team_manager) the team: every officer row that has cases in this
    file (the manager's own row only if it has cases);
  - on any other laptop the officer whose laptop it is, with the cases allocated to them.
Who holds each case is services/holders.holders_in: the central store's allocation as the sync pull last wrote it
(person.held_by, held_by_name), else this laptop's own officer for its cases not yet synced; never the name on
the case's latest plan or assessment (whoever last completed work is not who holds the case). A holder matched to
an officer row by staff code (else name) is that officer; one known only from the allocation has no officer row
(officer_id None, the default grade). A case with no holder is listed apart (`unallocated`), never counted
against anyone; so is, on an officer's laptop, a case held by someone else.

What is read:
  - the tier in force and its scheme (person.tier, person.tier_scheme, as services/tiering.py records them);
  - the current sentence's order type (the latest not terminated; recalled when recalled_on is set);
  - court reports not yet sent (report_request), by type, due by their due date; a request for someone who is
    not (yet) a case counts for the officer named as its author, else the laptop's own officer;
  - other work due: the standards engine's open obligations (due, overdue, or upcoming) for each case
    (services/obligations.all_obligations), weighed by rule; report_due is left out there (counted above).

Capacity: nothing in the app records an officer's hours, so it is kept in this file's lpt_meta under
CAPACITY_KEY as JSON {staff_code or name: {"hours": 18.5, "reduction_hours": 2}} (the name for an officer known
only by name); an officer with no entry is full time
(the weights' full-time hours) with no reductions. set_capacity writes it (lpt_meta is a STANDARDS table in
services/changes.TABLE_KINDS, so it announces Change.STANDARDS); it is this laptop's own setting, never synced.

Reads:
  workload(db, today=None) -> WorkloadView
  capacities(db) -> {staff_code: Capacity}
  weights() -> Weights (the checked weights file)
  capacity_keys(db) -> {officer_id: staff_code}

Writes:
  set_capacity(db, officer_key, hours, reduction_hours) records an officer's hours a week (None: full time)
  and the hours taken off them, keyed by staff code (or the name of an officer known only by name)
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.domain.court import report_type_label
from lpt_desktop.domain.validation import FieldError, ValidationError
from lpt_desktop.domain.words import plural
from lpt_desktop.practice.workload import (
    COURT_REPORT,
    WORK_DUE,
    Capacity,
    CaseInput,
    CasePoints,
    OfficerInput,
    TeamWorkload,
    Weights,
    WorkItem,
    case_points,
    load_weights,
    team_workload,
)
from lpt_desktop.services import obligations
from lpt_desktop.services.changes import Change, writes
from lpt_desktop.services.countersign import actor_in
from lpt_desktop.services.holders import holders_in
from lpt_desktop.store.court_models import ReportRequest
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Meta, Officer, Person, Sentence

CAPACITY_KEY = "workload_capacity"
OPEN_STATUSES = ("due", "overdue", "upcoming")
COUNTED_ELSEWHERE = frozenset({"report_due"})  # open report requests: counted as court reports by type
TEAM = "team"
OFFICER = "officer"
MAX_HOURS = 37.5  # a week's contracted hours at most (the weights' full time is 37)


@dataclass(frozen=True)
class WorkloadView:
    """What a workload screen shows: the team (one officer on an officer's laptop), the cases no officer here
    holds, and a line saying whose figures these are."""

    scope: str  # TEAM | OFFICER
    scope_line: str
    as_of: date
    team: TeamWorkload
    unallocated: tuple[CasePoints, ...]
    weights_source: str

    @property
    def unallocated_points(self) -> int:
        return sum(c.points for c in self.unallocated)


def weights() -> Weights:
    """The checked weights file (a ValidationError naming the bad key if it is not right)."""
    return load_weights()


def _capacities(s: Session) -> dict[str, Capacity]:
    raw = s.scalar(select(Meta.value).where(Meta.key == CAPACITY_KEY))
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    out: dict[str, Capacity] = {}
    for code, entry in (data.items() if isinstance(data, dict) else ()):
        if not isinstance(entry, dict):
            continue
        hours = entry.get("hours")
        reduction = entry.get("reduction_hours", 0)
        ok_hours = hours is None or (isinstance(hours, (int, float)) and not isinstance(hours, bool) and hours >= 0)
        ok_reduction = isinstance(reduction, (int, float)) and not isinstance(reduction, bool) and reduction >= 0
        if ok_hours and ok_reduction:
            out[str(code)] = Capacity(None if hours is None else float(hours), float(reduction))
    return out


def capacities(db: Database) -> dict[str, Capacity]:
    """Each officer's recorded hours and reductions by staff code (an officer not listed is full time)."""
    with db.read() as s:
        return _capacities(s)


def capacity_keys(db: Database) -> dict[str, str]:
    """Each officer row's id -> its staff code (the key its hours are recorded under)."""
    with db.read() as s:
        return {oid: code for oid, code in s.execute(select(Officer.id, Officer.staff_code))}


def _number(value: object, name: str, most: float, fix: str) -> tuple[float | None, FieldError | None]:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value in (
            float("inf"), float("-inf")):
        return None, FieldError(name, f"must be a number of hours ({fix})")
    if not 0 <= value <= most:
        return None, FieldError(name, f"{value:g} is out of range: {fix}")
    return float(value), None


@writes(Change.STANDARDS)
def set_capacity(db: Database, officer_key: str, hours: float | None, reduction_hours: float = 0.0) -> None:
    """Record an officer's contracted hours a week (None: full time, the weights' hours) and the hours taken off
    them (WMT's reductions: training, court duty, union duties...), keyed by staff code, or by the name of an
    officer known only by the name on their cases' work. Full time with no reductions clears the entry."""
    errors: list[FieldError] = []
    key = (officer_key or "").strip()
    if not key or len(key) > 120:
        errors.append(FieldError("Officer", "is not given: choose the officer whose hours these are"))
    h: float | None = None
    if hours is not None:
        h, err = _number(hours, "Hours a week", MAX_HOURS, f"give 0 to {MAX_HOURS:g} hours, or leave it full "
                                                             "time")
        if err:
            errors.append(err)
    limit = h if h is not None else (MAX_HOURS if hours is not None else load_weights().full_time_hours)
    r, err = _number(reduction_hours, "Reduction hours", limit,
                     f"give 0 to {limit:g} hours, no more than the hours worked")
    if err:
        errors.append(err)
    if errors:
        raise ValidationError(errors)
    with db.write() as s:
        codes = set(s.scalars(select(Officer.staff_code)))
        if key not in codes and key.casefold() in {c.casefold() for c in codes}:
            raise ValidationError([FieldError("Officer", f"'{key}' differs from a staff code only in case: give "
                                                         "the staff code as recorded")])
        row = s.get(Meta, CAPACITY_KEY)
        try:
            data = json.loads(row.value) if row is not None and row.value else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        if h is None and not r:
            data.pop(key, None)
        else:
            data[key] = {"hours": h, "reduction_hours": r or 0.0}
        text = json.dumps(data, sort_keys=True)
        if row is None:
            s.add(Meta(key=CAPACITY_KEY, value=text))
        else:
            row.value = text


def _current_sentences(s: Session) -> dict[str, tuple[str, bool]]:
    """person id -> (order type, recalled) of the latest sentence not terminated."""
    rows = s.execute(select(Sentence.person_id, Sentence.order_type, Sentence.recalled_on, Sentence.start_date)
                     .where(Sentence.terminated_on.is_(None))
                     .order_by(Sentence.person_id, Sentence.start_date.desc()))
    out: dict[str, tuple[str, bool]] = {}
    for pid, order_type, recalled_on, _start in rows:
        out.setdefault(pid, (order_type, recalled_on is not None))
    return out


def _own_officer_id(s: Session, db: Database) -> str | None:
    return db.officer_id or s.scalar(select(Meta.value).where(Meta.key == "officer_id"))


def workload(db: Database, today: date | None = None) -> WorkloadView:
    """The workload figures for this laptop: the team's on a team manager's, the officer's own on any other."""
    as_of = today or date.today()
    w = load_weights()
    found, _who = obligations.all_obligations(db, as_of, since=as_of)
    with db.read() as s:
        actor = actor_in(s, db)
        own_id = _own_officer_id(s, db)
        manager = actor.role == cs.TEAM_MANAGER
        caps = _capacities(s)
        officers = {o.id: o for o in s.scalars(select(Officer))}
        people = s.execute(select(Person.id, Person.crn, Person.first_name, Person.last_name, Person.tier,
                                  Person.tier_scheme, Person.officer_id)
                           .order_by(Person.last_name, Person.first_name)).all()
        sentences = _current_sentences(s)
        requests = s.execute(select(ReportRequest.person_id, ReportRequest.report_type, ReportRequest.due_by,
                                    ReportRequest.court, ReportRequest.author)
                             .where(ReportRequest.status != "sent")).all()
        held = holders_in(s)

    # Who holds each case, as holder() below credits it: the allocation (holders_in) matched to an officer row
    # here by staff code, else by name; with no allocation, the case's officer row. A manager's team is the
    # officers holding a case on this laptop: an officer row with none adds no capacity to the team total.
    any_code = {o.staff_code: oid for oid, o in officers.items() if o.staff_code}
    any_name = {o.name.casefold(): oid for oid, o in officers.items()}

    def holding(officer_id: str | None, person_id: str) -> str | None:
        h = held.get(person_id)
        if h is None:
            return officer_id if officer_id in officers else None
        return any_code.get(h.staff_code) or any_name.get(h.name.casefold())

    with_cases = {oid for p in people if (oid := holding(p.officer_id, p.id)) is not None}
    own = [own_id] if own_id in officers else []
    scope_ids = [oid for oid in officers if oid in with_cases] if manager else own
    in_scope = set(scope_ids)
    by_name = {officers[oid].name.casefold(): oid for oid in scope_ids}
    by_code = {officers[oid].staff_code: oid for oid in scope_ids if officers[oid].staff_code}
    codes: dict[str, str] = {}  # "name:<name>" -> the staff code the allocation gives (capacity is kept by it)

    def holder(officer_id: str | None, person_id: str) -> str | None:
        """The officer id holding the case, or "name:<name>" for one known only from the allocation (a manager's
        laptop); None if not known, or (an officer's laptop) held by someone else."""
        h = held.get(person_id)
        if h is None:
            return officer_id if officer_id in in_scope else None
        found = by_code.get(h.staff_code) or by_name.get(h.name.casefold())
        if found is not None or not manager:
            return found
        codes[f"name:{h.name}"] = h.staff_code
        return f"name:{h.name}"

    work: dict[str, list[WorkItem]] = defaultdict(list)
    for pid, items in found.items():
        for ob in items:
            if ob.status in OPEN_STATUSES and ob.rule not in COUNTED_ELSEWHERE:
                work[pid].append(WorkItem(WORK_DUE, ob.rule, ob.due_by, ob.label))
    known_people = {p.id for p in people}
    all_names = {o.name.casefold(): oid for oid, o in officers.items()}
    loose: dict[str | None, list[WorkItem]] = defaultdict(list)  # reports on no case: by officer id
    for pid, rtype, due_by, court, author in requests:
        item = WorkItem(COURT_REPORT, rtype, due_by, f"{report_type_label(rtype)} for {court}")
        if pid is not None and pid in known_people:
            work[pid].append(item)
        else:
            loose[all_names.get((author or "").casefold(), own_id)].append(item)

    cases: dict[str | None, list[CaseInput]] = defaultdict(list)
    for p in people:
        order_type, recalled = sentences.get(p.id, (None, False))
        case = CaseInput(p.id, p.crn, f"{p.first_name} {p.last_name}", p.tier, p.tier_scheme, order_type,
                         recalled, tuple(work.get(p.id, ())))
        cases[holder(p.officer_id, p.id)].append(case)

    inputs = []
    for oid in scope_ids:
        o = officers[oid]
        grade = actor.grade if oid == own_id and actor.grade else cs.normal_grade(o.role)
        inputs.append(OfficerInput(oid, o.name, grade, caps.get(o.staff_code, caps.get(o.name, Capacity())),
                                   tuple(cases.get(oid, ())), tuple(loose.get(oid, ()))))
    for key in sorted(k for k in cases if k is not None and k.startswith("name:")):
        name = key.removeprefix("name:")
        cap = caps.get(codes.get(key, ""), caps.get(name, Capacity()))
        inputs.append(OfficerInput(None, name, None, cap, tuple(cases[key])))
    inputs.sort(key=lambda o: o.name.casefold())
    own_team = officers[own_id].team if own_id in officers else None
    team_names = sorted({t for t in [own_team, *(officers[i].team for i in scope_ids)] if t})
    team = team_workload(inputs, as_of, w, name=", ".join(team_names))
    unallocated = tuple(case_points(c, as_of, w) for c in cases.get(None, ()))
    named = sum(1 for o in inputs if o.officer_id is None)
    return WorkloadView(TEAM if manager else OFFICER, _scope_line(manager, len(inputs), named, len(unallocated)),
                        as_of, team, unallocated, w.source)


def _scope_line(manager: bool, officers: int, named: int, unallocated: int) -> str:
    if manager:
        line = f"Your team's workload: {plural(officers, 'officer')} with cases on this laptop."
        if named:
            line += (f" {named} {'is' if named == 1 else 'are'} known only from the central store's allocation (no "
                     "officer record here), so counted at a full-time officer's capacity unless their hours are "
                     "recorded.")
        if unallocated:
            line += (f" {plural(unallocated, 'case')} {'is' if unallocated == 1 else 'are'} not allocated to an "
                     "officer this laptop knows, so counted against no one.")
        return line
    line = "Your own workload: an officer's laptop shows only the officer's own cases."
    if unallocated:
        line += (f" {plural(unallocated, 'case')} {'is' if unallocated == 1 else 'are'} in this file but not "
                 "allocated to you, so not counted.")
    return line


__all__ = ["CAPACITY_KEY", "MAX_HOURS", "OFFICER", "TEAM", "WorkloadView", "capacities", "capacity_keys",
           "set_capacity", "weights", "workload"]
