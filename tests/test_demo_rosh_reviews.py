"""The demo's RoSH reviews look like a caseload mostly on time: of 60 cases a handful (5) have a RoSH review
overdue, the rest were reviewed within the policy's six months, so "what is due" is not a wall of red."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lpt_desktop.domain.dates import add_months
from lpt_desktop.services.demo import DemoSpec, create_demo
from lpt_desktop.services.obligations import all_obligations
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.rosh_models import RoshAssessment
from tests.conftest import DEMO_TODAY, PASSPHRASE

ROSH_REGISTERS = ("Low RoSH review", "Medium RoSH review", "High RoSH review", "Very high RoSH review")


def test_most_demo_cases_are_within_their_rosh_review_and_a_handful_are_late(tmp_path):
    today = DEMO_TODAY
    db = create_demo(tmp_path / "d.lptdb", PASSPHRASE, DemoSpec(cases=60, contacts_per_case=2, seed=1, today=today),
                     kdf=KdfParams.fast())
    try:
        found, _who = all_obligations(db, today)
        late = {pid for pid, obs in found.items() for o in obs if o.status == "overdue"
                and (o.rule == "rosh_review" or o.label in ROSH_REGISTERS)}
        assert 4 <= len(late) <= 6, len(late)
        with db.read() as s:
            latest = dict(s.execute(select(RoshAssessment.person_id, func.max(RoshAssessment.completed_on))
                                    .where(RoshAssessment.status == "complete")
                                    .group_by(RoshAssessment.person_id)).all())
        within = [pid for pid, on in latest.items() if on > add_months(today, -6)]
        assert len(latest) == 60 and len(within) >= 54
        # The late ones are weeks or a couple of months past it, not years.
        assert all(today - latest[pid] < timedelta(days=250) for pid in late)
    finally:
        db.close()
