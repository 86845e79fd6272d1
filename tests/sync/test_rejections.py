"""Changes the central store refuses (issue 13, items 1 and 4): a rejection is not a conflict.

It is listed as not accepted, in words, with its case; it keeps the change until the server accepts it
(Try again, or by itself when the server grants the case) or the officer exports it; and while it is listed
the laptop never says "synced". A real `lpt-central` (SQLite) and real encrypted laptops.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

import pytest

from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.services import sync as sync_service
from lpt_desktop.store.models import Contact
from lpt_desktop.sync import rejections
from lpt_desktop.sync.client import Offline
from lpt_desktop.sync.status import overall
from tests.sync.cases import add_contact, get, new_person
from tests.sync.server import CentralServer, sqlite_central

REFUSED = "This case is not allocated to you, or it is restricted."


@pytest.fixture(scope="module")
def central(tmp_path_factory) -> Iterator[CentralServer]:
    """SQLite only: what is tested here is the laptop's side (the server code is the same on both)."""
    with sqlite_central(tmp_path_factory.mktemp("central-rejections")) as server:
        yield server


@pytest.fixture
def refused(central, laptop_factory, unique):
    """A laptop holding a case the server has allocated to another officer, and a contact recorded on it."""
    me, other = central.add_user(f"om-{unique}"), central.add_user(f"om2-{unique}")
    lap = laptop_factory(me, enrol=False)
    pid = new_person(lap.db, "Walsh", crn=f"R{unique[:6]}")
    central.allocate(pid, other)
    lap.enrol()
    cid = add_contact(lap.db, pid, notes="Seen at the office; new job")
    result = lap.sync()
    return lap, pid, cid, result


def contact_rejections(db):
    return [r for r in sync_service.list_rejections(db) if r.kind == "contact"]


def test_a_refused_contact_is_listed_as_not_accepted_in_words(refused):
    lap, pid, cid, result = refused
    assert result.open_rejections >= 1 and result.waiting == 0
    assert sync_service.list_conflicts(lap.db) == []  # not a conflict: nothing to choose between
    [r] = contact_rejections(lap.db)
    assert r.record_id == cid and r.person_id == pid
    assert r.case == f"Walsh, Dana ({r.crn})" and r.name == "Dana Walsh" and r.crn.startswith("R")
    assert r.what == "Contact" and r.reason == REFUSED and "allocate" in r.advice
    words = {f.label: f.text for f in r.fields}
    assert words["Notes"] == "Seen at the office; new job" and words["Starts at"] == "20/11/2026 10:30"
    assert not any(f.name.endswith("_id") or f.name == "id" for f in r.fields)  # ids are not for officers
    status = sync_service.sync_status(lap.db)
    assert status.rejected >= 1 and status.open_conflicts == 0 and status.waiting_changes == 0
    assert status.state() == "rejected"  # never "synced" while a change is refused
    with pytest.raises(ValidationError, match="not accepted"):  # keep mine / theirs / merge do not apply
        sync_service.resolve_conflict(lap.db, r.id, "mine")
    # Another sync changes nothing: the rejection stays listed, the contact stays on this laptop.
    lap.sync()
    assert [x.id for x in contact_rejections(lap.db)] == [r.id] and get(lap.db, Contact, cid) is not None


def test_try_again_after_the_case_is_allocated_gets_it_accepted(refused, central, laptop_factory):
    lap, pid, cid, _ = refused
    central.allocate(pid, lap.username)
    assert sync_service.retry_rejected(lap.db) >= 1
    assert sync_service.list_rejections(lap.db) == []
    assert sync_service.sync_status(lap.db).state() == "waiting"  # queued, not yet sent
    result = lap.sync()
    assert result.open_rejections == 0 and result.waiting == 0
    assert sync_service.sync_status(lap.db).state() == "synced"
    second = laptop_factory(lap.username)  # the officer's other laptop gets the contact from the server
    assert get(second.db, Contact, cid).notes == "Seen at the office; new job"
    assert contact_rejections(second.db) == []  # closed on the server too


def test_granting_the_case_sends_it_again_by_itself(refused, central, laptop_factory):
    lap, pid, cid, _ = refused
    central.allocate(pid, lap.username)  # a scope event: the next pull reports the case granted
    result = lap.sync()
    assert result.retried >= 1 and pid in result.gained
    assert contact_rejections(lap.db) == [] and result.open_rejections == 0
    second = laptop_factory(lap.username)
    assert get(second.db, Contact, cid) is not None


def test_a_grant_is_remembered_when_the_sync_stops_before_sending_again(refused, central, laptop_factory,
                                                                       monkeypatch):
    lap, pid, cid, _ = refused
    central.allocate(pid, lap.username)
    real = rejections.retry

    def cut(*_a, **_k):
        raise Offline("The central store cannot be reached.")

    monkeypatch.setattr(rejections, "retry", cut)
    with pytest.raises(Offline):
        lap.sync()  # the page that reported the grant committed; the retry did not happen
    monkeypatch.setattr(rejections, "retry", real)
    result = lap.sync()
    assert not result.gained and result.retried >= 1  # noted with that page, so it goes now
    assert contact_rejections(lap.db) == [] and result.open_rejections == 0
    assert get(laptop_factory(lap.username).db, Contact, cid) is not None


def test_a_retry_refused_again_comes_back(refused):
    lap, _pid, cid, _ = refused
    [before] = contact_rejections(lap.db)
    sync_service.retry_rejected(lap.db, [before.id])
    lap.sync()
    [after] = contact_rejections(lap.db)
    assert after.id != before.id and after.record_id == cid and after.data == before.data


def test_export_writes_the_changes_and_sets_them_aside(refused, tmp_path, laptop_factory):
    lap, pid, cid, _ = refused
    out = tmp_path / "rejected.json"
    n = sync_service.export_rejected(lap.db, out)
    assert n >= 1 and sync_service.list_rejections(lap.db) == []
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert "NOT encrypted" in doc["warning"]
    [entry] = [e for e in doc["rejected"] if e["kind"] == "contact"]
    assert entry["record_id"] == cid and entry["person_id"] == pid and entry["crn"].startswith("R")
    assert entry["case"].startswith("Walsh, Dana") and entry["reason"] == REFUSED
    assert entry["fields"]["notes"] == "Seen at the office; new job"
    assert entry["fields_in_words"]["Notes"] == "Seen at the office; new job"
    assert sync_service.export_rejected(lap.db, tmp_path / "again.json") == 0  # nothing left to export
    assert not (tmp_path / "again.json").exists()
    lap.sync()
    assert sync_service.sync_status(lap.db).state() == "synced"
    assert contact_rejections(laptop_factory(lap.username).db) == []  # set aside on the server too


@pytest.mark.parametrize(("reason", "advice"), [
    ("This case is not allocated to you, or it is restricted.", "allocate it to you"),
    ("Saved contact records are never edited: add an amendment instead.", "Add an amendment"),
    ("The central store already holds CRN X123456 for another officer.", "Check the CRN"),
    ("Something new the server says.", "Press Try again"),
])
def test_every_reason_says_what_the_officer_can_do(reason, advice):
    from lpt_desktop.services.rejections import advice_for

    assert advice in advice_for(reason)


AT = datetime(2026, 11, 23, 9, 0)


@pytest.mark.parametrize(("enrolled", "offline", "waiting", "rejected", "conflicts", "last", "state"), [
    (False, False, 0, 0, 0, None, "not_set_up"),
    (False, True, 3, 1, 1, AT, "not_set_up"),
    (True, True, 0, 0, 0, AT, "offline"),
    (True, True, 2, 1, 1, AT, "offline"),
    (True, False, 0, 1, 0, AT, "rejected"),
    (True, False, 5, 1, 2, AT, "rejected"),
    (True, False, 0, 0, 1, AT, "conflicts"),
    (True, False, 4, 0, 1, AT, "conflicts"),
    (True, False, 1, 0, 0, AT, "waiting"),
    (True, False, 0, 0, 0, None, "waiting"),  # enrolled, but no sync has finished: not yet synced
    (True, False, 0, 0, 0, AT, "synced"),
])
def test_the_one_state(enrolled, offline, waiting, rejected, conflicts, last, state):
    assert overall(enrolled=enrolled, offline=offline, waiting=waiting, rejected=rejected, conflicts=conflicts,
                   last_synced_at=last) == state
