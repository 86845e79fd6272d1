"""Who holds each case, on a team manager's laptop (issue 21): the sync pull keeps the central store's allocation
on each person row (person.held_by, held_by_name) and services/holders.case_holders reads it, so the team's views
know each case's officer instead of guessing from who wrote its latest plan. A case moving between two officers
of the team updates it; the columns never travel back to the central store."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from lpt_desktop.central.models import Record
from lpt_desktop.services import case_record as cr
from lpt_desktop.services.holders import Holder, case_holders, holders_in
from lpt_desktop.services.obligations import write_count
from lpt_desktop.services.practice import cached_audit
from lpt_desktop.services.unlock import install_hooks
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Audit, Officer, Person
from lpt_desktop.store.sync_models import SyncOutbox, SyncRecord
from lpt_desktop.sync.apply import apply_items, applying, context
from lpt_desktop.sync.protocol import Item
from tests.conftest import PASSPHRASE


def _case(db, crn: str, first: str, officer_id: str | None = None) -> str:
    today = date.today()  # real clock, not time_machine: the server stamps with it (tests/conftest.py)
    start = today - timedelta(days=30)
    sentence = cr.SentenceIn("CO", start, start + timedelta(days=365), requirements=(cr.RequirementIn("UPW", {
        "hours": 80}),))
    return cr.create_case(db, cr.NewCase(crn, first, "Hart", date(1988, 2, 3), sentence), officer_id=officer_id)


def test_a_managers_laptop_knows_who_holds_each_case_and_follows_a_move(central, laptop_factory, unique):
    team = f"team-{unique}"
    dana = central.add_user(f"om1-{unique}", team=team, name="Dana Officer")
    alex = central.add_user(f"om2-{unique}", team=team, name="Alex Second")
    tm = central.add_user(f"tm-{unique}", role="team_manager", team=team, name="Sam Manager")
    first, second, manager = laptop_factory(dana), laptop_factory(alex), laptop_factory(tm)
    n = int(unique, 16) % 100_000
    a = _case(first.db, f"H{n:05d}1", "Lee")
    b = _case(second.db, f"H{n:05d}2", "Kim")
    assert first.sync().open_rejections == 0 and second.sync().open_rejections == 0

    manager.sync()
    assert case_holders(manager.db) == {a: Holder("Dana Officer", dana), b: Holder("Alex Second", alex)}
    with manager.db.read() as s:
        assert {p.id: p.officer_id for p in s.scalars(select(Person))} == {a: None, b: None}  # not the manager's
    # Each officer's own laptop says the same of its case.
    assert case_holders(first.db) == {a: Holder("Dana Officer", dana)}

    central.allocate(a, alex)  # the case moves to the other officer of the team
    manager.sync()
    second.sync()
    first.sync()
    assert case_holders(manager.db) == {a: Holder("Alex Second", alex), b: Holder("Alex Second", alex)}
    assert case_holders(second.db) == {a: Holder("Alex Second", alex), b: Holder("Alex Second", alex)}
    assert a not in case_holders(first.db)  # gone from the officer who let it go

    # Kept on the laptop only: nothing queued, and the central store's person records never carry it.
    for lap in (first, second, manager):
        with lap.db.read() as s:
            assert s.scalar(select(SyncOutbox.seq).where(SyncOutbox.kind == "person")) is None
    with central.db.read() as s:
        for pid in (a, b):
            data = s.get(Record, ("person", pid)).data
            assert "held_by" not in data and "held_by_name" not in data


def test_an_unsynced_laptop_holds_its_own_officers_cases(tmp_path):
    """No pull yet: the cases allocated to the file's officer here are theirs; a case with no officer is no one's."""
    install_hooks()
    db = Database.create(tmp_path / "u.lptdb", PASSPHRASE, KdfParams.fast())
    try:
        with db.write() as s:
            officer = Officer(name="Dana Officer", staff_code="DO1234")
            s.add(officer)
            s.flush()
            oid = officer.id
        mine = _case(db, "U123456", "Lee", officer_id=oid)
        _case(db, "U123457", "Kim")
        assert case_holders(db) == {mine: Holder("Dana Officer", "DO1234")}
        with db.read() as s:
            assert holders_in(s) == holders_in(s.connection()) == case_holders(db)
    finally:
        db.close()


def test_a_holder_change_is_audited_and_an_unchanged_holder_writes_nothing(central, laptop_factory, unique):
    """The pull writes an audit row naming each case whose holder changed, so the team view's cached audit
    (services/practice.cached_audit re-audits only the cases audit rows name) credits the case to its new
    holder; items whose holder is unchanged write nothing (no statement bumps the write count)."""
    team = f"team-{unique}"
    dana = central.add_user(f"om1-{unique}", team=team, name="Dana Officer")
    alex = central.add_user(f"om2-{unique}", team=team, name="Alex Second")
    tm = central.add_user(f"tm-{unique}", role="team_manager", team=team, name="Sam Manager")
    first, second, manager = laptop_factory(dana), laptop_factory(alex), laptop_factory(tm)
    n = int(unique, 16) % 100_000
    a = _case(first.db, f"J{n:05d}1", "Lee")
    b = _case(second.db, f"J{n:05d}2", "Kim")
    assert first.sync().open_rejections == 0 and second.sync().open_rejections == 0
    manager.sync()
    as_of = date.today()  # real clock, not time_machine: the server stamps with it (tests/conftest.py)
    assert {x.person_id: x.officer for x in cached_audit(manager.db, as_of)} == {
        a: "Dana Officer", b: "Alex Second"}

    # The same pull brings an edit of the other case (an audit row naming b) and a's move to Alex.
    cr.add_alias(second.db, b, "Kimberley", "Hart")
    assert second.sync().open_rejections == 0
    central.allocate(a, alex)
    manager.sync()
    with manager.db.read() as s:
        moved = s.scalars(select(Audit).where(Audit.person_id == a, Audit.detail.like("held by%"))).all()
    assert [x.detail for x in moved] == [  # the first pull, then the move
        "held by Dana Officer (central store's allocation)", "held by Alex Second (central store's allocation)"]
    assert {x.person_id: x.officer for x in cached_audit(manager.db, as_of)} == {
        a: "Alex Second", b: "Alex Second"}

    # Person items again at the versions held, holders unchanged: nothing written for them.
    with manager.db.read() as s:
        versions = dict(s.execute(select(SyncRecord.record_id, SyncRecord.version)
                                  .where(SyncRecord.kind == "person")).tuples().all())
        last_audit = s.scalar(select(func.max(Audit.id)))
    items = [Item(kind="person", record_id=pid, person_id=pid, version=versions[pid],
                  meta={"allocated_to": alex, "allocated_name": "Alex Second"}) for pid in (a, b)]
    count = write_count(manager.db)
    with applying(manager.db) as conn:
        assert apply_items(conn, items, context(conn, tm)) == 0
    assert write_count(manager.db) == count
    with manager.db.read() as s:
        assert s.scalar(select(func.max(Audit.id))) == last_audit
