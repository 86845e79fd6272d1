"""Enrolling a laptop that already holds records (issue 13, item 2): whatever it holds reaches the central store
or is listed as not accepted, one by one, with the reason; verification compares what each side holds."""

from __future__ import annotations

import random
import uuid

from sqlalchemy import insert, select

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.central.models import Record
from lpt_desktop.services import rejections as rejection_list
from lpt_desktop.services.unlock import install_hooks
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Contact, Person
from lpt_desktop.store.sync_models import SyncConflict, SyncOutbox
from lpt_desktop.sync import kinds
from tests.conftest import PASSPHRASE
from tests.sync.cases import add_contact, ids, new_person, placed
from tests.sync.conftest import Laptop


def _held(db: Database) -> dict[str, set[str]]:
    out = {}
    with db.read() as s:
        conn = s.connection()
        for kind in kinds.kinds():
            keys = [kind.table.c[k] for k in kind.key_columns]
            out[kind.name] = {kinds.KEY_SEP.join(str(v) for v in row) for row in conn.execute(select(*keys))}
    return out


def _rejected_here(db: Database) -> dict[tuple[str, str], str]:
    with db.read() as s:
        return {(c.kind, c.record_id): c.message or "" for c in s.scalars(select(SyncConflict).where(
            SyncConflict.reason == "rejected"))}


def test_countersignatures_are_queued_after_every_kind_of_work_they_sign():
    """An enrolling laptop's sweep queues kinds in registration order, and the central store refuses a signature on
    work it does not hold yet ("sync it first"): the demo's signed sentence plans were refused that way."""
    order = kinds.names()
    for target in cs.TARGET_KINDS:
        assert order.index(target) < order.index("countersignature"), target


def test_a_demo_laptop_enrols_and_every_case_reaches_the_server(central, laptop_factory, unique, demo_db):
    """The 60-case demo (bulk inserts, written before enrolment: the outbox hook saw none of it)."""
    om = central.add_user(f"om-{unique}")
    install_hooks()
    db = Database.open(demo_db, PASSPHRASE)
    try:
        with db.read() as s:
            assert s.scalar(select(SyncOutbox.seq).limit(1)) is None  # nothing queued by the hook
        held = _held(db)
        assert len(held["person"]) == 60 and len(held["contact"]) >= 600
        result = Laptop(db, central, om).enrol()
        on_server, refused, neither = placed(db, central.db, om)
        assert neither == [] and refused == {}
        assert on_server == held  # every record of every kind
        assert result.verified and result.waiting == 0 and result.mismatched == []
        assert result.pushed == sum(len(v) for v in held.values())
        # A second laptop of the same officer gets every case, and every record of it.
        b = laptop_factory(om)
        assert _held(b.db) == held
        with b.db.read() as s:
            assert {p.crn for p in s.scalars(select(Person))} == {p.crn for p in _people(db)}
        again = Laptop(db, central, om).sync()
        assert again.verified and again.pushed == 0
    finally:
        db.close()


def _people(db: Database) -> list[Person]:
    with db.read() as s:
        return list(s.scalars(select(Person)))


def test_a_case_the_server_refuses_ends_as_a_rejection_with_its_reason(central, laptop_factory, unique):
    om1, om2 = central.add_user(f"om1-{unique}"), central.add_user(f"om2-{unique}")
    crn = f"R{random.randint(0, 999999):06d}"
    a = laptop_factory(om1)
    taken = new_person(a.db, "Taken", crn=crn)
    a.sync()
    b = laptop_factory(om2, enrol=False)  # a caseload started offline
    refused = new_person(b.db, "Second", crn=crn)
    refused_contact = add_contact(b.db, refused, "Seen before enrolment")
    fine = new_person(b.db, "Fine")
    fine_contact = add_contact(b.db, fine, "Also seen before enrolment")
    result = b.enrol()
    on_server, rejections, neither = placed(b.db, central.db, om2)
    assert neither == []
    assert fine in on_server["person"] and fine_contact in on_server["contact"]
    assert rejections == {
        ("person", refused): f"The central store already holds CRN {crn} for another officer.",
        ("contact", refused_contact): "The central store does not hold this record's case: the case itself was not "
                                      "accepted (see the case on this list).",
    }
    # The laptop lists each refused record once, keeps it, and says so; verification counts them as settled.
    assert _rejected_here(b.db) == rejections
    assert refused in ids(b.db, Person) and refused_contact in ids(b.db, Contact)
    # ...on the officer's Not accepted list, one entry each, naming the case and saying why.
    listed = {(r.kind, r.record_id): r for r in rejection_list.list_rejections(b.db)}
    assert set(listed) == set(rejections)
    assert listed[("person", refused)].crn == crn and "already holds CRN" in listed[("person", refused)].reason
    assert listed[("contact", refused_contact)].crn == crn
    assert result.verified and result.waiting == 0
    again = b.sync()
    assert again.pushed == 0 and again.verified and len(_rejected_here(b.db)) == 2
    # The server holds the CRN once, for the first officer; the first officer's laptop saw nothing of this.
    with central.db.read() as s:
        assert s.get(Record, ("person", refused)) is None
        assert s.get(Record, ("person", taken)) is not None
    assert a.sync().pulled == 0


def test_a_second_record_of_one_of_my_own_cases_is_refused_in_words(central, laptop_factory, unique):
    om = central.add_user(f"om-{unique}")
    crn = f"S{random.randint(0, 999999):06d}"
    a = laptop_factory(om)
    new_person(a.db, "First", crn=crn)
    a.sync()
    b = laptop_factory(om, enrol=False)
    second = new_person(b.db, "Second", crn=crn)
    b.enrol()
    _, rejections, neither = placed(b.db, central.db, om)
    assert neither == []
    assert rejections[("person", second)] == (f"The central store already holds CRN {crn} for another case of "
                                              "yours: this would be a second record of the same person.")


def test_verification_finds_and_sends_a_record_the_server_lacks(central, laptop_factory, unique):
    """A row written past the outbox hook after enrolment (a Core insert): verify sees the server lack it."""
    om = central.add_user(f"om-{unique}")
    a = laptop_factory(om)
    pid = new_person(a.db, "Hooked")
    a.sync()
    hidden = str(uuid.uuid4())
    with a.db.write() as s:
        s.execute(insert(Contact).values(id=hidden, person_id=pid, type_code="COAP", outcome="ATTC",
                                         starts_at=Contact.__table__.c.starts_at.type.python_type(2026, 11, 20, 10),
                                         notes="written past the hook"))
    with a.db.read() as s:
        assert s.scalar(select(SyncOutbox.seq).limit(1)) is None
    result = a.sync()
    assert "contact" in result.mismatched  # the first comparison saw the difference...
    assert result.verified  # ...and the record went
    with central.db.read() as s:
        assert (s.get(Record, ("contact", hidden)).data or {}).get("notes") == "written past the hook"
