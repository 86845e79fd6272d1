"""Issue 14: when a moved case leaves a laptop, the officer's rejections in it stay on the Not accepted list.

Before the fix, evict_case deleted every sync_conflict row of the case, rejections included: a refused change
the officer had not yet dealt with vanished without a word.
"""

from __future__ import annotations

from lpt_desktop.services import sync as sync_service
from lpt_desktop.store.models import Contact, Person
from tests.sync.cases import add_contact, edit, ids, new_person


def test_a_rejection_in_a_case_moved_away_is_kept_and_can_be_set_aside(central, laptop_factory, unique, tmp_path):
    om1 = central.add_user(f"om1-{unique}")
    om2 = central.add_user(f"om2-{unique}")
    a = laptop_factory(om1)
    pid = new_person(a.db)
    cid = add_contact(a.db, pid)
    a.sync()
    edit(a.db, Contact, cid, notes="Changed after it was recorded")  # a recorded contact is never edited
    assert a.sync().rejected == 1
    [before] = [r for r in sync_service.list_rejections(a.db) if r.record_id == cid]
    assert before.person_id == pid  # a rejection naming the case (the case was the officer's)
    central.allocate(pid, om2)
    result = a.sync()
    assert result.evicted == 1 and pid not in ids(a.db, Person)
    [after] = [r for r in sync_service.list_rejections(a.db) if r.record_id == cid]
    assert after.id == before.id and after.data["notes"] == "Changed after it was recorded"
    # Set aside (exported) on this laptop: closed here and on the server, though the case is no longer theirs.
    assert sync_service.export_rejected(a.db, tmp_path / "refused.csv", [after.id]) == 1
    result = a.sync()
    assert result.rejected == 0 and result.waiting == 0
    assert [r for r in sync_service.list_rejections(a.db) if r.record_id == cid] == []
