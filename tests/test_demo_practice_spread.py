"""The demo caseload as the practice audit and the workload see it (issue 21): each check the demo is meant to
exercise both met and failing (barriers to engagement answered on most cases, a report writer's screening
confirmed on most of the cases that have one and not on a few), and the officer at a realistic share of their
capacity, the rest of the laptop's cases held by colleagues. (tests/test_practice_service.py has the spread of
unmet checks per case.)"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from lpt_desktop.services import practice, workload
from lpt_desktop.services.demo.holders import COLLEAGUES
from lpt_desktop.services.holders import case_holders
from lpt_desktop.services.unlock import unlock
from lpt_desktop.store.rosh_models import RoshAssessment, RoshConfirmation
from tests.conftest import DEMO_TODAY, PASSPHRASE

TODAY = DEMO_TODAY


def test_the_demo_meets_and_fails_each_check_it_exercises_and_the_officer_holds_a_full_load(demo_db):
    db = unlock(demo_db, PASSPHRASE)
    try:
        audits = practice.audit(db, TODAY)
        view = workload.workload(db, TODAY)
        holders = case_holders(db)
        with db.read() as s:
            writers = s.scalar(select(func.count()).select_from(RoshAssessment)
                               .where(RoshAssessment.by_report_writer.is_(True))) or 0
            actions = Counter(s.scalars(select(RoshConfirmation.action)))
    finally:
        db.close()
    per_check = Counter((r.id, r.status) for a in audits for r in a.results)

    def shares(check: str) -> tuple[int, int]:
        return per_check[(check, "met")], per_check[(check, "not_met")]

    # Barriers to engagement answered on most cases' needs assessments, left unanswered on a few.
    met, unmet = shares("diversity_assessed")
    assert met >= 3 * unmet and unmet >= 1, (met, unmet)
    # A report writer's screening for court on some cases: confirmed by the officer on most, not on a few.
    met, unmet = shares("rosh_screening_confirmed")
    assert met > unmet >= 1, (met, unmet)
    assert writers >= met + unmet and actions["confirmed"] >= met and actions["revised"] >= 1, (writers, actions)
    # The officer at roughly a full-time officer's capacity (it was 266%: every case on them), the rest of the
    # laptop's cases held by the two colleagues.
    (officer,) = view.team.officers
    assert officer.percent is not None and 85 <= officer.percent <= 110, officer.percent
    assert 10 <= officer.case_count < len(audits)
    assert officer.case_count + len(view.unallocated) == len(audits)
    others = Counter(h.name for h in holders.values() if h.name != officer.name)
    assert set(others) == {name for _code, name in COLLEAGUES} and sum(others.values()) == len(view.unallocated)
