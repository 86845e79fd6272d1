"""Pulling the next page while the last is still being applied: the server takes only `seen` as proof of what
the laptop holds, so a page fetched ahead can never shorten the grace a laptop has for a case moved away."""

from __future__ import annotations

from lpt_desktop.central.models import Device
from lpt_desktop.sync import engine, state
from tests.sync.cases import add_contact, new_person, snapshot


def _pulled_seq(central, laptop_id: str) -> int:
    with central.db.read() as s:
        return s.get(Device, laptop_id).pulled_seq


def test_a_page_asked_ahead_does_not_count_as_seen(central, laptop_factory, unique):
    om = central.add_user(f"om-{unique}")
    a = laptop_factory(om)
    for i in range(3):
        add_contact(a.db, new_person(a.db, f"P{i}"))
    a.sync()
    b = laptop_factory(om, enrol=False)
    assert b.enrol(cancel=lambda: True).cancelled  # enrolled, nothing pulled
    laptop_id = engine.read_state(b.db)[state.LAPTOP_ID]
    with engine.client_for(b.db) as client:
        first = client.pull(0, 2)
        assert first.more and first.cursor > 0
        ahead = client.pull(first.cursor, 2, seen=0)  # the first page is not committed yet
        assert ahead.items and _pulled_seq(central, laptop_id) == 0
        client.pull(ahead.cursor, 2, seen=first.cursor)
        assert _pulled_seq(central, laptop_id) == first.cursor
        client.pull(ahead.cursor, 2)  # no `seen`: asking after X says X is applied (older clients)
        assert _pulled_seq(central, laptop_id) == ahead.cursor


def test_pages_fetched_ahead_still_apply_in_order(central, laptop_factory, unique, monkeypatch):
    om = central.add_user(f"om-{unique}")
    a = laptop_factory(om)
    for i in range(4):
        add_contact(a.db, new_person(a.db, f"P{i}"))
        add_contact(a.db, new_person(a.db, f"Q{i}"))
    a.sync()
    monkeypatch.setattr(engine, "PULL_PAGE", 3)
    asked: list[tuple[int, int | None]] = []
    b = laptop_factory(om, enrol=False)
    real = engine.SyncClient.pull

    def spy(self, after, limit=500, count=False, seen=None):
        asked.append((after, seen))
        return real(self, after, limit, count, seen)

    monkeypatch.setattr(engine.SyncClient, "pull", spy)
    result = b.enrol()
    assert result.verified and snapshot(a.db) == snapshot(b.db)
    assert len(asked) > 3
    for (after, seen), (prev_after, _) in zip(asked[1:], asked, strict=False):
        assert seen is None or seen <= after
        assert seen is None or seen <= prev_after  # never more than what was committed before asking
