"""Two and three real laptops syncing through a real lpt-central (SQLite and PostgreSQL)."""

from __future__ import annotations

from lpt_desktop.services import sync as sync_service
from lpt_desktop.store.models import Address, Contact, Person
from tests.sync.cases import add_address, add_contact, delete, edit, get, ids, new_person, snapshot


def test_person_and_contact_travel_between_two_laptops(central, laptop_factory, unique):
    om = central.add_user(f"om-{unique}")
    a, b = laptop_factory(om), laptop_factory(om)
    pid = new_person(a.db, "Walsh")
    cid = add_contact(a.db, pid, "Seen; discussed housing")
    assert sync_service.sync_status(a.db).waiting_changes == 2
    ra = a.sync()
    assert (ra.pushed, ra.applied, ra.waiting, ra.verified) == (2, 2, 0, True)
    rb = b.sync()
    assert rb.verified and rb.pulled >= 2
    person = get(b.db, Person, pid)
    assert person.last_name == "Walsh" and person.officer_id is not None  # allocated to this officer
    assert get(b.db, Contact, cid).notes == "Seen; discussed housing"
    assert snapshot(a.db) == snapshot(b.db)
    # Nothing the laptop applied from the server went back into its outbox.
    assert sync_service.sync_status(b.db).waiting_changes == 0


def test_edit_and_delete_round_trip(central, laptop_factory, unique):
    om = central.add_user(f"om-{unique}")
    a, b = laptop_factory(om), laptop_factory(om)
    pid = new_person(a.db)
    aid = add_address(a.db, pid)
    a.sync()
    b.sync()
    edit(b.db, Person, pid, tier="A1")
    delete(b.db, Address, aid)
    b.sync()
    a.sync()
    assert get(a.db, Person, pid).tier == "A1"
    assert aid not in ids(a.db, Address)
    assert snapshot(a.db) == snapshot(b.db)


def test_enrolment_downloads_the_caseload(central, laptop_factory, unique):
    om = central.add_user(f"om-{unique}")
    a = laptop_factory(om)
    people = [new_person(a.db, f"Case{i}") for i in range(5)]
    for pid in people:
        for n in range(3):
            add_contact(a.db, pid, f"note {n}")
    a.sync()
    seen: list[tuple[str, int, int | None]] = []
    b = laptop_factory(om, enrol=False)
    result = b.enrol(progress=lambda phase, done, total: seen.append((phase, done, total)))
    assert result.verified and result.pulled == 20
    assert ids(b.db, Person) == set(people)
    assert any(phase == "pull" for phase, _, _ in seen)
    assert snapshot(a.db) == snapshot(b.db)


def test_one_sync_at_a_time_and_reachability(central, laptop_factory, unique):
    import threading

    om = central.add_user(f"om-{unique}")
    a = laptop_factory(om)
    assert sync_service.server_reachable(a.db)
    started, release = threading.Event(), threading.Event()

    def slow(phase, done, total):
        started.set()
        release.wait(10)

    new_person(a.db)
    t = threading.Thread(target=lambda: a.sync(progress=slow))
    t.start()
    assert started.wait(10)
    try:
        import pytest

        with pytest.raises(sync_service.SyncBusy):
            a.sync()
    finally:
        release.set()
        t.join(20)
    assert a.sync().waiting == 0
    unenrolled = laptop_factory(om, enrol=False)
    assert not sync_service.server_reachable(unenrolled.db)
