"""Many seeded fault runs (the bounded version runs in `make test`: tests/sync/test_faults.py, test_kill.py).

    .venv/bin/python bench/sync_faults.py [--runs 100] [--kill-runs 20] [--backend sqlite|postgresql|both]
                                          [--two-server-runs 40]

Three laptops (every other run four, with cases moving between two officers) edit offline and sync
through tests/sync/faultproxy.py (drops, delays, duplicates, cuts mid-body) against a real lpt-central;
kill runs SIGKILL the server mid-sync and a desktop sync process at random moments. After healing each
run is judged by tests/sync/scenario.py: stalled (an outbox not drained, or no quiet round, within the
bound) or diverged (replicas differ from the server, or a change lost or
applied twice). Prints how many runs were made and how many ended stalled or diverged; exit 1 if any did.
Two-server runs: two `lpt-central serve` processes over one PostgreSQL, the proxy sending each request to
the next in turn (so every laptop's requests alternate between them; tests/central/test_two_servers.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.sync.scenario import Tally  # noqa: E402
from tests.sync.server import CentralServer, central_database, pg_reason  # noqa: E402
from tests.sync.test_faults import fault_run  # noqa: E402
from tests.sync.test_kill import KILLS_PER_RUN, desktop_kill_run, server_kill_run  # noqa: E402


def _guarded(tally: Tally, seed: int, fn, *args) -> tuple | None:  # noqa: ANN001
    """One run; a run that crashes (the harness, or a server that will not start) is counted, not fatal."""
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - reported with the tally
        tally.runs += 1
        tally.crashed += 1
        tally.details.append(f"seed {seed}: CRASHED {type(exc).__name__}: {str(exc)[:200]}")
        print(f"    seed {seed}: CRASHED {type(exc).__name__}: {str(exc)[:200]}", flush=True)
        return None


def run_backend(backend: str, runs: int, kill_runs: int, seed0: int) -> list[tuple[str, Tally]]:
    tmp = Path(tempfile.mkdtemp(prefix=f"lpt-faults-{backend}-"))
    out = []
    with central_database(backend, tmp) as url:
        server = CentralServer(url, log=tmp / "server.log").start()
        try:
            proxy_tally = Tally()
            t0 = time.perf_counter()
            for i in range(runs):
                seed = seed0 + i
                done = _guarded(proxy_tally, seed, fault_run, server, tmp, seed, 3, 1.0 + (i % 3) * 0.5, None,
                                i % 2 == 1)
                if done is None:
                    continue
                verdict, world, faults = done
                proxy_tally.add(seed, verdict, world, faults)
                if verdict.stalled or verdict.diverged:
                    print(f"    seed {seed}: {verdict}", flush=True)
                if (i + 1) % 10 == 0:
                    print(f"    {i + 1}/{runs} proxy runs ({time.perf_counter() - t0:.0f} s)", flush=True)
            out.append((f"proxy fault runs ({backend})", proxy_tally))
            from lpt_desktop.sync import engine

            engine.PUSH_BATCH = engine.PULL_PAGE = 10  # many commit points for the kills
            server_tally, desktop_tally = Tally(), Tally()
            for i in range(kill_runs):
                seed = seed0 + 50_000 + i
                done = _guarded(server_tally, seed, server_kill_run, server, tmp, seed)
                if done is not None:
                    server_tally.add(seed, done[0], done[1], KILLS_PER_RUN)
                if server.proc is None or server.proc.poll() is not None:
                    server.start()
                done = _guarded(desktop_tally, seed, desktop_kill_run, server, tmp, seed)
                if done is not None:
                    desktop_tally.add(seed, done[0], done[1], KILLS_PER_RUN)
            if kill_runs:
                out.append((f"server kill runs ({backend})", server_tally))
                out.append((f"desktop kill runs ({backend})", desktop_tally))
        finally:
            server.stop()
    return out


def run_two_servers(runs: int, seed0: int) -> list[tuple[str, Tally]]:
    """Fault runs through a round-robin proxy over two servers sharing one PostgreSQL database."""
    from collections import Counter

    tmp = Path(tempfile.mkdtemp(prefix="lpt-faults-two-"))
    tally, sent = Tally(), Counter[int]()
    with central_database("postgresql", tmp) as url:
        one = CentralServer(url, log=tmp / "server-1.log").start()
        two = CentralServer(url, log=tmp / "server-2.log").start()
        try:
            t0 = time.perf_counter()
            for i in range(runs):
                seed = seed0 + 90_000 + i
                done = _guarded(tally, seed, fault_run, one, tmp, seed, 3, 1.0 + (i % 3) * 0.5, None, i % 2 == 1,
                                [one.url, two.url], sent)
                if done is None:
                    continue
                verdict, world, faults = done
                tally.add(seed, verdict, world, faults)
                if verdict.stalled or verdict.diverged:
                    print(f"    seed {seed}: {verdict}", flush=True)
                if (i + 1) % 10 == 0:
                    print(f"    {i + 1}/{runs} two-server runs ({time.perf_counter() - t0:.0f} s)", flush=True)
        finally:
            two.stop()
            one.stop()
    print(f"    requests sent to server 1: {sent[0]}, server 2: {sent[1]}", flush=True)
    return [("proxy fault runs over two servers (postgresql)", tally)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=100, help="proxy fault runs per backend")
    ap.add_argument("--kill-runs", type=int, default=10, help="server-kill and desktop-kill runs per backend")
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--seed", type=int, default=10_000)
    ap.add_argument("--two-server-runs", type=int, default=0,
                    help="proxy fault runs over two servers sharing one PostgreSQL (needs PostgreSQL)")
    args = ap.parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and pg_reason():
        print(f"PostgreSQL skipped: {pg_reason()}")
        backends.remove("postgresql")
    started = time.perf_counter()
    results = []
    for backend in backends:
        print(f"== {backend}: {args.runs} proxy fault runs, {args.kill_runs} server-kill and desktop-kill runs "
              f"({KILLS_PER_RUN} kills each)", flush=True)
        results.extend(run_backend(backend, args.runs, args.kill_runs, args.seed))
    if args.two_server_runs and not pg_reason():
        print(f"== two servers over one PostgreSQL: {args.two_server_runs} proxy fault runs, requests alternating",
              flush=True)
        results.extend(run_two_servers(args.two_server_runs, args.seed))
    print()
    bad = 0
    for label, tally in results:
        print(tally.line(label))
        for d in tally.details:
            print(f"    {d}")
        bad += tally.stalled + tally.diverged + tally.crashed
    total = sum(t.runs for _, t in results)
    print(f"total: {total} randomised runs, {sum(t.stalled for _, t in results)} stalled, "
          f"{sum(t.diverged for _, t in results)} diverged, {sum(t.crashed for _, t in results)} crashed, "
          f"in {time.perf_counter() - started:.0f} s")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
