"""Shared pieces of the benchmark harness: timing, results, the goal lines and the final table.

Every figure is judged against a baseline measured in the same run on the same machine; no
benchmark carries an absolute threshold from another machine.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "bench"
CACHE_DIR = BENCH_DIR / ".cache"  # gitignored; holds the Trust-scale database and its plain copy

# Synthetic data only, so the passphrase is not a secret; it is fixed so the cache can be reused.
BENCH_PASSPHRASE = "bench-passphrase-not-secret"
# The generator and the caseload query both depend on "today". A fixed date keeps a cached
# database and the query that reads it in step, whenever the benchmark is run.
BENCH_TODAY = date(2025, 1, 6)


@dataclass
class Timing:
    """Wall-clock seconds of repeated runs (the warm-up runs are not included)."""

    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def best(self) -> float:
        return min(self.samples)

    @property
    def worst(self) -> float:
        return max(self.samples)

    def spread(self) -> str:
        return f"median of {len(self.samples)}, min {fmt_s(self.best)}, max {fmt_s(self.worst)}"


def measure(fn: Callable[[], object], runs: int, warmup: int = 1) -> Timing:
    """Median-friendly samples: warm-up first, and a full collection before each run so garbage left
    by one run is not collected (and charged) in the next. The collector stays on while timing."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return Timing(samples)


def measure_interleaved(fns: dict[str, Callable[[], object]], runs: int, warmup: int = 1) -> dict[str, Timing]:
    """Like measure(), but round-robin over several functions, so a baseline and what is compared
    with it see the same machine conditions (a shared or throttled CPU drifts over seconds)."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    samples: dict[str, list[float]] = {k: [] for k in fns}
    keys = list(fns)
    for i in range(runs):
        for k in keys[i % len(keys):] + keys[:i % len(keys)]:  # rotate who goes first
            gc.collect()
            started = time.perf_counter()
            fns[k]()
            samples[k].append(time.perf_counter() - started)
    return {k: Timing(v) for k, v in samples.items()}


@dataclass
class Result:
    """One row of the final table."""

    bench: str
    name: str
    value: float | None  # seconds for timings, MiB for memory, None when not measured
    unit: str = "s"
    baseline: str = ""  # the row this one is compared with, if any
    ratio: float | None = None
    goal: str = ""  # e.g. "<= 1.5x" or "< 50 ms"
    met: bool | None = None
    note: str = ""


@dataclass
class Context:
    quick: bool
    runs: int
    results: list[Result] = field(default_factory=list)

    def add(self, result: Result) -> Result:
        self.results.append(result)
        return result


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    if seconds < 120:
        return f"{seconds:.2f} s"
    return f"{seconds / 60:.1f} min"


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return fmt_s(value)
    if unit == "MiB":
        return f"{value:.0f} MiB"
    return f"{value:g} {unit}".strip()


def goal_line(what: str, goal: str, met: bool, detail: str) -> None:
    print(f"  goal: {goal} {what}: {detail} -> {'MET' if met else 'NOT MET'}")


def say(text: str = "") -> None:
    print(text, flush=True)


def progress_printer(label: str) -> Callable[[int, int], None]:
    """A progress callback: one updating line on a terminal, a line per ~10% otherwise."""
    started = time.perf_counter()
    tty = sys.stdout.isatty()
    last = [-1]

    def report(done: int, total: int) -> None:
        elapsed = time.perf_counter() - started
        eta = elapsed / done * (total - done) if done else 0.0
        line = f"  {label}: {done:,} of {total:,} ({done / total:.0%}), {elapsed:.0f} s, about {eta:.0f} s left"
        if tty:
            print("\r" + line, end="\n" if done >= total else "", flush=True)
        else:
            decile = done * 10 // total
            if decile != last[0] or done >= total:
                last[0] = decile
                print(line, flush=True)

    return report


def peak_rss_mib() -> float:
    """Peak resident set size of this process, in MiB.

    Linux: VmHWM of this program image. ru_maxrss is not used there because it carries over the
    parent's peak across fork and exec, so a child started by a big parent reports the parent's size.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def evict_from_os_cache(*paths: Path) -> bool:
    """Ask the kernel to drop cached pages of these files (no privileges needed); False if unsupported."""
    if not hasattr(os, "posix_fadvise"):
        return False
    for path in paths:
        if not path.exists():
            continue
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
    return True


def run_probe(*args: str, timeout: float = 900) -> dict:
    """Run `python -m bench.probes ARGS` in a fresh interpreter; return the JSON on its last stdout line."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    proc = subprocess.run([sys.executable, "-m", "bench.probes", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"probe {args[0]} failed ({proc.returncode}): " + " | ".join(tail))
    return json.loads(proc.stdout.strip().splitlines()[-1])


def print_table(results: list[Result]) -> None:
    headers = ("benchmark", "measurement", "figure", "vs baseline", "ratio", "goal", "status")
    rows = []
    for r in results:
        status = "" if r.met is None else ("MET" if r.met else "NOT MET")
        rows.append((r.bench, r.name, fmt_value(r.value, r.unit), r.baseline,
                     "-" if r.ratio is None else f"{r.ratio:.2f}x", r.goal or "", status or r.note))
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join("-" * w for w in widths)
    print()
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print(line)
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    print(line)
