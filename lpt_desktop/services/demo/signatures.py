"""The demo's countersignatures (issue 19): every completed RoSH assessment, risk management plan and sentence
plan of the demo caseload carries the chain of records services/countersign.py would have written.

Work that needs no countersignature (assessment/countersign.needs_countersignature: low or medium RoSH, no
child-protection concerns, a probation officer's work) is self-signed on completion. Work that needs one is
submitted on completion (a case event, as countersign._add writes it) and, for most cases, countersigned by the
team manager a few working days later; very high RoSH work then has its second, senior countersignature
(resources/data/countersign_rules.json double_levels). The latest work of a few cases is not signed off yet, so
the manager's queue, the officer's returns and the practice audit have something to show: two cases' work
awaiting countersignature and one case's latest assessment returned with the manager's comment. Work completed
too recently for the manager to have reached it is awaiting too.

Runs after demo/rosh.py and demo/plans.py, which signs each completed sentence plan on completion: a plan it
submitted for countersignature gets the manager's records here, following its own; one it self-signed though it
needs a countersignature (a high or very high RoSH case, or child-protection concerns) has that record and its
timeline event replaced by a submitted chain. Statuses are worked out with assessment/countersign.py's
next_status, and each record follows the one before it (follows_id), so status_of reads them as the services do.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, select

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.services.demo.common import DemoSpec, _uuid
from lpt_desktop.standards.calendar import add_working_days
from lpt_desktop.store.case_record_models import CaseEvent
from lpt_desktop.store.countersign_models import Countersignature
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Meta, Officer, Person, Registration, utcnow
from lpt_desktop.store.plan_models import SentencePlan
from lpt_desktop.store.rosh_models import RiskPlan, RoshAssessment

# The managers who sign the demo team's work: (username on the central store, name).
TEAM_MANAGER = ("pshah", "Priya Shah")  # the team manager: first countersignatures and returns
SENIOR_MANAGER = ("mdoyle", "Martin Doyle")  # the senior manager: very high RoSH work's second countersignature
AWAITING_CASES, RETURNED_CASES = 2, 1  # cases whose latest work the manager has not signed off
RETURN_COMMENT = ("The analysis leaves out the police call-outs to the address since the last review: add them "
                  "and review whether the level still stands.")
SIGNED = "signed"  # a target's fate: signed off (countersigned, and double countersigned where needed)
AWAITING = "awaiting"  # submitted, not yet countersigned
RETURNED = "returned"  # submitted and returned to the officer


@dataclass(frozen=True)
class _Work:
    kind: str
    id: str
    person_id: str
    completed_on: date
    level: str | None
    child_protection: bool


def add_signatures(db: Database, spec: DemoSpec) -> None:
    """Countersignature chains for the demo's completed work (see the module docstring), in one transaction."""
    today = spec.today or date.today()
    now = utcnow()
    stamp = {"created_at": now, "updated_at": now}
    with db.write() as s:
        conn = s.connection()
        oid = db.officer_id or conn.execute(select(Meta.value).where(Meta.key == "officer_id")).scalar()
        officer = conn.execute(select(Officer.staff_code, Officer.name, Officer.role)
                               .where(Officer.id == oid)).first() if oid else None
        if officer is None:
            return
        author = (str(officer.staff_code), str(officer.name), cs.normal_grade(officer.role))
        work = _completed_work(conn)
        chained: dict[tuple[str, str], list[Any]] = defaultdict(list)
        for r in conn.execute(select(Countersignature.id, Countersignature.target_kind, Countersignature.target_id,
                                     Countersignature.action, Countersignature.status_after,
                                     Countersignature.follows_id)
                              .order_by(Countersignature.on_date, Countersignature.created_at, Countersignature.id)):
            chained[(r.target_kind, r.target_id)].append(r)
        fates = _fates(work, author[2], spec.seed)
        records: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        replaced: list[str] = []
        for w in work:
            need = cs.needs_countersignature(w.level, w.child_protection, author[2], w.kind)
            rng = random.Random(f"sign:{spec.seed}:{w.kind}:{w.id}")
            fate = fates.get((w.kind, w.id), SIGNED)
            before = cs.chain_order(chained.get((w.kind, w.id), []))
            status = cs.status_of(before, w.kind)
            if before and status == cs.AWAITING and need.needed:
                # demo/plans.py submitted the plan on completion: the manager's records follow its own.
                _chain(rng, stamp, w, need, author, fate, today, records, events, (status, before[-1].id))
                continue
            if before:
                # Only demo/plans.py's sentence plans are chained before this runs: keep those signed as the rule
                # says, replace one self-signed that needs a countersignature.
                if not (need.needed and status == cs.SELF_SIGNED):
                    continue
                replaced.append(w.id)
            _chain(rng, stamp, w, need, author, fate, today, records, events)
        if replaced:
            conn.execute(delete(Countersignature).where(Countersignature.target_kind == cs.SENTENCE_PLAN,
                                                        Countersignature.target_id.in_(replaced)))
            conn.execute(delete(CaseEvent).where(CaseEvent.kind == "countersign_self_signed",
                                                 CaseEvent.source_table == "sentence_plan",
                                                 CaseEvent.source_id.in_(replaced)))
        if records:
            conn.execute(insert(Countersignature), records)
        if events:
            conn.execute(insert(CaseEvent), events)


def _completed_work(conn: Any) -> list[_Work]:
    """Every completed RoSH assessment, risk management plan and sentence plan, with the level it answers and
    whether there are child-protection concerns (as services/countersign._target reads them)."""
    registers: dict[str, set[str]] = defaultdict(set)
    for pid, code in conn.execute(select(Registration.person_id, Registration.type_code)
                                  .where(Registration.ended_on.is_(None))):
        registers[pid].add(code)
    levels = dict(conn.execute(select(Person.id, Person.rosh)).all())
    out: list[_Work] = []
    assessments: dict[str, tuple[str | None, Any]] = {}
    for aid, pid, on, level, answers in conn.execute(
            select(RoshAssessment.id, RoshAssessment.person_id, RoshAssessment.completed_on,
                   RoshAssessment.overall_level, RoshAssessment.answers)
            .where(RoshAssessment.status == "complete", RoshAssessment.by_report_writer.is_(False))
            .order_by(RoshAssessment.person_id, RoshAssessment.completed_on, RoshAssessment.id)):
        assessments[aid] = (level, answers)
        out.append(_Work(cs.ROSH_ASSESSMENT, aid, pid, on, level,
                         cs.child_protection_concerns(answers, registers[pid])))
    for plan_id, pid, on, aid in conn.execute(
            select(RiskPlan.id, RiskPlan.person_id, RiskPlan.completed_on, RiskPlan.assessment_id)
            .where(RiskPlan.status == "complete").order_by(RiskPlan.person_id, RiskPlan.completed_on)):
        level, answers = assessments.get(aid or "", (None, None))
        out.append(_Work(cs.RISK_PLAN, plan_id, pid, on, level or levels.get(pid),
                         cs.child_protection_concerns(answers, registers[pid])))
    for plan_id, pid, on in conn.execute(
            select(SentencePlan.id, SentencePlan.person_id, SentencePlan.completed_on)
            .where(SentencePlan.status == "complete").order_by(SentencePlan.person_id, SentencePlan.completed_on)):
        out.append(_Work(cs.SENTENCE_PLAN, plan_id, pid, on, levels.get(pid),
                         cs.child_protection_concerns(None, registers[pid])))
    return [w for w in out if w.completed_on is not None]


def _fates(work: list[_Work], grade: str | None, seed: int) -> dict[tuple[str, str], str]:
    """The few cases whose latest work is not signed off, chosen by rank (not by chance, so every seed shows
    some): on the first, the latest RoSH assessment, its risk management plan and the sentence plan await
    countersignature; on the second, the risk management plan does (the assessment is countersigned); on the
    third, the latest RoSH assessment was returned (its plan waits with the manager for the revision). Very high
    cases are chosen last."""
    latest: dict[tuple[str, str], _Work] = {}
    for w in work:
        if w.kind != cs.SENTENCE_PLAN and cs.needs_countersignature(w.level, w.child_protection, grade,
                                                                    w.kind).needed:
            latest[(w.person_id, w.kind)] = w  # the work is in completion order: the last is the latest
    # Very high cases last: the few very high cases show their whole chain, second countersignature and all.
    cases = sorted({pid for pid, kind in latest if kind == cs.ROSH_ASSESSMENT},
                   key=lambda p: (latest[(p, cs.ROSH_ASSESSMENT)].level == "VH",
                                  random.Random(f"sign-fate:{seed}:{p}").random()))
    out: dict[tuple[str, str], str] = {}
    for n, pid in enumerate(cases[:AWAITING_CASES + RETURNED_CASES]):
        returned = n >= AWAITING_CASES
        rosh = latest[(pid, cs.ROSH_ASSESSMENT)]
        if n != 1:
            out[(rosh.kind, rosh.id)] = RETURNED if returned else AWAITING
        plan = latest.get((pid, cs.RISK_PLAN))
        if plan is not None:
            out[(plan.kind, plan.id)] = AWAITING
        if n == 0:
            for w in work:
                if w.person_id == pid and w.kind == cs.SENTENCE_PLAN:
                    out[(w.kind, w.id)] = AWAITING
    return out


def _chain(rng: random.Random, stamp: dict[str, datetime], w: _Work, need: cs.Need,
           author: tuple[str, str, str | None], fate: str, today: date, records: list[dict[str, Any]],
           events: list[dict[str, Any]], submitted: tuple[str, str] | None = None) -> None:
    """One target's records, each following the one before, with the timeline event the officer's action makes
    (services/countersign._add: submitted and self-signed have one; a manager's action has none). submitted: the
    status and head of a chain already submitted (the manager's records follow it)."""
    status, head = submitted if submitted is not None else (cs.start_status(w.kind), None)
    what = cs.kind_label(w.kind)

    def record(action: str, on: date, who: tuple[str, str], role: str, grade: str | None,
               comment: str | None = None) -> None:
        nonlocal status, head
        status = cs.next_status(status, action, double=need.double)
        rid = _uuid(rng)
        records.append({"id": rid, **stamp, "person_id": w.person_id, "target_kind": w.kind, "target_id": w.id,
                        "action": action, "status_after": status, "author": who[0], "author_name": who[1],
                        "author_role": role, "author_grade": grade, "on_date": on, "comment": comment,
                        "follows_id": head})
        head = rid
        words = {cs.SUBMITTED: f"{what} submitted for countersignature", cs.SELF_SIGN: f"{what} self-signed"}
        if action in words:
            events.append({"id": _uuid(rng), **stamp, "person_id": w.person_id,
                           "kind": {cs.SUBMITTED: "countersign_submitted",
                                    cs.SELF_SIGN: "countersign_self_signed"}[action],
                           "on_date": on, "summary": words[action], "source_table": w.kind, "source_id": w.id})

    officer = (author[0], author[1])
    if not need.needed:
        record(cs.SELF_SIGN, w.completed_on, officer, cs.OFFENDER_MANAGER, author[2])
        return
    if submitted is None:
        record(cs.SUBMITTED, w.completed_on, officer, cs.OFFENDER_MANAGER, author[2])
    if fate == AWAITING:
        return
    first = add_working_days(w.completed_on, rng.randint(1, 6))
    if first > today:  # completed too recently for the manager to have reached it
        return
    if fate == RETURNED:
        record(cs.RETURNED, first, TEAM_MANAGER, cs.TEAM_MANAGER, None, RETURN_COMMENT)
        return
    record(cs.COUNTERSIGN, first, TEAM_MANAGER, cs.TEAM_MANAGER, None)
    if need.double:
        second = add_working_days(first, rng.randint(1, 8))
        if second <= today:
            record(cs.DOUBLE_COUNTERSIGN, second, SENIOR_MANAGER, cs.TEAM_MANAGER, None)
