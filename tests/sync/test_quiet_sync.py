"""A sync with nothing new is one request: the pull (the caseload keeps its client, so no token refresh; and the
server is not asked to verify again when nothing was sent or received and the laptop's digests are those it last
agreed with at this cursor). Anything the laptop holds differently since (a record written past the outbox hook)
changes its digests, so that sync does ask, and the difference is sent."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import delete

from lpt_desktop.store.models import Contact, Person
from lpt_desktop.store.sync_models import SyncOutbox
from lpt_desktop.sync import engine


def test_a_quiet_sync_is_one_request_and_a_local_difference_is_still_verified(laptop_factory, central, unique):
    officer = central.add_user(f"quiet-{unique}")
    lap = laptop_factory(officer)
    with lap.db.write() as s:
        person = Person(crn=f"Q{uuid.uuid4().int % 1_000_000:06d}", first_name="Quiet", last_name="Case",
                        date_of_birth=date(1990, 4, 1), tier="C2")
        s.add(person)
    first = lap.sync()
    assert first.verified and first.pushed == 1 and first.waiting == 0

    sent: list[str] = []
    with engine.counting_requests(sent.append):
        quiet = lap.sync()
    assert quiet.verified and quiet.finished_at is not None
    assert sent == ["GET /sync/pull"]

    with lap.db.write() as s:  # written past the outbox hook: the server never hears of it by itself
        s.add(Contact(person_id=person.id, type_code="COAP", starts_at=datetime(2025, 1, 6, 9, 0), outcome="ATTC",
                      notes="Reported"))
        s.flush()
        s.execute(delete(SyncOutbox))
    sent.clear()
    with engine.counting_requests(sent.append):
        found = lap.sync()
    assert "POST /sync/verify" in sent
    assert found.verified and found.pushed == 1 and found.waiting == 0

    sent.clear()
    with engine.counting_requests(sent.append):
        again = lap.sync()
    assert again.verified and sent == ["GET /sync/pull"]


def test_locking_the_caseload_lets_its_kept_client_go(laptop_factory, central, unique):
    """The kept client holds the officer's tokens: the lock (Database.close) drops and closes it at once."""
    officer = central.add_user(f"quiet-lock-{unique}")
    lap = laptop_factory(officer)
    assert lap.sync().verified
    client = engine.kept_client(lap.db)
    assert engine._kept.get(lap.db) is client
    lap.db.close()
    assert engine._kept.get(lap.db) is None
    assert client._http.is_closed


def test_a_repair_that_removes_a_record_names_its_case_in_the_audit(laptop_factory, central, unique):
    """Verify's repair deletes a record the server does not hold with an audit row naming its case, as a pull's
    writes have: the kept due results and columns recompute that case (an unnamed deletion beside a named write to
    the same table would leave them stale)."""
    from sqlalchemy import select

    from lpt_desktop.store.models import Audit
    from lpt_desktop.store.sync_models import SyncRecord

    officer = central.add_user(f"repair-{unique}")
    lap = laptop_factory(officer)
    with lap.db.write() as s:
        person = Person(crn=f"R{uuid.uuid4().int % 1_000_000:06d}", first_name="Repair", last_name="Case",
                        date_of_birth=date(1990, 4, 1), tier="C2")
        s.add(person)
    assert lap.sync().verified
    with lap.db.write() as s:  # a contact the laptop believes came from the server, which never had it
        contact = Contact(person_id=person.id, type_code="COAP", starts_at=datetime(2025, 1, 6, 9, 0),
                          outcome="ATTC", notes="Held only here")
        s.add(contact)
        s.flush()
        s.execute(delete(SyncOutbox))
        s.add(SyncRecord(kind="contact", record_id=str(contact.id), version=1, deleted=False, person_id=person.id))
    result = lap.sync()
    assert result.verified and result.repaired == 1
    with lap.db.read() as s:
        assert s.get(Contact, contact.id) is None
        rows = s.execute(select(Audit.person_id, Audit.detail).where(
            Audit.table_name == "contact", Audit.action == "sync")).all()
    assert any(pid == person.id and "removed" in detail for pid, detail in rows), rows


def test_a_team_managers_laptop_always_asks_the_server_to_verify(laptop_factory, central, unique):
    """A team manager sees cases they do not hold: a contact there that becomes restricted is withheld from their
    pull without a new number, so their quiet sync still asks verify (which tells the laptop to let it go)."""
    manager = central.add_user(f"quiet-tm-{unique}", role="team_manager", team=f"T{unique}", name="Sam Manager")
    lap = laptop_factory(manager)
    assert lap.sync().verified
    sent: list[str] = []
    with engine.counting_requests(sent.append):
        again = lap.sync()
    assert again.verified and "POST /sync/verify" in sent


def test_a_kept_client_refreshes_after_the_laptop_slept_past_its_token(laptop_factory, central, unique):
    """The monotonic clock stops while a laptop sleeps: the wall clock saying the access token has run out is enough
    for the kept client to refresh before its sync (not to meet a 401 on a page fetched ahead)."""
    import time

    officer = central.add_user(f"quiet-sleep-{unique}")
    lap = laptop_factory(officer)
    assert lap.sync().verified
    client = engine.kept_client(lap.db)
    client._expires_wall = time.time() - 1  # as after a night asleep: the monotonic expiry still looks far off
    sent: list[str] = []
    with engine.counting_requests(sent.append):
        again = lap.sync()
    assert again.verified and sent[0] == "POST /auth/refresh"


def test_a_quiet_laptop_moves_past_other_officers_changes_without_asking_to_verify(laptop_factory, central, unique):
    """Other officers' pushes move the central counter on. A pull that finds nothing for this laptop answers with
    the head as its cursor (it stayed at this laptop's last record, so each quiet sync had the server walk every
    change made since, more and more as the Trust worked on), and the laptop, having received nothing, still
    counts its last verification as standing: one request."""
    from lpt_desktop.sync import state

    quiet_lap = laptop_factory(central.add_user(f"quiet-a-{unique}"))
    busy_lap = laptop_factory(central.add_user(f"quiet-b-{unique}"))
    assert quiet_lap.sync().verified
    before = int(engine.read_state(quiet_lap.db)[state.CURSOR])
    with busy_lap.db.write() as s:
        s.add(Person(crn=f"B{uuid.uuid4().int % 1_000_000:06d}", first_name="Busy", last_name="Colleague",
                     date_of_birth=date(1988, 2, 3), tier="B1"))
    pushed = busy_lap.sync()
    assert pushed.pushed == 1

    sent: list[str] = []
    with engine.counting_requests(sent.append):
        quiet = quiet_lap.sync()
    assert quiet.verified and quiet.pulled == 0 and sent == ["GET /sync/pull"]
    after = int(engine.read_state(quiet_lap.db)[state.CURSOR])
    assert after > before and after >= int(engine.read_state(busy_lap.db)[state.CURSOR])
