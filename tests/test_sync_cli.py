"""`lpt sync setup|now|status|export-rejected` (issue 13, items 1, 4 and 7), run as real processes against a real
`lpt-central`, with the passphrase and the central store's password in the environment.

The laptop holds a case the server has allocated to another officer: a contact recorded on it is not accepted,
`lpt sync status` says so (never "synced"), and it stays until the case is granted (then it goes by itself) or
it is exported.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from datetime import datetime
from pathlib import Path

import pytest

from lpt_desktop.services.unlock import unlock
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Contact
from tests.cli_process import run_lpt
from tests.conftest import PASSPHRASE
from tests.sync.cases import add_contact, get, new_person
from tests.sync.server import PASSWORD, CentralServer, free_port, sqlite_central

STATUS_KEYS = {"state", "waiting", "rejected", "conflicts", "last_synced"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with sqlite_central(tmp_path_factory.mktemp("central-cli")) as srv:
        yield srv


@pytest.fixture
def officers(server):
    me, other = f"om-{uuid.uuid4().hex[:6]}", f"om2-{uuid.uuid4().hex[:6]}"
    return server.add_user(me), server.add_user(other)


@pytest.fixture
def laptop(tmp_path, server, officers):
    """A caseload file holding one case the server has allocated to another officer."""
    path = tmp_path / "cli-sync.lptdb"
    db = Database.create(path, PASSPHRASE, KdfParams.fast())
    try:
        pid = new_person(db, "Walsh", crn=f"S{uuid.uuid4().int % 1000000:06d}")
    finally:
        db.close()
    server.allocate(pid, officers[1])
    return path, pid


@pytest.fixture
def lpt(isolated_dirs, tmp_path):
    env = isolated_dirs.env(LPT_PASSPHRASE=PASSPHRASE, LPT_CENTRAL_PASSWORD=PASSWORD)

    def run(*args: str, **extra: str) -> subprocess.CompletedProcess:
        return run_lpt(["sync", *args], env={**env, **extra}, cwd=tmp_path)  # forked: tests/cli_process.py

    return run


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def one_line_error(result: subprocess.CompletedProcess, *needles: str) -> str:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def status(lpt, path: Path) -> dict:
    data = json.loads(ok(lpt("status", "--db", str(path), "--json")))
    assert set(data) >= STATUS_KEYS
    return data


def record_contact(path: Path, pid: str) -> str:
    db = unlock(path, PASSPHRASE)  # as the window's save: the outbox hook is on
    try:
        return add_contact(db, pid, notes="Seen at the office; new job")
    finally:
        db.close()


def contact_on_server(tmp_path: Path, server: CentralServer, username: str, cid: str) -> Contact | None:
    from lpt_desktop.services import sync as sync_service

    db = Database.create(tmp_path / f"check-{uuid.uuid4().hex[:6]}.lptdb", PASSPHRASE, KdfParams.fast())
    try:
        sync_service.enrol(db, server.url, username, PASSWORD)
        return get(db, Contact, cid)
    finally:
        db.close()


def set_up_with_a_refused_contact(lpt, server, officers, laptop) -> tuple[Path, str, str]:
    path, pid = laptop
    assert status(lpt, path)["state"] == "not_set_up"
    out = ok(lpt("setup", "--db", str(path), "--server", server.url, "--user", officers[0]))
    assert out.startswith(f"Set up sync with {server.url} as {officers[0]}")
    cid = record_contact(path, pid)
    st = status(lpt, path)
    assert st["state"] in ("waiting", "rejected") and st["waiting"] >= 1  # never "synced" with a change unsent
    assert ok(lpt("now", "--db", str(path))).startswith("Synced: ")
    return path, pid, cid


def test_a_refused_contact_is_reported_until_exported(lpt, server, officers, laptop, tmp_path):
    path, _pid, cid = set_up_with_a_refused_contact(lpt, server, officers, laptop)
    st = status(lpt, path)
    assert st["state"] == "rejected" and st["rejected"] >= 1 and st["waiting"] == 0 and st["conflicts"] == 0
    assert datetime.fromisoformat(st["last_synced"]).tzinfo is not None  # a sync finished; still not "synced"
    human = ok(lpt("status", "--db", str(path)))
    assert "not accepted" in human and "synced" not in human.splitlines()[0].removeprefix("Sync: ")

    out_file = tmp_path / "rejected.json"
    said = ok(lpt("export-rejected", "--db", str(path), "--out", str(out_file)))
    assert "NOT encrypted" in said and "unprotected" in said
    doc = json.loads(out_file.read_text(encoding="utf-8"))
    [entry] = [e for e in doc["rejected"] if e["kind"] == "contact"]
    assert entry["record_id"] == cid and entry["case"].startswith("Walsh, Dana (S")
    assert entry["reason"] == "This case is not allocated to you, or it is restricted."
    assert entry["fields"]["notes"] == "Seen at the office; new job"
    assert status(lpt, path)["rejected"] == 0
    ok(lpt("now", "--db", str(path)))  # the set-aside travels to the central store
    assert status(lpt, path)["state"] == "synced"
    assert "Nothing to export" in ok(lpt("export-rejected", "--db", str(path), "--out", str(tmp_path / "b.json")))


def test_a_case_granted_later_takes_the_refused_contact(lpt, server, officers, laptop, tmp_path):
    path, pid, cid = set_up_with_a_refused_contact(lpt, server, officers, laptop)
    assert contact_on_server(tmp_path, server, officers[0], cid) is None
    server.allocate(pid, officers[0])
    assert "sent again" in ok(lpt("now", "--db", str(path)))
    st = status(lpt, path)
    assert (st["state"], st["rejected"], st["waiting"]) == ("synced", 0, 0)
    assert contact_on_server(tmp_path, server, officers[0], cid).notes == "Seen at the office; new job"


def test_errors_are_one_line_and_non_zero(lpt, server, officers, laptop, tmp_path):
    path, _pid = laptop
    one_line_error(lpt("now", "--db", str(path)), "not set up for sync", "lpt sync setup")
    one_line_error(lpt("setup", "--db", str(path), "--server", server.url, "--user", officers[0],
                       LPT_CENTRAL_PASSWORD="wrong-password"), "password is wrong")
    one_line_error(lpt("setup", "--db", str(path), "--server", f"http://127.0.0.1:{free_port()}", "--user",
                       officers[0]), "cannot be reached")
    one_line_error(lpt("status", "--db", str(path), LPT_PASSPHRASE="not the passphrase"))
    assert status(lpt, path)["state"] == "not_set_up"
    ok(lpt("setup", "--db", str(path), "--server", server.url, "--user", officers[0]))
    server.kill()
    try:
        assert status(lpt, path)["state"] == "offline"
        one_line_error(lpt("now", "--db", str(path)), "cannot be reached")
    finally:
        server.start()
    assert status(lpt, path)["state"] in ("synced", "rejected")  # the case the server refuses, if sent at setup


def test_a_laptop_started_offline_sends_its_caseload_at_setup_and_a_new_laptop_gets_it(lpt, server, officers,
                                                                                      isolated_dirs, tmp_path):
    """Item 2 through `lpt`: a demo caseload made offline, then `lpt sync setup`: every case reaches the server,
    and a laptop started with `lpt init` and set up as the same officer downloads them all."""
    env = isolated_dirs.env(LPT_PASSPHRASE=PASSPHRASE, LPT_CENTRAL_PASSWORD=PASSWORD)

    def lpt_any(*args: str) -> subprocess.CompletedProcess:
        return run_lpt(args, env=env, cwd=tmp_path, timeout=300)

    first, second = tmp_path / "offline.lptdb", tmp_path / "new.lptdb"
    ok(lpt_any("demo", "--db", str(first), "--cases", "6", "--contacts-per-case", "3", "--seed", "11", "--quiet"))
    held = {c["crn"] for c in json.loads(ok(lpt_any("caseload", "--db", str(first), "--json")))}
    assert len(held) == 6
    ok(lpt("setup", "--db", str(first), "--server", server.url, "--user", officers[0]))
    st = status(lpt, first)
    assert st["state"] == "synced" and st["waiting"] == 0 and st["rejected"] == 0
    ok(lpt_any("init", "--db", str(second), "--officer", "Second Laptop", "--staff-code", "LPT0100"))
    ok(lpt("setup", "--db", str(second), "--server", server.url, "--user", officers[0]))
    assert {c["crn"] for c in json.loads(ok(lpt_any("caseload", "--db", str(second), "--json")))} == held
