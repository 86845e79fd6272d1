"""`lpt check`: is the caseload file whole? Exit 0 if it is, 1 with what is damaged if not (no Qt).

It opens the file as the window does, without migrating it (a check never changes the schema), so a damaged
-wal is kept aside and named here too, then reads every page.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lpt_desktop.cli.common import ask_passphrase


def _cmd_check(args: argparse.Namespace) -> int:
    from lpt_desktop.services.unlock import check_file, opening_notices
    from lpt_desktop.store.database import Database

    db = Database.open(args.db, ask_passphrase("LPT_PASSPHRASE", "Passphrase: "), migrate=False)
    try:
        notices = opening_notices(db)
        report = check_file(db)
    finally:
        db.close()
    for notice in notices:
        print(f"lpt check: {notice}", file=sys.stderr)
    if report.whole and not notices:
        print(f"{args.db.name} is whole: {report.pages:,} pages checked in {report.seconds:.2f} s.")
        return 0
    if not report.whole:
        print(f"lpt check: {report.officer_message()}", file=sys.stderr)
        for problem in report.problems:
            print(f"  {problem}", file=sys.stderr)
    else:
        print(f"{args.db.name}: every page is whole ({report.pages:,} pages), but recent changes were lost (above).")
    return 1


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register this feature's subcommands on the `lpt` parser."""
    check = sub.add_parser("check", help="check every page of a caseload file: exit 0 if whole, 1 if damaged")
    check.add_argument("--db", type=Path, required=True)
    check.set_defaults(func=_cmd_check)
