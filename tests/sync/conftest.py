"""Fixtures: a real central server (SQLite and PostgreSQL), real encrypted laptops that enrol and sync.

`central` is one `lpt-central serve` process per backend per test module (tests isolate themselves with
their own user names); `laptop_factory(name)` makes a fresh encrypted caseload file.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from lpt_desktop.services import sync as sync_service
from lpt_desktop.services.unlock import install_hooks
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE
from tests.sync.server import PASSWORD, CentralServer, central_database


@pytest.fixture(autouse=True, scope="session")
def outbox_hook() -> None:
    """The laptops here are opened with Database directly: install the outbox hook as unlocking would."""
    install_hooks()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def central(request, tmp_path_factory) -> Iterator[CentralServer]:
    tmp = tmp_path_factory.mktemp(f"central-{request.param}")
    with central_database(request.param, tmp) as url:
        server = CentralServer(url, log=tmp / "server.log").start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:8]


class Laptop:
    """One officer's encrypted caseload file, enrolled with the central server."""

    def __init__(self, db: Database, server: CentralServer, username: str) -> None:
        self.db, self.server, self.username = db, server, username

    def enrol(self, **kw):
        return sync_service.enrol(self.db, self.server.url, self.username, PASSWORD, **kw)

    def sync(self, **kw):
        return sync_service.sync_now(self.db, **kw)


@pytest.fixture
def laptop_factory(tmp_path, central) -> Iterator:
    made: list[Database] = []

    def make(username: str, enrol: bool = True) -> Laptop:
        install_hooks()
        db = Database.create(tmp_path / f"{username}-{len(made)}.lptdb", PASSPHRASE, KdfParams.fast())
        made.append(db)
        lap = Laptop(db, central, username)
        if enrol:
            lap.enrol()
        return lap

    yield make
    for db in made:
        db.close()
