"""Countersign, return and revise end to end (issue 19): an officer's laptop, their team manager's laptop and
a real central store, on SQLite and PostgreSQL. The officer completes a high RoSH assessment (awaiting
countersignature); the manager sees it in the queue and returns it with a comment; the officer sees the return
and revises it (a new version, completed again, which goes back to the manager); the manager countersigns it
and both laptops agree it is countersigned. The manager's laptop writing anything else (a contact's notes, the
person's name) is refused by the server and listed there as a rejection, in words; the officer's records stay
as they were. The resubmit-as-is path is tests/sync/test_manager_laptop.py's."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.central.models import Record, User
from lpt_desktop.domain.contacts import ContactInput
from lpt_desktop.services import case_record as cr
from lpt_desktop.services import countersign as svc
from lpt_desktop.services import rosh
from lpt_desktop.services.contacts import record_contact
from lpt_desktop.services.countersign_revise import revise
from lpt_desktop.services.sync import list_rejections
from lpt_desktop.store.models import Contact, Person
from tests.rosh_fill import full
from tests.sync.cases import edit, get

COMMENT = "The analysis leaves out the children in the home: add them and say how the plan protects them."
KIND = cs.ROSH_ASSESSMENT


def _complete(db, aid: str, today: date) -> None:
    full(db, aid, "H", today, who="His former partner and her two children")
    for key in rosh.assessment_view(db, aid, today).unconfirmed:
        rosh.confirm_carried(db, aid, key, today)
    assert rosh.complete_assessment(db, aid, acknowledge_warnings=True, today=today).completed


def _status(db, aid: str) -> str:
    with db.read() as s:
        return svc.chain_status(s, KIND, aid)


def test_return_revise_countersign_and_the_managers_other_writes_refused(central, laptop_factory, unique):
    om = central.add_user(f"om-{unique}", name="Alex Morgan")  # team Preston, as the fixture's users
    tm = central.add_user(f"tm-{unique}", role="team_manager", name="Pat Senior")
    with central.db.write() as s:
        s.get(User, om).grade = "po"  # as `lpt-central user grade` sets it
    officer, manager = laptop_factory(om), laptop_factory(tm)
    today = date.today()  # the server keeps the real clock (tests/conftest.py)
    start = today - timedelta(days=90)
    pid = cr.create_case(officer.db, cr.NewCase(f"E{int(unique, 16) % 1_000_000:06d}", "Lee", "Hart",
                                                date(1988, 2, 3), cr.SentenceIn(
                                                    "CO", start, start + timedelta(days=365),
                                                    requirements=(cr.RequirementIn("UPW", {"hours": 80}),))))
    contact = record_contact(officer.db, pid, ContactInput(
        type_code="COAP", starts_at=datetime.combine(today - timedelta(days=1), time(10)), outcome="ATTC",
        location="Preston office", notes="Discussed the order."), now=datetime.combine(today, time(12)))
    first = rosh.start_assessment(officer.db, pid, today=today)
    _complete(officer.db, first, today)
    assert _status(officer.db, first) == cs.AWAITING
    officer.sync()
    assert not list_rejections(officer.db), [(r.kind, r.reason) for r in list_rejections(officer.db)]

    # The manager sees it and returns it with a comment.
    manager.sync()
    assert svc.current_actor(manager.db).role == cs.TEAM_MANAGER
    assert [(q.target_id, q.status) for q in svc.countersign_queue(manager.db, today)] == [(first, cs.AWAITING)]
    assert svc.return_work(manager.db, KIND, first, COMMENT, today=today) == cs.REJECTED

    # ... and tries to change what is not theirs: the server refuses both, the laptop lists them in words.
    edit(manager.db, Contact, contact, notes="Changed by the manager.")
    edit(manager.db, Person, pid, first_name="Changed")
    result = manager.sync()
    assert result.open_rejections == 2
    refused = sorted(list_rejections(manager.db), key=lambda r: r.kind)
    assert [r.kind for r in refused] == ["contact", "person"]
    assert all(r.reason.startswith("A team manager cannot change") for r in refused), [r.reason for r in refused]
    assert all(r.case.endswith(")") and r.advice for r in refused)
    with central.db.read() as s:
        assert s.get(Record, ("person", pid)).data["first_name"] == "Lee"
        assert s.get(Record, ("contact", contact)).data["notes"] == "Discussed the order."

    # The officer sees the return, revises it and completes the new version: it goes back to the manager.
    assert officer.sync().open_rejections == 0
    assert _status(officer.db, first) == cs.REJECTED
    assert [(r.target_id, r.comment, r.returned_by) for r in svc.returns_for_officer(officer.db)] == [
        (first, COMMENT, "Pat Senior")]
    second = revise(officer.db, KIND, first, today=today)
    assert second != first
    # The draft never reaches the central store before its completion: it and its submission travel in one
    # push, and the server finds the work in that push.
    _complete(officer.db, second, today)
    assert _status(officer.db, second) == cs.AWAITING
    assert svc.returns_for_officer(officer.db) == []
    assert get(officer.db, Person, pid).first_name == "Lee"  # the manager's refused edit never arrived
    assert get(officer.db, Contact, contact).notes == "Discussed the order."
    officer.sync()
    assert not list_rejections(officer.db), [(r.kind, r.action, r.reason) for r in list_rejections(officer.db)]

    # The manager countersigns the revision; both laptops agree.
    manager.sync()
    assert [q.target_id for q in svc.countersign_queue(manager.db, today)] == [second]
    assert svc.countersign(manager.db, KIND, second, today=today) == cs.COUNTERSIGNED
    assert manager.sync().open_rejections == 2  # only the two refused edits, still listed
    officer.sync()
    for lap in (officer, manager):
        assert _status(lap.db, second) == cs.COUNTERSIGNED
        assert _status(lap.db, first) == cs.REJECTED  # the returned version is kept as it was
        assert [h.action for h in svc.countersign_history(lap.db, KIND, second)] == ["submitted", "countersigned"]
    assert svc.countersign_queue(manager.db, today) == []
    assert svc.awaiting_by_person(officer.db) == {}
    assert not list_rejections(officer.db)


def test_work_completed_before_enrolment_reaches_the_manager(central, laptop_factory, unique, tmp_path):
    """A caseload started offline signs as its file's officer (their staff code): at enrolment the unsent
    signing records take the enrolled user's username, role and grade, so the server accepts the submission
    and the manager sees it in the queue."""
    from lpt_desktop.services.unlock import create_caseload
    from lpt_desktop.store.keyfile import KdfParams
    from tests.conftest import PASSPHRASE
    from tests.sync.conftest import Laptop

    om = central.add_user(f"om-{unique}", name="Alex Morgan")
    tm = central.add_user(f"tm-{unique}", role="team_manager", name="Pat Senior")
    with central.db.write() as s:
        s.get(User, om).grade = "pso"
    db = create_caseload(tmp_path / "offline.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", KdfParams.fast())
    try:
        today = date.today()
        start = today - timedelta(days=30)
        pid = cr.create_case(db, cr.NewCase(f"F{int(unique, 16) % 1_000_000:06d}", "Sam", "Lowe",
                                            date(1990, 5, 6), cr.SentenceIn(
                                                "CO", start, start + timedelta(days=365),
                                                requirements=(cr.RequirementIn("UPW", {"hours": 80}),))))
        aid = rosh.start_assessment(db, pid, today=today)
        _complete(db, aid, today)
        assert _status(db, aid) == cs.AWAITING
        assert [h.author for h in svc.countersign_history(db, KIND, aid)] == ["LPT0042"]
        officer = Laptop(db, central, om)
        officer.enrol()
        assert not list_rejections(db), [(r.kind, r.reason) for r in list_rejections(db)]
        [h] = svc.countersign_history(db, KIND, aid)
        assert (h.author, h.author_role) == (om, cs.OFFENDER_MANAGER)
        with central.db.read() as s:
            chain = [r.data for r in s.query(Record).filter(Record.kind == "countersignature")
                     if (r.data or {}).get("target_id") == aid]
        assert [(c["action"], c["author"], c["author_grade"]) for c in chain] == [("submitted", om, "pso")]
        manager = laptop_factory(tm)
        assert [(q.target_id, q.status) for q in svc.countersign_queue(manager.db, today)] == [(aid, cs.AWAITING)]
    finally:
        db.close()
