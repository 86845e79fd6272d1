"""Exactly-once push, resumable pull, enrolment cancel, case moves, and secrets only in the encrypted file."""

from __future__ import annotations

import threading

import httpx
import pytest
from sqlalchemy import func, select

from lpt_desktop.central.models import AuditEntry, Record
from lpt_desktop.services import sync as sync_service
from lpt_desktop.store.models import Address, Contact, Person
from lpt_desktop.store.sync_models import SyncOutbox
from lpt_desktop.sync import engine, state
from lpt_desktop.sync.client import Offline, SyncClient
from tests.sync.cases import add_address, add_contact, edit, get, ids, new_person, snapshot


def _outbox(db) -> list[SyncOutbox]:
    with db.read() as s:
        return list(s.scalars(select(SyncOutbox).order_by(SyncOutbox.seq)))


def test_a_replayed_push_is_acknowledged_and_never_applied_twice(central, laptop_factory, unique):
    om = central.add_user(f"om-{unique}")
    a = laptop_factory(om)
    pid = new_person(a.db)
    edit(a.db, Person, pid, tier="A1")
    add_contact(a.db, pid)
    changes = [engine._change(r) for r in _outbox(a.db)]
    st = engine.read_state(a.db)
    with engine.client_for(a.db) as client:
        first = client.push(st[state.LAPTOP_ID], 0, changes)  # the answer is "lost": the outbox still holds them
        assert [r.outcome for r in first.results] == ["applied"] * 3
        again = client.push(st[state.LAPTOP_ID], 0, changes)
        assert [r.outcome for r in again.results] == ["duplicate"] * 3
        assert again.last_applied_seq == changes[-1].seq
    result = a.sync()  # the laptop retries the whole batch: acknowledged, not re-applied
    assert result.waiting == 0 and result.verified
    with central.db.read() as s:
        rec = s.get(Record, ("person", pid))
        assert rec.version == first.results[1].version  # still the version of the first (only) application
        creates = s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.record_id == pid, AuditEntry.action.in_(["create", "update", "merge"])))
        assert creates == 2


class CutAfter(SyncClient):
    """A client whose connection drops after `pages` pull pages."""

    def __init__(self, *a, pages: int, **kw) -> None:
        super().__init__(*a, **kw)
        self.pages = pages

    def pull(self, after: int, limit: int = 500, count: bool = False, seen: int | None = None):
        if self.pages == 0:
            raise Offline("cut")
        self.pages -= 1
        return super().pull(after, limit, count, seen)


def test_a_pull_cut_mid_way_resumes_from_its_cursor(central, laptop_factory, unique, monkeypatch):
    om = central.add_user(f"om-{unique}")
    a = laptop_factory(om)
    people = [new_person(a.db, f"P{i}") for i in range(6)]
    for pid in people:
        add_contact(a.db, pid)
        add_address(a.db, pid)
    a.sync()
    b = laptop_factory(om, enrol=False)
    monkeypatch.setattr(engine, "PULL_PAGE", 4)
    assert b.enrol(cancel=lambda: True).cancelled  # enrolled, nothing downloaded yet
    st = engine.read_state(b.db)
    cut = CutAfter(st[state.SERVER_URL], st[state.REFRESH_TOKEN], pages=2)
    with pytest.raises(Offline):
        engine.sync_once(b.db, cut)
    cursor = int(engine.read_state(b.db)[state.CURSOR])
    assert cursor > 0  # two pages were applied and their cursor committed with them
    partial = len(ids(b.db, Person)) + len(ids(b.db, Contact)) + len(ids(b.db, Address))
    assert 0 < partial < 18
    result = b.sync()
    assert result.verified and result.cursor >= cursor
    assert snapshot(a.db) == snapshot(b.db)


def test_enrolment_can_be_cancelled_and_carries_on_next_time(central, laptop_factory, unique, monkeypatch):
    om = central.add_user(f"om-{unique}")
    a = laptop_factory(om)
    for i in range(5):
        add_contact(a.db, new_person(a.db, f"P{i}"))
    a.sync()
    monkeypatch.setattr(engine, "PULL_PAGE", 3)
    stop = threading.Event()
    b = laptop_factory(om, enrol=False)
    result = b.enrol(progress=lambda phase, done, total: stop.set() if phase == "pull" else None, cancel=stop)
    assert result.cancelled and 0 < result.pulled < 10
    assert sync_service.sync_status(b.db).enrolled
    assert b.sync().verified
    assert snapshot(a.db) == snapshot(b.db)


def test_a_moved_case_leaves_the_old_laptop_after_its_changes_are_pushed(central, laptop_factory, unique):
    om1 = central.add_user(f"om1-{unique}")
    om2 = central.add_user(f"om2-{unique}")
    a = laptop_factory(om1)
    pid = new_person(a.db)
    keep = new_person(a.db, "Stays")
    cid = add_contact(a.db, pid)
    a.sync()
    b = laptop_factory(om2)
    assert pid not in ids(b.db, Person)
    # Offline on a home visit: the officer records a contact and edits the case, not knowing it has moved.
    late = add_contact(a.db, pid, "Home visit: all well")
    edit(a.db, Person, pid, tier="A2")
    central.allocate(pid, om2)
    result = a.sync()
    # The server decides from who holds the case now (issue 14): both changes are refused, and kept on the old
    # officer's rejection list (with what was entered) when the case leaves their laptop.
    assert result.rejected == 2 and result.evicted == 1
    assert pid not in ids(a.db, Person) and keep in ids(a.db, Person)
    assert not ({cid, late} & ids(a.db, Contact))
    with a.db.read() as s:
        from lpt_desktop.store.sync_models import SyncRecord

        assert s.scalar(select(func.count()).select_from(SyncRecord).where(SyncRecord.person_id == pid)) == 0
    refused = {(r.kind, r.record_id): r for r in sync_service.list_rejections(a.db)}
    assert set(refused) == {("contact", late), ("person", pid)}
    assert refused[("contact", late)].data["notes"] == "Home visit: all well"
    b.sync()
    assert get(b.db, Person, pid).tier != "A2" and get(b.db, Contact, late) is None
    assert get(b.db, Person, pid).officer_id is not None  # now the new officer's own case
    # After the move is known on the old laptop, it can no longer change the case.
    assert a.sync().evicted == 0


def test_a_case_moved_back_returns_whole(central, laptop_factory, unique):
    om1 = central.add_user(f"om1-{unique}")
    om2 = central.add_user(f"om2-{unique}")
    a, b = laptop_factory(om1), laptop_factory(om2)
    pid = new_person(a.db)
    add_contact(a.db, pid)
    a.sync()
    central.allocate(pid, om2)
    a.sync()
    b.sync()
    add_address(b.db, pid)
    b.sync()
    central.allocate(pid, om1)
    assert a.sync().verified
    b.sync()
    assert pid in ids(a.db, Person) and pid not in ids(b.db, Person)
    assert len(ids(a.db, Address)) == 1 and len(ids(a.db, Contact)) == 1


def test_tokens_live_only_inside_the_encrypted_database(central, laptop_factory, unique, tmp_path, isolated_dirs):
    om = central.add_user(f"om-{unique}")
    a = laptop_factory(om)
    new_person(a.db)
    a.sync()
    refresh = engine.read_state(a.db)[state.REFRESH_TOKEN]
    assert len(refresh) > 20
    with engine.client_for(a.db) as client:
        access = client.refresh().access_token
    needles = [refresh.encode(), access.encode(), access.split(".")[1].encode()]
    roots = [tmp_path, *isolated_dirs.all()]
    if central.db_url.startswith("sqlite"):
        roots.append(__import__("pathlib").Path(central.db_url.removeprefix("sqlite:///")).parent)
    for root in roots:
        for f in root.rglob("*"):
            if f.is_file():
                data = f.read_bytes()
                assert not any(n in data for n in needles), f"a token is readable in {f}"


def test_a_wrong_password_does_not_enrol(central, laptop_factory, unique):
    from lpt_desktop.sync.client import AuthFailed

    om = central.add_user(f"om-{unique}")
    b = laptop_factory(om, enrol=False)
    with pytest.raises(AuthFailed):
        sync_service.enrol(b.db, central.url, om, "not the password")
    assert not sync_service.sync_status(b.db).enrolled
    with pytest.raises(Offline):
        sync_service.enrol(b.db, "http://127.0.0.1:9", om, "whatever1")  # nothing listens on port 9


def test_the_openapi_schema_is_published(central):
    schema = httpx.get(f"{central.url}/openapi.json").json()
    assert {"/sync/push", "/sync/pull", "/sync/verify", "/auth/token", "/auth/refresh"} <= set(schema["paths"])


def test_a_laptop_cannot_claim_an_old_cursor_to_write_to_a_case_moved_away(central, laptop_factory, unique):
    from lpt_desktop.sync.protocol import Change, FieldChange

    om1 = central.add_user(f"om1-{unique}")
    om2 = central.add_user(f"om2-{unique}")
    a = laptop_factory(om1)
    pid = new_person(a.db)
    a.sync()
    central.allocate(pid, om2)
    assert a.sync().evicted == 1  # the laptop has now pulled past the move
    st = engine.read_state(a.db)
    forged = Change(seq=10_000, kind="person", record_id=pid, person_id=pid, op="upsert", base_version=0,
                    fields={"tier": FieldChange(new="A1", old=None, has_old=True)})
    with engine.client_for(a.db) as client:
        [res] = client.push(st[state.LAPTOP_ID], 0, [forged]).results
    assert res.outcome == "rejected"
    with central.db.read() as s:
        assert s.get(Record, ("person", pid)).data.get("tier") != "A1"
