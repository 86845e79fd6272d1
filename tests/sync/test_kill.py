"""Crashes mid-sync: the central server SIGKILLed and restarted while a laptop pushes and pulls, and a
desktop PROCESS (tests/sync/sync_probe.py) SIGKILLed at a random moment of its sync. After healing every
outbox drains, every replica equals the server, and nothing is lost or applied twice
(invariants: tests/sync/scenario.py). Small push batches and pull pages give each sync many commit points.

`make test`: LPT_SERVER_KILL_RUNS and LPT_DESKTOP_KILL_RUNS runs per backend (default 1 each, 3 kills per
run); `make soak` runs many more through bench/sync_faults.py.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time

import pytest

from lpt_desktop.sync import engine
from tests.sync.scenario import PASSPHRASE, Tally, World

SERVER_KILL_RUNS = int(os.environ.get("LPT_SERVER_KILL_RUNS", "1"))
DESKTOP_KILL_RUNS = int(os.environ.get("LPT_DESKTOP_KILL_RUNS", "1"))
KILLS_PER_RUN = 3
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def server_kill_run(server, tmp, seed: int, kills: int = KILLS_PER_RUN) -> tuple:
    rng = random.Random(seed)
    world = World(server, tmp, rng, timeout=3.0)
    landed = 0
    try:
        world.enrol_all()
        world.seed_cases(2)
        for name in world.laps:
            world.sync(name)
        for _ in range(kills):
            for name in world.laps:
                for _ in range(rng.randint(5, 60)):
                    world.random_op(name)
            victim = rng.choice(list(world.laps))
            for name in world.laps:
                if name != victim:
                    world.sync(name)
            timer = threading.Timer(rng.uniform(0.0, 0.4), server.kill)
            timer.start()
            result = world.sync(victim)
            timer.join()
            landed += result is None  # the crash cut the sync (else it finished first)
            server.kill()
            server.start()
        return world.heal(), world, landed
    finally:
        world.close()
        if server.proc is None:
            server.start()


def test_server_killed_and_restarted_mid_sync(central, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(engine, "PUSH_BATCH", 10)
    monkeypatch.setattr(engine, "PULL_PAGE", 10)
    tally, landed = Tally(), 0
    base = 3000 if central.db_url.startswith("sqlite") else 4000
    for seed in range(base, base + SERVER_KILL_RUNS):
        verdict, world, cut = server_kill_run(central, tmp_path, seed)
        tally.add(seed, verdict, world, KILLS_PER_RUN)
        landed += cut
    with capsys.disabled():
        print("\n" + tally.line(f"server kill runs ({central.db_url.split(':')[0]})")
              + f"; {landed} of {tally.faults} kills cut a sync")
    assert landed > 0, "no kill landed mid-sync: the test proves nothing"
    assert tally.stalled == 0 and tally.diverged == 0, "\n".join(tally.details)


class Probe:
    """A desktop process that syncs one laptop when told, to be killed."""

    def __init__(self, path, batch: int = 10) -> None:
        env = {**os.environ, "PYTHONPATH": REPO, "LPT_SYNC_TEST_BATCH": str(batch)}
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.sync.sync_probe", str(path), PASSPHRASE],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=REPO)
        line = self.proc.stdout.readline()
        if not line.startswith("READY"):
            self.proc.kill()
            raise RuntimeError(f"the sync probe did not start: {line!r}")

    def sync_and_kill(self, after: float) -> bool:
        """Tell it to sync, SIGKILL it `after` seconds later; True if it was still syncing when killed."""
        self.proc.stdin.write("GO\n")
        self.proc.stdin.flush()
        time.sleep(after)
        finished = self.proc.poll() is not None
        self.proc.kill()
        out, _ = self.proc.communicate(timeout=10)
        return not (finished or "DONE" in out or "FAILED" in out)


def desktop_kill_run(server, tmp, seed: int, kills: int = KILLS_PER_RUN) -> tuple:
    rng = random.Random(seed)
    world = World(server, tmp, rng, timeout=5.0)
    landed = 0
    try:
        world.enrol_all()
        world.seed_cases(2)
        for name in world.laps:
            world.sync(name)
        for _ in range(kills):
            victim = rng.choice(list(world.laps))
            for name in world.laps:
                for _ in range(rng.randint(5, 40) if name != victim else rng.randint(30, 90)):
                    world.random_op(name)
                if name != victim:
                    world.sync(name)
            world.close(victim)
            probe = Probe(world.laps[victim].path)
            landed += probe.sync_and_kill(rng.uniform(0.0, 1.2))
            world.open_all()
        return world.heal(), world, landed
    finally:
        world.close()


@pytest.mark.timeout(600)
def test_desktop_process_killed_mid_sync(central, tmp_path, capsys):
    tally, landed = Tally(), 0
    base = 5000 if central.db_url.startswith("sqlite") else 6000
    for seed in range(base, base + DESKTOP_KILL_RUNS):
        verdict, world, cut = desktop_kill_run(central, tmp_path, seed)
        tally.add(seed, verdict, world, KILLS_PER_RUN)
        landed += cut
    with capsys.disabled():
        print("\n" + tally.line(f"desktop kill runs ({central.db_url.split(':')[0]})")
              + f"; {landed} of {tally.faults} kills landed mid-sync")
    assert landed > 0, "no kill landed mid-sync: the test proves nothing"
    assert tally.stalled == 0 and tally.diverged == 0, "\n".join(tally.details)
