"""Sync on loopback against a real `lpt-central` process (SQLite, and PostgreSQL when it answers):

- sync-push-pull: one laptop pushes 1,000 changes (a new case and 999 contacts), another laptop of the same
  officer pulls them (goal: push + pull under 2 s, the issue's own target);
- sync-first-download: enrolment of a fresh laptop whose officer holds a 60-case caseload with its history,
  about 60,000 records (goal under 5 s): sign-in, paged pull, verification, as the officer's first sync. The
  split is printed: sign-in, pages served (request time, overlapping the laptop's work: the next page is
  fetched while one is applied), applied on the laptop, verification; with the laptop's and the server's CPU.

Each run uses fresh laptops (copies of one empty encrypted caseload) and fresh officers on one server.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from bench.common import BENCH_PASSPHRASE, BENCH_TODAY, Context, Result, fmt_s, goal_line, say
from lpt_desktop.central import service
from lpt_desktop.central.models import Counter, Record
from lpt_desktop.services.demo import DemoSpec, create_demo
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Contact, Person
from lpt_desktop.sync import apply, engine
from lpt_desktop.sync import kinds as registry
from lpt_desktop.sync.client import SyncClient
from tests.sync.scenario import PASSPHRASE, new_laptop_file
from tests.sync.server import PASSWORD, CentralServer, central_database, pg_reason

GOAL_PUSH_PULL_S = 2.0
GOAL_FIRST_DOWNLOAD_S = 5.0
CHANGES = 1_000


def _backends() -> list[str]:
    reason = pg_reason()
    if reason:
        say(f"  PostgreSQL skipped: {reason}")
        return ["sqlite"]
    return ["sqlite", "postgresql"]


class _Servers:
    """One server per backend for the whole benchmark (a context manager over central_database)."""

    def __init__(self, backend: str, tmp: Path) -> None:
        self.backend, self.tmp = backend, tmp

    def __enter__(self) -> CentralServer:
        self._db = central_database(self.backend, self.tmp)
        url = self._db.__enter__()
        self.server = CentralServer(url, log=self.tmp / f"server-{self.backend}.log").start()
        return self.server

    def __exit__(self, *exc: object) -> None:
        self.server.stop()
        self._db.__exit__(*exc)


def _laptop(tmp: Path, server: CentralServer, username: str) -> Database:
    path = tmp / f"{uuid.uuid4().hex[:8]}.lptdb"
    new_laptop_file(path)
    db = Database.open(path, PASSPHRASE)
    engine.enrol(db, server.url, username, PASSWORD)
    return db


def _push_pull_once(tmp: Path, server: CentralServer) -> tuple[float, float, int, int]:
    officer = server.add_user(f"bench-{uuid.uuid4().hex[:8]}")
    a, b = _laptop(tmp, server, officer), _laptop(tmp, server, officer)
    try:
        with a.write() as s:
            p = Person(crn=f"B{uuid.uuid4().int % 1_000_000:06d}", first_name="Bench", last_name="Case",
                       date_of_birth=BENCH_TODAY.replace(year=1990), tier="C2")
            s.add(p)
            s.flush()
            for i in range(CHANGES - 1):
                s.add(Contact(person_id=p.id, type_code="COAP", starts_at=datetime(2025, 1, 6, 9, 0),
                              outcome="ATTC", notes=f"Contact {i}: reporting, discussed work and housing"))
        with engine.client_for(a) as ca, engine.client_for(b) as cb:
            ca.refresh()
            cb.refresh()  # signed in already: time the sync, not the token
            pushed, pulled = engine.SyncResult(), engine.SyncResult()
            t0 = time.perf_counter()
            engine.push(a, ca, pushed)
            t1 = time.perf_counter()
            engine.pull(b, cb, pulled)
            t2 = time.perf_counter()
        return t1 - t0, t2 - t1, pushed.applied, pulled.pulled
    finally:
        a.close()
        b.close()


def _load_caseload(tmp: Path, server: CentralServer, officer: str, spec: DemoSpec) -> int:
    """Put a demo caseload on the server as if its laptop had pushed it: allocations first, then every record of
    every registered kind with its own version (bulk insert; the timed part is the download)."""
    demo = create_demo(tmp / f"source-{uuid.uuid4().hex[:6]}.lptdb", BENCH_PASSPHRASE, spec, kdf=KdfParams.fast())
    try:
        with demo.read() as s:
            people = list(s.scalars(select(Person.id)))
        with server.db.write() as cs:
            for pid in people:
                service.allocate(cs, pid, officer)
        rows: list[dict] = []
        with demo.read() as s:
            for kind in registry.kinds():
                for obj in s.scalars(select(kind.model)):
                    person_id = kind.person_id(s, obj)
                    rows.append({"kind": kind.name, "record_id": kind.record_id(obj),
                                 "person_id": person_id, "owner": officer, "deleted": False,
                                 "data": kind.to_data(obj), "updated_by": officer})
        with server.db.write() as cs:
            start = cs.execute(select(Counter.value).where(Counter.id == 1).with_for_update()).scalar_one()
            for i, row in enumerate(rows, start=1):
                row["version"] = start + i
            for i in range(0, len(rows), 2000):
                cs.execute(insert(Record), rows[i:i + 2000])
            cs.execute(update(Counter).where(Counter.id == 1).values(value=start + len(rows)))
        # The load went straight into the table: give the planner the statistics a live store has (PostgreSQL's
        # autovacuum analyses a table this changed within a minute or so; without them it sorts the whole
        # caseload on disk for every page).
        with server.db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
        return len(rows)
    finally:
        demo.close()


def _cpu_of(pid: int) -> float:
    """CPU seconds used so far by a process and its children (the server and its workers), from /proc."""
    total = 0
    try:
        children = open(f"/proc/{pid}/task/{pid}/children").read().split()  # noqa: SIM115
        for p in [pid, *map(int, children)]:
            fields = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
            total += int(fields[11]) + int(fields[12])
    except OSError:
        return float("nan")
    return total / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def _split() -> Iterator[dict[str, list[float]]]:
    """Wall seconds (and calls) spent in each step of a download, by wrapping the steps while it runs."""
    spent: dict[str, list[float]] = {}
    saved: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, name: str, label: str) -> None:
        fn: Callable[..., Any] = getattr(owner, name)

        def timed(*a: Any, **kw: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                row = spent.setdefault(label, [0.0, 0])
                row[0] += time.perf_counter() - t0
                row[1] += 1

        saved.append((owner, name, fn))
        setattr(owner, name, timed)

    wrap(SyncClient, "sign_in", "sign-in")
    wrap(SyncClient, "pull", "pages served")
    wrap(engine, "pull", "pull")
    wrap(apply, "apply_items", "applied on the laptop")
    wrap(engine, "verify", "verification")
    try:
        yield spent
    finally:
        for owner, name, fn in reversed(saved):
            setattr(owner, name, fn)


def _first_download(tmp: Path, server: CentralServer, officer: str) -> tuple[float, int, bool, dict[str, Any]]:
    path = tmp / f"{uuid.uuid4().hex[:8]}.lptdb"
    new_laptop_file(path)
    db = Database.open(path, PASSPHRASE)
    try:
        pid = server.proc.pid if server.proc is not None else 0
        with _split() as spent:
            s0, c0, t0 = _cpu_of(pid), time.process_time(), time.perf_counter()
            result = engine.enrol(db, server.url, officer, PASSWORD)
            wall = time.perf_counter() - t0
            spent["laptop CPU"] = [time.process_time() - c0, 1]
            spent["server CPU"] = [_cpu_of(pid) - s0, 1]
        return wall, result.pulled, result.verified, spent
    finally:
        db.close()


def _say_split(wall: float, spent: dict[str, list[float]]) -> None:
    def s(label: str) -> str:
        return fmt_s(spent.get(label, [0.0, 0])[0])

    pages = int(spent.get("pages served", [0.0, 0])[1])
    say(f"    split of the median run ({fmt_s(wall)}): sign-in {s('sign-in')}; pull {s('pull')}: {pages} pages "
        f"served in {s('pages served')} (requests; the next is fetched while one is applied), applied on the "
        f"laptop {s('applied on the laptop')}; verification {s('verification')}; "
        f"CPU: laptop {s('laptop CPU')}, server {s('server CPU')}")


def bench_sync(ctx: Context) -> None:
    runs = min(ctx.runs, 3 if ctx.quick else 5)
    tmp = Path(tempfile.mkdtemp(prefix="lpt-bench-sync-"))
    for backend in _backends():
        with _Servers(backend, tmp) as server:
            say(f"  [{backend}] server {server.url}")
            _push_pull_once(tmp, server)  # warm-up
            samples = [_push_pull_once(tmp, server) for _ in range(runs)]
            push = statistics.median(s[0] for s in samples)
            pull = statistics.median(s[1] for s in samples)
            total = statistics.median(s[0] + s[1] for s in samples)
            n_push, n_pull = samples[0][2], samples[0][3]
            say(f"  push {n_push} changes: {fmt_s(push)}; pull {n_pull}: {fmt_s(pull)} "
                f"(median of {runs}; totals min {fmt_s(min(s[0] + s[1] for s in samples))}, "
                f"max {fmt_s(max(s[0] + s[1] for s in samples))})")
            ok = total < GOAL_PUSH_PULL_S and n_push == CHANGES and n_pull == CHANGES
            goal_line(f"push + pull {CHANGES:,} changes ({backend})", f"< {GOAL_PUSH_PULL_S:.0f} s", ok, fmt_s(total))
            ctx.add(Result("sync-push-pull", f"push {CHANGES:,} changes ({backend})", push))
            ctx.add(Result("sync-push-pull", f"pull {CHANGES:,} changes ({backend})", pull))
            ctx.add(Result("sync-push-pull", f"push + pull {CHANGES:,} ({backend})", total,
                           goal=f"< {GOAL_PUSH_PULL_S:.0f} s", met=ok))

            spec = DemoSpec(cases=60, contacts_per_case=200 if ctx.quick else 950, seed=1, today=BENCH_TODAY)
            officer = server.add_user(f"bench-load-{uuid.uuid4().hex[:6]}")
            t0 = time.perf_counter()
            records = _load_caseload(tmp, server, officer, spec)
            say(f"  caseload on the server: {spec.cases} cases, {records:,} records "
                f"(loaded in {fmt_s(time.perf_counter() - t0)}, not timed)")
            downloads = [_first_download(tmp, server, officer) for _ in range(max(1, min(runs, 3)))]
            first = statistics.median(d[0] for d in downloads)
            pulled, verified = downloads[0][1], all(d[2] for d in downloads)
            say(f"  first download: {pulled:,} records in {fmt_s(first)} (median of {len(downloads)}, "
                f"min {fmt_s(min(d[0] for d in downloads))}, max {fmt_s(max(d[0] for d in downloads))}); "
                f"verified {verified}")
            median_run = sorted(downloads, key=lambda d: d[0])[len(downloads) // 2]
            _say_split(median_run[0], median_run[3])
            ok = first < GOAL_FIRST_DOWNLOAD_S and verified and pulled >= records
            goal_line(f"first download of {records:,} records ({backend})", f"< {GOAL_FIRST_DOWNLOAD_S:.0f} s", ok,
                      fmt_s(first))
            ctx.add(Result("sync-first-download", f"enrol + {records:,} records ({backend})", first,
                           goal=f"< {GOAL_FIRST_DOWNLOAD_S:.0f} s", met=ok))
