"""The encrypted store: create/open, wrong passphrase vs damaged file, locking, pragmas."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat

import pytest
import sqlcipher3
from sqlalchemy import select, text

from lpt_desktop.services.caseload import load_caseload
from lpt_desktop.store.database import Database, change_passphrase
from lpt_desktop.store.engine import SQLITE_HEADER
from lpt_desktop.store.errors import (
    DatabaseDamaged,
    DatabaseLocked,
    DatabaseMissing,
    KeyFileDamaged,
    KeyFileMissing,
    NotAnLptDatabase,
    StoreError,
    WrongPassphrase,
)
from lpt_desktop.store.keyfile import KdfParams, key_path_for, unwrap_key, wrap_key
from lpt_desktop.store.migrations import current_revision, head_revision
from lpt_desktop.store.models import Meta, Officer
from tests.conftest import DEMO_TODAY, PASSPHRASE

PAGE = 4096


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(directory) -> dict[str, str]:
    """Name -> sha256 of every file in a directory (so new, removed or changed files all show)."""
    return {p.name: _digest(p) for p in sorted(directory.iterdir()) if p.is_file()}


def _user_facing(message: str) -> None:
    assert message.strip()
    assert "Traceback" not in message
    assert "File \"" not in message
    assert "sqlcipher3." not in message


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "store" / "caseload.lptdb"
    db = Database.create(path, PASSPHRASE, KdfParams.fast())
    with db.write() as s:
        s.add(Officer(name="Alex Morgan", staff_code="LPT0042", team="Preston Central"))
    db.close()
    return path


def _damage(path, offset: int, length: int = 64) -> None:
    with open(path, "r+b") as fh:
        fh.seek(offset)
        fh.write(os.urandom(length))


# -- create and open ------------------------------------------------------------------------------

def test_create_then_open(tmp_path):
    path = tmp_path / "new.lptdb"
    db = Database.create(path, PASSPHRASE, KdfParams.fast())
    try:
        database_id = db.database_id
        assert db.is_open
        assert db.meta("database_id") == database_id
        with db.write() as s:
            s.add(Officer(name="Sam Patel", staff_code="LPT0001"))
    finally:
        db.close()
    assert path.exists()
    assert key_path_for(path).exists()

    db = Database.open(path, PASSPHRASE)
    try:
        assert db.database_id == database_id
        assert current_revision(db.engine) == head_revision()
        with db.read() as s:
            assert s.scalars(select(Officer.name)).all() == ["Sam Patel"]
    finally:
        db.close()


def test_database_id_is_shared_by_key_file_and_database(db_path):
    _key, key_db_id = unwrap_key(key_path_for(db_path), PASSPHRASE)
    db = Database.open(db_path, PASSPHRASE)
    try:
        assert db.meta("database_id") == key_db_id == db.database_id
    finally:
        db.close()


def test_database_file_is_private_and_has_no_sqlite_header(db_path):
    with open(db_path, "rb") as fh:
        head = fh.read(16)
    assert head != SQLITE_HEADER
    assert b"SQLite format 3" not in db_path.read_bytes()
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_path_for(db_path).stat().st_mode) == 0o600


def test_plain_sqlite_cannot_read_the_file(db_path):
    conn = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.DatabaseError):
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


def test_create_refuses_an_existing_database(db_path):
    before = _snapshot(db_path.parent)
    with pytest.raises(StoreError) as info:
        Database.create(db_path, PASSPHRASE, KdfParams.fast())
    assert "already exists" in str(info.value)
    assert _snapshot(db_path.parent) == before


def test_create_refuses_when_only_the_key_file_exists(tmp_path):
    path = tmp_path / "c.lptdb"
    key_path_for(path).write_text("{}")
    with pytest.raises(StoreError):
        Database.create(path, PASSPHRASE, KdfParams.fast())
    assert not path.exists()
    assert key_path_for(path).read_text() == "{}"


def test_create_refuses_when_only_the_database_exists(tmp_path):
    path = tmp_path / "c.lptdb"
    path.write_bytes(b"something precious")
    with pytest.raises(StoreError):
        Database.create(path, PASSPHRASE, KdfParams.fast())
    assert path.read_bytes() == b"something precious"
    assert not key_path_for(path).exists()


# -- wrong passphrase -----------------------------------------------------------------------------

@pytest.mark.parametrize("wrong", ["correct horse batter", "CORRECT HORSE BATTERY", "x"])
def test_wrong_passphrase_touches_nothing(db_path, wrong):
    before = _snapshot(db_path.parent)
    assert set(before) == {db_path.name, key_path_for(db_path).name}
    mtime = db_path.stat().st_mtime_ns
    with pytest.raises(WrongPassphrase) as info:
        Database.open(db_path, wrong)
    assert str(info.value) == "Passphrase not accepted. Check Caps Lock and try again."
    assert _snapshot(db_path.parent) == before  # no -wal/-shm created, no bytes changed
    assert db_path.stat().st_mtime_ns == mtime


def test_wrong_passphrase_is_not_a_damaged_database():
    assert not issubclass(WrongPassphrase, DatabaseDamaged)
    assert not issubclass(DatabaseDamaged, WrongPassphrase)


# -- damaged files --------------------------------------------------------------------------------

def test_first_page_overwritten_is_damaged_not_wrong_passphrase(db_path):
    _damage(db_path, 0, PAGE)
    damaged = _digest(db_path)
    key_before = _digest(key_path_for(db_path))
    with pytest.raises(DatabaseDamaged) as info:
        Database.open(db_path, PASSPHRASE)
    assert not isinstance(info.value, WrongPassphrase)
    assert "passphrase was accepted" in str(info.value)
    _user_facing(str(info.value))
    assert db_path.exists()
    assert _digest(db_path) == damaged  # not deleted, not re-created, not "repaired"
    assert _digest(key_path_for(db_path)) == key_before


@pytest.mark.parametrize("offset", [16, 100, 1000, 3000, PAGE - 40])
def test_bytes_changed_inside_page_one_are_damaged(db_path, offset):
    _damage(db_path, offset, 24)
    damaged = _digest(db_path)
    with pytest.raises(DatabaseDamaged):
        Database.open(db_path, PASSPHRASE)
    assert _digest(db_path) == damaged


def test_truncated_file_is_damaged(db_path):
    with open(db_path, "r+b") as fh:
        fh.truncate(PAGE + 100)
    with pytest.raises(DatabaseDamaged):
        Database.open(db_path, PASSPHRASE)
    assert db_path.stat().st_size == PAGE + 100


def test_text_file_with_a_key_file_is_damaged(db_path):
    db_path.write_bytes(b"these are not the pages you are looking for\n" * 200)
    with pytest.raises(DatabaseDamaged):
        Database.open(db_path, PASSPHRASE)


def test_damaged_file_can_still_be_told_from_wrong_passphrase(db_path):
    _damage(db_path, 0, PAGE)
    with pytest.raises(WrongPassphrase):
        Database.open(db_path, "not the passphrase")


def _root_pages(path) -> dict[str, int]:
    db = Database.open(path, PASSPHRASE)
    try:
        with db.engine.connect() as conn:
            return dict(conn.exec_driver_sql("SELECT name, rootpage FROM sqlite_master").all())
    finally:
        db.close()


@pytest.mark.parametrize("table", ["lpt_meta", "alembic_version", "person"])
def test_damage_beyond_page_one_is_reported_as_damaged(demo_db, table):
    """A damaged page found after unlocking (on migrate or on the first query) is DatabaseDamaged too."""
    root = _root_pages(demo_db)[table]
    assert root > 1
    _damage(demo_db, (root - 1) * PAGE + 1000)
    damaged = _digest(demo_db)
    with pytest.raises(DatabaseDamaged) as info:
        db = Database.open(demo_db, PASSPHRASE)
        try:
            with db.read() as s:
                s.execute(text(f"SELECT * FROM {table}")).all()
        finally:
            db.close()
    _user_facing(str(info.value))
    assert _digest(demo_db) == damaged


# -- not an LPT database --------------------------------------------------------------------------

def _plain_sqlite(path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE person (name TEXT)")
    conn.execute("INSERT INTO person VALUES ('Ann')")
    conn.commit()
    conn.close()


def test_unencrypted_sqlite_is_not_an_lpt_database(tmp_path):
    path = tmp_path / "plain.lptdb"
    _plain_sqlite(path)
    before = _digest(path)
    with pytest.raises(NotAnLptDatabase) as info:
        Database.open(path, PASSPHRASE)
    assert "unencrypted" in str(info.value)
    _user_facing(str(info.value))
    assert _digest(path) == before


def test_unencrypted_sqlite_with_a_key_file_is_not_an_lpt_database(tmp_path, db_path):
    path = tmp_path / "plain.lptdb"
    _plain_sqlite(path)
    shutil.copy(key_path_for(db_path), key_path_for(path))
    before = _digest(path)
    with pytest.raises(NotAnLptDatabase):
        Database.open(path, PASSPHRASE)
    assert _digest(path) == before


def test_encrypted_file_without_lpt_tables_is_not_an_lpt_database(tmp_path):
    path = tmp_path / "other.lptdb"
    key = bytearray(os.urandom(32))
    wrap_key(key_path_for(path), key, PASSPHRASE, "11111111-1111-4111-8111-111111111111", KdfParams.fast())
    conn = sqlcipher3.connect(str(path))
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(NotAnLptDatabase) as info:
        Database.open(path, PASSPHRASE)
    _user_facing(str(info.value))


def test_database_id_mismatch_is_not_an_lpt_database(db_path):
    """The right key but a key file that names another database id (e.g. restored from another copy)."""
    key, _db_id = unwrap_key(key_path_for(db_path), PASSPHRASE)
    wrap_key(key_path_for(db_path), key, PASSPHRASE, "22222222-2222-4222-8222-222222222222", KdfParams.fast())
    before = _digest(db_path)
    with pytest.raises(NotAnLptDatabase) as info:
        Database.open(db_path, PASSPHRASE)
    assert "different caseload" in str(info.value)
    assert _digest(db_path) == before


def test_key_file_of_another_database_is_a_store_error(tmp_path, db_path):
    other = tmp_path / "other" / "other.lptdb"
    Database.create(other, PASSPHRASE, KdfParams.fast()).close()
    shutil.copy(key_path_for(other), key_path_for(db_path))
    before = _digest(db_path)
    with pytest.raises((NotAnLptDatabase, DatabaseDamaged)) as info:
        Database.open(db_path, PASSPHRASE)
    message = str(info.value)
    _user_facing(message)
    assert db_path.name in message
    assert _digest(db_path) == before


def test_empty_file_with_a_key_file_is_refused_and_left_empty(db_path):
    """A zero-byte database (say, a crash during create) must be reported, not written to."""
    db_path.write_bytes(b"")
    with pytest.raises((NotAnLptDatabase, DatabaseDamaged)) as info:
        Database.open(db_path, PASSPHRASE)
    assert "Nothing has been changed" in str(info.value) or "not been changed" in str(info.value)
    assert db_path.stat().st_size == 0
    assert sorted(p.name for p in db_path.parent.iterdir()) == [db_path.name, key_path_for(db_path).name]


# -- missing files --------------------------------------------------------------------------------

def test_missing_key_file(db_path):
    key_path_for(db_path).unlink()
    before = _digest(db_path)
    with pytest.raises(KeyFileMissing) as info:
        Database.open(db_path, PASSPHRASE)
    _user_facing(str(info.value))
    assert _digest(db_path) == before
    assert not key_path_for(db_path).exists()


def test_damaged_key_file(db_path):
    key_path_for(db_path).write_text("{ half a key file", encoding="utf-8")
    before = _digest(db_path)
    with pytest.raises(KeyFileDamaged):
        Database.open(db_path, PASSPHRASE)
    assert _digest(db_path) == before


def test_missing_database(tmp_path):
    path = tmp_path / "nowhere.lptdb"
    with pytest.raises(DatabaseMissing):
        Database.open(path, PASSPHRASE)
    assert not path.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "_isolated"]


# -- locking --------------------------------------------------------------------------------------

def test_close_locks_and_wipes_the_key(db_path):
    db = Database.open(db_path, PASSPHRASE)
    key = db._key
    assert isinstance(key, bytearray) and len(key) == 32
    assert any(key)
    with db.read() as s:
        s.execute(text("SELECT 1")).all()
    db.close()
    assert db._key is None
    assert key == bytearray(32)  # the same buffer, zeroed in place
    assert not db.is_open
    with pytest.raises(DatabaseLocked), db.read():
        pass
    with pytest.raises(DatabaseLocked), db.write():
        pass
    with pytest.raises(DatabaseLocked):
        _ = db.engine
    with pytest.raises(DatabaseLocked):
        db.meta("database_id")
    db.close()  # closing twice is harmless


def test_locked_message_is_user_facing():
    _user_facing(str(DatabaseLocked()))


def test_close_releases_the_file_and_checkpoints_the_wal(db_path):
    db = Database.open(db_path, PASSPHRASE)
    with db.write() as s:
        s.add(Meta(key="note", value="x"))
    db.close()
    assert sorted(p.name for p in db_path.parent.iterdir()) == [db_path.name, key_path_for(db_path).name]


def test_reopen_after_close(db_path):
    db = Database.open(db_path, PASSPHRASE)
    db.close()
    db = Database.open(db_path, PASSPHRASE)
    try:
        assert db.meta("database_id") == db.database_id
    finally:
        db.close()


# -- pragmas --------------------------------------------------------------------------------------

def test_connection_pragmas(db_path):
    db = Database.open(db_path, PASSPHRASE)
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA temp_store").scalar() == 2  # MEMORY
            assert conn.exec_driver_sql("PRAGMA cipher_version").scalar().startswith("4.")
    finally:
        db.close()


def test_every_pooled_connection_gets_the_pragmas(db_path):
    db = Database.open(db_path, PASSPHRASE)
    try:
        conns = [db.engine.connect() for _ in range(3)]
        try:
            for conn in conns:
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        finally:
            for conn in conns:
                conn.close()
    finally:
        db.close()


def test_foreign_keys_are_enforced(db_path):
    from lpt_desktop.store.models import Address

    db = Database.open(db_path, PASSPHRASE)
    try:
        with pytest.raises(Exception) as info, db.write() as s:
            s.add(Address(person_id="no-such-person", line1="1 High Street", status="main"))
        assert "FOREIGN KEY" in str(info.value)
        with db.read() as s:
            assert s.execute(text("SELECT count(*) FROM address")).scalar() == 0
    finally:
        db.close()


def test_write_rolls_back_on_error(db_path):
    db = Database.open(db_path, PASSPHRASE)
    try:
        with pytest.raises(RuntimeError), db.write() as s:
            s.add(Meta(key="half", value="done"))
            s.flush()
            raise RuntimeError("boom")
        assert db.meta("half") is None
    finally:
        db.close()


# -- passphrase change ----------------------------------------------------------------------------

def test_change_passphrase_rewraps_without_touching_the_database(db_path):
    before = _digest(db_path)
    change_passphrase(db_path, PASSPHRASE, "a brand new passphrase")
    assert _digest(db_path) == before
    with pytest.raises(WrongPassphrase):
        Database.open(db_path, PASSPHRASE)
    Database.open(db_path, "a brand new passphrase").close()


def test_change_passphrase_refuses_a_short_one(db_path):
    key_before = _digest(key_path_for(db_path))
    with pytest.raises(ValueError, match="New passphrase"):
        change_passphrase(db_path, PASSPHRASE, "short")
    assert _digest(key_path_for(db_path)) == key_before


def test_change_passphrase_with_wrong_old_one(db_path):
    key_before = _digest(key_path_for(db_path))
    with pytest.raises(WrongPassphrase):
        change_passphrase(db_path, "not it at all", "a brand new passphrase")
    assert _digest(key_path_for(db_path)) == key_before


def test_demo_db_fixture_is_closed_and_openable(demo_db):
    assert sorted(p.name for p in demo_db.parent.iterdir()) == [demo_db.name, key_path_for(demo_db).name]
    db = Database.open(demo_db, PASSPHRASE)
    try:
        assert len(load_caseload(db, DEMO_TODAY)) == 60
    finally:
        db.close()
