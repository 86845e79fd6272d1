"""The sync commands of `lpt`, for support staff and tests, through the same services as the window (no Qt):

    lpt sync setup --db PATH --server URL --user NAME    # password from LPT_CENTRAL_PASSWORD or a prompt
    lpt sync now --db PATH
    lpt sync status --db PATH [--json]                   # state, waiting, rejected, conflicts, last_synced
    lpt sync export-rejected --db PATH --out FILE.json   # the changes not accepted, set aside (NOT encrypted)

Exit 0 when the command did what it says; otherwise one line on stderr and a non-zero code.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lpt_desktop.cli.common import opened, print_json
from lpt_desktop.paths import default_db_path

if TYPE_CHECKING:
    from lpt_desktop.services.sync import SyncResult, SyncStatus

# What `lpt sync status` says for each state (sync/status.overall decides which).
STATE_WORDS = {
    "not_set_up": "not set up: run `lpt sync setup`",
    "offline": "offline: the central store cannot be reached",
    "waiting": "changes waiting to be sent",
    "rejected": "changes not accepted by the central store (`lpt sync export-rejected` sets them aside)",
    "conflicts": "conflicts waiting for a choice in the window (Sync › Conflicts)",
    "synced": "synced",
}


def _password() -> str:
    value = os.environ.get("LPT_CENTRAL_PASSWORD")
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise SystemExit("lpt: no password: set LPT_CENTRAL_PASSWORD or run in a terminal to be asked")
    return getpass.getpass("Central store password: ")


def _failed(exc: BaseException) -> SystemExit:
    return SystemExit(f"lpt: {exc}".rstrip())


def _summary(result: SyncResult) -> str:
    parts = [f"sent {result.pushed}", f"received {result.pulled}"]
    if result.retried:
        parts.append(f"sent again {result.retried}")
    if result.open_rejections:
        parts.append(f"{result.open_rejections} not accepted")
    if result.open_conflicts:
        parts.append(f"{result.open_conflicts} conflicts")
    if result.waiting:
        parts.append(f"{result.waiting} still waiting")
    return ", ".join(parts)


def _cmd_setup(args: argparse.Namespace) -> int:
    from lpt_desktop.services import sync as svc

    password = _password()
    with opened(args.db) as db:
        try:
            result = svc.enrol(db, args.server, args.user, password)
        except svc.SyncError as exc:
            raise _failed(exc) from None
        status = svc.sync_status(db)
    if result.cancelled:
        raise SystemExit("lpt: set up, but the first download stopped part way: run `lpt sync now`")
    print(f"Set up sync with {status.server} as {status.username}: {_summary(result)}")
    return 0


def _cmd_now(args: argparse.Namespace) -> int:
    from lpt_desktop.services import sync as svc

    with opened(args.db) as db:
        try:
            result = svc.sync_now(db)
        except svc.NotEnrolled:
            raise SystemExit("lpt: this caseload is not set up for sync: run `lpt sync setup` first") from None
        except svc.SyncError as exc:
            raise _failed(exc) from None
    if result.cancelled:
        raise SystemExit("lpt: the sync stopped part way; what it did is kept: run it again")
    print(f"Synced: {_summary(result)}")
    return 0


def status_json(status: SyncStatus, offline: bool) -> dict[str, Any]:
    last = status.last_synced_at
    return {
        "state": status.state(offline),
        "waiting": status.waiting_changes,
        "rejected": status.rejected,
        "conflicts": status.open_conflicts,
        "last_synced": last.replace(tzinfo=UTC).isoformat(timespec="seconds") if last else None,
        "server": status.server,
        "user": status.username,
    }


def _cmd_status(args: argparse.Namespace) -> int:
    from lpt_desktop.services import sync as svc

    with opened(args.db) as db:
        status = svc.sync_status(db)
        offline = status.enrolled and not svc.server_reachable(db)
    data = status_json(status, offline)
    if args.json:
        print_json(data)
        return 0
    print(f"Sync: {STATE_WORDS[data['state']]}")
    if status.enrolled:
        print(f"Central store: {status.server} as {status.username}")
        print(f"Waiting: {data['waiting']} · not accepted: {data['rejected']} · conflicts: {data['conflicts']}")
        print(f"Last synced: {data['last_synced'] or 'never'}")
    return 0


def _cmd_export_rejected(args: argparse.Namespace) -> int:
    from lpt_desktop.services import sync as svc

    out = Path(args.out)
    if out.is_dir():
        raise SystemExit(f"lpt: --out names a folder: give a file name, e.g. {out / 'not-accepted.json'}")
    with opened(args.db) as db:
        n = svc.export_rejected(db, out)
    if not n:
        print("Nothing to export: no change is waiting as not accepted.")
        return 0
    print(f"Exported {n} change{'s' if n != 1 else ''} not accepted to {out}, and set them aside.")
    print("This file is NOT encrypted (unprotected): keep it on an encrypted drive and delete it once dealt with.")
    return 0


def add_commands(sub: Any) -> None:
    p = sub.add_parser("sync", help="sync with the central store (setup, now, status, export-rejected)")
    ssub = p.add_subparsers(dest="sync_command", required=True)

    def db_arg(q: argparse.ArgumentParser) -> None:
        q.add_argument("--db", type=Path, default=default_db_path(), help="the caseload file")

    q = ssub.add_parser("setup", help="sign in, send what this laptop holds and download the caseload "
                                      "(password from LPT_CENTRAL_PASSWORD or a prompt)")
    db_arg(q)
    q.add_argument("--server", required=True, help="the central store's address, e.g. https://lpt.example")
    q.add_argument("--user", required=True, help="your user name on the central store")
    q.set_defaults(func=_cmd_setup)

    q = ssub.add_parser("now", help="send waiting changes and fetch others' now")
    db_arg(q)
    q.set_defaults(func=_cmd_now)

    q = ssub.add_parser("status", help="whether everything is synced: state, waiting, not accepted, conflicts")
    db_arg(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=_cmd_status)

    q = ssub.add_parser("export-rejected", help="save the changes not accepted to a JSON file (NOT encrypted) "
                                                "and take them off the list")
    db_arg(q)
    q.add_argument("--out", required=True, help="the JSON file to write")
    q.set_defaults(func=_cmd_export_rejected)
