"""The demo's signatures (issue 19): every completed RoSH assessment and risk management plan of the demo
caseload carries the one record the officer's own services/countersign.record_completion would have written
on completing it, and nothing else.

The demo file is one officer's laptop before enrolment: enrolment restamps every unsent signing record of the
file's officer as the enrolled user and uploads it (sync/enrol_restamp.py), and the central store accepts from
an offender manager only submitting, resubmitting and self-signing their own work (central/write_rules.py). So
the file holds no team manager's record (no countersignature, double countersignature or return): those are
written on the manager's own laptop after the work reaches the central store. On the officer's laptop, high and
very high RoSH work (and any other work the Trust's rule says needs a countersignature) is therefore awaiting
countersignature, and the rest is self-signed.

Whether a piece of work needs a countersignature is assessment/countersign.needs_countersignature, read as the
central store reads it from its own copies (central/write_rules._level and _child_protection): an assessment's
own RoSH level, a risk management plan its assessment's; the screening's answers about children (a plan takes
its assessment's) and the case's open RCPR or RCHD registers; the officer's grade. Work either the central
store or the laptop's services (services/countersign._target, which falls back to the case's level for a plan
with no assessment) would read as needing one is submitted: the server accepts a submission whatever the
work, and refuses a self-signature on work it reads as needing a countersignature.

Sentence plans are signed on completion by demo/plans.py, in the same way: they are left alone here.
Runs after demo/rosh.py and demo/plans.py. Each record comes with its timeline event, as countersign._add
writes it.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import insert, select

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.services.demo.common import DemoSpec, _uuid
from lpt_desktop.store.case_record_models import CaseEvent
from lpt_desktop.store.countersign_models import Countersignature
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Meta, Officer, Person, Registration, utcnow
from lpt_desktop.store.rosh_models import RiskPlan, RoshAssessment

_EVENTS = {cs.SUBMITTED: ("countersign_submitted", "submitted for countersignature"),
           cs.SELF_SIGN: ("countersign_self_signed", "self-signed")}


@dataclass(frozen=True)
class _Work:
    kind: str
    id: str
    person_id: str
    completed_on: date
    level: str | None  # the RoSH level as the central store reads it
    case_level: str | None  # a risk management plan's: the laptop's fallback when its assessment has no level
    child_protection: bool


def add_signatures(db: Database, spec: DemoSpec) -> None:
    """The officer's signing record, and its timeline event, for each completed RoSH assessment and risk
    management plan not yet signed (see the module docstring), in one transaction."""
    now = utcnow()
    stamp = {"created_at": now, "updated_at": now}
    with db.write() as s:
        conn = s.connection()
        oid = db.officer_id or conn.execute(select(Meta.value).where(Meta.key == "officer_id")).scalar()
        officer = conn.execute(select(Officer.staff_code, Officer.name, Officer.role)
                               .where(Officer.id == oid)).first() if oid else None
        if officer is None:
            return
        grade = cs.normal_grade(officer.role)
        signed = {(k, t) for k, t in conn.execute(select(Countersignature.target_kind, Countersignature.target_id))}
        records: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for w in _completed_work(conn):
            if (w.kind, w.id) in signed:
                continue
            action = cs.SUBMITTED if _needs_countersignature(w, grade) else cs.SELF_SIGN
            rng = random.Random(f"sign:{spec.seed}:{w.kind}:{w.id}")
            rid = _uuid(rng)
            records.append({"id": rid, **stamp, "person_id": w.person_id, "target_kind": w.kind,
                            "target_id": w.id, "action": action,
                            "status_after": cs.next_status(cs.start_status(w.kind), action),
                            "author": officer.staff_code, "author_name": officer.name,
                            "author_role": cs.OFFENDER_MANAGER, "author_grade": grade,
                            "on_date": w.completed_on, "comment": None, "follows_id": None})
            kind, words = _EVENTS[action]
            events.append({"id": _uuid(rng), **stamp, "person_id": w.person_id, "kind": kind,
                           "on_date": w.completed_on, "summary": f"{cs.kind_label(w.kind)} {words}",
                           "source_table": w.kind, "source_id": w.id})
        if records:
            conn.execute(insert(Countersignature), records)
        if events:
            conn.execute(insert(CaseEvent), events)


def _needs_countersignature(w: _Work, grade: str | None) -> bool:
    """Whether the officer submits the work rather than self-signing it: the Trust's rule
    (assessment/countersign.py) as the central store reads the work, or as the laptop's services read it."""
    server = cs.needs_countersignature(w.level, w.child_protection, grade, w.kind)
    laptop = cs.needs_countersignature(w.level or w.case_level, w.child_protection, grade, w.kind)
    return server.needed or laptop.needed


def _completed_work(conn: Any) -> list[_Work]:
    """Every completed RoSH assessment the officer wrote (a report writer's screening for court stays unsigned,
    as record_completion leaves it) and every completed risk management plan, with the level and child-protection
    concerns the central store reads for it."""
    registers: dict[str, list[str]] = defaultdict(list)
    for pid, code in conn.execute(select(Registration.person_id, Registration.type_code)
                                  .where(Registration.ended_on.is_(None),
                                         Registration.type_code.in_(cs.CHILD_PROTECTION_REGISTERS))):
        registers[pid].append(code)
    case_levels = dict(conn.execute(select(Person.id, Person.rosh)).all())
    out: list[_Work] = []
    assessments: dict[str, tuple[str | None, Any]] = {}
    for aid, level, answers in conn.execute(select(RoshAssessment.id, RoshAssessment.overall_level,
                                                   RoshAssessment.answers)):
        assessments[aid] = (level, answers)
    for aid, pid, on in conn.execute(
            select(RoshAssessment.id, RoshAssessment.person_id, RoshAssessment.completed_on)
            .where(RoshAssessment.status == "complete", RoshAssessment.by_report_writer.is_(False))
            .order_by(RoshAssessment.person_id, RoshAssessment.completed_on, RoshAssessment.id)):
        level, answers = assessments[aid]
        out.append(_Work(cs.ROSH_ASSESSMENT, aid, pid, on, level, None,
                         cs.child_protection_concerns(answers, registers[pid])))
    for plan_id, pid, on, aid in conn.execute(
            select(RiskPlan.id, RiskPlan.person_id, RiskPlan.completed_on, RiskPlan.assessment_id)
            .where(RiskPlan.status == "complete").order_by(RiskPlan.person_id, RiskPlan.completed_on, RiskPlan.id)):
        level, answers = assessments.get(aid or "", (None, None))
        out.append(_Work(cs.RISK_PLAN, plan_id, pid, on, level, case_levels.get(pid),
                         cs.child_protection_concerns(answers, registers[pid])))
    return [w for w in out if w.completed_on is not None]


__all__ = ["add_signatures"]
