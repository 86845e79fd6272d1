"""A kept client whose idle connection was closed under it: the next sync goes through on a fresh connection.

The caseload keeps its sync client between syncs (engine.kept_client), and with it an HTTP keep-alive connection.
A server or a proxy lets an idle connection go after its keep-alive timeout; when that close crosses a request
on the wire, the request gets no answer ("server disconnected"). That sync used to fail as offline and only the
next one succeeded. The relay here (a real TCP relay on 127.0.0.1 in front of the real server) closes a
connection when a request arrives on it after it was idle, as such a server does.
"""

from __future__ import annotations

import select
import socket
import threading
import time
import uuid
from datetime import date
from urllib.parse import urlsplit

import pytest

from lpt_desktop.store.models import Person
from lpt_desktop.sync import engine
from lpt_desktop.sync.client import Offline, SyncClient
from tests.sync.server import PASSWORD

IDLE_S = 0.3


class IdleClosingRelay:
    """Relays bytes to the server; a connection that was idle IDLE_S and then carries a new request is closed
    without an answer (the request never reaches the server)."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.closed_idle = 0
        self.connections = 0
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._stop = True
        self.listener.close()

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        upstream = socket.create_connection(self.upstream)
        last, answered = time.monotonic(), False
        try:
            while not self._stop:
                ready, _, _ = select.select([client, upstream], [], [], 1.0)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    if sock is client and answered and time.monotonic() - last > IDLE_S:
                        self.closed_idle += 1
                        return
                    (upstream if sock is client else client).sendall(data)
                    answered = answered or sock is upstream
                    last = time.monotonic()
        finally:
            client.close()
            upstream.close()


@pytest.fixture
def relay(central):
    r = IdleClosingRelay(central.url)
    yield r
    r.close()


def test_a_sync_after_the_kept_connection_was_closed_idle_goes_through(laptop_factory, central, relay, unique):
    officer = central.add_user(f"idle-{unique}")
    lap = laptop_factory(officer, enrol=False)
    engine.enrol(lap.db, relay.url, officer, PASSWORD)
    with lap.db.write() as s:
        s.add(Person(crn=f"I{uuid.uuid4().int % 1_000_000:06d}", first_name="Idle", last_name="Line",
                     date_of_birth=date(1990, 4, 1), tier="C2"))
    assert engine.sync_once(lap.db).verified  # the kept client now holds a live connection to the relay
    time.sleep(IDLE_S * 2)
    opened = relay.connections

    result = engine.sync_once(lap.db)

    assert relay.closed_idle >= 1, "the relay never closed an idle connection: the test proves nothing"
    assert result.verified and result.waiting == 0
    assert relay.connections > opened  # the request went again, on a new connection


def test_signing_in_is_not_sent_twice_when_its_connection_is_closed(central, relay, unique):
    """A refresh the server took whose answer was lost has already rotated the token: it is never resent."""
    officer = central.add_user(f"idle-auth-{unique}")
    client = SyncClient(relay.url)
    try:
        client.sign_in(officer, PASSWORD, f"laptop-{unique}")
        time.sleep(IDLE_S * 2)
        with pytest.raises(Offline):
            client.refresh()
        assert relay.closed_idle == 1
    finally:
        client.close()
