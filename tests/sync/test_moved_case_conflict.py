"""A record made in a case that moved away and came back: its later edit must not reach the server as a fragment.

Found by the seeded fault run with cases moving between officers (tests/sync/test_faults.py, seed 7001, under
`pytest -n 4`, where slow answers cut more syncs short). An officer's laptop, not yet told that a case had moved
away, added an address to it; the server refused that first save ("moved to another officer") and the sync was
cut before its pull, so the laptop still held the case when it came back. The officer then edited the address
(an edit sends only the fields it changed), and the server, holding no such record, stored the edit as the
record: {"town": ...}, no first line, no case link. Every laptop the case later reached could not save it (a
"could not be saved on this laptop" conflict) and never verified addresses again, while the laptop that made it
showed a whole address the server did not hold (the fault run's check no longer compared it: a record refused as
moved away was compared with nothing, even once the server held it).

Now the server refuses to store an edit of a record it does not hold (it lacks the record's key and its required
fields): the edit is listed as not accepted beside the refused first save, and Try again sends the whole record.
"""

from __future__ import annotations

from sqlalchemy import select

from lpt_desktop.central.models import Record
from lpt_desktop.services import sync as sync_service
from lpt_desktop.store.models import Address, Person
from lpt_desktop.sync import engine
from lpt_desktop.sync.protocol import FIRST_SAVE_REFUSED, MOVED_AWAY
from tests.sync.cases import add_address, edit, get, ids, new_person


def _server_address(central, record_id: str) -> Record | None:
    with central.db.read() as s:
        return s.scalar(select(Record).where(Record.kind == "address", Record.record_id == record_id))


def test_an_edit_of_a_record_refused_while_its_case_was_away_is_not_stored_as_a_fragment(central, laptop_factory,
                                                                                        unique):
    om1, om2 = central.add_user(f"om1-{unique}"), central.add_user(f"om2-{unique}")
    a, d = laptop_factory(om1), laptop_factory(om2)
    pid = new_person(a.db)
    assert a.sync().verified
    central.allocate(pid, om2)  # the case moves to the other officer...
    aid = add_address(a.db, pid, line1="3 Moor Lane")  # ... while this laptop, not yet told, adds an address
    # A sync cut short after its push (the answer to the pull lost): the first save is refused, the move not pulled.
    with engine.client_for(a.db) as client:
        pushed = engine.SyncResult()
        assert engine.push(a.db, client, pushed) and pushed.rejected == 1
    central.allocate(pid, om1)  # the case comes back before the laptop heard it had gone
    edit(a.db, Address, aid, town="Lancaster")
    result = a.sync()
    assert result.waiting == 0 and result.verified and result.evicted == 0
    assert _server_address(central, aid) is None, "an edit alone was stored as the record"
    reasons = sorted(r.reason for r in sync_service.list_rejections(a.db) if r.record_id == aid)
    assert len(reasons) == 2
    assert reasons[0].startswith(FIRST_SAVE_REFUSED) and reasons[1].startswith(MOVED_AWAY)

    # Try again: the whole record goes, as it stands on the laptop (the edit included).
    assert sync_service.retry_rejected(a.db) == 2
    result = a.sync()
    assert result.rejected == 0 and result.open_rejections == 0 and result.verified
    rec = _server_address(central, aid)
    assert rec is not None and rec.person_id == pid
    assert (rec.data or {})["line1"] == "3 Moor Lane" and (rec.data or {})["town"] == "Lancaster"

    # The case moves on: the new officer's laptop saves the address whole, verifies, and lists nothing.
    central.allocate(pid, om2)
    result = d.sync()
    assert result.verified and result.open_conflicts == 0, result.mismatched
    assert sync_service.list_conflicts(d.db) == []
    got = get(d.db, Address, aid)
    assert got is not None and (got.line1, got.town) == ("3 Moor Lane", "Lancaster")
    assert a.sync().evicted == 1 and pid not in ids(a.db, Address)


def test_a_case_back_before_the_laptop_let_it_go_keeps_its_conflicts(central, laptop_factory, unique):
    """A case moves away and back while a laptop's sync is cut between the pull that heard of the move and the
    eviction. The next pull says the case is the officer's again but brings nothing new (the laptop already holds
    every record at its version): the laptop used to let the case go all the same, then pull its records back
    through verification, losing its open conflicts (verification does not carry them)."""
    om1, om2 = central.add_user(f"om1-{unique}"), central.add_user(f"om2-{unique}")
    a, a2 = laptop_factory(om1), laptop_factory(om1)  # two laptops of one officer
    pid = new_person(a.db)
    a.sync()
    a2.sync()
    edit(a.db, Person, pid, preferred_name="Dee")
    edit(a2.db, Person, pid, preferred_name="Danni")
    a.sync()
    assert a2.sync().conflicts == 1
    a.sync()
    [conflict] = sync_service.list_conflicts(a.db)
    central.allocate(pid, om2)
    # A sync cut short after its pull (before the case was let go): the move is noted, the case still here.
    with engine.client_for(a.db) as client:
        cut = engine.SyncResult()
        assert engine.push(a.db, client, cut) and engine.pull(a.db, client, cut)
    assert pid in ids(a.db, Person)
    central.allocate(pid, om1)  # back before the laptop let it go
    result = a.sync()
    assert result.evicted == 0 and result.verified and result.repaired == 0
    assert pid in result.gained and pid in ids(a.db, Person)
    assert [c.id for c in sync_service.list_conflicts(a.db)] == [conflict.id]
