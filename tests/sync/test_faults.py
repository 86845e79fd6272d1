"""Seeded fault runs: three laptops edit offline and sync through a proxy that drops, delays, duplicates
and cuts requests and responses (mid-body too). After healing, every outbox drains within a bound, every
replica equals the server, nothing is lost or applied twice, and every concurrent edit of one field is a
conflict every officer holding the case can see (invariants: tests/sync/scenario.py).

`make test` runs a bounded number of seeds per backend (LPT_FAULT_RUNS; default 5 on SQLite, 3 on
PostgreSQL); `make soak` runs many more (bench/sync_faults.py). The tally is printed: runs, stalled, diverged.
"""

from __future__ import annotations

import os
import random
from collections import Counter

from tests.sync.faultproxy import FaultPlan, FaultProxy
from tests.sync.scenario import Tally, World, run_faulty

RUNS = os.environ.get("LPT_FAULT_RUNS")


def fault_run(server, tmp, seed: int, rounds: int = 3, level: float = 1.0, kill=None, moves: bool = False,
              upstreams: list[str] | None = None, sent: Counter[int] | None = None) -> tuple:
    """upstreams: several servers over one database, the proxy sending requests to each in turn (`sent` gets
    how many requests each was sent)."""
    rng = random.Random(seed)
    with FaultProxy(upstreams or server.url, seed=seed) as proxy:
        world = World(server, tmp, rng, url=proxy.url, timeout=1.0, moves=moves)
        try:
            world.enrol_all()
            world.seed_cases(2)
            for name in world.laps:  # everyone starts from the same caseload
                world.sync(name)
            world.sync("A")
            plan = FaultPlan.flaky(level)
            run_faulty(world, proxy, plan, rounds, kill=kill)
            verdict = world.heal()
            if sent is not None:
                sent.update(proxy.per_upstream)
            return verdict, world, proxy.faults
        finally:
            world.close()


def test_seeded_fault_runs_drain_converge_and_lose_nothing(central, tmp_path, capsys):
    tally = Tally()
    sqlite = central.db_url.startswith("sqlite")
    runs = int(RUNS or (5 if sqlite else 3))
    base = 1000 if sqlite else 2000
    for seed in range(base, base + runs):
        verdict, world, faults = fault_run(central, tmp_path, seed)
        tally.add(seed, verdict, world, faults)
    with capsys.disabled():
        print("\n" + tally.line(f"fault runs ({central.db_url.split(':')[0]})"))
    assert tally.faults > runs * 3, "the proxy injected almost no faults: the test proves nothing"
    assert tally.stalled == 0 and tally.diverged == 0, "\n".join(tally.details)


def test_seeded_fault_runs_with_cases_moving_between_officers(central, tmp_path, capsys):
    """A fourth laptop (a second offender manager): cases move between the two while both edit offline.
    A moved case leaves the old laptop once its changes are pushed; each laptop ends with exactly its scope."""
    tally, moves = Tally(), 0
    sqlite = central.db_url.startswith("sqlite")
    runs = int(RUNS or (2 if sqlite else 1))
    base = 7000 if sqlite else 8000
    for seed in range(base, base + runs):
        verdict, world, faults = fault_run(central, tmp_path, seed, moves=True)
        tally.add(seed, verdict, world, faults)
        moves += world.moves
    with capsys.disabled():
        print("\n" + tally.line(f"fault runs with case moves ({central.db_url.split(':')[0]})") + f"; {moves} moves")
    assert moves > 0
    assert tally.stalled == 0 and tally.diverged == 0, "\n".join(tally.details)


def test_a_partition_mid_sync_then_healing_drains_the_outbox(central, tmp_path, monkeypatch):
    """The cable pulled while a laptop pushes a long outbox, just after the server applied a batch whose answer
    never arrives: the next syncs finish the job, exactly once."""
    from lpt_desktop.sync import engine

    monkeypatch.setattr(engine, "PUSH_BATCH", 50)
    rng = random.Random(7)
    with FaultProxy(central.url, seed=7) as proxy:
        world = World(central, tmp_path, rng, url=proxy.url, timeout=1.0)
        try:
            world.enrol_all()
            world.seed_cases(3)
            for _ in range(250):
                world.random_op("A")
            for _ in range(30):
                world.random_op("B")
            proxy.partition_after = proxy.stats["forwarded"] + 3  # sign-in, two batches: the second's answer is lost
            assert world.sync("A") is None
            assert 0 < world.waiting("A") < world.max_seq["A"]
            proxy.heal()
            verdict = world.heal()
            assert not verdict.stalled and not verdict.diverged, str(verdict)
        finally:
            world.close()


SINGLE_FAULTS = {"every request twice": FaultPlan(duplicate=1.0),
                 "half the answers lost": FaultPlan(drop_response=0.5),
                 "half the answers cut": FaultPlan(cut_response=0.5),
                 "half the requests cut": FaultPlan(cut_request=0.5)}


def test_each_fault_alone(central, tmp_path):
    rng = random.Random(11)
    with FaultProxy(central.url, seed=11) as proxy:
        world = World(central, tmp_path, rng, url=proxy.url, timeout=1.0)
        try:
            world.enrol_all()
            world.seed_cases(2)
            for name in world.laps:
                world.sync(name)
            for label, plan in SINGLE_FAULTS.items():
                before = proxy.faults
                run_faulty(world, proxy, plan, rounds=1)
                assert proxy.faults > before, label
                verdict = world.heal()
                assert not verdict.stalled and not verdict.diverged, f"{label}: {verdict}"
                world.timeout = 1.0
        finally:
            world.close()
