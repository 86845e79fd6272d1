"""Central store throughput on PostgreSQL: syncs a second from 200 simulated laptops for 30 s, against the same
server's /health requests a second in the same run (the HTTP floor: what the server, the clients and the machine
manage when a request does no work at all).

- central-load: 200 officers (bench/soak.py's set-up: one case each, a person and 20 contacts), each an asyncio
  httpx client syncing back to back for the window: push 3 changes (two new contacts and an edit), pull every
  page after its cursor, verify counts and checksums. Goal: at least half the floor's rate, with no errors.
- a sync with nothing new: a real laptop (sync/engine.sync_once, whose client the caseload keeps between syncs)
  syncing again with nothing to send or receive, on the idle server. Goal: one request, as cheap as /health
  (the sync's request time, median, at most twice a /health round trip's, plus 5 ms).

`--quick` runs 5 s windows with 50 officers. The load generator runs beside the server on the same CPUs.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from bench.common import Context, Result, fmt_s, goal_line, say
from bench.soak import Officer, setup
from tests.sync.server import PASSWORD, CentralServer, central_database, pg_reason

OFFICERS, WINDOW_S, CONTACTS = 200, 30.0, 20
GOAL_SHARE = 0.5  # syncs a second, as a share of /health requests a second
GOAL_QUIET_VS_HEALTH = 2.0  # a sync with nothing new: median request time at most this many /health round trips


async def _closed_loop(n: int, window: float, step: Any) -> tuple[int, float, list[str]]:
    """n workers, each calling `await step(i)` back to back until the window ends: (completed, seconds, errors)."""
    done = 0
    errors: list[str] = []
    deadline = time.perf_counter() + window

    async def worker(i: int) -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            try:
                await step(i)
                done += 1
            except Exception as exc:  # noqa: BLE001 - counted and reported
                errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(n)))
    return done, time.perf_counter() - t0, errors


async def _load(url: str, people: list[dict], window: float) -> dict[str, Any]:
    officers = [Officer(p["username"], p["person_id"]) for p in people]
    limits = httpx.Limits(max_connections=len(officers) + 10, max_keepalive_connections=len(officers) + 10)
    async with httpx.AsyncClient(base_url=url, timeout=120.0, limits=limits) as http:
        sem = asyncio.Semaphore(50)

        async def sign_in(o: Officer) -> None:
            async with sem:
                await o.sign_in([http])

        await asyncio.gather(*(sign_in(o) for o in officers))

        async def health(_i: int) -> None:
            r = await http.get("/health")
            r.raise_for_status()

        requests: list[tuple[str, float]] = []

        async def sync(i: int) -> None:
            await officers[i].sync([http], requests)

        floor = await _closed_loop(len(officers), window, health)
        syncs = await _closed_loop(len(officers), window, sync)
    return {"floor": floor, "syncs": syncs, "requests": requests}


def _quiet_sync(server: CentralServer, tmp: Path, runs: int) -> tuple[list[int], list[float], list[float]]:
    """A real laptop syncing with nothing new: requests per sync, the time of its requests (the laptop's own work
    is not the server's cost), and /health round trips from the same process for comparison."""
    from lpt_desktop.store.database import Database
    from lpt_desktop.sync import engine
    from lpt_desktop.sync.client import SyncClient
    from tests.sync.scenario import PASSPHRASE, new_laptop_file

    officer = server.add_user(f"quiet-{uuid.uuid4().hex[:6]}")
    path = tmp / f"{uuid.uuid4().hex[:8]}.lptdb"
    new_laptop_file(path)
    db = Database.open(path, PASSPHRASE)
    counted: list[str] = []
    timed: list[float] = []
    send = SyncClient._send

    def timed_send(self: SyncClient, method: str, path: str, **kw: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return send(self, method, path, **kw)
        finally:
            timed.append(time.perf_counter() - t0)

    try:
        engine.enrol(db, server.url, officer, PASSWORD)
        engine.sync_once(db)  # settles what enrolment left (a first verification, the kept client)
        per_sync, times, health = [], [], []
        with httpx.Client(base_url=server.url) as plain:
            for _ in range(runs):
                counted.clear()
                timed.clear()
                SyncClient._send = timed_send  # type: ignore[method-assign]
                try:
                    with engine.counting_requests(counted.append):
                        result = engine.sync_once(db)
                finally:
                    SyncClient._send = send  # type: ignore[method-assign]
                times.append(sum(timed))
                if result.finished_at is None or not result.verified:
                    raise RuntimeError(f"the quiet sync did not finish verified: {result}")
                per_sync.append(len(counted))
                t0 = time.perf_counter()
                plain.get("/health").raise_for_status()
                health.append(time.perf_counter() - t0)
        say(f"    requests of the last quiet sync: {', '.join(counted) or 'none'}")
        return per_sync, times, health
    finally:
        engine.forget_client(db)
        db.close()


def bench_central_load(ctx: Context) -> None:
    reason = pg_reason()
    if reason:
        say(f"  skipped: {reason}")
        ctx.add(Result("central-load", "PostgreSQL not reachable", None, note="skipped"))
        return
    officers, window = (50, 5.0) if ctx.quick else (OFFICERS, WINDOW_S)
    tmp = Path(tempfile.mkdtemp(prefix="lpt-bench-load-"))
    with central_database("postgresql", tmp) as url:
        server = CentralServer(url, workers=2, log=tmp / "server.log").start()
        try:
            t0 = time.perf_counter()
            people = setup(server, officers, CONTACTS)
            say(f"  [postgresql] {officers} officers, {officers * (CONTACTS + 1):,} records, server with 2 workers "
                f"(set up in {fmt_s(time.perf_counter() - t0)}, not timed); {window:.0f} s windows")
            out = asyncio.run(_load(server.url, people, window))
            per_sync, times, health = _quiet_sync(server, tmp, 5 if ctx.quick else 15)
        finally:
            server.stop()
    (n_floor, s_floor, e_floor), (n_sync, s_sync, e_sync) = out["floor"], out["syncs"]
    floor, rate = n_floor / s_floor, n_sync / s_sync
    say(f"  /health floor: {n_floor:,} requests in {s_floor:.1f} s = {floor:.0f}/s ({len(e_floor)} errors)")
    say(f"  syncs (push 3, pull, verify): {n_sync:,} in {s_sync:.1f} s = {rate:.1f}/s ({len(e_sync)} errors)")
    for label in ("push", "pull", "verify"):
        xs = [t for lbl, t in out["requests"] if lbl == label]
        if xs:
            say(f"    {label:<6} request: median {fmt_s(statistics.median(xs))}, max {fmt_s(max(xs))} (n={len(xs)})")
    for e in sorted(set(e_floor + e_sync))[:5]:
        say(f"    error: {e}")
    ok = rate >= GOAL_SHARE * floor and not e_sync and not e_floor
    goal_line(f"syncs/s with {officers} clients vs /health/s (the floor)", f">= {GOAL_SHARE:.0%} of the floor", ok,
              f"{rate:.1f}/s = {rate / floor:.0%} of {floor:.0f}/s")
    ctx.add(Result("central-load", f"syncs/s, {officers} clients (floor {floor:.0f} /health/s)", rate, unit="/s",
                   goal=f">= {GOAL_SHARE:.0%} of floor", met=ok, note=f"{rate / floor:.0%} of floor"))
    quiet, h = statistics.median(times), statistics.median(health)
    say(f"  a sync with nothing new: {max(per_sync)} request(s) each, taking {fmt_s(quiet)} (median) "
        f"(a /health round trip: {fmt_s(h)}; {len(times)} syncs)")
    ok = max(per_sync) == 1 and quiet <= GOAL_QUIET_VS_HEALTH * h + 0.005
    goal_line("a sync with nothing new", f"1 request, <= {GOAL_QUIET_VS_HEALTH:.0f}x /health", ok,
              f"{max(per_sync)} request(s), {fmt_s(quiet)} vs {fmt_s(h)}")
    ctx.add(Result("central-load", "a sync with nothing new (requests, time)", quiet,
                   goal="1 request, <= 2x /health", met=ok, note=f"{max(per_sync)} request(s)"))
