"""The practice audit over the caseload (issue 21): builds each case's practice CaseFacts from the database and
runs the pure checks (lpt_desktop/practice/). Read only.

The facts are read in bulk, a fixed handful of queries for the whole caseload (never one per case): the
standards engine's facts (services/obligations.iter_facts, the same reading "what is due" makes) give the
sentence, registers and contacts, and the engine gives each case's obligations; RoSH assessments, risk
management plans, sentence plans with goals, steps and agreements, needs assessments and the countersignature
chains are one query each. Work completed after the audit day is left out, so an audit "as of" an earlier day
(the team view's previous period, the charts' months) sees the record as it stood then, as far as the record
keeps its dates.

Who holds a case: services/holders.holders_in (the central store's allocation as the sync pull last wrote it,
else this laptop's own officer for its cases not yet synced), else the case's officer row here; else "Not known"
(team.py keeps those cases as one row apart, never rated or counted as an officer). Never the name on the
latest completed plan or assessment: whoever last completed work is not who holds the case.

An audit "as of" a day reads only records dated on or before it: countersignature actions, risk management plan
sharing (the older JSON entries too), and significant changes recorded (not only happened) by then.
"""

from __future__ import annotations

import gc
import json
import weakref
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, NamedTuple, cast

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.assessment.rosh_screening import screening
from lpt_desktop.domain.dates import add_months
from lpt_desktop.domain.words import plural
from lpt_desktop.practice.case_facts import (
    CaseFacts,
    ContactSummary,
    GoalFacts,
    NeedsFacts,
    PlanAction,
    RegisterFacts,
    RiskPlanFacts,
    RoshFacts,
    SentenceFacts,
    SentencePlanFacts,
    StepFacts,
)
from lpt_desktop.practice.checks import Settings
from lpt_desktop.practice.score import CaseAudit, audit_case
from lpt_desktop.practice.team import Share, TeamAudit, criterion_shares, team_audit
from lpt_desktop.services import needs as needs_service
from lpt_desktop.services.appointments import working_calendar
from lpt_desktop.services.countersign import refused_ids
from lpt_desktop.services.holders import holders_in
from lpt_desktop.services.obligations import cases_changed_since, iter_facts_on, offence_category, write_count
from lpt_desktop.standards import obligations as engine
from lpt_desktop.standards.policy import load_policy
from lpt_desktop.store.countersign_models import Countersignature
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Audit, Meta, Officer, Person, Sentence
from lpt_desktop.store.plan_models import (
    NeedsAssessment,
    PlanAgreement,
    PlanGoal,
    PlanGoalStatus,
    PlanStep,
    SentencePlan,
)
from lpt_desktop.store.rosh_models import (
    RiskPlan,
    RiskPlanAction,
    RiskPlanSharing,
    RoshAssessment,
    RoshConfirmation,
)
from lpt_desktop.store.schedule_models import StandardsRecord
from lpt_desktop.sync import state

HOME_VISITS = frozenset({"CHVS", "COHV"})
OVERSIGHT = frozenset({"MO1", "MO8"})
VICTIM = frozenset({"CVIC"})
ATTENDED = frozenset({"ATTC", "AFTC"})
NOT_KNOWN = "Not known"
TEAM_MANAGER = cs.TEAM_MANAGER


# -- signing ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Signing:
    status: str
    grade: str | None


def _signings(s: Session, days: Sequence[date], person_ids: Sequence[str] | None = None
              ) -> dict[date, dict[tuple[str, str], _Signing]]:
    """Each day's countersignature status of every target (the given people's targets only, when given), replayed
    from its chain as it stood that day (records the central store refused left out, as services/countersign.py
    leaves them out), with the grade the work was submitted under. Core rows of the columns the replay reads:
    loading every record as an ORM object was two thirds of one case's audit. One read for all the days."""
    refused = refused_ids(s)
    C = Countersignature
    rows = [r for r in s.connection().execute(
            select(C.id, C.target_kind, C.target_id, C.action, C.status_after, C.author_grade, C.follows_id,
                   C.on_date)
            .where(C.on_date <= max(days), _in_people(C.person_id, person_ids))
            .order_by(C.on_date, C.created_at, C.id)).all() if r.id not in refused]
    return {day: _replayed(r for r in rows if r.on_date <= day) for day in days}


def _replayed(rows: Iterable[Any]) -> dict[tuple[str, str], _Signing]:
    chains: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for r in rows:
        chains[(r.target_kind, r.target_id)].append(r)
    out = {}
    for key, chain_rows in chains.items():
        chain = cs.chain_order(chain_rows)
        submitted = next((r for r in reversed(chain) if r.action in (cs.SUBMITTED, cs.RESUBMITTED, cs.SELF_SIGN)),
                         None)
        out[key] = _Signing(cs.status_of(chain, key[0]), submitted.author_grade if submitted else None)
    return out


def _signing(signings: dict[tuple[str, str], _Signing], kind: str, target_id: str) -> _Signing:
    return signings.get((kind, target_id)) or _Signing(cs.UNSIGNED, None)


# -- the bulk reads --------------------------------------------------------------------------------------
def _chunks(ids: list[str], size: int = 900) -> Iterator[list[str]]:
    """Ids in batches for IN (...): well under SQLite's limit on bound parameters."""
    for n in range(0, len(ids), size):
        yield ids[n:n + size]


def _in_people(column: Any, person_ids: Sequence[str] | None) -> Any:
    return column.in_(list(person_ids)) if person_ids is not None else True


def _carried_of(now: Any, started_on: date) -> tuple[tuple[str, date], ...]:
    """(section, origin) of the sections still carried unchanged, from the stored record's "now" part alone (each
    section's origin): a section written in this assessment takes the day it was written as its origin
    (assessment/carried_forward.edit), so one whose origin is before the assessment started still holds text
    carried in. Reading the texts themselves (the services' _review_text) costs a JSON decode of the whole
    analysis per case: too slow for a Trust's caseload."""
    out = []
    for key, meta in (now or {}).items():
        origin = meta.get("origin") if isinstance(meta, dict) else None
        if isinstance(origin, str) and origin:
            day = date.fromisoformat(origin)
            if day < started_on:
                out.append((key, day))
    return tuple(sorted(out, key=lambda kv: (kv[1], kv[0])))


def _rosh(s: Connection, days: Sequence[date], person_ids: Sequence[str] | None,
          signings: dict[date, dict[tuple[str, str], _Signing]]) -> dict[date, dict[str, list[RoshFacts]]]:
    last_day = max(days)
    confirmations = s.execute(select(RoshConfirmation.assessment_id, RoshConfirmation.on_date)
                              .where(RoshConfirmation.on_date <= last_day,
                                     _in_people(RoshConfirmation.person_id, person_ids))).all()
    A = RoshAssessment
    rows = s.execute(select(A.id, A.person_id, A.kind, A.started_on, A.completed_on, A.overall_level,
                            A.by_report_writer, A.confirmed_on, A.full_analysis, A.gate_reason)
                     .where(A.status == "complete", A.completed_on <= last_day, _in_people(A.person_id, person_ids))
                     .order_by(A.person_id, A.completed_on, A.started_on)).all()
    by_day: dict[date, dict[str, list[RoshFacts]]] = {}
    for day in days:
        confirmed = {a: on for a, on in confirmations if on <= day}
        day_signings = signings[day]
        out: dict[str, list[RoshFacts]] = defaultdict(list)
        for aid, pid, kind, started, completed, level, by_writer, confirmed_on, gate_state, gate in rows:
            if completed > day:
                continue
            sig = _signing(day_signings, cs.ROSH_ASSESSMENT, aid)
            out[pid].append(RoshFacts(aid, kind, started, completed, level, bool(by_writer),
                                      confirmed.get(aid) or confirmed_on, {}, (), {}, gate_state, gate, sig.status,
                                      sig.grade))
        by_day[day] = out
    # The latest one's sources, answers about children (child-protection concerns) and what it carried: only those
    # rows (the latest of each day), and only those parts of their JSON, extracted by SQLite (the whole analysis
    # would cost a decode a case).
    latest = {found[-1].id for out in by_day.values() for found in out.values()}
    children = [q.id for q in screening().questions if q.block == "children"]
    columns = [A.id, A.sources_checked, A.source_reasons, func.json_extract(A.carried, "$.now"),
               *(func.json_extract(A.answers, f'$."{q}"') for q in children)]
    extracted: dict[str, tuple[Any, ...]] = {}
    for ids in _chunks(sorted(latest)):
        for aid, sources, reasons, now, *answers in s.execute(select(*columns).where(A.id.in_(ids))).all():
            extracted[aid] = (sources, reasons, now, answers)
    for out in by_day.values():
        for found in out.values():
            last = found[-1]
            if last.id not in extracted:
                continue
            sources, reasons, now, answers = extracted[last.id]
            answered = {q: json.loads(a) for q, a in zip(children, answers, strict=True) if a}
            found[-1] = replace(last, answers=answered, sources_checked=tuple(sources or ()),
                                source_reasons=dict(reasons or {}),
                                carried=_carried_of(json.loads(now) if now else {}, last.started_on))
    return by_day


def _risk_plans(s: Connection, days: Sequence[date], person_ids: Sequence[str] | None,
                signings: dict[date, dict[tuple[str, str], _Signing]]) -> dict[date, dict[str, RiskPlanFacts]]:
    R = RiskPlan
    last_day = max(days)
    plans = s.execute(select(R.id, R.person_id, R.status, R.started_on, R.completed_on, R.shared)
                      .where(R.started_on <= last_day, _in_people(R.person_id, person_ids))
                      .order_by(R.started_on, R.created_at)).all()
    chosen_by_day: dict[date, dict[str, Any]] = {}
    for day in days:
        chosen: dict[str, Any] = {}  # Core rows (attribute access as the models'): ORM objects cost too much here
        for p in plans:
            if p.started_on > day:
                continue
            complete = p.status == "complete" and p.completed_on is not None and p.completed_on <= day
            held = chosen.get(p.person_id)
            if complete or held is None or held.status != "complete":
                if not complete and held is not None and held.status == "complete":
                    continue
                chosen[p.person_id] = p
        chosen_by_day[day] = chosen
    actions: dict[str, list[PlanAction]] = defaultdict(list)
    sharing: list[tuple[str, str, date]] = []
    if any(chosen_by_day.values()):
        for plan_id, section, who, what, by_when, done_on in s.execute(
                select(RiskPlanAction.plan_id, RiskPlanAction.section, RiskPlanAction.who, RiskPlanAction.what,
                       RiskPlanAction.by_when, RiskPlanAction.done_on)
                .where(_in_people(RiskPlanAction.person_id, person_ids))
                .order_by(RiskPlanAction.section, RiskPlanAction.position)).all():
            actions[plan_id].append(PlanAction(section, who, what, by_when, done_on))
        sharing = [tuple(r) for r in s.execute(
            select(RiskPlanSharing.plan_id, RiskPlanSharing.agency, RiskPlanSharing.on_date)
            .where(RiskPlanSharing.on_date <= last_day, _in_people(RiskPlanSharing.person_id, person_ids))).all()]
    by_day: dict[date, dict[str, RiskPlanFacts]] = {}
    for day, chosen in chosen_by_day.items():
        shared: dict[str, list[tuple[str, date]]] = defaultdict(list)
        for plan_id, agency, on in sharing:
            if on <= day:
                shared[plan_id].append((agency, on))
        day_signings = signings[day]
        out = {}
        for pid, p in chosen.items():
            legacy = [(agency, on) for agency, on in
                      ((str(x.get("with") or ""), date.fromisoformat(str(x["on"])))
                       for x in (p.shared or []) if isinstance(x, dict) and x.get("on"))
                      if on <= day]
            sig = _signing(day_signings, cs.RISK_PLAN, p.id)
            out[pid] = RiskPlanFacts(p.id, "complete" if p.status == "complete" and p.completed_on is not None
                                     and p.completed_on <= day else "draft", p.started_on, p.completed_on,
                                     tuple(actions.get(p.id, ())), tuple(shared.get(p.id, ())) + tuple(legacy),
                                     sig.status, sig.grade)
        by_day[day] = out
    return by_day


def _sentence_plans(s: Connection, days: Sequence[date], person_ids: Sequence[str] | None,
                    signings: dict[date, dict[tuple[str, str], _Signing]]
                    ) -> dict[date, dict[str, SentencePlanFacts]]:
    P = SentencePlan
    last_day = max(days)
    plans = s.execute(select(P.id, P.person_id, P.plan_type, P.status, P.started_on, P.completed_on,
                             P.needs_assessment_id, P.persons_words, P.involvement,
                             P.sequence_reason, P.created_at)
                      .where(P.started_on <= last_day, _in_people(P.person_id, person_ids))).all()
    chosen_by_day: dict[date, dict[str, Any]] = {}
    for day in days:
        chosen: dict[str, Any] = {}
        best: dict[str, tuple[bool, date, Any]] = {}
        for p in plans:
            if p.started_on > day:
                continue
            complete = p.status == "complete" and p.completed_on is not None and p.completed_on <= day
            # As sentence_plan.plan_in_force chooses: the latest completed, else the latest draft.
            key = (complete, (p.completed_on if complete else None) or p.started_on, p.created_at)
            if p.person_id not in best or key > best[p.person_id]:
                best[p.person_id], chosen[p.person_id] = key, p
        chosen_by_day[day] = chosen
    plan_ids = {p.id for chosen in chosen_by_day.values() for p in chosen.values()}
    goals: dict[str, list[Any]] = defaultdict(list)
    G = PlanGoal
    for g in s.execute(select(G.id, G.plan_id, G.title, G.area, G.outcome, G.status, G.need_links, G.rosh_link,
                              G.learning_plan).where(_in_people(PlanGoal.person_id, person_ids))
                       .order_by(PlanGoal.position)).all():
        if g.plan_id in plan_ids:
            goals[g.plan_id].append(g)
    goal_ids = {g.id for gs in goals.values() for g in gs}
    steps: dict[str, list[StepFacts]] = defaultdict(list)
    for goal_id, what, who, partner, status in s.execute(
            select(PlanStep.goal_id, PlanStep.what, PlanStep.who, PlanStep.partner, PlanStep.status)
            .where(_in_people(PlanStep.person_id, person_ids)).order_by(PlanStep.position)).all():
        if goal_id in goal_ids:
            steps[goal_id].append(StepFacts(what, who, partner, status))
    marked = [(goal_id, on) for goal_id, on in s.execute(
        select(PlanGoalStatus.goal_id, PlanGoalStatus.on_date)
        .where(PlanGoalStatus.status == "achieved", PlanGoalStatus.on_date <= last_day,
               _in_people(PlanGoalStatus.person_id, person_ids))).all() if goal_id in goal_ids]
    agreed = [(plan_id, answer, reason, on) for plan_id, answer, reason, on in s.execute(
        select(PlanAgreement.plan_id, PlanAgreement.agreement, PlanAgreement.reason, PlanAgreement.on_date)
        .where(PlanAgreement.on_date <= last_day, _in_people(PlanAgreement.person_id, person_ids))
        .order_by(PlanAgreement.on_date, PlanAgreement.created_at)).all() if plan_id in plan_ids]
    by_day: dict[date, dict[str, SentencePlanFacts]] = {}
    for day, chosen in chosen_by_day.items():
        achieved: dict[str, date] = {}  # goal id -> the day it was last marked achieved
        for goal_id, on in marked:
            if on <= day and (goal_id not in achieved or on > achieved[goal_id]):
                achieved[goal_id] = on
        agreements = {plan_id: (answer, reason) for plan_id, answer, reason, on in agreed
                      if on <= day}  # the latest counts
        day_signings = signings[day]
        out = {}
        for pid, p in chosen.items():
            complete = p.status == "complete" and p.completed_on is not None and p.completed_on <= day
            gs = tuple(GoalFacts(g.title, g.area, g.outcome, g.status, tuple(g.need_links or ()), bool(g.rosh_link),
                                 bool(g.learning_plan), tuple(steps.get(g.id, ())),
                                 achieved.get(g.id) if g.status == "achieved" else None)
                       for g in goals.get(p.id, ()))
            answer, reason = agreements.get(p.id, (None, None))
            sig = _signing(day_signings, cs.SENTENCE_PLAN, p.id)
            out[pid] = SentencePlanFacts(p.id, p.plan_type, "complete" if complete else "draft", p.started_on,
                                         p.completed_on if complete else None, p.needs_assessment_id,
                                         p.persons_words, p.involvement, p.sequence_reason, gs, answer, reason,
                                         sig.status, sig.grade)
        by_day[day] = out
    return by_day


def _needs(s: Connection, days: Sequence[date], person_ids: Sequence[str] | None
           ) -> dict[date, dict[str, NeedsFacts]]:
    N = NeedsAssessment
    rows = s.execute(select(N.id, N.person_id, N.completed_on, N.started_on)
                     .where(N.status == "complete", N.completed_on <= max(days),
                            _in_people(N.person_id, person_ids))).all()
    latest_by_day: dict[date, dict[str, tuple[date, date, str]]] = {}
    for day in days:
        latest: dict[str, tuple[date, date, str]] = {}  # person -> the latest completed (first the dates)
        for aid, pid, completed, started in rows:
            if completed <= day and (pid not in latest or (completed, started) > latest[pid][:2]):
                latest[pid] = (completed, started, aid)
        latest_by_day[day] = latest
    found: dict[str, NeedsFacts] = {}
    wanted = sorted({v[2] for latest in latest_by_day.values() for v in latest.values()})
    for ids in _chunks(wanted):  # only the latest rows' JSON is decoded, once for all the days
        for a in s.execute(select(N.id, N.person_id, N.started_on, N.completed_on, N.sections, N.skills,
                                  N.barriers, func.json_extract(N.carried, "$.now").label("now"))
                           .where(N.id.in_(ids))).all():
            found[a.id] = NeedsFacts(a.id, a.completed_on, needs_service.model_of(cast(Any, a)),
                                     _carried_of(json.loads(a.now) if a.now else {}, a.started_on))
    return {day: {pid: found[v[2]] for pid, v in latest.items() if v[2] in found}
            for day, latest in latest_by_day.items()}


def _officers(s: Connection, person_ids: Sequence[str] | None) -> dict[str, tuple[str, str, str | None, str | None]]:
    """person id -> (crn, name, gender, holder's name or None)."""
    names = {oid: name for oid, name in s.execute(select(Officer.id, Officer.name)).all()}
    out = {}
    for pid, crn, first, last, gender, officer_id in s.execute(
            select(Person.id, Person.crn, Person.first_name, Person.last_name, Person.gender, Person.officer_id)
            .where(_in_people(Person.id, person_ids))).all():
        out[pid] = (crn, f"{first} {last}", gender, names.get(officer_id) if officer_id else None)
    return out


def _sentence(f: engine.CaseFacts, offences: dict[str, str | None]) -> SentenceFacts | None:
    if f.sentence_type is None or f.start is None or f.person_id is None:
        return None
    offence = offences.get(f.person_id)
    return SentenceFacts(f.sentence_type, f.start, f.sentence_date, f.end, offence,
                         f.offence_category or offence_category(offence), f.custody_months, tuple(f.requirements))


_SUMMARISED = HOME_VISITS | OVERSIGHT | VICTIM


def _contacts(rows: Iterable[tuple[Any, ...]]) -> ContactSummary:
    """Every contact under the sentence (a million at Trust scale): the few of the summarised types are looked at
    further, the rest only for a failure."""
    failures = engine.failure_outcomes()
    homes, oversight, victims, absences = [], [], [], 0
    for _id, at, code, outcome in rows:
        if outcome in failures:
            absences += 1
        if code in _SUMMARISED:
            if code in HOME_VISITS:
                if outcome in ATTENDED:
                    homes.append(at.date())
            elif code in OVERSIGHT:
                oversight.append(at.date())
            else:
                victims.append(at.date())
    return ContactSummary(tuple(homes), tuple(oversight), tuple(victims), absences)


def load_case_facts(db: Database, as_of: date | None = None, person_ids: Sequence[str] | None = None,
                    settings: Settings | None = None) -> list[CaseFacts]:
    """Every case's practice facts (or the given cases'), from a fixed number of queries. Repeating obligations
    (contact windows, oversight cycles) are those of the audit period (settings.period_months before "as of");
    one-off obligations and enforcement are the whole sentence's."""
    as_of = as_of or date.today()
    with _no_cycle_collection():
        return sorted((by_day[as_of] for by_day in _load_case_facts(db, {as_of: settings or settings_for(as_of)},
                                                                    person_ids)), key=lambda c: c.crn)


def _load_case_facts(db: Database, settings: dict[date, Settings], person_ids: Sequence[str] | None
                     ) -> Iterator[dict[date, CaseFacts]]:
    """Each case's facts on each day (day -> its settings), a case at a time, in one read transaction: the
    practice's own tables read once for all the days (each day then keeping what was dated on or before it), and
    the standards engine's facts too (obligations.iter_facts_on). A case at a time so a caller can audit it and
    let its facts go (eight days of a Trust's facts held at once cost hundreds of megabytes)."""
    days = sorted(settings)
    last_day = days[-1]
    with db.read() as s:
        policy = load_policy(_policy_name(s))
        calendar = working_calendar(s)
        signings = _signings(s, days, person_ids)
        core = s.connection()  # Core rows: the ORM's row loading costs as much again as these queries
        rosh = _rosh(core, days, person_ids, signings)
        risk_plans = _risk_plans(core, days, person_ids, signings)
        needs = _needs(core, days, person_ids)
        plans = _sentence_plans(core, days, person_ids, signings)
        people = _officers(core, person_ids)
        held = holders_in(core)
        # Bare records of RoSH work from before assessments were kept here (imports, older histories): an OASys
        # initial assessment (recorded with its sentence plan) and reviews both include the RoSH screening.
        records = core.execute(select(StandardsRecord.person_id, StandardsRecord.done_on)
                               .where(StandardsRecord.kind.in_(("rosh_review", "sentence_plan")),
                                      StandardsRecord.done_on <= last_day,
                                      _in_people(StandardsRecord.person_id, person_ids))).all()
        offences = {pid: offence for pid, offence in core.execute(
            select(Sentence.person_id, Sentence.offence).where(Sentence.terminated_on.is_(None),
                                                               _in_people(Sentence.person_id, person_ids))
            .order_by(Sentence.start_date)).all()}
        legacy: dict[str, list[date]] = defaultdict(list)
        for pid, on in records:
            legacy[pid].append(on)
        since = {day: add_months(day, -settings[day].period_months) for day in days}
        # Every contact under the sentence (the path one case's audit takes): the engine's results are the same as
        # from the few contacts its `since` reading picks (standards.obligations.contacts_needed), and the contact
        # summary (home visits, oversight) needs them all: from those few it missed visits the engine did not ask
        # for, so the caseload's audit and one case's audit differed. No slower at Trust scale (the fewer rows
        # cost their seeks), three times faster for a team's 750 cases.
        for by_day in iter_facts_on(s, days, person_ids):
            pid = next(iter(by_day.values())).person_id
            assert pid is not None
            crn, name, gender, holder = people[pid]
            h = held.get(pid)
            holder = (h.name if h is not None else holder) or NOT_KNOWN
            out = {}
            for as_of, f in by_day.items():
                found = rosh[as_of].get(pid, [])
                if any(e.known > as_of for e in f.events):  # recorded after the audit day: not known then
                    f = replace(f, events=tuple(e for e in f.events if e.known <= as_of))
                obligations = tuple(engine.obligations(policy, f, as_of, since=since[as_of], calendar=calendar))
                done = {*(r.completed_on for r in found), *(on for on in legacy.get(pid, ()) if on <= as_of)}
                out[as_of] = CaseFacts(
                    pid, crn, name, gender, holder, _sentence(f, offences), f.rosh,
                    tuple(RegisterFacts(r.code, r.start, r.category, r.level) for r in f.registers),
                    tuple(found), tuple(sorted(done)), risk_plans[as_of].get(pid), plans[as_of].get(pid),
                    needs[as_of].get(pid), _contacts(f.contacts), obligations)
            yield out


def _policy_name(s: Session) -> str:
    from lpt_desktop.services.obligations import DEFAULT_POLICY, POLICY_KEY
    from lpt_desktop.standards.policy import policy_names

    name = s.scalar(select(Meta.value).where(Meta.key == POLICY_KEY))
    return name if name in policy_names() else DEFAULT_POLICY


# -- the audit -------------------------------------------------------------------------------------------
def settings_for(as_of: date, carried_forward_months: int | None = None) -> Settings:
    extra = {} if carried_forward_months is None else {"carried_forward_months": carried_forward_months}
    return Settings.default(as_of, **extra)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused while a caseload's facts are built: hundreds of thousands of small
    objects, none in a cycle, made the collector run again and again (a third of the time at Trust scale).
    Reference counting still frees everything; the collector runs as before once this ends."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def audit(db: Database, as_of: date | None = None, person_ids: Sequence[str] | None = None,
          carried_forward_months: int | None = None) -> list[CaseAudit]:
    """Every case's checklist and score (or the given cases'), by CRN."""
    as_of = as_of or date.today()
    return audits_on(db, [as_of], person_ids, carried_forward_months)[as_of]


def audits_on(db: Database, days: Iterable[date], person_ids: Sequence[str] | None = None,
              carried_forward_months: int | None = None) -> dict[date, list[CaseAudit]]:
    """Every case's checklist and score (or the given cases') on each of the days, by CRN: the same as auditing
    each day alone, with the practice's own tables read once for all of them (the team view's two periods, the
    charts' month-ends)."""
    settings = {day: settings_for(day, carried_forward_months) for day in set(days)}
    if not settings:
        return {}
    out: dict[date, list[CaseAudit]] = {day: [] for day in settings}
    with _no_cycle_collection():
        for by_day in _load_case_facts(db, settings, person_ids):
            for day, facts in by_day.items():
                out[day].append(audit_case(facts, settings[day]))
    for found in out.values():
        found.sort(key=lambda a: a.crn)
    return out


# The whole caseload's audit per (day, threshold), kept until the next write; then only the cases written since are
# audited again (obligations.cases_changed_since, as the caseload's kept columns): everyone when it cannot say whose
# (a case table written with no audit row naming a case of it), or when the records the central store refused
# changed (sync bookkeeping no audit row names, read by _signings: a pull's page refusing a countersignature on one
# case and writing another case names only the other).
class _KeptAudit(NamedTuple):
    writes: int  # write_count when audited
    audit_max: int  # the audit's last row then
    result: dict[str, CaseAudit]  # person -> audit
    refused: frozenset[str]  # the countersignature records the central store refused then


_Cached = dict[tuple[date, int | None], _KeptAudit]
_audit_cache: weakref.WeakKeyDictionary[Database, _Cached] = weakref.WeakKeyDictionary()
INCREMENTAL_MAX = 500  # more cases changed than this: audit everyone again in one bulk pass
CACHED_DAYS = 8  # audits kept per database (today, a month earlier, the charts' six month-ends)


def cached_audit(db: Database, as_of: date | None = None, carried_forward_months: int | None = None
                 ) -> list[CaseAudit]:
    """Every case's checklist and score, by CRN: from the last call when nothing has been written since; after
    writes that name a few cases, only those cases are audited again (the team view and the panels reload in
    milliseconds instead of the seconds a whole caseload takes)."""
    as_of = as_of or date.today()
    return cached_audits(db, [as_of], carried_forward_months)[as_of]


def cached_audits(db: Database, days: Iterable[date], carried_forward_months: int | None = None
                  ) -> dict[date, list[CaseAudit]]:
    """cached_audit for several days at once: the days not kept are audited together (audits_on: the practice's
    tables read once for all of them), so the team view's first open or the charts' months cost little more than
    one day's audit."""
    count = write_count(db)  # read first: a write while auditing makes the next call look again
    cache = _audit_cache.setdefault(db, {})
    out: dict[date, list[CaseAudit]] = {}
    stale: dict[date, _KeptAudit | None] = {}
    for day in dict.fromkeys(days):
        hit = cache.get((day, carried_forward_months))
        if hit is not None and hit.writes == count:
            out[day] = sorted(hit.result.values(), key=lambda a: a.crn)
        else:
            stale[day] = hit
    if not stale:
        return out
    with db.read() as s:  # one snapshot: the cases written since each day's audit, the audit's last row, refusals
        refused = frozenset(refused_ids(s))
        # No settings are in the key (the policy in force, office closures): a write to them recomputes everyone.
        changed = {day: cases_changed_since(db, s, hit.writes, hit.audit_max)
                   for day, hit in stale.items() if hit is not None and hit.refused == refused}
        audit_max = s.scalar(select(func.max(Audit.id))) or 0
    results: dict[date, dict[str, CaseAudit]] = {}
    whole: list[date] = []
    for day, hit in stale.items():
        people = changed.get(day)
        if hit is not None and people is not None and len(people) <= INCREMENTAL_MAX:
            result = {pid: a for pid, a in hit.result.items() if pid not in people}
            if people:
                result.update({a.person_id: a for a in audit(db, day, sorted(people), carried_forward_months)})
            results[day] = result
        else:
            whole.append(day)
    for day, found in audits_on(db, whole, None, carried_forward_months).items():
        results[day] = {a.person_id: a for a in found}
    for day, result in results.items():
        key = (day, carried_forward_months)
        if key not in cache and len(cache) >= CACHED_DAYS:
            cache.pop(next(iter(cache)))
        cache[key] = _KeptAudit(count, audit_max, result, refused)
        out[day] = sorted(result.values(), key=lambda a: a.crn)
    return out


def case_audit(db: Database, person_id: str, as_of: date | None = None,
               carried_forward_months: int | None = None) -> CaseAudit | None:
    """One case's checklist and score (the case's inspection readiness panel)."""
    found = audit(db, as_of, [person_id], carried_forward_months)
    return found[0] if found else None


def month_ends(as_of: date, months: int) -> list[date]:
    """The last day of each of the `months` months up to `as_of` (the current month ends on `as_of`), oldest
    first."""
    out = [as_of]
    first = as_of.replace(day=1)
    for _ in range(months - 1):
        first_prev = add_months(first, -1)
        out.append(first - timedelta(days=1))
        first = first_prev
    return sorted(out)


def criterion_trend(db: Database, as_of: date | None = None, months: int = 6,
                    person_ids: Sequence[str] | None = None) -> list[tuple[date, dict[str, Share]]]:
    """Each inspection criterion's share met across the cases at the end of each month (the charts' trend):
    (day, criterion -> Share), oldest first. The months are audited together, each kept until the next write
    (cached_audits), so opening the charts again reads nothing: run it off the UI thread."""
    as_of = as_of or date.today()
    wanted = None if person_ids is None else set(person_ids)
    days = month_ends(as_of, months)
    audits = cached_audits(db, days)
    return [(day, criterion_shares(a for a in audits[day] if wanted is None or a.person_id in wanted))
            for day in days]


# -- the team --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LaptopRole:
    role: str  # team_manager | offender_manager | ...
    name: str  # who this laptop is (the enrolled user, else the file's officer)
    officer: str | None  # the officer row's name, when the file has one

    @property
    def is_manager(self) -> bool:
        return self.role == TEAM_MANAGER


def laptop_role(db: Database) -> LaptopRole:
    """Whether this laptop is a team manager's (the sync state's role from the central store) or an officer's."""
    with db.read() as s:
        st = state.read_all(s)
        oid = db.officer_id or s.scalar(select(Meta.value).where(Meta.key == "officer_id"))
        officer = s.get(Officer, oid) if oid else None
    role = st.get(state.ROLE) or cs.OFFENDER_MANAGER
    name = st.get(state.DISPLAY_NAME) or (officer.name if officer else "") or st.get(state.USERNAME) or ""
    return LaptopRole(role, name, officer.name if officer else None)


@dataclass(frozen=True)
class TeamView:
    """The team figures (a manager's laptop), or the officer's own (an officer's laptop, `own_only`)."""

    as_of: date
    previous_as_of: date
    own_only: bool
    note: str  # the line saying whose figures these are
    team: TeamAudit
    audits: tuple[CaseAudit, ...]


def team_view(db: Database, as_of: date | None = None, previous_as_of: date | None = None,
              carried_forward_months: int | None = None) -> TeamView:
    """The team's practice figures this period beside the previous (a month earlier unless given). On an
    officer's laptop, the officer's own figures, rated against their own cases only, with a line saying so."""
    as_of = as_of or date.today()
    previous_as_of = previous_as_of or add_months(as_of, -1)
    role = laptop_role(db)
    both = cached_audits(db, [as_of, previous_as_of], carried_forward_months)  # read together on first open
    now, before = both[as_of], both[previous_as_of]
    if role.is_manager:
        own = False
        team = team_audit(now, before)
        apart = f" ({plural(team.unallocated, 'case')} with no known holder)" if team.unallocated else ""
        note = f"Team figures: {plural(len(team.officer_names), 'officer')}, {plural(len(now), 'case')}{apart}."
    else:
        own = True
        me = role.officer or role.name or NOT_KNOWN
        mine = _held_by_me(db)
        left_out = sum(1 for a in now if a.person_id not in mine)
        now = [_as_officer(a, me) for a in now if a.person_id in mine]
        before = [_as_officer(a, me) for a in before if a.person_id in mine]
        note = (f"Your own figures ({me}, {plural(len(now), 'case')}): this is an offender manager's laptop; the "
                f"team's figures are on the team manager's laptop.")
        if left_out:
            note += (f" {plural(left_out, 'case')} in this file {'is' if left_out == 1 else 'are'} not held by you, "
                     "so left out.")
        team = team_audit(now, before)
    if own:  # one officer rated against their own average says nothing: shares only
        team = replace(team, checks=tuple(replace(c, officers=tuple(replace(f, rating=None, previous_rating=None)
                                                                    for f in c.officers)) for c in team.checks))
    return TeamView(as_of, previous_as_of, own, note, team, tuple(now))


def _held_by_me(db: Database) -> set[str]:
    """The cases this officer's laptop holds for its officer, as services/workload counts them: the allocation
    (holders_in) naming this officer (staff code or username, else name), or with none, the officer's own row."""
    with db.read() as s:
        st = state.read_all(s)
        oid = db.officer_id or s.scalar(select(Meta.value).where(Meta.key == "officer_id"))
        officer = s.get(Officer, oid) if oid else None
        held = holders_in(s)
        people = s.execute(select(Person.id, Person.officer_id)).tuples().all()
    codes = {c for c in (officer.staff_code if officer else None, st.get(state.USERNAME)) if c}
    names = {n.casefold() for n in (officer.name if officer else None, st.get(state.DISPLAY_NAME)) if n}
    out = set()
    for pid, officer_id in people:
        h = held.get(pid)
        if h is None:
            if oid is not None and officer_id == oid:
                out.add(pid)
        elif h.staff_code in codes or h.name.casefold() in names:
            out.add(pid)
    return out


def _as_officer(a: CaseAudit, name: str) -> CaseAudit:
    return CaseAudit(a.person_id, a.crn, a.name, name, a.results)
