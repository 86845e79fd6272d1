"""A conflict settled on one laptop tells the laptop whose change lost (issue 13, item 3): a notice it can read,
kept in its encrypted file, and its own losing text stays readable in the settled conflict."""

from __future__ import annotations

import pytest

from lpt_desktop.services import sync as sync_service
from lpt_desktop.store.models import Person
from tests.sync.cases import edit, get, new_person


@pytest.fixture
def laptops(central, laptop_factory, unique):
    """One officer's three laptops, all holding one case (a team manager settles no conflicts: issue 19)."""
    om = central.add_user(f"om-{unique}", team=f"team-{unique}")
    one, two, manager = laptop_factory(om), laptop_factory(om), laptop_factory(om)
    pid = new_person(one.db, "Walsh")
    for lap in (one, two, manager):
        lap.sync()
    return one, two, manager, pid


def _clash(one, two, pid) -> None:
    """Both laptops change one field offline; laptop one syncs first, so laptop two's push raises the conflict."""
    edit(one.db, Person, pid, preferred_name="Dee (laptop one)")
    edit(two.db, Person, pid, preferred_name="Dana (laptop two)")
    one.sync()
    assert two.sync().conflicts == 1
    one.sync()


def test_the_laptop_whose_edit_lost_is_told_and_can_read_its_own_text(laptops):
    one, two, _manager, pid = laptops
    _clash(one, two, pid)
    [c] = sync_service.list_conflicts(one.db)
    sync_service.resolve_conflict(one.db, c.id, "theirs")  # laptop one keeps the server's version: its own
    one.sync()
    assert sync_service.list_notices(two.db) == []  # not yet: the choice has not reached laptop two
    two.sync()
    assert get(two.db, Person, pid).preferred_name == "Dee (laptop one)"
    [n] = sync_service.list_notices(two.db)
    crn = get(two.db, Person, pid).crn
    assert n.message.startswith(f"Your change to the case details of Dana Walsh ({crn}) was replaced by a choice "
                                "made on another laptop")
    assert n.yours == {"preferred_name": "Dana (laptop two)"} and n.kept == {"preferred_name": "Dee (laptop one)"}
    assert not n.read and sync_service.unread_notices(two.db) == 1
    # Its text stays readable in the record's history: the settled conflict keeps both versions.
    [settled] = [x for x in sync_service.list_conflicts(two.db, include_resolved=True) if x.id == n.id]
    assert settled.status == "resolved" and settled.mine == {"preferred_name": "Dana (laptop two)"}
    # The laptop that chose is not told of its own choice; syncing again adds nothing.
    assert sync_service.list_notices(one.db) == []
    two.sync()
    assert len(sync_service.list_notices(two.db)) == 1
    assert sync_service.mark_notices_read(two.db) == 1
    assert sync_service.unread_notices(two.db) == 0 and [x.read for x in sync_service.list_notices(two.db)] == [True]


def test_the_laptop_that_wrote_the_other_side_is_told_when_the_raisers_version_is_kept(laptops):
    one, two, _manager, pid = laptops
    _clash(one, two, pid)
    [c] = sync_service.list_conflicts(two.db)
    sync_service.resolve_conflict(two.db, c.id, "mine")  # laptop two keeps its own: laptop one's edit lost
    two.sync()
    one.sync()
    assert get(one.db, Person, pid).preferred_name == "Dana (laptop two)"
    [n] = sync_service.list_notices(one.db)
    assert "was replaced by a choice made on another laptop" in n.message
    assert n.yours == {"preferred_name": "Dee (laptop one)"}
    assert sync_service.list_notices(two.db) == []


def test_a_choice_made_on_a_third_laptop_tells_only_the_laptop_that_lost(laptops):
    one, two, manager, pid = laptops
    _clash(one, two, pid)
    manager.sync()
    [c] = sync_service.list_conflicts(manager.db)
    sync_service.resolve_conflict(manager.db, c.id, "theirs")
    manager.sync()
    one.sync()
    two.sync()
    assert sync_service.list_notices(one.db) == [] and sync_service.list_notices(manager.db) == []
    [n] = sync_service.list_notices(two.db)
    assert n.resolved_by == manager.username and f"by {manager.username}" in n.message


def test_a_merge_made_elsewhere_tells_both_laptops_to_check_the_record(laptops):
    one, two, manager, pid = laptops
    _clash(one, two, pid)
    manager.sync()
    [c] = sync_service.list_conflicts(manager.db)
    sync_service.resolve_conflict(manager.db, c.id, "merge", {"preferred_name": "Dee or Dana"})
    manager.sync()
    one.sync()
    two.sync()
    for lap, yours in ((one, "Dee (laptop one)"), (two, "Dana (laptop two)")):
        assert get(lap.db, Person, pid).preferred_name == "Dee or Dana"
        [n] = sync_service.list_notices(lap.db)
        assert "was merged with another version" in n.message and n.yours == {"preferred_name": yours}
    assert sync_service.list_notices(manager.db) == []
