"""Run by test_kill: open a laptop's caseload, say READY, sync when told (a line on stdin), say DONE.

python -m tests.sync.sync_probe DB PASSPHRASE [TIMEOUT]

The parent SIGKILLs this process at a random moment after GO: a laptop that dies mid-sync (battery,
crash, lid closed) with whatever it had committed on disk.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from lpt_desktop.services.unlock import install_hooks
from lpt_desktop.store.database import Database
from lpt_desktop.sync import engine
from lpt_desktop.sync.client import SyncError


def main() -> int:
    path, passphrase = sys.argv[1], sys.argv[2]
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0
    batch = int(os.environ.get("LPT_SYNC_TEST_BATCH", "0"))
    if batch:  # small batches and pages: many commit points for the kill to land between
        engine.PUSH_BATCH = engine.PULL_PAGE = batch
    install_hooks()  # as services.unlock.unlock does
    db = Database.open(Path(path), passphrase)
    print("READY", flush=True)
    sys.stdin.readline()
    try:
        with engine.client_for(db, timeout=timeout) as client:
            result = engine.sync_once(db, client)
        print(f"DONE pushed={result.pushed} pulled={result.pulled} waiting={result.waiting}", flush=True)
    except SyncError as exc:
        print(f"FAILED {type(exc).__name__}", flush=True)
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
