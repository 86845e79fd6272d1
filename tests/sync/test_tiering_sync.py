"""Tiering's records sync by registration alone (issue 17): the predictor scores and tier decisions one laptop
records, and the tier put in force with its scheme, reach the other laptop of the team, and the other laptop
shows the same suggested tier, working and history."""

from __future__ import annotations

from datetime import date, timedelta

from lpt_desktop.assessment.tier_types import DcSrp, Predictor
from lpt_desktop.services import case_record as cr
from lpt_desktop.services import registers, tiering
from lpt_desktop.store.models import Person
from lpt_desktop.store.tiering_models import PredictorScore, TierDecision
from tests.sync.cases import ids, snapshot

RECORD = (Person, PredictorScore, TierDecision)


def test_scores_and_decisions_reach_the_other_laptop(central, laptop_factory, unique):
    om = central.add_user(f"om-{unique}", team=f"team-{unique}")
    tm = central.add_user(f"tm-{unique}", role="team_manager", team=f"team-{unique}")
    a, b = laptop_factory(om), laptop_factory(tm)
    today = date.today()  # real clock, not time_machine: the server stamps with it (tests/conftest.py)
    start = today - timedelta(days=90)
    pid = cr.create_case(a.db, cr.NewCase(f"Y{int(unique, 16) % 1_000_000:06d}", "Tia", "Ranger", date(1988, 2, 3),
                                          cr.SentenceIn("CO", start, start + timedelta(days=365), requirements=(
                                              cr.RequirementIn("RAR", {"days": 10}),))))
    tiering.record_predictors(a.db, pid, today - timedelta(days=5), ogrs3=44.5, arp=Predictor(81.0),
                              csrp=Predictor(3.4, static=True), dc_srp=DcSrp(2.3, "M"), today=today)
    tiering.accept_tier(a.db, pid, today=today)
    registers.add_register(a.db, pid, "ADVP", today)
    tiering.override_tier(a.db, pid, "A", "Intelligence from the police shows contact with a known gang.",
                          today=today)
    a.sync()
    b.sync()
    for model in RECORD:
        assert ids(a.db, model) == ids(b.db, model), model.__tablename__
    assert len(ids(b.db, TierDecision)) == 2
    assert snapshot(a.db, RECORD) == snapshot(b.db, RECORD)
    on_a, on_b = tiering.tier_view(a.db, pid, today=today), tiering.tier_view(b.db, pid, today=today)
    assert (on_b.in_force, on_b.in_force_scheme) == ("A", "2026")
    assert on_b.suggested == on_a.suggested and on_b.predictors == on_a.predictors
    assert on_b.history == on_a.history and on_b.history[0].officer  # who decided travels by name
