"""The demo's sentence plans (issue 20 review 18): goal target dates counted in calendar months, as the target
choice says and the service counts them, and completed plans signed as completing one signs them (self-signed,
or submitted where a countersignature is needed), so none reads "not yet submitted"."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.domain.dates import add_months
from lpt_desktop.services import countersign
from lpt_desktop.services.countersign import signing_status
from lpt_desktop.services.demo import DemoSpec, create_demo
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.plan_models import PlanGoal, SentencePlan
from tests.conftest import PASSPHRASE

TODAY = date(2026, 11, 23)


def test_demo_plans_count_targets_in_months_and_completed_plans_are_self_signed(tmp_path):
    db = create_demo(tmp_path / "d.lptdb", PASSPHRASE, DemoSpec(cases=20, contacts_per_case=4, seed=7, today=TODAY),
                     kdf=KdfParams.fast())
    try:
        with db.read() as s:
            plans = {p.id: p for p in s.scalars(select(SentencePlan))}
            goals = list(s.scalars(select(PlanGoal)))
        completed = [p for p in plans.values() if p.status == "complete"]
        assert completed and goals
        for g in goals:
            months = int((g.target_choice or "").split("_")[0])
            assert g.target_date == add_months(plans[g.plan_id].started_on, months), g.target_choice
        # Signed as completing one signs it (services/countersign.record_completion): self-signed, or submitted and
        # awaiting countersignature where the Trust's rule needs one (the central store refuses such a plan
        # self-signed when the laptop enrols).
        grade = countersign.current_actor(db).grade
        with db.read() as s:
            targets = [countersign._target(s, cs.SENTENCE_PLAN, p.id) for p in completed]
        expected = {t.row.id: cs.AWAITING if cs.needs_countersignature(t.level, t.child_protection, grade,
                                                                       cs.SENTENCE_PLAN).needed else cs.SELF_SIGNED
                    for t in targets}
        assert {p.id: signing_status(db, "sentence_plan", p.id) for p in completed} == expected
        assert set(expected.values()) == {cs.AWAITING, cs.SELF_SIGNED}  # both kinds in this caseload
    finally:
        db.close()
