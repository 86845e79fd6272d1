"""The caseload file's commands of `lpt`: `lpt demo`, `lpt caseload` and `lpt passphrase` (no Qt)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lpt_desktop.cli.common import ask_passphrase, opened, print_json
from lpt_desktop.paths import default_db_path


def _cmd_demo(args: argparse.Namespace) -> int:
    from lpt_desktop.services.demo import DemoSpec, create_demo

    passphrase = ask_passphrase("LPT_PASSPHRASE", "Passphrase for the new demo caseload: ", confirm=True)

    def progress(done: int, total: int) -> None:
        if not args.quiet:
            print(f"\r{done:,} of {total:,} cases", end="", file=sys.stderr, flush=True)

    db = create_demo(args.db, passphrase, DemoSpec(args.cases, args.contacts_per_case, args.seed),
                     progress=progress)
    db.close()
    if not args.quiet:
        print(f"\nDemo caseload written to {args.db}", file=sys.stderr)
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    from lpt_desktop.domain.validation import ValidationError
    from lpt_desktop.services.unlock import start_caseload

    passphrase = ask_passphrase("LPT_PASSPHRASE", "Passphrase for the new caseload: ", confirm=True)
    try:
        start_caseload(args.db, passphrase, args.officer, args.staff_code, team=args.team)
    except ValidationError as exc:
        print(f"lpt init: {exc}", file=sys.stderr)
        return 2
    print(f"New caseload for {args.officer.strip()} at {args.db}. Set up sync to download your cases: "
          f"lpt sync setup --db {args.db} --server URL --user NAME")
    return 0


def _cmd_caseload(args: argparse.Namespace) -> int:
    from lpt_desktop.domain.dates import format_date
    from lpt_desktop.services.caseload import caseload_json, load_caseload

    with opened(args.db) as db:
        rows = load_caseload(db)
    if args.json:
        print_json(caseload_json(rows))
    else:
        for r in rows:
            flags = ",".join(r.flags)
            print(f"{r.crn}  {r.name:<28} {r.order_type:<4} {r.tier:<3} {r.rosh_label:<10} {flags:<16} "
                  f"{format_date(r.next_due)} {r.next_due_what}")
    return 0


def _cmd_passphrase(args: argparse.Namespace) -> int:
    from lpt_desktop.services.unlock import change_passphrase

    old = ask_passphrase("LPT_PASSPHRASE", "Current passphrase: ")
    new = ask_passphrase("LPT_NEW_PASSPHRASE", "New passphrase: ", confirm=True)
    change_passphrase(args.db, old, new)
    print("Passphrase changed.", file=sys.stderr)
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register this feature's subcommands on the `lpt` parser."""
    demo = sub.add_parser("demo", help="write a synthetic demo caseload to a new encrypted file")
    demo.add_argument("--db", type=Path, required=True)
    demo.add_argument("--cases", type=int, default=60)
    demo.add_argument("--contacts-per-case", type=int, default=20)
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--quiet", action="store_true")
    demo.set_defaults(func=_cmd_demo)

    init = sub.add_parser("init", help="start a new, empty caseload for an officer (then set up sync)")
    init.add_argument("--db", type=Path, required=True)
    init.add_argument("--officer", required=True, help="the officer's name")
    init.add_argument("--staff-code", required=True)
    init.add_argument("--team", default=None)
    init.set_defaults(func=_cmd_init)

    caseload = sub.add_parser("caseload", help="list the caseload")
    caseload.add_argument("--db", type=Path, default=default_db_path())
    caseload.add_argument("--json", action="store_true")
    caseload.set_defaults(func=_cmd_caseload)

    pp = sub.add_parser("passphrase", help="change the passphrase (the database is not re-encrypted)")
    pp.add_argument("--db", type=Path, default=default_db_path())
    pp.set_defaults(func=_cmd_passphrase)
