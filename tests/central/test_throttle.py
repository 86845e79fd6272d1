"""Sign-in throttling, against a real `lpt-central` on SQLite and PostgreSQL with its real limits.

After 5 failed sign-ins for an account within 15 minutes, further attempts for it are refused for a while
(429, in words, with Retry-After) even with the right password; after 20 failures from one address across
accounts, that address is refused. Refusals cost no password hash. `lpt-central user unlock` clears an account.
The client addresses here come through X-Forwarded-For, which uvicorn trusts from 127.0.0.1 (as from a
reverse proxy on the same machine), so each test is its own address.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from lpt_desktop.central import auth
from lpt_desktop.central.app import create_app
from lpt_desktop.central.db import CentralDB
from lpt_desktop.services import sync as sync_service
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE
from tests.sync.server import PASSWORD, CentralServer, _command, central_database


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def strict(request, tmp_path_factory) -> Iterator[CentralServer]:
    """A server with the real limits (the shared test servers raise the per-address one)."""
    tmp = tmp_path_factory.mktemp(f"throttle-{request.param}")
    with central_database(request.param, tmp) as url:
        server = CentralServer(url, log=tmp / "server.log", options=()).start()
        try:
            yield server
        finally:
            server.stop()


def address() -> str:
    """A client address of the test's own (as a reverse proxy passes it on)."""
    b = uuid.uuid4().bytes
    return f"10.{b[0]}.{b[1]}.{b[2] % 250 + 1}"


def attempt(server: CentralServer, user: str, password: str, addr: str, laptop: str = "") -> httpx.Response:
    return httpx.post(f"{server.url}/auth/token", headers={"X-Forwarded-For": addr}, timeout=30,
                      json={"username": user, "password": password, "laptop_id": laptop or str(uuid.uuid4())})


def unlock(server: CentralServer, user: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LPT_")}
    return subprocess.run([*_command(), "user", "unlock", "--db", server.db_url, "--username", user],
                          capture_output=True, text=True, env=env, timeout=60)


def test_five_failures_lock_the_account_in_words_until_an_administrator_unlocks_it(strict):
    user, addr = strict.add_user(f"lock-{uuid.uuid4().hex[:6]}"), address()
    for _ in range(5):
        assert attempt(strict, user, "wrong password", addr).status_code == 401
    r = attempt(strict, user, PASSWORD, addr)  # the right password, too late
    assert r.status_code == 429, r.text
    assert r.json()["detail"] == ("Too many failed sign-ins for this account: try again in 15 minutes, or ask an "
                                  "administrator to unlock it.")
    assert 890 <= int(r.headers["Retry-After"]) <= 900
    # From another address too: the lock is the account's.
    assert attempt(strict, user, PASSWORD, address()).status_code == 429
    done = unlock(strict, user)
    assert done.returncode == 0 and "may sign in again" in done.stdout, done.stderr
    assert attempt(strict, user, PASSWORD, addr).status_code == 200
    assert unlock(strict, "nobody-at-all").returncode == 1


def test_a_success_forgets_the_accounts_earlier_failures(strict):
    user, addr = strict.add_user(f"ok-{uuid.uuid4().hex[:6]}"), address()
    for _ in range(4):
        assert attempt(strict, user, "wrong password", addr).status_code == 401
    assert attempt(strict, user, PASSWORD, addr).status_code == 200
    for _ in range(4):
        assert attempt(strict, user, "wrong password", addr).status_code == 401
    assert attempt(strict, user, PASSWORD, addr).status_code == 200


def test_twenty_failures_from_one_address_refuse_it_for_every_account(strict):
    addr, other = address(), address()
    users = [strict.add_user(f"spray-{uuid.uuid4().hex[:6]}") for _ in range(21)]
    for user in users[:20]:
        assert attempt(strict, user, "wrong password", addr).status_code == 401
    r = attempt(strict, users[20], PASSWORD, addr)
    assert r.status_code == 429, r.text
    assert r.json()["detail"].startswith("Too many failed sign-ins from this network address: try again in ")
    assert int(r.headers["Retry-After"]) > 0
    # The accounts themselves are not locked (one failure each): from elsewhere they sign in.
    assert attempt(strict, users[0], PASSWORD, other).status_code == 200
    # An office behind that one address is not shut out until the lock runs out: an administrator lifts it.
    env = {k: v for k, v in os.environ.items() if not k.startswith("LPT_")}
    done = subprocess.run([*_command(), "user", "unlock", "--db", strict.db_url, "--address", addr],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0 and f"Sign-ins from {addr} are accepted again." in done.stdout, done.stderr
    assert attempt(strict, users[20], PASSWORD, addr).status_code == 200


def test_the_laptop_shows_the_refusal_in_words(strict, tmp_path, outbox_hook):
    user, addr = strict.add_user(f"lap-{uuid.uuid4().hex[:6]}"), address()
    for _ in range(5):
        attempt(strict, user, "wrong password", addr)
    db = Database.create(tmp_path / "t.lptdb", PASSPHRASE, KdfParams.fast())
    try:
        with pytest.raises(sync_service.Refused) as err:
            sync_service.enrol(db, strict.url, user, PASSWORD)
    finally:
        db.close()
    assert err.value.status == 429
    assert str(err.value).startswith("Too many failed sign-ins for this account: try again in 15 minutes")
    from lpt_desktop.gui.enrol_dialog import error_text

    assert "Too many failed sign-ins for this account" in error_text(err.value, strict.url)


class CountingHasher:
    """Argon2 with a count of every hash and verify: a refused sign-in must cost neither."""

    def __init__(self) -> None:
        self.real, self.calls = auth._hasher, 0

    def hash(self, password: str) -> str:
        self.calls += 1
        return self.real.hash(password)

    def verify(self, hashed: str, password: str) -> bool:
        self.calls += 1
        return self.real.verify(hashed, password)


def test_refused_attempts_compute_no_hash_and_each_lock_lasts_longer(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    from lpt_desktop.central.db import migrate
    from lpt_desktop.central.models import User

    migrate(url)
    db = CentralDB(url)
    with db.write() as s:
        s.add(User(username="om", password_hash=auth.hash_password(PASSWORD), role="offender_manager"))
    counting = CountingHasher()
    monkeypatch.setattr(auth, "_hasher", counting)
    # Three seconds, not one: the refused attempts below must all fall inside the first lock, and on a loaded
    # machine (the suite in four processes) thirty took longer than a second.
    rules = auth.Settings(first_lock=timedelta(seconds=3))
    client = TestClient(create_app(db, rules))

    def post(password: str) -> httpx.Response:
        return client.post("/auth/token", json={"username": "om", "password": password, "laptop_id": "l1"})

    try:
        for _ in range(5):
            assert post("wrong password").status_code == 401
        assert counting.calls == 5
        refused = [post("wrong password") for _ in range(10)]
        assert {r.status_code for r in refused} == {429}
        assert counting.calls == 5, "a throttled sign-in computed a password hash"
        assert refused[0].headers["Retry-After"] == "3"
        time.sleep(3.1)
        for _ in range(5):
            assert post("wrong password").status_code == 401
        second = post(PASSWORD)
        assert second.status_code == 429 and second.headers["Retry-After"] == "6"  # twice the first lock
        time.sleep(6.1)
        assert post(PASSWORD).status_code == 200
    finally:
        client.close()
        db.dispose()


def test_counts_long_quiet_are_forgotten(tmp_path, monkeypatch):
    """Names sprayed from many addresses each leave a row; rows quiet for over a day are cleared now and then."""
    from lpt_desktop.central.db import migrate
    from lpt_desktop.central.models import SignInThrottle, utcnow

    url = f"sqlite:///{tmp_path / 'c.db'}"
    migrate(url)
    db = CentralDB(url)
    rules = auth.Settings()
    old = utcnow() - timedelta(days=2)
    try:
        with db.write() as s:
            s.add(SignInThrottle(key="user:gone", failures=2, window_start=old, lockouts=0))
            s.add(SignInThrottle(key="user:locked", failures=0, window_start=old, lockouts=9,
                                 locked_until=utcnow() + timedelta(hours=1)))
        monkeypatch.setattr(auth.secrets, "randbelow", lambda _n: 0)
        with db.write() as s:
            auth.record_failure(s, rules, "someone", "10.0.0.1")
        with db.read() as s:
            keys = set(s.scalars(select(SignInThrottle.key)))
    finally:
        db.dispose()
    assert keys == {"user:locked", "user:someone", "addr:10.0.0.1"}
