"""Concurrent edits: different fields merge, the same field is a conflict both laptops see, never last-writer-wins."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.services import sync as sync_service
from lpt_desktop.store.models import Address, Person
from lpt_desktop.store.sync_models import SyncConflict
from tests.sync.cases import add_address, delete, edit, get, ids, new_person, snapshot


@pytest.fixture
def pair(central, laptop_factory, unique):
    """Two laptops holding the same case: its officer's and their team manager's."""
    om = central.add_user(f"om-{unique}", team=f"team-{unique}")
    a, b = laptop_factory(om), laptop_factory(om)  # a team manager writes no case records (issue 19)
    pid = new_person(a.db, "Walsh")
    a.sync()
    b.sync()
    assert get(b.db, Person, pid) is not None
    return a, b, pid


def test_different_fields_merge(pair):
    a, b, pid = pair
    edit(a.db, Person, pid, tier="A1")
    edit(b.db, Person, pid, first_language="Polish")
    a.sync()
    rb = b.sync()
    assert rb.conflicts == 0 and rb.open_conflicts == 0
    a.sync()
    for lap in (a, b):
        p = get(lap.db, Person, pid)
        assert (p.tier, p.first_language) == ("A1", "Polish")
    assert snapshot(a.db) == snapshot(b.db)


def test_same_field_is_a_conflict_seen_on_both_laptops_until_resolved(pair):
    a, b, pid = pair
    edit(a.db, Person, pid, tier="A1")
    edit(b.db, Person, pid, tier="D0")
    a.sync()
    rb = b.sync()
    assert rb.conflicts == 1
    a.sync()
    for lap in (a, b):
        [c] = sync_service.list_conflicts(lap.db)
        assert (c.kind, c.record_id, c.fields, c.reason) == ("person", pid, ["tier"], "field")
        assert c.mine == {"tier": "D0"} and c.theirs == {"tier": "A1"}
        assert get(lap.db, Person, pid).tier == "A1"  # both show the server's version meanwhile
    # Syncing again changes nothing: the conflict stays until someone resolves it.
    a.sync()
    b.sync()
    assert len(sync_service.list_conflicts(a.db)) == 1
    [c] = sync_service.list_conflicts(b.db)
    sync_service.resolve_conflict(b.db, c.id, "mine")
    assert sync_service.list_conflicts(b.db) == []
    b.sync()
    a.sync()
    for lap in (a, b):
        assert get(lap.db, Person, pid).tier == "D0"
        assert sync_service.list_conflicts(lap.db) == []
        assert [x.resolution for x in sync_service.list_conflicts(lap.db, include_resolved=True)] == ["mine"]
    assert snapshot(a.db) == snapshot(b.db)


def test_merge_resolution_takes_chosen_values(pair):
    a, b, pid = pair
    edit(a.db, Person, pid, tier="A1", rosh="H")
    edit(b.db, Person, pid, tier="D0", rosh="L")
    a.sync()
    b.sync()
    [c] = sync_service.list_conflicts(b.db)
    assert c.fields == ["rosh", "tier"]
    with pytest.raises(ValidationError):
        sync_service.resolve_conflict(b.db, c.id, "merge", {"no_such_field": 1})
    sync_service.resolve_conflict(b.db, c.id, "merge", {"tier": "D0", "rosh": "H"})
    b.sync()
    a.sync()
    assert (get(a.db, Person, pid).tier, get(a.db, Person, pid).rosh) == ("D0", "H")
    assert snapshot(a.db) == snapshot(b.db)


def test_keep_theirs_leaves_the_server_version(pair):
    a, b, pid = pair
    edit(a.db, Person, pid, tier="A1")
    edit(b.db, Person, pid, tier="D0")
    a.sync()
    b.sync()
    [c] = sync_service.list_conflicts(b.db)
    sync_service.resolve_conflict(b.db, c.id, "theirs")
    b.sync()
    a.sync()
    assert get(b.db, Person, pid).tier == get(a.db, Person, pid).tier == "A1"
    assert sync_service.list_conflicts(a.db) == []


def test_edit_of_a_record_deleted_elsewhere_is_a_conflict(pair):
    a, b, pid = pair
    aid = add_address(a.db, pid)
    a.sync()
    b.sync()
    delete(a.db, Address, aid)
    edit(b.db, Address, aid, line1="14 Fishergate")
    a.sync()
    rb = b.sync()
    assert rb.conflicts == 1
    [c] = sync_service.list_conflicts(b.db)
    assert c.reason == "deleted_there" and c.theirs is None and c.mine["line1"] == "14 Fishergate"
    assert aid not in ids(b.db, Address)  # the server's delete shows until the officer chooses
    sync_service.resolve_conflict(b.db, c.id, "mine")  # bring it back with my change
    b.sync()
    a.sync()
    assert get(a.db, Address, aid).line1 == "14 Fishergate"
    assert snapshot(a.db) == snapshot(b.db)


def test_delete_of_a_record_changed_elsewhere_is_a_conflict(pair):
    a, b, pid = pair
    aid = add_address(a.db, pid)
    a.sync()
    b.sync()
    edit(a.db, Address, aid, line1="14 Fishergate")
    delete(b.db, Address, aid)
    a.sync()
    assert b.sync().conflicts == 1
    [c] = sync_service.list_conflicts(b.db)
    assert c.reason == "deleted_here" and c.mine is None and c.theirs["line1"] == "14 Fishergate"
    assert get(b.db, Address, aid).line1 == "14 Fishergate"
    sync_service.resolve_conflict(b.db, c.id, "mine")  # delete it after all
    b.sync()
    a.sync()
    assert aid not in ids(a.db, Address) and aid not in ids(b.db, Address)


def test_three_laptops_converge(central, laptop_factory, unique):
    team = f"team-{unique}"
    om = central.add_user(f"om-{unique}", team=team)
    a, b, c = laptop_factory(om), laptop_factory(om), laptop_factory(om)
    pid = new_person(a.db)
    a.sync()
    b.sync()
    c.sync()
    edit(a.db, Person, pid, tier="A1")
    edit(b.db, Person, pid, preferred_name="Dee")
    edit(c.db, Person, pid, tier="C2")
    for lap in (a, b, c, a, b, c):
        lap.sync()
    assert snapshot(a.db) == snapshot(b.db) == snapshot(c.db)
    assert get(a.db, Person, pid).preferred_name == "Dee"
    conflicts = [sync_service.list_conflicts(x.db) for x in (a, b, c)]
    assert all(len(x) == 1 for x in conflicts) and conflicts[0][0].fields == ["tier"]


def test_a_record_this_laptop_cannot_store_is_listed_and_does_not_stop_sync(central, laptop_factory, unique):
    """Two laptops each open a case with the same CRN while offline: neither file can hold both."""
    om = central.add_user(f"om-{unique}")
    a, b = laptop_factory(om), laptop_factory(om)
    first = new_person(a.db, "First", crn="Z111111")
    second = new_person(b.db, "Second", crn="Z111111")
    other = new_person(a.db, "Other")
    a.sync()
    rb = b.sync()
    assert rb.waiting == 0 and other in ids(b.db, Person) and second in ids(b.db, Person)
    assert first not in ids(b.db, Person)
    # The store holds one case per CRN: it refused laptop b's second case (on b's Not accepted list).
    with b.db.read() as s:
        [refused] = s.scalars(select(SyncConflict).where(SyncConflict.reason == "rejected")).all()
    assert refused.record_id == second and "already holds CRN Z111111 for another case of yours" in refused.message
    [c] = sync_service.list_conflicts(b.db)
    assert c.reason == "local" and c.record_id == first and "crn" in c.message
    assert len(sync_service.list_conflicts(b.db)) == 1  # listed once however often it is retried
    b.sync()
    assert len(sync_service.list_conflicts(b.db)) == 1
    sync_service.resolve_conflict(b.db, c.id, "theirs")
    assert sync_service.list_conflicts(b.db) == []
