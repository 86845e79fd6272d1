"""Alembic migrations: an older caseload is brought forward on unlock, keeping every row."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text

from lpt_desktop.services.caseload import load_caseload
from lpt_desktop.services.cases import open_case
from lpt_desktop.store import migrations
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.migrations import current_revision, head_revision
from lpt_desktop.store.models import Base, Person, include_in_autogenerate
from tests.conftest import PASSPHRASE

TODAY = date(2026, 11, 23)
STAMP = "2025-06-01 10:00:00.000000"
NEW_PERSON_COLUMNS = {"preferred_name", "first_language", "interpreter_required", "caring_responsibilities"}


def _insert_0001_case(conn) -> None:
    """One case written with the 0001 schema's columns only, as an old app version would have."""
    stamp = {"c": STAMP, "u": STAMP}
    conn.execute(text(
        "INSERT INTO officer (id, created_at, updated_at, name, staff_code, role, team) "
        "VALUES ('o-1', :c, :u, 'Alex Morgan', 'LPT0042', 'PO', 'Preston Central')"), stamp)
    conn.execute(text(
        "INSERT INTO person (id, created_at, updated_at, crn, first_name, last_name, date_of_birth, pnc, gender, "
        "ethnicity, religion, disabilities, individual_needs, tier, rosh, officer_id) VALUES "
        "('p-1', :c, :u, 'A123456', 'Olwen', 'Oldschema', '1979-02-03', '1999/0012345X', 'Female', "
        "'White: Welsh', 'Christian', 'Dyslexia', 'Reading help with letters', 'B2', 'H', 'o-1')"), stamp)
    conn.execute(text(
        "INSERT INTO address (id, created_at, updated_at, person_id, line1, town, postcode, status, from_date) "
        "VALUES ('a-1', :c, :u, 'p-1', '12 Fishergate', 'Preston', 'PR1 2AA', 'main', '2024-01-01')"), stamp)
    conn.execute(text(
        "INSERT INTO sentence (id, created_at, updated_at, person_id, order_type, court, start_date, end_date, "
        "length_months) VALUES ('s-1', :c, :u, 'p-1', 'CO', 'Preston Magistrates', '2026-01-10', '2027-01-10', "
        "12)"), stamp)
    conn.execute(text(
        "INSERT INTO requirement (id, created_at, updated_at, sentence_id, type_code, params, start_date) "
        "VALUES ('q-1', :c, :u, 's-1', 'UPW', '{\"hours\": 150}', '2026-01-10')"), stamp)
    conn.execute(text(
        "INSERT INTO registration (id, created_at, updated_at, person_id, type_code, category, level, start_date, "
        "next_review_date) VALUES ('r-1', :c, :u, 'p-1', 'MAPP', '2', '1', '2026-08-28', '2026-11-28')"), stamp)


@pytest.fixture
def old_db(tmp_path):
    """A caseload made at revision 0001 holding one full case, closed."""
    path = tmp_path / "old.lptdb"
    db = Database.create(path, PASSPHRASE, KdfParams.fast(), revision="0001")
    try:
        assert current_revision(db.engine) == "0001"
        columns = {c["name"] for c in inspect_columns(db, "person")}
        assert not columns & NEW_PERSON_COLUMNS
        with db.engine.begin() as conn:
            _insert_0001_case(conn)
    finally:
        db.close()
    return path


def inspect_columns(db, table: str) -> list[dict]:
    with db.engine.connect() as conn:
        return inspect(conn).get_columns(table)


def _tables(db) -> set[str]:
    with db.engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def _count(db, table: str) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()


def test_revisions_form_one_line():
    script = ScriptDirectory.from_config(migrations._config())
    assert script.get_heads() == [head_revision()]
    revisions = list(script.walk_revisions())
    assert revisions[-1].revision == "0001"
    assert revisions[-1].down_revision is None


def test_create_at_head_is_at_head(tmp_path):
    db = Database.create(tmp_path / "new.lptdb", PASSPHRASE, KdfParams.fast())
    try:
        assert current_revision(db.engine) == head_revision()
        assert {t.name for t in Base.metadata.sorted_tables} <= _tables(db)
    finally:
        db.close()


def test_open_without_migrate_leaves_the_old_revision(old_db):
    db = Database.open(old_db, PASSPHRASE, migrate=False)
    try:
        assert current_revision(db.engine) == "0001"
        assert "contact" not in _tables(db)
    finally:
        db.close()


def test_open_migrates_0001_to_head_and_keeps_the_person(old_db):
    db = Database.open(old_db, PASSPHRASE)
    try:
        assert current_revision(db.engine) == head_revision()
        assert "contact" in _tables(db)
        columns = {c["name"] for c in inspect_columns(db, "person")}
        assert columns >= NEW_PERSON_COLUMNS
        with db.read() as s:
            p = s.scalar(select(Person).where(Person.crn == "A123456"))
            assert p is not None
            assert (p.id, p.first_name, p.last_name, p.date_of_birth) == ("p-1", "Olwen", "Oldschema",
                                                                         date(1979, 2, 3))
            assert (p.pnc, p.tier, p.rosh, p.individual_needs) == ("1999/0012345X", "B2", "H",
                                                                   "Reading help with letters")
            assert p.interpreter_required is False  # the new NOT NULL column's default
            assert p.preferred_name is None
            assert p.officer_id == "o-1"
    finally:
        db.close()


def test_migration_keeps_rows_that_hang_off_the_person(old_db):
    """Rebuilding the person table must not cascade-delete addresses, sentences or registers."""
    db = Database.open(old_db, PASSPHRASE, migrate=False)
    try:
        before = {t: _count(db, t) for t in ("officer", "person", "address", "sentence", "requirement",
                                             "registration")}
    finally:
        db.close()
    assert set(before.values()) == {1}
    db = Database.open(old_db, PASSPHRASE)
    try:
        after = {t: _count(db, t) for t in before}
        assert after == before
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        db.close()


def test_migrated_case_shows_in_caseload_and_opens(old_db):
    db = Database.open(old_db, PASSPHRASE)
    try:
        [row] = load_caseload(db, TODAY)
        assert (row.crn, row.name, row.order_type, row.tier, row.rosh) == ("A123456", "Oldschema, Olwen", "CO",
                                                                          "B2", "H")
        assert row.flags == ("MAPPA",)
        # The standards engine's next item: the order (from Saturday 10/01/2026) had no first contact by 16/01.
        assert (row.next_due, row.next_due_what, row.next_due_status) == (date(2026, 1, 16), "First contact",
                                                                           "overdue")
        record = open_case(db, "p-1")
        assert [s.order_type for s in record.sentences] == ["CO"]
        assert [r.summary for r in record.sentences[0].requirements] == ["Hours: 150"]
        assert record.addresses and "Fishergate" in record.addresses[0]
    finally:
        db.close()


def test_migration_is_idempotent_on_reopen(old_db):
    Database.open(old_db, PASSPHRASE).close()
    db = Database.open(old_db, PASSPHRASE)
    try:
        assert current_revision(db.engine) == head_revision()
        assert _count(db, "person") == 1
    finally:
        db.close()


def test_failed_migration_rolls_back_and_leaves_the_file_as_it_was(tmp_path):
    """A migration that fails half way (here: 0002's table already exists) must change nothing."""
    path = tmp_path / "stuck.lptdb"
    db = Database.create(path, PASSPHRASE, KdfParams.fast(), revision="0001")
    try:
        with db.engine.begin() as conn:
            _insert_0001_case(conn)
            conn.execute(text("CREATE TABLE contact (id TEXT PRIMARY KEY)"))
    finally:
        db.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(Exception, match="contact"):
        Database.open(path, PASSPHRASE)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    db = Database.open(path, PASSPHRASE, migrate=False)
    try:
        assert current_revision(db.engine) == "0001"
        assert not {c["name"] for c in inspect_columns(db, "person")} & NEW_PERSON_COLUMNS
        assert {t: _count(db, t) for t in ("person", "address", "sentence", "registration")} == {
            "person": 1, "address": 1, "sentence": 1, "registration": 1}
    finally:
        db.close()


def _schema_diffs(db) -> list:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_in_autogenerate})
        return compare_metadata(ctx, Base.metadata)


def test_fresh_schema_matches_the_models(tmp_path):
    db = Database.create(tmp_path / "fresh.lptdb", PASSPHRASE, KdfParams.fast())
    try:
        assert _schema_diffs(db) == []
    finally:
        db.close()


def test_migrated_schema_matches_the_models(old_db):
    db = Database.open(old_db, PASSPHRASE)
    try:
        assert _schema_diffs(db) == []
        with db.engine.connect() as conn:
            sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'ix_contact_pending'")).scalar()
        # compare_metadata does not look at partial-index predicates; check the one the caseload relies on.
        assert sql is not None and "WHERE outcome IS NULL" in sql
    finally:
        db.close()


def test_models_check_detects_a_difference(tmp_path):
    """The comparison above can fail: a column missing from the database shows up as a diff."""
    db = Database.create(tmp_path / "fresh.lptdb", PASSPHRASE, KdfParams.fast())
    try:
        with db.engine.begin() as conn:
            conn.execute(text("ALTER TABLE person DROP COLUMN caring_responsibilities"))
        diffs = _schema_diffs(db)
        assert any(d[0] == "add_column" and d[3].name == "caring_responsibilities" for d in diffs)
    finally:
        db.close()
