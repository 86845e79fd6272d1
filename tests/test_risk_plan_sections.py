"""A plan at high or very high RoSH with no actions in supervision, monitoring and control, contingency plans or
victim safety planning (the list in resources/data/rosh_assessment.json) is a warning naming those sections,
which completing needs acknowledged (walk: a plan completed with six of eight sections empty at high RoSH)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from lpt_desktop.assessment import risk_plan as rp
from lpt_desktop.services import case_record as cr
from lpt_desktop.services import rosh, rosh_plan
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.rosh_fill import full

TODAY = TEST_TODAY
ACT = rp.Action("Offender manager", "Weekly reporting", TODAY)


@pytest.mark.parametrize(("level", "sections", "empty"), [
    ("H", {"supervision": [ACT]}, ["Monitoring and control", "Victim safety planning", "Contingency plans"]),
    ("VH", {}, ["Supervision", "Monitoring and control", "Victim safety planning", "Contingency plans"]),
    ("H", {c: [ACT] for c in ("supervision", "monitoring_control", "contingency", "victim_safety")}, []),
    ("M", {}, []),
    (None, {}, []),
])
def test_empty_expected_sections(level, sections, empty) -> None:
    plan = rp.RiskPlan(sections)
    assert rp.empty_expected_sections(plan, level) == empty
    warnings = rp.section_warnings(plan, level)
    assert bool(warnings) == bool(empty)
    assert all(name in warnings[0] for name in empty)


@pytest.fixture
def db(tmp_path) -> Iterator[Database]:
    database = create_caseload(tmp_path / "r.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    yield database
    database.close()


def test_completing_a_high_plan_with_empty_sections_needs_the_acknowledgement(db: Database) -> None:
    start = TODAY - timedelta(days=60)
    pid = cr.create_case(db, cr.NewCase("P100001", "Sam", "Lee", date(1985, 1, 2), cr.SentenceIn(
        "CO", start, start + timedelta(days=365), requirements=(cr.RequirementIn("UPW", {"hours": 60}),))),
        today=start)
    aid = rosh.start_assessment(db, pid, today=TODAY)
    full(db, aid, "H", TODAY)
    assert rosh.complete_assessment(db, aid, acknowledge_warnings=True, today=TODAY).completed
    plan = rosh_plan.start_plan(db, pid, TODAY)
    rosh_plan.add_action(db, plan, rosh_plan.ActionIn("supervision", "Offender manager", "Weekly reporting",
                                                      TODAY + timedelta(days=30)), TODAY)
    rosh_plan.record_sharing(db, plan, "police", TODAY, today=TODAY)
    first = rosh_plan.complete_plan(db, plan, today=TODAY)
    assert not first.completed
    assert any("Monitoring and control" in w and "Contingency plans" in w and "Victim safety planning" in w
               for w in first.warnings)
    assert rosh_plan.complete_plan(db, plan, acknowledge_warnings=True, today=TODAY).completed
