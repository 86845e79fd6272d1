"""Issue 14 item 1: who may write a case is decided by the server from who holds it now.

Officer A creates a case; an administrator moves it to officer B; A signs in from a newly enrolled laptop (it
has pulled nothing) and pushes an edit, a failure contact and a delete. Before the fix all three were applied
(a new laptop's cursor of 0 let it "not yet know" of every move), so B's case was gone. Now each is a rejection
for A alone, and B's case is untouched. Legitimate writes still go through: a new case made on a laptop, the
holder's own changes, and a court officer's work on a case at their court.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from lpt_desktop.central.models import Record
from lpt_desktop.sync.protocol import MOVED_AWAY
from tests.central.test_authorisation import Officer


def _case(central, pid: str) -> Record:
    with central.db.read() as s:
        return s.get(Record, ("person", pid))


def test_a_newly_enrolled_laptop_cannot_write_to_a_case_moved_away(central, unique):
    a_name = central.add_user(f"om-a-{unique}", team=f"t-{unique}")
    b_name = central.add_user(f"om-b-{unique}", team=f"t-{unique}")
    a = Officer(central, a_name)
    pid = a.new_case()
    contact = str(uuid.uuid4())
    [made] = a.push({"kind": "contact", "record_id": contact, "person_id": pid,
                     "fields": {"id": {"new": contact}, "person_id": {"new": pid}, "type_code": {"new": "COAP"},
                                "starts_at": {"new": "2026-11-20T10:00:00"}}})
    assert made["outcome"] == "applied"
    central.allocate(pid, b_name)
    before = _case(central, pid)
    version, data = before.version, dict(before.data)

    fresh = Officer(central, a_name)  # a newly enrolled laptop: nothing pulled, cursor 0
    results = fresh.push(
        # An edit on a stale base whose old value still matches: it would merge.
        {"kind": "person", "record_id": pid, "person_id": pid,
         "fields": {"last_name": {"new": "Gone", "old": data["last_name"], "has_old": True}}},
        # A failure to comply, which would count towards a breach.
        {"kind": "contact", "record_id": str(uuid.uuid4()), "person_id": pid,
         "fields": {"person_id": {"new": pid}, "type_code": {"new": "COAP"}, "outcome": {"new": "UAAB"},
                    "starts_at": {"new": "2026-11-21T10:00:00"}}},
        # A change to a record of the case, claiming it belongs to no case.
        {"kind": "contact", "record_id": contact, "person_id": None, "base_version": made["version"],
         "fields": {"notes": {"new": "overwritten"}}},
        {"kind": "person", "record_id": pid, "person_id": pid, "op": "delete", "base_version": version,
         "fields": {}},
    )
    assert [r["outcome"] for r in results] == ["rejected"] * 4, results
    assert all(r["message"].startswith(MOVED_AWAY) for r in results)
    after = _case(central, pid)
    assert after.version == version and not after.deleted and after.data == data
    with central.db.read() as s:
        kids = s.scalars(select(Record).where(Record.person_id == pid, Record.kind == "contact")).all()
        assert [(k.record_id, k.deleted, (k.data or {}).get("notes")) for k in kids] == [(contact, False, None)]
        # The refusals are A's alone (no case named), so B's laptop learns nothing of them.
        refusals = s.scalars(select(Record).where(Record.kind == "_conflict", Record.owner == a_name)).all()
        assert len(refusals) == 4 and all(r.person_id is None for r in refusals)
    b = Officer(central, b_name)
    assert b.sees(pid)
    assert b.http.get(f"/cases/{pid}").status_code == 200


def test_no_cursor_a_laptop_claims_widens_what_it_may_write(central, unique):
    """The old laptop, having pulled nothing since the move, or claiming any cursor: refused all the same."""
    a_name = central.add_user(f"om-a-{unique}")
    b_name = central.add_user(f"om-b-{unique}")
    a = Officer(central, a_name)
    pid = a.new_case()
    central.allocate(pid, b_name)
    for cursor in (0, 1, 2**62):
        a.seq += 1
        r = a.http.post("/sync/push", json={"laptop_id": a.laptop_id, "cursor": cursor, "changes": [
            {"seq": a.seq, "kind": "person", "record_id": pid, "person_id": pid, "op": "upsert",
             "base_version": _case(central, pid).version, "fields": {"tier": {"new": "A1"}}}]})
        assert r.status_code == 200 and r.json()["results"][0]["outcome"] == "rejected", r.text
    assert _case(central, pid).data.get("tier") is None


def test_the_holder_a_new_case_and_court_work_are_still_written(central, unique):
    court = f"Preston Crown {unique}"
    a_name = central.add_user(f"om-a-{unique}")
    b_name = central.add_user(f"om-b-{unique}")
    co_name = central.add_user(f"co-{unique}", role="court_officer", team=None, court=court)
    a = Officer(central, a_name)
    pid = a.new_case()  # a new case made on a laptop is allocated to its creator
    central.allocate(pid, b_name, court=court)
    b = Officer(central, b_name)
    [res] = b.push({"kind": "person", "record_id": pid, "person_id": pid, "base_version": _case(central, pid).version,
                    "fields": {"tier": {"new": "B2"}}})
    assert res["outcome"] == "applied"
    co = Officer(central, co_name)
    report = str(uuid.uuid4())
    [res] = co.push({"kind": "report_request", "record_id": report, "person_id": pid,
                     "fields": {"id": {"new": report}, "person_id": {"new": pid}}})
    assert res["outcome"] == "applied", res
    # Moved back to its creator: A writes again.
    central.allocate(pid, a_name)
    [res] = a.push({"kind": "person", "record_id": pid, "person_id": pid, "base_version": _case(central, pid).version,
                    "fields": {"tier": {"new": "C3"}}})
    assert res["outcome"] == "applied"
    assert _case(central, pid).data["tier"] == "C3"


def test_an_officer_may_close_their_own_rejection_after_the_case_moved(central, unique):
    """A rejection the laptop keeps after letting the case go can still be set aside (closed on the server)."""
    a_name = central.add_user(f"om-a-{unique}")
    b_name = central.add_user(f"om-b-{unique}")
    a = Officer(central, a_name)
    pid = a.new_case()
    contact = str(uuid.uuid4())
    a.push({"kind": "contact", "record_id": contact, "person_id": pid,
            "fields": {"id": {"new": contact}, "person_id": {"new": pid}, "type_code": {"new": "COAP"},
                       "outcome": {"new": "ATTC"}, "starts_at": {"new": "2026-11-20T10:00:00"}}})
    [sealed] = a.push({"kind": "contact", "record_id": contact, "person_id": pid, "base_version": 1,
                       "fields": {"notes": {"new": "edited"}}})
    assert sealed["outcome"] == "rejected"  # a recorded contact is never edited: a rejection naming the case
    central.allocate(pid, b_name)
    with central.db.read() as s:
        rej = s.get(Record, ("_conflict", sealed["conflict_id"]))
        assert rej.person_id == pid
    [res] = a.push({"kind": "_conflict", "record_id": sealed["conflict_id"], "person_id": pid,
                    "base_version": rej.version,
                    "fields": {"status": {"new": "resolved"}, "resolution": {"new": "exported"}}})
    assert res["outcome"] == "applied", res
    with central.db.read() as s:
        assert s.get(Record, ("_conflict", sealed["conflict_id"])).data["status"] == "resolved"
