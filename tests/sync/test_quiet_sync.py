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
