"""Countersign, return and resubmit between two laptops and a real server (issue 19): the officer completes a
high RoSH assessment (awaiting countersignature), the team manager's laptop sees it in its queue and returns it
with a comment, the officer sees the return and resubmits, the manager countersigns, and both laptops agree on
the status from the same chain of records; the server refuses none of it."""

from __future__ import annotations

from datetime import date, timedelta

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.services import case_record as cr
from lpt_desktop.services import countersign as svc
from lpt_desktop.services import rosh, tiering
from lpt_desktop.services.contacts import list_contacts
from lpt_desktop.services.sync import list_rejections
from lpt_desktop.store.countersign_models import Countersignature
from tests.rosh_fill import full
from tests.sync.cases import ids

COMMENT = "The analysis leaves out the previous domestic abuse call-outs: add them and review the level."


def test_countersign_return_and_resubmit_between_two_laptops(central, laptop_factory, unique):
    om = central.add_user(f"om-{unique}", team=f"team-{unique}")
    tm = central.add_user(f"tm-{unique}", role="team_manager", team=f"team-{unique}")
    officer, manager = laptop_factory(om), laptop_factory(tm)
    today = date.today()  # real clock, not time_machine: the server stamps with it (tests/conftest.py)
    start = today - timedelta(days=90)
    pid = cr.create_case(officer.db, cr.NewCase(
        f"X{int(unique, 16) % 1_000_000:06d}", "Dana", "Walsh", date(1990, 4, 1),
        cr.SentenceIn("CO", start, start + timedelta(days=365),
                      requirements=(cr.RequirementIn("UPW", {"hours": 80}),))))
    aid = rosh.start_assessment(officer.db, pid, today=today)
    full(officer.db, aid, "H", today)
    assert rosh.complete_assessment(officer.db, aid, today=today).completed
    assert svc.signing_status(officer.db, "rosh_assessment", aid) == cs.AWAITING
    officer.sync()
    manager.sync()
    assert svc.current_actor(manager.db).role == "team_manager"
    assert not list_rejections(officer.db), [r.reason for r in list_rejections(officer.db)]
    assert ids(manager.db, Countersignature) == ids(officer.db, Countersignature) != set()
    assert [q.target_id for q in svc.countersign_queue(manager.db, today)] == [aid]

    svc.return_work(manager.db, "rosh_assessment", aid, COMMENT, today=today)
    manager.sync()
    officer.sync()
    returns = svc.returns_for_officer(officer.db)
    assert [(r.target_id, r.comment) for r in returns] == [(aid, COMMENT)]

    svc.resubmit(officer.db, "rosh_assessment", aid, "Added the call-outs to the analysis: the level stands.",
                 today=today)
    officer.sync()
    manager.sync()
    assert svc.signing_status(manager.db, "rosh_assessment", aid) == cs.AWAITING
    assert svc.countersign(manager.db, "rosh_assessment", aid, today=today) == cs.COUNTERSIGNED
    manager.sync()
    officer.sync()
    for lap in (officer, manager):
        assert svc.signing_status(lap.db, "rosh_assessment", aid) == cs.COUNTERSIGNED
        assert rosh.rosh_overview(lap.db, pid, today).signing_status == cs.COUNTERSIGNED
        assert not list_rejections(lap.db), [r.reason for r in list_rejections(lap.db)]
    assert ids(officer.db, Countersignature) == ids(manager.db, Countersignature)
    assert [h.action for h in svc.countersign_history(officer.db, "rosh_assessment", aid)] == [
        "submitted", "returned", "resubmitted", "countersigned"]

    # a tier override agreed, and an oversight contact, by the manager: accepted by the server, seen by the officer
    did = tiering.override_tier(officer.db, pid, "B", "Police intelligence shows contact with a known gang.",
                                today=today)
    officer.sync()
    manager.sync()
    svc.agree_override(manager.db, did, "Agreed: the intelligence raises the risk this month.", today=today)
    cid = svc.record_oversight(manager.db, pid, "Reviewed the RoSH and plan with the officer.", today, today=today)
    manager.sync()
    officer.sync()
    assert not list_rejections(manager.db), [r.reason for r in list_rejections(manager.db)]
    assert svc.signing_status(officer.db, "tier_decision", did) == cs.AGREED
    seen = [c for c in list_contacts(officer.db, pid) if c.id == cid]
    assert seen and seen[0].management_oversight and seen[0].type_code == "MO1"
