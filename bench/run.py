"""LPT Desktop benchmarks: `make bench`, or `.venv/bin/python bench/run.py [--only NAME] [--quick]`.

Every figure is printed beside a baseline measured in the same run; goals are ratios or the
issue's own targets, reported as MET / NOT MET. A goal not met does not fail the run; a
benchmark that crashes does (exit status 1), after the others have run.

Adding a benchmark: write `def bench_x(ctx: Context) -> None` that prints its figures and calls
ctx.add(Result(...)) for each row of the final table, then register it in BENCHMARKS below.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `bench` as a package when run as a script
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench import (  # noqa: E402
    bundle_bench,
    central_load_bench,
    court_bench,
    gui_bench,
    integrity_bench,
    practice_bench,
    search_bench,
    standards_bench,
    store_bench,
    sync_bench,
)
from bench.common import Context, Result, fmt_s, print_table, say  # noqa: E402


@dataclass(frozen=True)
class Benchmark:
    title: str
    run: Callable[[Context], None]
    default: bool = True  # run without --only


# The registry: name -> benchmark, run in this order. The GUI entries measure their Qt floors now
# and the app's side as soon as lpt_desktop.gui.app (with main()) can be imported.
BENCHMARKS: dict[str, Benchmark] = {
    "caseload-query": Benchmark(
        "Caseload query at Trust scale: load_caseload vs the same SQL on a plain SQLite copy",
        store_bench.bench_caseload_query),
    "unlock": Benchmark(
        "Unlock cost: Database.open with calibrated key derivation vs the fast parameters",
        store_bench.bench_unlock),
    "cache-sweep": Benchmark(
        "SQLCipher cache_size sweep for load_caseload (tuning aid; engine.CACHE_KIB patched in memory)",
        store_bench.bench_cache_sweep, default=False),
    "integrity": Benchmark(
        "Whole-file check after the paint (every page's HMAC, then quick_check) beside reading the file and "
        "load_caseload",
        integrity_bench.bench_integrity),
    "gui-launch": Benchmark(
        "Launch to unlock prompt vs a bare QApplication with one window",
        gui_bench.bench_launch),
    "gui-unlock-paint": Benchmark(
        "Unlock to caseload painted (60 cases), with and without the key derivation",
        gui_bench.bench_unlock_paint),
    "gui-filter": Benchmark(
        "Filter the caseload view on the Trust-scale database (goal under 50 ms)",
        gui_bench.bench_filter),
    "note-search": Benchmark(
        "Note search at Trust scale: search_notes vs the same FTS5 SQL on a plain SQLite copy (goal under 100 ms)",
        search_bench.bench_note_search),
    "standards": Benchmark(
        "National Standards obligations at Trust scale: all cases (goal under 2 s) and one case (goal under 5 ms)",
        standards_bench.bench_standards),
    "practice": Benchmark(
        "Practice audit at Trust scale: every case against the inspection's criteria (goal under 5 s), and the "
        "team view for a 10-officer team (goal under 1 s)",
        practice_bench.bench_practice),
    "court-report": Benchmark(
        "Court report: render a full standard delivery report to PDF (goal under 0.3 s) and open it",
        court_bench.bench_court_report),
    "sync": Benchmark(
        "Sync on loopback: push + pull 1,000 changes (goal under 2 s), first download of a 60-case caseload "
        "with its history, ~60,000 records (goal under 5 s, with its split); SQLite and PostgreSQL",
        sync_bench.bench_sync),
    "central-load": Benchmark(
        "Central store on PostgreSQL: syncs/s from 200 clients for 30 s (push 3, pull, verify) vs /health/s in the "
        "same run (goal at least half), and a sync with nothing new (goal one request, as cheap as /health)",
        central_load_bench.bench_central_load),
    "bundle": Benchmark(
        "Installed bundle: size, and launch to unlock prompt vs the venv and a bare QApplication",
        bundle_bench.bench_bundle),
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="benchmarks:\n" + "\n".join(
                                         f"  {k:<17} {b.title}{'' if b.default else ' [only with --only]'}"
                                         for k, b in BENCHMARKS.items()))
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="run only this benchmark (repeat, or separate names with commas)")
    parser.add_argument("--quick", action="store_true",
                        help="smaller data and fewer runs: a smoke run, not figures to quote")
    parser.add_argument("--runs", type=int, default=None, help="timed runs per measurement (default 9, quick 3)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list:
        for key, bench in BENCHMARKS.items():
            print(f"{key:<17} {bench.title}{'' if bench.default else ' [only with --only]'}")
        return 0
    if args.only:
        names = [n.strip() for item in args.only for n in item.split(",") if n.strip()]
        unknown = [n for n in names if n not in BENCHMARKS]
        if unknown:
            print(f"bench: unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}",
                  file=sys.stderr)
            return 2
    else:
        names = [k for k, b in BENCHMARKS.items() if b.default]
    ctx = Context(quick=args.quick, runs=args.runs or (3 if args.quick else 9))
    say(f"LPT Desktop benchmarks ({'quick smoke run' if args.quick else 'full'}; "
        f"{ctx.runs} timed runs after a warm-up; Python {sys.version.split()[0]}, {sys.platform}, "
        f"{os.cpu_count()} CPUs)")
    failed = []
    started = time.perf_counter()
    for key in names:
        bench = BENCHMARKS[key]
        say(f"\n== {key}: {bench.title}")
        t0 = time.perf_counter()
        try:
            bench.run(ctx)
        except Exception:  # noqa: BLE001 - report it, run the rest
            traceback.print_exc()
            failed.append(key)
            ctx.add(Result(key, "crashed", None, note="ERROR"))
        say(f"  ({key} took {fmt_s(time.perf_counter() - t0)})")

    print_table(ctx.results)
    with_goal = [r for r in ctx.results if r.met is not None]
    met = sum(1 for r in with_goal if r.met)
    say(f"goals met: {met} of {len(with_goal)}"
        + "".join(f"\n  NOT MET: {r.bench}: {r.name} (goal {r.goal})" for r in with_goal if not r.met)
        + "".join(f"\n  not yet available: {r.bench}: {r.name}" for r in ctx.results
                  if r.note == "not yet available"))
    say(f"total {fmt_s(time.perf_counter() - started)}")
    if failed:
        say(f"benchmarks that crashed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
