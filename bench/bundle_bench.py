"""The installed bundle: size, and launch to unlock prompt against the venv and a bare QApplication.

Uses dist/lpt-desktop when `make installer` has built it; otherwise builds the bundle once into
bench/.cache/bundle (about a minute) and reuses it while installer/, lpt_desktop/, resources/ and
db/ are unchanged. The app prints READY once its prompt is on screen when LPT_REPORT_READY is set.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO, Context, Result, fmt_s, say
from bench.gui_bench import _child_env, _launch_median

CACHE = REPO / "bench" / ".cache" / "bundle"
SOURCES = ("installer", "lpt_desktop", "resources", "db", "ui")


def _newest_source() -> float:
    return max(p.stat().st_mtime for d in SOURCES for p in (REPO / d).rglob("*") if p.is_file())


def _bundle() -> Path:
    for folder in (REPO / "dist" / "lpt-desktop", CACHE / "dist" / "lpt-desktop"):
        exe = folder / "lpt-desktop"
        if exe.exists() and exe.stat().st_mtime >= _newest_source():
            return folder
    say("  building the bundle into bench/.cache/bundle (about a minute)...")
    started = time.perf_counter()
    subprocess.run([sys.executable, str(REPO / "ui" / "compile.py")], check=True, capture_output=True)
    subprocess.run([str(Path(sys.executable).parent / "pyinstaller"), "--noconfirm", "--log-level", "ERROR",
                    "--distpath", str(CACHE / "dist"), "--workpath", str(CACHE / "build"),
                    str(REPO / "installer" / "lpt-desktop.spec")], check=True, capture_output=True, cwd=REPO)
    say(f"  built in {fmt_s(time.perf_counter() - started)}")
    return CACHE / "dist" / "lpt-desktop"


def _size_mib(folder: Path) -> float:
    # Symlinks (PyInstaller links shared libraries between folders) count once, as du does.
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def _ready_once(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    wall = None
    for line in proc.stdout:
        if line.strip() == "READY":
            wall = time.perf_counter() - started
            break
    proc.wait(timeout=60)
    if wall is None:
        raise RuntimeError(f"{cmd[0]} never reported its unlock prompt (exit {proc.returncode})")
    return wall


def _ready_median(cmd: list[str], env: dict[str, str], runs: int) -> tuple[float, float, float]:
    _ready_once(cmd, env)  # warm-up: the OS file cache holds the libraries afterwards
    walls = [_ready_once(cmd, env) for _ in range(runs)]
    return statistics.median(walls), min(walls), max(walls)


def bench_bundle(ctx: Context) -> None:
    name = "bundle"
    runs = 3 if ctx.quick else ctx.runs
    try:
        folder = _bundle()
    except (subprocess.CalledProcessError, OSError) as exc:
        say(f"  the bundle could not be built: {exc}")
        ctx.add(Result(name, "bundle launch to unlock prompt", None, note="build failed"))
        return
    size = _size_mib(folder)
    say(f"  bundle: {folder.relative_to(REPO)}, {size:.0f} MiB on disk")
    ctx.add(Result(name, "bundle size on disk", size, unit="MiB"))
    tmp = Path(tempfile.mkdtemp(prefix="lpt-bench-bundle-"))
    try:
        env = _child_env(tmp)
        env.pop("PYTHONPATH", None)
        env["LPT_REPORT_READY"] = "1"
        db = str(tmp / "none-yet.lptdb")  # the prompt appears whether or not the file exists
        bare, _ready, _report = _launch_median(["qt-bare"], _child_env(tmp), runs)
        base = "bare QApplication + window"
        ctx.add(Result(name, base, bare))
        venv, vmin, vmax = _ready_median([str(Path(sys.executable).parent / "lpt-desktop"), "--db", db], env, runs)
        ctx.add(Result(name, "venv launch to unlock prompt", venv, baseline=base, ratio=venv / bare))
        wall, bmin, bmax = _ready_median([str(folder / "lpt-desktop"), "--db", db], env, runs)
        ctx.add(Result(name, "bundle launch to unlock prompt", wall, baseline=base, ratio=wall / bare))
        say(f"  bare QApplication + window: {fmt_s(bare)}; venv lpt-desktop: {fmt_s(venv)} "
            f"(min {fmt_s(vmin)}, max {fmt_s(vmax)}); bundle: {fmt_s(wall)} (min {fmt_s(bmin)}, max {fmt_s(bmax)}), "
            f"median of {runs}, spawn to prompt shown")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
