"""Locking with work in flight, awkward paths, newer schemas, and failed creates."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from lpt_desktop.services.cases import add_person, audit_trail
from lpt_desktop.services.unlock import create_caseload, unlock
from lpt_desktop.store.database import Database
from lpt_desktop.store.errors import NewerSchema, StoreError
from lpt_desktop.store.keyfile import KdfParams, key_path_for
from tests.conftest import PASSPHRASE


def _open_fds(path: Path) -> list[str]:
    targets = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            targets.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            continue
    return [t for t in targets if t.startswith(str(path))]


def test_lock_stops_work_in_flight_and_releases_every_file(tmp_path):
    path = tmp_path / "c.lptdb"
    db = create_caseload(path, PASSPHRASE, "Sam Jones", "LPT0007", kdf=KdfParams.fast())
    pid = add_person(db, crn="X123456", first_name="Ada", last_name="Lock", date_of_birth=date(1980, 1, 1))
    started, outcome = threading.Event(), {}

    def long_write() -> None:
        try:
            with db.write() as s:
                s.execute(text("UPDATE person SET preferred_name = 'x' WHERE id = :p"), {"p": pid})
                started.set()
                # A slow statement holding the connection (a recursive count of ten million rows).
                s.execute(text("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000)"
                               " SELECT count(*) FROM n")).scalar()
            outcome["result"] = "committed"
        except BaseException as exc:  # noqa: BLE001 - the point is to see what the worker got
            outcome["result"] = exc.__class__.__name__

    worker = threading.Thread(target=long_write)
    worker.start()
    assert started.wait(10)
    time.sleep(0.05)
    db.close()
    worker.join(20)
    assert not worker.is_alive()
    assert outcome["result"] != "committed"  # interrupted: its transaction rolled back
    assert _open_fds(path) == []  # no keyed connection left behind
    again = unlock(path, PASSPHRASE)
    try:
        with again.read() as s:
            assert s.execute(text("SELECT preferred_name FROM person")).scalar() is None
        assert [a.action for a in audit_trail(again, pid)] == ["create"]
    finally:
        again.close()


@pytest.mark.parametrize("folder", ["o'brien", "with space", "d'arcy's 'quoted'"])
def test_awkward_home_paths_work(tmp_path, monkeypatch, folder):
    home = tmp_path / folder
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("HOME", str(home))
    path = home / "data" / "c.lptdb"
    create_caseload(path, PASSPHRASE, "Sam O'Brien", "LPT0008", kdf=KdfParams.fast()).close()
    db = unlock(path, PASSPHRASE)
    assert db.actor == "LPT0008 Sam O'Brien"
    db.close()


def test_a_caseload_from_a_newer_version_is_refused_clearly(tmp_path):
    path = tmp_path / "c.lptdb"
    db = create_caseload(path, PASSPHRASE, "Sam Jones", "LPT0007", kdf=KdfParams.fast())
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    db.close()
    before = path.read_bytes()
    with pytest.raises(NewerSchema) as info:
        Database.open(path, PASSPHRASE)
    assert "newer version of LPT Desktop" in str(info.value)
    assert path.read_bytes() == before


def test_a_failed_create_leaves_nothing_behind(tmp_path, monkeypatch):
    from lpt_desktop.store import migrations

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(migrations, "upgrade", broken)
    path = tmp_path / "new" / "c.lptdb"
    with pytest.raises(StoreError, match="Nothing was left behind"):
        Database.create(path, PASSPHRASE, KdfParams.fast())
    assert sorted(p.name for p in path.parent.iterdir()) == []
    assert not key_path_for(path).exists()


# -- damaged files are never written to (issue 14, item 9) --------------------------------------------------
def _hashes(folder: Path) -> dict[str, str]:
    import hashlib

    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def whole_caseload(tmp_path_factory) -> tuple[bytes, bytes]:
    """A small caseload closed cleanly (no -wal): its database and key file bytes."""
    folder = tmp_path_factory.mktemp("whole")
    path = folder / "c.lptdb"
    with pytest.MonkeyPatch.context() as mp:  # module-wide: keep SQLCipher's log out of the real home
        mp.setenv("XDG_STATE_HOME", str(folder / "state"))
        db = create_caseload(path, PASSPHRASE, "Sam Jones", "LPT0007", kdf=KdfParams.fast())
        for i in range(40):  # enough rows for the file to run to many pages
            add_person(db, crn=f"X{i:06d}", first_name="Ada", last_name=f"Page{i}", date_of_birth=date(1980, 1, 1),
                       preferred_name="n" * 900)
        db.close()
    return path.read_bytes(), key_path_for(path).read_bytes()


def _lay_out(tmp_path: Path, whole: tuple[bytes, bytes], data: bytes) -> Path:
    path = tmp_path / "c.lptdb"
    path.write_bytes(data)
    key_path_for(path).write_bytes(whole[1])
    return path


def test_a_one_byte_database_is_not_rewritten(tmp_path, whole_caseload):
    """The issue's case: it became 4,096 bytes while the message said nothing had been changed."""
    from lpt_desktop.store.errors import DatabaseDamaged

    path = _lay_out(tmp_path, whole_caseload, b"\x00")
    with pytest.raises(DatabaseDamaged, match="cut short") as info:
        unlock(path, PASSPHRASE)
    assert "has not been changed" in str(info.value)
    assert path.read_bytes() == b"\x00"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_isolated", "c.lptdb", "c.lptdb.key"]


def test_every_truncation_up_to_a_page_and_beyond_changes_nothing(tmp_path, whole_caseload):
    """Every size from 0 to 4,096 bytes, and cuts part way through later pages: refused before SQLite or the key
    derivation runs, each leaving both files byte-identical and no -wal or -shm."""
    from lpt_desktop.store.engine import size_problem
    from lpt_desktop.store.errors import DatabaseDamaged

    data = whole_caseload[0]
    # The rule itself at every size up to two pages; the whole open (files on disk) at every size up to 128 bytes,
    # then in steps of 37, and at the edges (each disk round trip costs milliseconds on a busy machine).
    assert [n for n in range(0, 8193) if not size_problem(n)] == [4096, 8192]
    sizes = sorted({*range(0, 129), *range(129, 4096, 37), 511, 512, 513, 1023, 1024, 1025, 2047, 2048, 2049, 4000,
                    4015, 4016, 4079, 4080, 4094, 4095, 4097, 8191, 8193, len(data) // 2 + 1, len(data) - 1})
    folder = tmp_path / "t"
    folder.mkdir()
    path = _lay_out(folder, whole_caseload, b"")
    key_file = key_path_for(path)
    for size in sizes:
        path.write_bytes(data[:size])
        try:
            Database.open(path, PASSPHRASE)
        except DatabaseDamaged as exc:
            assert "empty" in str(exc) or "cut short" in str(exc), size
        else:
            raise AssertionError(f"a file of {size} bytes was opened")
        assert path.read_bytes() == data[:size] and key_file.read_bytes() == whole_caseload[1], size
        assert sorted(p.name for p in folder.iterdir()) == ["c.lptdb", "c.lptdb.key"], size


@pytest.mark.parametrize("pages", [1, 2, 3, 5, 8])
def test_a_truncation_at_a_page_boundary_changes_nothing(tmp_path, whole_caseload, pages):
    from lpt_desktop.store.errors import StoreError as AnyStoreError

    path = _lay_out(tmp_path, whole_caseload, whole_caseload[0][:pages * 4096])
    before = _hashes(tmp_path)
    try:
        db = unlock(path, PASSPHRASE)
    except AnyStoreError:
        pass  # named as damaged: fine
    else:
        db.close()  # opened what there is (the integrity check names the rest: tests/test_integrity.py)
    assert _hashes(tmp_path) == before


@pytest.mark.parametrize("offset", [0, 7, 15, 16, 17, 100, 1024, 2048, 4000, 4015, 4016, 4040, 4064, 4095])
def test_a_flipped_byte_anywhere_in_page_one_is_damage_and_changes_nothing(tmp_path, whole_caseload, offset):
    # Page 1: the salt (first 16 bytes), the encrypted header and schema, the IV and HMAC at the end.
    from lpt_desktop.store.errors import DatabaseDamaged

    data = bytearray(whole_caseload[0])
    data[offset] ^= 0x01
    path = _lay_out(tmp_path, whole_caseload, bytes(data))
    before = _hashes(tmp_path)
    with pytest.raises(DatabaseDamaged, match="has not been changed"):
        unlock(path, PASSPHRASE)
    assert _hashes(tmp_path) == before


def test_a_damaged_page_one_with_a_log_left_over_is_not_written_to(tmp_path, whole_caseload):
    """A read-write connection that fails still checkpoints a -wal into the file as it closes: the first read is
    read-only, so neither the database nor its log is touched."""
    from lpt_desktop.store.errors import DatabaseDamaged

    path = _lay_out(tmp_path, whole_caseload, whole_caseload[0])
    db = unlock(path, PASSPHRASE)
    add_person(db, crn="W000001", first_name="Wal", last_name="Left", date_of_birth=date(1980, 1, 1))
    wal = path.with_name(path.name + "-wal")
    saved = {p.name: p.read_bytes() for p in (path, wal)}  # as a writer that stopped would leave them
    db.close()
    for name, content in saved.items():
        (tmp_path / name).write_bytes(content)
    data = bytearray(path.read_bytes())
    data[2000] ^= 0x01
    path.write_bytes(bytes(data))
    before = {k: v for k, v in _hashes(tmp_path).items() if not k.endswith("-shm")}
    with pytest.raises(DatabaseDamaged):
        unlock(path, PASSPHRASE)
    assert {k: v for k, v in _hashes(tmp_path).items() if not k.endswith("-shm")} == before


def test_a_flipped_byte_in_a_later_page_changes_nothing_on_open(tmp_path, whole_caseload):
    # Not found by opening (tests/test_integrity.py finds it); but opening and closing writes nothing.
    data = bytearray(whole_caseload[0])
    for page in range(2, len(data) // 4096, 3):
        data[(page - 1) * 4096 + 1234] ^= 0x01
    path = _lay_out(tmp_path, whole_caseload, bytes(data))
    before = _hashes(tmp_path)
    with contextlib.suppress(StoreError):
        unlock(path, PASSPHRASE).close()
    assert _hashes(tmp_path) == before
