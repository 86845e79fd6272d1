"""A real `lpt-central serve` process on 127.0.0.1 for tests, benches and fault-injection runs.

    with central_database("sqlite", tmp_path) as url:          # or "postgresql" (skips if unreachable)
        server = CentralServer(url).start()                      # a free port; waits for /health
        server.add_user("om1", role="offender_manager", team="Preston")
        server.allocate(person_id, "om1")
        ... server.url ...
        server.kill(); server.start()                            # same port, same database
        server.stop()
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from lpt_desktop.central import service
from lpt_desktop.central.auth import hash_password
from lpt_desktop.central.db import CentralDB, migrate
from lpt_desktop.central.models import User

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PASSWORD = "correct-horse-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_reason() -> str | None:
    """None if PostgreSQL answers on 127.0.0.1:5432, else why not (shown as the skip reason)."""
    try:
        import psycopg

        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001 - any failure means the PostgreSQL tests cannot run
        return f"PostgreSQL is not reachable on 127.0.0.1:5432 as postgres ({type(exc).__name__}): " \
               "start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`"


@contextlib.contextmanager
def central_database(backend: str, tmp: Path) -> Iterator[str]:
    """A new, empty, migrated central database; PostgreSQL ones get a unique name and are dropped after."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp / f'central-{uuid.uuid4().hex[:8]}.db'}"
        migrate(url)
        yield url
        return
    reason = pg_reason()
    if reason:
        pytest.skip(reason)
    import psycopg

    name = f"lpt_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    try:
        migrate(url)
        yield url
    finally:
        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _command() -> list[str]:
    script = Path(sys.executable).with_name("lpt-central")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lpt_desktop.central"]


class CentralServer:
    """One `lpt-central serve` subprocess; admin helpers work on its database directly (as the CLI does)."""

    # Every test laptop and the schema fuzz sign in from 127.0.0.1, which is one address to the throttle: the
    # shared test servers raise its per-address limit (tests/central/test_throttle.py starts servers with the
    # real one). Anything else in `options` goes to `lpt-central serve` as it is.
    TEST_OPTIONS = ("--address-attempts", "100000")

    def __init__(self, url: str, port: int | None = None, workers: int = 1, log: Path | None = None,
                 options: tuple[str, ...] = TEST_OPTIONS) -> None:
        self.db_url = url
        self.port = port or free_port()
        self.workers = workers
        self.options = options
        self.proc: subprocess.Popen | None = None
        self.log = log
        self._db: CentralDB | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def db(self) -> CentralDB:
        if self._db is None:
            self._db = CentralDB(self.db_url, pool_size=2)
        return self._db

    def start(self, timeout: float = 20.0) -> CentralServer:
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
        env = {k: v for k, v in os.environ.items() if not k.startswith("LPT_")}
        self.proc = subprocess.Popen([*_command(), "serve", "--db", self.db_url, "--host", "127.0.0.1",
                                      "--port", str(self.port), "--workers", str(self.workers), *self.options],
                                     stdout=out, stderr=out, env=env, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"lpt-central exited with {self.proc.returncode}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1.0).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("lpt-central did not start in time")

    def kill(self) -> None:
        """SIGKILL the server (and its workers): a crash, not a shutdown."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None
        if self._db is not None:
            self._db.dispose()
            self._db = None

    # -- administration (same code paths as `lpt-central user add` / `allocate` / `restrict`) ---------
    def add_user(self, username: str, role: str = "offender_manager", team: str | None = "Preston",
                 court: str | None = None, password: str = PASSWORD, name: str = "") -> str:
        with self.db.write() as s:
            s.add(User(username=username, password_hash=hash_password(password), display_name=name or username,
                       role=role, team=team, court=court))
        return username

    def allocate(self, person_id: str, officer: str, court: str | None = None) -> int:
        with self.db.write() as s:
            return service.allocate(s, person_id, officer, court)

    def restrict(self, person_id: str, staff: list[str]) -> int:
        with self.db.write() as s:
            return service.restrict(s, person_id, staff)


def have_postgres_tools() -> bool:
    return shutil.which("pg_isready") is not None


@contextlib.contextmanager
def sqlite_central(tmp: Path) -> Iterator[CentralServer]:
    """A running `lpt-central` on a new SQLite database in `tmp` (its log beside it), stopped afterwards."""
    with central_database("sqlite", tmp) as url:
        server = CentralServer(url, log=tmp / "server.log").start()
        try:
            yield server
        finally:
            server.stop()
