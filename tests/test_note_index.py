"""The contact note index stored once (issue 22, migration 0021): contact_fts is an external-content FTS5 index
over the contact table, kept in step by triggers and by the bulk writers (store/note_index).

A caseload made at 0020 (the index with its own copy of the notes) and upgraded must find the same contacts, with
the same snippets, in the same order; after the upgrade an edited note is found by its new words only, and a
deleted contact is not found. note_index.check (FTS5's integrity check against the contact rows) must pass
after every change: an index out of step with its external content can return wrong rows or fail outright.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from lpt_desktop.services.contacts import amend_contact, fts_query, record_contact, search_notes
from lpt_desktop.services.unlock import install_hooks
from lpt_desktop.store import note_index
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.migrations import current_revision, head_revision
from lpt_desktop.store.models import Contact, Meta, Officer
from lpt_desktop.sync.apply import BULK_FTS_ROWS, _fts_in_bulk
from tests.conftest import PASSPHRASE
from tests.test_contacts_service import NOW, make_case, office

# search_notes' statement at 0020, frozen: the index kept each note's text and contact id in its own table.
SEARCH_0020 = (
    "SELECT f.contact_id, snippet(contact_fts, 0, '[', ']', '…', 12)"
    " FROM contact_fts f JOIN contact c ON c.id = f.contact_id JOIN person p ON p.id = c.person_id"
    " WHERE contact_fts MATCH ?1 AND f.rowid >= coalesce((SELECT rowid FROM contact_fts"
    " WHERE contact_fts MATCH ?1 ORDER BY rowid DESC LIMIT 1 OFFSET ?3), 0)"
    " AND NOT EXISTS (SELECT 1 FROM contact n WHERE n.amends_id = c.id)"
    " ORDER BY rank LIMIT ?2")
QUERIES = ("hostel", "warehouse", "relapse", "accom", "housing options", "forklift", "cv", "night")
NOTES = (
    "Discussed accommodation: the hostel place ends in March. Referral to housing options.",
    "Alcohol use is down; relapse prevention work continued.",
    "Job interview at the warehouse on Friday. CV updated with the forklift certificate.",
    "Hostel warden reports warehouse shifts (nights) are going well.",
    "Home visit: the hostel room was tidy; no concerns about the night curfew.",
    "Warehouse manager confirms the forklift course is booked; CV sent to two agencies.",
)


def _create_0020(path) -> Database:
    """services/unlock.create_caseload, but the schema left at 0020 (the tables it writes are the same)."""
    install_hooks()
    db = Database.create(path, PASSPHRASE, KdfParams.fast(), revision="0020")
    db.actor = "LPT0042 Alex Morgan"
    with db.write() as s:
        officer = Officer(name="Alex Morgan", staff_code="LPT0042", role="PO")
        s.add(officer)
        s.flush()
        s.add(Meta(key="officer_id", value=officer.id))
    db.officer_id = officer.id
    return db


def _sql(db: Database, statement: str, *params) -> None:
    with db.write() as s:
        s.connection().exec_driver_sql(statement, params)


def _ids(db: Database, text: str) -> list[str]:
    return [h.contact_id for h in search_notes(db, text)]


def _check(db: Database) -> None:
    with db.read() as s:
        note_index.check(s.connection())
        noted = s.scalar(select(func.count()).select_from(Contact).where(Contact.notes.is_not(None)))
        assert note_index.indexed_notes(s.connection()) == noted


@pytest.fixture
def upgraded(tmp_path):
    """A caseload written at 0020 (notes edited, deleted, amended, one without notes), its search results
    there, and the same file opened (so upgraded) at head."""
    path = tmp_path / "old.lptdb"
    db = _create_0020(path)
    ids: list[str] = []
    try:
        people = [make_case(db, last_name=name) for name in ("Ashworth", "Blake")]
        for i, text in enumerate(NOTES * 2):
            ids.append(record_contact(db, people[i % 2], office(datetime(2026, 11, 2 + i, 10, 0), notes=text),
                                      now=NOW))
        # An edit in place moves a note to the newest rowid of the old index (its own rowids), not the contact's.
        _sql(db, "UPDATE contact SET notes = 'Hostel warden: warehouse job offer confirmed.' WHERE id = ?", ids[0])
        _sql(db, "UPDATE contact SET notes = NULL WHERE id = ?", ids[1])
        _sql(db, "DELETE FROM contact WHERE id = ?", ids[2])
        amend_contact(db, ids[3], office(datetime(2026, 11, 5, 10, 0), notes="Hostel warden: shifts going well."),
                      "Wrong words recorded.", now=NOW)
        before = {}
        with db.read() as s:
            assert current_revision(db.engine) == "0020"
            for text in QUERIES:
                before[text] = s.connection().exec_driver_sql(SEARCH_0020, (fts_query(text), 200, 4999)).all()
    finally:
        db.close()
    db = Database.open(path, PASSPHRASE)
    db.actor = "LPT0042 Alex Morgan"
    try:
        yield db, ids, before
    finally:
        db.close()


def test_an_upgraded_caseload_finds_the_same_contacts_as_before(upgraded):
    db, _ids_written, before = upgraded
    assert current_revision(db.engine) == head_revision()
    for text, rows in before.items():
        assert rows, f"'{text}' found nothing at 0020: the comparison would prove nothing"
        hits = search_notes(db, text)
        assert [(h.contact_id, h.snippet) for h in hits] == [tuple(r) for r in rows], text
    _check(db)
    with db.read() as s:
        tables = set(s.connection().exec_driver_sql("SELECT name FROM sqlite_master").scalars())
    assert "contact_fts_content" not in tables  # the notes are no longer stored twice


def test_after_the_upgrade_an_edited_note_and_a_deleted_contact_are_found_as_they_now_are(upgraded):
    db, ids, _before = upgraded
    edited, deleted = ids[4], ids[5]
    assert edited in _ids(db, "curfew") and deleted in _ids(db, "agencies")
    _sql(db, "UPDATE contact SET notes = 'Home visit: new tenancy signed, keys collected.' WHERE id = ?", edited)
    assert edited not in _ids(db, "curfew")
    assert _ids(db, "tenancy") == [edited]
    assert "[tenancy]" in search_notes(db, "tenancy")[0].snippet
    _sql(db, "DELETE FROM contact WHERE id = ?", deleted)
    assert deleted not in _ids(db, "agencies")
    assert deleted not in _ids(db, "forklift")
    _sql(db, "UPDATE contact SET notes = 'A note where there was none: quinoa.' WHERE id = ?", ids[1])
    assert _ids(db, "quinoa") == [ids[1]]
    _check(db)
    # A contact recorded after the upgrade is indexed by the insert trigger.
    pid = make_case(db, last_name="Carter")
    new = record_contact(db, pid, office(datetime(2026, 11, 20, 10, 0), notes="Tenancy support worker met."),
                         now=NOW)
    assert set(_ids(db, "tenancy")) == {edited, new}
    _check(db)


def test_a_bulk_batch_adding_and_changing_the_same_contact_keeps_the_index_in_step(upgraded):
    """sync/apply drops the insert trigger for a big page; a contact added and then changed (or removed) in the
    same page is indexed by the update trigger, or not at all, and index_added must not index it again."""
    db, ids, _before = upgraded
    with db.read() as s:
        columns = [r[1] for r in s.connection().exec_driver_sql("PRAGMA table_info(contact)")]
    copy = ", ".join("?" if c == "id" else c for c in columns)
    curfew = set(_ids(db, "curfew"))
    assert ids[4] in curfew
    with db.write() as s:
        conn = s.connection()
        with _fts_in_bulk(conn, "contact", BULK_FTS_ROWS):
            for new_id in ("bulk-1", "bulk-2", "bulk-3"):
                conn.exec_driver_sql(f"INSERT INTO contact ({', '.join(columns)}) SELECT {copy} FROM contact "
                                     "WHERE id = ?", (new_id, ids[4]))
            conn.exec_driver_sql("UPDATE contact SET notes = 'Bulk edit: zeppelin.' WHERE id = 'bulk-2'")
            conn.exec_driver_sql("DELETE FROM contact WHERE id = 'bulk-3'")
    assert _ids(db, "zeppelin") == ["bulk-2"]
    assert set(_ids(db, "curfew")) == curfew | {"bulk-1"}
    _check(db)


def test_vacuum_keeps_contact_rowids_so_the_index_stays_in_step(upgraded):
    """The index is keyed by contact rowids: VACUUM (no INTEGER PRIMARY KEY on contact) must not renumber them."""
    db, ids, before = upgraded
    _sql(db, "DELETE FROM contact WHERE id = ?", ids[6])  # a gap in the rowids
    with db.read() as s:
        rowids = dict(s.connection().exec_driver_sql("SELECT id, rowid FROM contact").all())
    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("VACUUM")
    with db.read() as s:
        assert dict(s.connection().exec_driver_sql("SELECT id, rowid FROM contact").all()) == rowids
    _check(db)
    assert ids[6] not in _ids(db, "hostel")
    assert [h.contact_id for h in search_notes(db, "warehouse")] == [
        r[0] for r in before["warehouse"] if r[0] != ids[6]]
