"""Two `lpt-central serve` processes on different ports over one PostgreSQL database, as behind a load balancer.

A round-robin proxy (tests/sync/faultproxy.py, given both servers) sends each request to the next server in turn,
so every laptop's requests alternate between them, and a duplicated request reaches both at once. Through it:

- the seeded fault runs of tests/sync/test_faults.py (drops, cuts, delays, duplicates): 0 stalled, 0 diverged;
- the stateful sync test of tests/sync/test_stateful.py: every example converges;
- the sign-in throttle counts failures made on either server; a refresh token rotated on one server and retried
  on the other gets the same successor, and an older one presented to either revokes the sign-in.

LPT_TWO_SERVER_RUNS (fault runs, default 2), LPT_TWO_SERVER_EXAMPLES (stateful examples, default 1) and
LPT_TWO_SERVER_STEPS (steps per example, default 12) are raised by `make soak`.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from tests.sync.faultproxy import FaultProxy
from tests.sync.scenario import Tally, add_user
from tests.sync.server import PASSWORD, CentralServer, central_database
from tests.sync.test_faults import fault_run
from tests.sync.test_stateful import SEEN, machine_for

RUNS = int(os.environ.get("LPT_TWO_SERVER_RUNS", "2"))
EXAMPLES = int(os.environ.get("LPT_TWO_SERVER_EXAMPLES", "1"))
STEPS = int(os.environ.get("LPT_TWO_SERVER_STEPS", "12"))  # per stateful example (the one-server test takes 20)


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[tuple[CentralServer, CentralServer]]:
    """Two servers, one database, the real sign-in limits (nothing here fails a password but the throttle test)."""
    tmp = tmp_path_factory.mktemp("two-servers")
    with central_database("postgresql", tmp) as url:
        options: tuple[str, ...] = ()
        one = CentralServer(url, log=tmp / "server-1.log", options=options).start()
        try:
            two = CentralServer(url, log=tmp / "server-2.log", options=options).start()
            try:
                yield one, two
            finally:
                two.stop()
        finally:
            one.stop()


def test_fault_runs_alternating_between_two_servers_drain_and_converge(servers, tmp_path, capsys):
    one, two = servers
    tally, sent = Tally(), Counter[int]()
    for seed in range(5000, 5000 + RUNS):
        run = Counter[int]()  # each run's proxy starts its turns at server 1: alternation is checked per run
        verdict, world, faults = fault_run(one, tmp_path, seed, moves=seed % 2 == 1, upstreams=[one.url, two.url],
                                           sent=run)
        assert abs(run[0] - run[1]) <= 1, f"seed {seed}: requests not sent in turn: {dict(run)}"
        sent.update(run)
        tally.add(seed, verdict, world, faults)
    with capsys.disabled():
        print("\n" + tally.line("fault runs over two servers (postgresql)") +
              f"; requests sent to server 1: {sent[0]}, server 2: {sent[1]}")
    assert sent[0] > 50 and sent[1] > 50, sent
    assert tally.faults > RUNS * 3, "the proxy injected almost no faults: the test proves nothing"
    assert tally.stalled == 0 and tally.diverged == 0, "\n".join(tally.details)


def test_stateful_sync_alternating_between_two_servers_converges(servers, tmp_path, capsys):
    one, two = servers
    SEEN.clear()
    with FaultProxy([one.url, two.url]) as balancer:
        run_state_machine_as_test(machine_for(one, tmp_path, url=balancer.url), settings=settings(
            max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, database=None,
            derandomize=not os.environ.get("LPT_STATEFUL_RANDOM"), suppress_health_check=list(HealthCheck)))
        sent = balancer.per_upstream
    with capsys.disabled():
        print(f"\nstateful over two servers (postgresql): {len(SEEN)} examples, {sum(x[0] for x in SEEN)} field "
              f"edits, {sum(x[2] for x in SEEN)} conflicts raised, {sum(x[3] for x in SEEN)} syncs; all converged; "
              f"requests to server 1: {sent[0]}, server 2: {sent[1]}")
    assert sent[0] > 20 and abs(sent[0] - sent[1]) <= 1, sent
    assert len(SEEN) == EXAMPLES


def _sign_in(server: CentralServer, user: str, password: str, address: str) -> httpx.Response:
    return httpx.post(f"{server.url}/auth/token", headers={"X-Forwarded-For": address}, timeout=30,
                      json={"username": user, "password": password, "laptop_id": str(uuid.uuid4())})


def test_the_sign_in_throttle_counts_failures_on_both_servers(servers):
    one, two = servers
    user, address = add_user(one, f"both-{uuid.uuid4().hex[:6]}", "offender_manager", "T"), \
        f"10.9.{uuid.uuid4().int % 250}.7"
    for server in (one, two, one, two, one):  # five failures, split between the servers
        assert _sign_in(server, user, "wrong password", address).status_code == 401
    for server in (one, two):
        r = _sign_in(server, user, PASSWORD, address)
        assert r.status_code == 429 and "Too many failed sign-ins for this account" in r.json()["detail"]
    # Across accounts from one address: ten failures on each server make the twenty.
    spray = f"10.8.{uuid.uuid4().int % 250}.9"
    victims = [add_user(one, f"spr-{uuid.uuid4().hex[:6]}", "offender_manager", "T") for _ in range(21)]
    for i, victim in enumerate(victims[:20]):
        assert _sign_in((one, two)[i % 2], victim, "wrong password", spray).status_code == 401
    for server in (one, two):
        r = _sign_in(server, victims[20], PASSWORD, spray)
        assert r.status_code == 429 and "from this network address" in r.json()["detail"]


def test_a_refresh_token_rotated_on_one_server_is_known_to_the_other(servers):
    one, two = servers
    user, laptop = one.add_user(f"rot2-{uuid.uuid4().hex[:6]}"), str(uuid.uuid4())
    t0 = httpx.post(f"{one.url}/auth/token", json={"username": user, "password": PASSWORD, "laptop_id": laptop},
                    timeout=30).json()["refresh_token"]
    t1 = httpx.post(f"{one.url}/auth/refresh", json={"refresh_token": t0}, timeout=30).json()["refresh_token"]
    retried = httpx.post(f"{two.url}/auth/refresh", json={"refresh_token": t0}, timeout=30)
    assert retried.status_code == 200 and retried.json()["refresh_token"] == t1
    t2 = httpx.post(f"{two.url}/auth/refresh", json={"refresh_token": t1}, timeout=30).json()["refresh_token"]
    # t0 is two generations old now: theft, caught by the server that did not rotate it last.
    assert httpx.post(f"{one.url}/auth/refresh", json={"refresh_token": t0}, timeout=30).status_code == 401
    assert httpx.post(f"{two.url}/auth/refresh", json={"refresh_token": t2}, timeout=30).status_code == 401
