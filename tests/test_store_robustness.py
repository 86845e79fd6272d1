"""Locking with work in flight, awkward paths, newer schemas, and failed creates."""

from __future__ import annotations

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
