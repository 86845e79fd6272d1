"""One vocabulary of needs (issue 20): a contact's "Needs worked on" are the needs assessment's sections, their
codes and labels (read from resources/data/needs_assessment.json); migration 0019 rewrites a stored old code
('thinking') in contacts and contact drafts, and an old code still held elsewhere (a contact synced from a laptop
not yet updated) reads as its section."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import text

from lpt_desktop.assessment.needs import needs_data
from lpt_desktop.domain.contacts import ContactInput, check_contact, contact_codes
from lpt_desktop.services.contacts import drafts, list_contacts
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.migrations import current_revision, head_revision
from tests.conftest import PASSPHRASE
from tests.test_migrations import STAMP, _insert_0001_case

OLD_DRAFT = {"type_code": "COAP", "starts_at": "2026-03-02T10:00", "notes": "Half typed",
             "needs": ["thinking", "finance"], "risk_areas": []}


def test_contact_needs_are_the_needs_assessments_sections_codes_and_labels():
    sections = needs_data().sections
    assert [(c.code, c.label) for c in contact_codes().needs.values()] == [(s.key, s.label) for s in sections]
    assert contact_codes().needs["thinking_behaviour"].label == "Thinking and behaviour"
    assert contact_codes().needs["finance"].label == "Financial management and income"


def test_an_old_need_code_is_refused_naming_the_field_its_new_code_and_the_valid_codes():
    contact = ContactInput(type_code="COAP", starts_at=datetime(2026, 11, 2, 10), outcome="ATTC", notes="Seen.",
                           needs=("thinking",))
    [error] = check_contact(contact, datetime(2026, 11, 23, 12))
    assert error.field == "Needs worked on"
    assert "'thinking' is now 'thinking_behaviour'" in str(error)
    assert all(code in str(error) for code in contact_codes().needs)
    assert check_contact(ContactInput(type_code="COAP", starts_at=datetime(2026, 11, 2, 10), outcome="ATTC",
                                      notes="Seen.", needs=("thinking_behaviour", "health")),
                         datetime(2026, 11, 23, 12)) == []


def test_migration_0019_rewrites_stored_contact_and_draft_need_codes(tmp_path):
    path = tmp_path / "at18.lptdb"
    db = Database.create(path, PASSPHRASE, KdfParams.fast(), revision="0018")
    try:
        with db.engine.begin() as conn:
            _insert_0001_case(conn)
            for cid, needs in (("c-1", '["thinking", "ete"]'), ("c-2", '["thinking_behaviour", "thinking"]'),
                               ("c-3", '["accommodation"]'), ("c-4", "[]")):
                conn.execute(text(
                    "INSERT INTO contact (id, created_at, updated_at, person_id, type_code, starts_at, outcome, "
                    "notes, needs, risk_areas) VALUES (:id, :s, :s, 'p-1', 'COAP', :at, 'ATTC', 'Seen.', :needs, "
                    "'[]')"), {"id": cid, "s": STAMP, "at": f"2026-02-0{cid[-1]} 10:00:00.000000", "needs": needs})
            conn.execute(text(
                "INSERT INTO contact_draft (id, created_at, updated_at, person_id, payload) VALUES "
                "('d-1', :s, :s, 'p-1', :p)"), {"s": STAMP, "p": json.dumps(OLD_DRAFT)})
    finally:
        db.close()
    db = Database.open(path, PASSPHRASE)
    try:
        assert current_revision(db.engine) == head_revision()
        with db.engine.connect() as conn:
            stored = {str(cid): str(needs) for cid, needs in conn.execute(text("SELECT id, needs FROM contact"))}
        assert not any('"thinking"' in v for v in stored.values())
        got = {v.id: v.needs for v in list_contacts(db, "p-1")}
        assert got == {"c-1": ("thinking_behaviour", "ete"), "c-2": ("thinking_behaviour",),
                       "c-3": ("accommodation",), "c-4": ()}
        [draft] = drafts(db, "p-1")
        assert draft.data.needs == ("thinking_behaviour", "finance") and draft.data.notes == "Half typed"
        # A contact arriving with the old code after the migration (from a laptop not yet updated) reads as now.
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO contact (id, created_at, updated_at, person_id, type_code, starts_at, outcome, notes, "
                "needs, risk_areas) VALUES ('c-9', :s, :s, 'p-1', 'COAP', '2026-02-09 10:00:00.000000', 'ATTC', "
                "'Seen.', '[\"thinking\"]', '[]')"), {"s": STAMP})
        assert next(v.needs for v in list_contacts(db, "p-1") if v.id == "c-9") == ("thinking_behaviour",)
    finally:
        db.close()


