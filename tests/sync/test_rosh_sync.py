"""RoSH assessments, plans and their actions sync by registration alone (issue 18): a completed assessment and a
plan made on one laptop reach the other whole (JSON answers, summary and carried text), with the level and the
RoSH register they put on the case; who completed it travels by name."""

from __future__ import annotations

from datetime import date, timedelta

from lpt_desktop.services import case_record as cr
from lpt_desktop.services import rosh, rosh_plan
from lpt_desktop.store.models import Person, Registration
from lpt_desktop.store.rosh_models import RiskPlan, RiskPlanAction, RoshAssessment
from tests.rosh_fill import full
from tests.sync.cases import get, ids, snapshot

RECORD = (Person, Registration, RoshAssessment, RiskPlan, RiskPlanAction)


def test_an_assessment_and_its_plan_reach_the_other_laptop(central, laptop_factory, unique):
    om = central.add_user(f"om-{unique}", team=f"team-{unique}")
    tm = central.add_user(f"tm-{unique}", role="team_manager", team=f"team-{unique}")
    a, b = laptop_factory(om), laptop_factory(tm)
    today = date.today()  # real clock, not time_machine: the server stamps with it (tests/conftest.py)
    start = today - timedelta(days=90)
    pid = cr.create_case(a.db, cr.NewCase(f"W{int(unique, 16) % 1_000_000:06d}", "Dana", "Walsh", date(1990, 4, 1),
                                          cr.SentenceIn("CO", start, start + timedelta(days=365), requirements=(
                                              cr.RequirementIn("UPW", {"hours": 80}),))))
    aid = rosh.start_assessment(a.db, pid, today=today)
    full(a.db, aid, "H", today)
    assert rosh.complete_assessment(a.db, aid, today=today).completed
    plan = rosh_plan.start_plan(a.db, pid, today)
    rosh_plan.add_action(a.db, plan, rosh_plan.ActionIn("supervision", "Offender manager", "Weekly reporting",
                                                        today + timedelta(days=30)), today)
    rosh_plan.record_sharing(a.db, plan, "police", today, today=today)
    a.sync()
    b.sync()
    for model in RECORD:
        assert ids(a.db, model) == ids(b.db, model), model.__tablename__
    assert snapshot(a.db, RECORD) == snapshot(b.db, RECORD)
    seen = get(b.db, RoshAssessment, aid)
    assert seen.completed_by_name and seen.completed_by is None  # the officer's id is this laptop's own row
    assert get(b.db, Person, pid).rosh == "H"
    view = rosh.assessment_view(b.db, aid, today)
    assert view.overall_level == "H" and view.summary_texts["who_at_risk"] and view.triggers
