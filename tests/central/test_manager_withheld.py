"""What never reaches a team manager's laptop (issue 19): a restricted case they are not named on, and the
restricted victim-liaison contacts of the team's cases. Checked on the manager laptop's own encrypted file after
a real sync, and on every endpoint that could reveal them (pull, fetch, ids, verify counts, /cases); the case's
offender manager still gets them."""

from __future__ import annotations

from datetime import datetime

import httpx
from sqlalchemy import select, text

from lpt_desktop.domain.contacts import ContactInput
from lpt_desktop.services import contacts
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Contact, Person
from tests.conftest import PASSPHRASE
from tests.sync.cases import add_contact, new_person
from tests.sync.server import PASSWORD


def _signed_in(server, username: str, laptop_id: str) -> httpx.Client:
    r = httpx.post(f"{server.url}/auth/token", json={"username": username, "password": PASSWORD,
                                                     "laptop_id": laptop_id})
    assert r.status_code == 200, r.text
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {r.json()['access_token']}"})


def _file_rows(path, sql: str) -> set[str]:
    """Rows of the laptop's file as it is on disk: opened afresh, as the laptop would at its next unlock."""
    db = Database.open(path, PASSPHRASE)
    try:
        with db.read() as s:
            return {row[0] for row in s.execute(text(sql))}
    finally:
        db.close()


def test_restricted_cases_and_victim_contacts_never_reach_the_manager(central, laptop_factory, unique):
    team = f"team-{unique}"
    om = central.add_user(f"om-{unique}", team=team)
    tm = central.add_user(f"tm-{unique}", role="team_manager", team=team)
    officer = laptop_factory(om)
    pid = new_person(officer.db, crn=f"V{int(unique, 16) % 1_000_000:06d}")
    seen = add_contact(officer.db, pid, notes="Reported weekly")
    victim = contacts.record_contact(officer.db, pid, ContactInput(
        type_code="CVIC", starts_at=datetime(2026, 11, 19, 14, 0),
        notes="Victim lives at 4 Ribble Court; wants no contact."), now=datetime(2026, 11, 23, 9, 0))
    secret = new_person(officer.db, last_name="Hidden", crn=f"W{int(unique, 16) % 1_000_000:06d}")
    officer.sync()
    with officer.db.read() as s:
        assert s.get(Contact, victim).restricted  # the type makes it a restricted victim liaison contact
    central.restrict(secret, [om])  # named: the officer alone
    manager = laptop_factory(tm)
    manager.sync()

    # On the manager laptop's file: the case and its ordinary contact, never the victim contact or the
    # restricted case.
    path = manager.db.path
    manager.db.close()
    assert _file_rows(path, "SELECT id FROM contact") == {seen}
    assert _file_rows(path, "SELECT id FROM person") == {pid}
    assert not _file_rows(path, "SELECT id FROM contact WHERE restricted = 1")

    # Nor on any endpoint: counts and ids must not give them away.
    http = _signed_in(central, tm, f"probe-{unique}")
    pulled = http.get("/sync/pull", params={"after": 0, "limit": 5000}).json()["items"]
    assert victim not in {i["record_id"] for i in pulled} and secret not in {i["person_id"] for i in pulled}
    assert {r["record_id"] for r in http.get("/sync/ids", params={"kind": "contact"}).json()["records"]} == {seen}
    verify = http.post("/sync/verify", json={"kinds": {}}).json()["server"]
    assert verify["contact"]["count"] == 1 and verify["person"]["count"] == 1
    [item] = http.post("/sync/fetch", json={"kind": "contact", "record_ids": [victim]}).json()["items"]
    assert item["version"] == 0 and item["data"] is None
    assert {c["person_id"] for c in http.get("/cases").json()} == {pid}
    assert http.get(f"/cases/{secret}").status_code == 404

    # The case's offender manager gets both, on a second laptop of theirs.
    again = laptop_factory(om)
    again.sync()
    with again.db.read() as s:
        assert set(s.scalars(select(Contact.id).where(Contact.person_id == pid))) == {seen, victim}
        assert set(s.scalars(select(Person.id))) == {pid, secret}
        assert s.get(Contact, victim).notes.startswith("Victim lives at")


def test_a_manager_named_on_a_restricted_case_gets_it_but_not_its_victim_contacts(central, laptop_factory,
                                                                                  unique):
    team = f"team-{unique}"
    om = central.add_user(f"om-{unique}", team=team)
    tm = central.add_user(f"tm-{unique}", role="team_manager", team=team)
    officer = laptop_factory(om)
    pid = new_person(officer.db, crn=f"N{int(unique, 16) % 1_000_000:06d}")
    victim = contacts.record_contact(officer.db, pid, ContactInput(
        type_code="CVIC", starts_at=datetime(2026, 11, 19, 14, 0), notes="Victim's views on licence conditions."),
        now=datetime(2026, 11, 23, 9, 0))
    officer.sync()
    central.restrict(pid, [om, tm])
    manager = laptop_factory(tm)
    manager.sync()
    path = manager.db.path
    manager.db.close()
    assert _file_rows(path, "SELECT id FROM person") == {pid}
    assert victim not in _file_rows(path, "SELECT id FROM contact")
