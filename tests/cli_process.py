"""`lpt` run as a real process, without paying its imports each time.

Each run is its own process, with its own environment, working folder, standard streams, exit code and (for an
uncaught exception) traceback, as `subprocess.run([python, "-m", "lpt_desktop.cli", ...])` gives. But the process
is forked from a multiprocessing fork server that has imported the CLI and the services it reaches once, so a
run costs the command's own work, not the second or more of imports each of hundreds of runs paid (the CLI test
files were among the slowest in `make test`). Nothing the CLI imports reads the environment at import time, so a
fork sees the environment it is given. A few tests still start `python -m lpt_desktop.cli` itself (the entry
point, real logging from a cold start): tests/test_plaintext.py, test_plan_cli.py, test_rosh_cli.py and
test_tier_agreement.py.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

# What the commands import on their first use (found with `python -X importtime -m lpt_desktop.cli ...`).
PRELOAD = [
    "lpt_desktop.cli",
    "lpt_desktop.cli.audit",
    "lpt_desktop.cli.caseload",
    "lpt_desktop.cli.check",
    "lpt_desktop.cli.contacts",
    "lpt_desktop.cli.court",
    "lpt_desktop.cli.plan",
    "lpt_desktop.cli.rosh",
    "lpt_desktop.cli.standards",
    "lpt_desktop.cli.sync",
    "lpt_desktop.cli.tier",
    "lpt_desktop.cli.transfer",
    "lpt_desktop.services.cases",
    "lpt_desktop.services.contacts",
    "lpt_desktop.services.obligations",
    "lpt_desktop.services.sync",
    "lpt_desktop.store.database",
    "alembic.runtime.migration",
    "alembic.command",
    "httpx",
    "reportlab.platypus",
]

_context: multiprocessing.context.BaseContext | None = None


def _forkserver() -> multiprocessing.context.BaseContext | None:
    global _context
    if _context is None and "forkserver" in multiprocessing.get_all_start_methods():
        from multiprocessing import forkserver, process, util

        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        # The fork server listens on a Unix socket in multiprocessing's temporary folder, made under
        # tempfile's folder: the suite points that at each test's own (long, and deleted after the test)
        # folder, past the 108 characters a socket path may have under xdist. A short folder of its own.
        config = process.current_process()._config  # type: ignore[attr-defined]
        cached = config.get("tempdir")
        if cached is None or len(cached) > 40 or not os.path.isdir(cached):
            short = tempfile.mkdtemp(prefix="pymp-", dir="/tmp" if os.path.isdir("/tmp") else None)
            util.Finalize(None, shutil.rmtree, args=[short], exitpriority=-100)
            config["tempdir"] = short
        forkserver.ensure_running()
        _context = ctx
    return _context


def _child(argv: list[str], env: dict[str, str], cwd: str, out: str, err: str) -> None:
    """In the forked process: become `lpt argv` run in cwd with env, output to the given files (multiprocessing
    has already given it /dev/null for input)."""
    os.environ.clear()
    os.environ.update(env)
    tempfile.tempdir = None  # found again from this environment, not the one the fork server started in
    os.chdir(cwd)
    for fd, path in ((1, out), (2, err)):
        opened = os.open(path, os.O_WRONLY)
        os.dup2(opened, fd)
        os.close(opened)
    sys.argv = ["lpt", *argv]
    from lpt_desktop.cli import main

    sys.exit(main(argv))  # an uncaught exception: multiprocessing prints its traceback to stderr, exit code 1


def run_lpt(args: Sequence[str], *, env: Mapping[str, str], cwd: str | Path,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`python -m lpt_desktop.cli *args` with stdin from /dev/null, output captured as text."""
    ctx = _forkserver()
    argv = [str(a) for a in args]
    if ctx is None:  # no fork server on this platform: a plain process
        return subprocess.run([sys.executable, "-m", "lpt_desktop.cli", *argv], env=dict(env), cwd=cwd,
                              capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory(prefix="lpt-run-") as tmp:
        out, err = Path(tmp, "stdout"), Path(tmp, "stderr")
        for f in (out, err):
            f.touch()
        process = ctx.Process(target=_child,  # type: ignore[attr-defined]
                              args=(argv, dict(env), str(cwd), str(out), str(err)))
        process.start()
        process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join()
            raise subprocess.TimeoutExpired(["lpt", *argv], timeout)
        code = process.exitcode
        assert code is not None
        return subprocess.CompletedProcess(["lpt", *argv], code, out.read_text(encoding="utf-8"),
                                           err.read_text(encoding="utf-8"))
