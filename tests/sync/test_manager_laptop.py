"""An officer's laptop and their team manager's laptop with a real central store (issue 19): the officer's high
RoSH assessment is submitted; the manager returns it with a comment, the officer resubmits, the manager
countersigns; the manager's oversight contact reaches the officer; the manager's edit of the case is refused by
the server and listed on the manager's laptop in words, and the case stays as the officer left it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from lpt_desktop.central.models import Record, User
from lpt_desktop.services import case_record as cr
from lpt_desktop.services import countersign, rosh
from lpt_desktop.services import sync as sync_service
from lpt_desktop.store.countersign_models import Countersignature
from lpt_desktop.store.models import Contact, Person
from tests.rosh_fill import full
from tests.sync.cases import edit


def _refused(lap) -> list[str]:
    return [f"{r.kind}: {r.reason}" for r in sync_service.list_rejections(lap.db)]


def _status(db, aid: str) -> str:
    with db.read() as s:
        return countersign.chain_status(s, "rosh_assessment", aid)


def test_submit_return_resubmit_countersign_and_oversight_between_two_laptops(central, laptop_factory, unique):
    team = f"team-{unique}"
    om = central.add_user(f"om-{unique}", team=team, name="Dana Officer")
    tm = central.add_user(f"tm-{unique}", role="team_manager", team=team, name="Sam Manager")
    with central.db.write() as s:
        s.get(User, om).grade = "po"  # the laptop's officer row says PO too (enrolment makes it so)
    officer, manager = laptop_factory(om), laptop_factory(tm)
    today = date.today()  # real clock, not time_machine: the server stamps with it (tests/conftest.py)
    start = today - timedelta(days=90)
    pid = cr.create_case(officer.db, cr.NewCase(f"M{int(unique, 16) % 1_000_000:06d}", "Lee", "Hart",
                                                date(1988, 2, 3), cr.SentenceIn("CO", start, start + timedelta(
                                                    days=365), requirements=(cr.RequirementIn("UPW", {"hours": 80}),))))
    aid = rosh.start_assessment(officer.db, pid, today=today)
    full(officer.db, aid, "H", today)
    assert rosh.complete_assessment(officer.db, aid, today=today).completed
    assert _status(officer.db, aid) == "awaiting_countersignature"  # high RoSH: submitted on completion
    assert officer.sync().open_rejections == 0, _refused(officer)

    manager.sync()
    queue = countersign.countersign_queue(manager.db, today)
    assert [(q.target_kind, q.target_id) for q in queue] == [("rosh_assessment", aid)]

    # The manager may not change the case: the server refuses, the manager's laptop lists it in words.
    edit(manager.db, Person, pid, first_name="Changed")
    result = manager.sync()
    assert result.open_rejections == 1
    [refused] = sync_service.list_rejections(manager.db)
    assert refused.reason.startswith("A team manager cannot change person records")
    with central.db.read() as s:
        assert s.get(Record, ("person", pid)).data["first_name"] == "Lee"

    countersign.return_work(manager.db, "rosh_assessment", aid,
                            "Say who is at risk from the ex-partner, and how the plan protects them.", today)
    note = countersign.record_oversight(manager.db, pid, "Reviewed the assessment with the officer.",
                                        datetime.combine(today, datetime.min.time()) + timedelta(hours=9), today)
    assert manager.sync().open_rejections == 1  # the return and the oversight contact were accepted

    officer.sync()
    assert _status(officer.db, aid) == "rejected"
    [back] = countersign.returns_for_officer(officer.db)
    assert "ex-partner" in back.comment
    with officer.db.read() as s:
        mo = s.get(Contact, note)
        assert mo is not None and mo.type_code == "MO1" and mo.management_oversight
        assert s.get(Person, pid).first_name == "Lee"  # the manager's refused edit never arrived
    countersign.resubmit(officer.db, "rosh_assessment", aid, "The ex-partner is named in the plan now.", today)
    assert officer.sync().open_rejections == 0, _refused(officer)

    manager.sync()
    assert countersign.countersign(manager.db, "rosh_assessment", aid, today=today) == "countersigned"
    assert manager.sync().open_rejections == 1
    officer.sync()
    assert _status(officer.db, aid) == "countersigned"
    with central.db.read() as s:
        chain = [r.data for r in s.scalars(select(Record).where(Record.kind == "countersignature",
                                                                Record.person_id == pid).order_by(Record.version))]
    assert [(c["action"], c["author"], c["author_role"]) for c in chain] == [
        ("submitted", om, "offender_manager"), ("returned", tm, "team_manager"),
        ("resubmitted", om, "offender_manager"), ("countersigned", tm, "team_manager")]
    # The officer's grade as the server holds it, or none until the laptop has been told it: never another.
    assert {c["author_grade"] for c in chain} <= {"po", None}
    with manager.db.read() as s:
        assert len(s.scalars(select(Countersignature).where(Countersignature.person_id == pid)).all()) == 4


def test_two_managers_at_once_and_a_slow_clock(central, laptop_factory, unique):
    """Two managers act on the same awaiting work before either syncs: the first to reach the server is
    accepted, the other is refused and shown in words, and every laptop and the server agree on the status.
    The first manager's laptop clock is days behind (its countersignature is dated before the submission)."""
    team = f"team-{unique}"
    om = central.add_user(f"om-{unique}", team=team, name="Dana Officer")
    tm1 = central.add_user(f"tm1-{unique}", role="team_manager", team=team, name="Sam Manager")
    tm2 = central.add_user(f"tm2-{unique}", role="team_manager", team=team, name="Kit Manager")
    with central.db.write() as s:
        s.get(User, om).grade = "po"
    officer, first, second = laptop_factory(om), laptop_factory(tm1), laptop_factory(tm2)
    today = date.today()
    start = today - timedelta(days=90)
    pid = cr.create_case(officer.db, cr.NewCase(f"N{int(unique, 16) % 1_000_000:06d}", "Lee", "Hart",
                                                date(1988, 2, 3), cr.SentenceIn("CO", start, start + timedelta(
                                                    days=365), requirements=(cr.RequirementIn("UPW", {"hours": 80}),))))
    aid = rosh.start_assessment(officer.db, pid, today=today)
    full(officer.db, aid, "H", today)
    assert rosh.complete_assessment(officer.db, aid, today=today).completed
    assert officer.sync().open_rejections == 0, _refused(officer)
    first.sync()
    second.sync()
    slow = today - timedelta(days=3)
    assert countersign.countersign(first.db, "rosh_assessment", aid, today=slow) == "countersigned"
    countersign.return_work(second.db, "rosh_assessment", aid,
                            "Say who is at risk from the ex-partner, and how the plan protects them.", today)
    assert first.sync().open_rejections == 0, _refused(first)
    assert second.sync().open_rejections == 1
    [refused] = sync_service.list_rejections(second.db)
    assert refused.kind == "countersignature"
    assert refused.reason.startswith("Someone acted on this first: countersigned by Sam Manager on "), refused.reason
    officer.sync()
    for lap in (officer, first, second):
        assert _status(lap.db, aid) == "countersigned", lap.username
    assert countersign.countersign_queue(second.db, today) == []
    with central.db.read() as s:
        chain = [r.data for r in s.scalars(select(Record).where(Record.kind == "countersignature",
                                                                Record.person_id == pid).order_by(Record.version))]
    assert [(c["action"], c["author"]) for c in chain] == [("submitted", om), ("countersigned", tm1)]
    assert chain[1]["on_date"] < chain[0]["on_date"]  # dated before it, yet after it in the chain
