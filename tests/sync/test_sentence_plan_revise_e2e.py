"""A returned sentence plan revised end to end (issue 20): an officer's laptop (a probation officer), their team
manager's laptop and a real central store, on SQLite and PostgreSQL. The officer completes a high RoSH case's
sentence plan (awaiting countersignature: the server derives the case's level too); the manager returns it with a
comment; the officer sees the return, revises it (a new version), changes it and completes it, and it goes back
to the manager, who countersigns it; both laptops agree, and the returned plan stays returned."""

from __future__ import annotations

from datetime import date, timedelta

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.central.models import User
from lpt_desktop.services import countersign as svc
from lpt_desktop.services import sentence_plan as sp
from lpt_desktop.services.cases import update_person
from lpt_desktop.services.countersign_revise import revise
from lpt_desktop.services.sync import list_rejections
from lpt_desktop.store.database import Database
from tests.plan_fill import goal, new_case, ready_plan, step

COMMENT = "The plan leaves out the drug misuse the needs assessment found: add a goal for it with its steps."
KIND = cs.SENTENCE_PLAN


def _status(db: Database, plan: str) -> str:
    with db.read() as s:
        return svc.chain_status(s, KIND, plan)


def test_a_returned_plan_is_revised_and_countersigned_across_laptops(central, laptop_factory, unique):
    om = central.add_user(f"om-{unique}", name="Alex Morgan")
    tm = central.add_user(f"tm-{unique}", role="team_manager", name="Pat Senior")
    with central.db.write() as s:
        s.get(User, om).grade = "po"
    officer, manager = laptop_factory(om), laptop_factory(tm)
    today = date.today()  # real clock, not time_machine: the server stamps with it (tests/conftest.py)
    pid = new_case(officer.db, today - timedelta(days=40))
    update_person(officer.db, pid, rosh="H")
    plan, _g, _st = ready_plan(officer.db, pid, today)
    sp.record_agreement(officer.db, plan, sp.AgreementIn("yes"), today)
    assert sp.complete_plan(officer.db, plan, acknowledge_warnings=True, today=today).signing_status == cs.AWAITING
    officer.sync()
    assert not list_rejections(officer.db), [(r.kind, r.reason) for r in list_rejections(officer.db)]

    # The manager returns it with a comment.
    manager.sync()
    assert [(q.target_id, q.kind_label) for q in svc.countersign_queue(manager.db, today)] == [(plan, "Sentence plan")]
    assert svc.return_work(manager.db, KIND, plan, COMMENT, today=today) == cs.REJECTED
    assert manager.sync().open_rejections == 0

    # The officer sees the return, revises the plan, changes it and completes it: back to the manager.
    officer.sync()
    assert [(r.target_id, r.comment, r.returned_by) for r in svc.returns_for_officer(officer.db)] == [
        (plan, COMMENT, "Pat Senior")]
    new = revise(officer.db, KIND, plan, today=today)
    g = sp.add_goal(officer.db, new, goal("Free of heroin", "drugs", "Sam no longer uses heroin"), today)
    sp.add_step(officer.db, g, step("Start a script with the drug service", "person", today + timedelta(days=14)))
    sp.record_agreement(officer.db, new, sp.AgreementIn("yes"), today)
    assert sp.complete_plan(officer.db, new, acknowledge_warnings=True, today=today).signing_status == cs.AWAITING
    assert svc.returns_for_officer(officer.db) == []
    officer.sync()
    assert not list_rejections(officer.db), [(r.kind, r.action, r.reason) for r in list_rejections(officer.db)]

    # The manager countersigns the revision; both laptops agree.
    manager.sync()
    assert [q.target_id for q in svc.countersign_queue(manager.db, today)] == [new]
    assert svc.countersign(manager.db, KIND, new, today=today) == cs.COUNTERSIGNED
    assert manager.sync().open_rejections == 0
    officer.sync()
    for lap in (officer, manager):
        assert _status(lap.db, new) == cs.COUNTERSIGNED
        assert _status(lap.db, plan) == cs.REJECTED
        assert [h.action for h in svc.countersign_history(lap.db, KIND, new)] == ["submitted", "countersigned"]
    assert [x.title for x in sp.plan_view(manager.db, new, today).goals] == ["A settled home", "Free of heroin"]
