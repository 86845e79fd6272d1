"""A push larger than the central store's body limit is split until it fits (a real server with a small limit)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lpt_desktop.services import sync as sync_service
from lpt_desktop.services.unlock import install_hooks
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Contact
from lpt_desktop.sync.client import Refused
from tests.conftest import PASSPHRASE
from tests.sync.cases import add_contact, ids, new_person
from tests.sync.server import PASSWORD, CentralServer, central_database

LIMIT = 40_000  # bytes: about eight of the long notes below


@pytest.fixture(scope="module")
def small_server(tmp_path_factory) -> Iterator[CentralServer]:
    with central_database("sqlite", tmp_path_factory.mktemp("split")) as url:
        server = CentralServer(url, options=(*CentralServer.TEST_OPTIONS, "--max-body", str(LIMIT))).start()
        try:
            yield server
        finally:
            server.stop()


def _laptop(tmp_path: Path, server: CentralServer, name: str) -> Database:
    install_hooks()
    username = server.add_user(name)
    db = Database.create(tmp_path / f"{name}.lptdb", PASSPHRASE, KdfParams.fast())
    sync_service.enrol(db, server.url, username, PASSWORD)
    return db


def test_a_push_over_the_body_limit_is_split_and_every_change_arrives(tmp_path, small_server):
    db = _laptop(tmp_path, small_server, "split1")
    try:
        pid = new_person(db, "Long")
        made = {add_contact(db, pid, f"{n}: " + "Discussed accommodation and work at length. " * 110)
                for n in range(30)}  # about 5 KB each: 150 KB in all, nearly four times the limit
        result = sync_service.sync_now(db)
        assert result.pushed == 31 and result.waiting == 0 and result.verified
        assert sync_service.sync_status(db).waiting_changes == 0
        other = _laptop(tmp_path, small_server, "split1b")
        try:
            small_server.allocate(pid, "split1b")
            sync_service.sync_now(other)
            assert made <= ids(other, Contact)
        finally:
            other.close()
    finally:
        db.close()


def test_one_change_over_the_limit_stays_unsent_and_is_named(tmp_path, small_server):
    db = _laptop(tmp_path, small_server, "split2")
    try:
        pid = new_person(db, "Huge")
        add_contact(db, pid, "A very long note. " * 3000)  # 54 KB in one change: no split can make it fit
        with pytest.raises(Refused) as caught:
            sync_service.sync_now(db)
        assert caught.value.status == 413 and "larger than the central store accepts" in str(caught.value)
        # The person went (a batch of one), the contact did not: it is still waiting, never dropped.
        assert sync_service.sync_status(db).waiting_changes == 1
    finally:
        db.close()
