"""The demo's signatures (issue 19, demo/signatures.py): the demo file is one officer's unenrolled laptop, so
each completed RoSH assessment and risk management plan carries only the officer's own first record, as
services/countersign.record_completion writes it: submitted (awaiting countersignature) where the Trust's rule
needs a countersignature (high and very high RoSH among them), self-signed otherwise. Nothing is signed by a
manager: the central store accepts only an offender manager's own records from the officer's laptop
(central/write_rules.py). The practice checks of countersignature fail for the work awaiting it, as they would
on the officer's laptop before the manager has signed."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from sqlalchemy import select

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.services import countersign, practice
from lpt_desktop.services.demo.build import create_demo
from lpt_desktop.services.demo.common import DemoSpec
from lpt_desktop.store.case_record_models import CaseEvent
from lpt_desktop.store.countersign_models import Countersignature
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Registration
from lpt_desktop.store.rosh_models import RiskPlan, RoshAssessment
from tests.conftest import PASSPHRASE, TEST_TODAY

TODAY = TEST_TODAY
CHECKS = ("risk_plan_countersigned", "high_rosh_countersigned")
OFFICER = "LPT0042"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The default seed's 60 cases (one very high RoSH case among them), few contacts each."""
    path = tmp_path_factory.mktemp("demo-signatures") / "c.lptdb"
    db = create_demo(path, PASSPHRASE, DemoSpec(cases=60, contacts_per_case=4, seed=1, today=TODAY),
                     kdf=KdfParams.fast())
    yield db
    db.close()


def test_the_officers_work_is_awaiting_countersignature_or_self_signed(demo):
    with demo.read() as s:
        assessments = {a.id: a for a in s.scalars(select(RoshAssessment))}
        plans = list(s.scalars(select(RiskPlan).where(RiskPlan.status == "complete")))
        registers: dict[str, list[str]] = defaultdict(list)
        for r in s.scalars(select(Registration).where(Registration.ended_on.is_(None))):
            registers[r.person_id].append(r.type_code)
    work = [(cs.ROSH_ASSESSMENT, a.id, a.overall_level, a) for a in assessments.values()
            if a.status == "complete" and not a.by_report_writer]
    work += [(cs.RISK_PLAN, p.id, assessments[p.assessment_id].overall_level, assessments[p.assessment_id])
             for p in plans]
    statuses: Counter[tuple[str, str | None, str]] = Counter()
    for kind, tid, level, a in work:
        status = countersign.signing_status(demo, kind, tid)
        statuses[(kind, level, status)] += 1
        # As the central store reads it: the level, the screening's answers and open registers, a PO's grade.
        need = cs.needs_countersignature(level, cs.child_protection_concerns(a.answers, registers[a.person_id]),
                                         "po", kind)
        assert status == (cs.AWAITING if need.needed else cs.SELF_SIGNED), (kind, level, status)
        if level in ("H", "VH"):
            assert status == cs.AWAITING, (kind, level)
    # Both kinds show both: high work waiting for the manager, and low or medium work self-signed.
    for kind in (cs.ROSH_ASSESSMENT, cs.RISK_PLAN):
        assert statuses[(kind, "H", cs.AWAITING)] >= 1, statuses
        assert sum(n for (k, lv, st), n in statuses.items() if k == kind and st == cs.SELF_SIGNED) >= 1, statuses
    assert statuses[(cs.ROSH_ASSESSMENT, "VH", cs.AWAITING)] >= 1, statuses


def test_nothing_is_signed_by_a_manager(demo):
    with demo.read() as s:
        records = list(s.scalars(select(Countersignature)))
        events = Counter((e.kind, e.source_id) for e in s.scalars(select(CaseEvent)))
    assert records
    # Only the file's officer's own first records: enrolment uploads every one of them as that officer.
    assert {r.action for r in records} <= cs.OFFICER_ACTIONS - {cs.RESUBMITTED}
    assert {(r.author, r.author_role) for r in records} == {(OFFICER, cs.OFFENDER_MANAGER)}
    assert all(r.follows_id is None for r in records)
    assert max(Counter((r.target_kind, r.target_id) for r in records).values()) == 1  # one record per work
    # Each on the timeline once, as services/countersign.py writes it.
    for r in records:
        kind = {cs.SUBMITTED: "countersign_submitted", cs.SELF_SIGN: "countersign_self_signed"}[r.action]
        assert events[(kind, r.target_id)] == 1, (r.target_kind, r.action)
    # The officer's queue is their work awaiting countersignature, high and very high first; nothing returned.
    queue = countersign.countersign_queue(demo, TODAY)
    awaiting = {(r.target_kind, r.target_id) for r in records if r.status_after == cs.AWAITING}
    assert {(i.target_kind, i.target_id) for i in queue if i.target_kind != cs.TIER_DECISION} == awaiting
    assert {i.status for i in queue if i.target_kind != cs.TIER_DECISION} == {cs.AWAITING}
    assert {i.level for i in queue[:3]} <= {"H", "VH"}
    assert countersign.returns_for_officer(demo) == []


def test_the_practice_checks_of_countersignature_fail_for_the_work_awaiting_it(demo):
    audits = practice.audit(demo, TODAY)
    per = Counter((r.id, r.status) for a in audits for r in a.results if r.id in CHECKS)
    awaiting = Counter(r.id for a in audits for r in a.results
                       if r.id in CHECKS and r.status == "not_met" and "awaiting" in r.reason)
    for check in CHECKS:
        assert awaiting[check] >= 1, (per, awaiting)  # high work not yet countersigned on the officer's laptop
        assert per[(check, "not_applicable")] > per[(check, "not_met")], per  # most cases need none
    facts = practice.load_case_facts(demo, TODAY)
    for f in facts:
        if f.rosh:
            assert f.rosh[-1].signing == countersign.signing_status(demo, cs.ROSH_ASSESSMENT, f.rosh[-1].id)
        if f.risk_plan is not None:
            assert f.risk_plan.signing == countersign.signing_status(demo, cs.RISK_PLAN, f.risk_plan.id)
