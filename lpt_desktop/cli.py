"""The `lpt` command: scripting, support staff and tests (no Qt).

The passphrase comes from LPT_PASSPHRASE or a prompt; a new one from LPT_NEW_PASSPHRASE or a prompt.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from lpt_desktop import __version__
from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.logs import setup_logging
from lpt_desktop.paths import default_db_path
from lpt_desktop.store.errors import StoreError


def _passphrase(var: str, prompt: str, confirm: bool = False) -> str:
    value = os.environ.get(var)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise SystemExit(f"lpt: no passphrase: set {var} or run in a terminal to be asked")
    value = getpass.getpass(prompt)
    if confirm and getpass.getpass("Type it again: ") != value:
        raise SystemExit("lpt: the two passphrases differ; nothing has been changed")
    return value


def _cmd_demo(args: argparse.Namespace) -> int:
    from lpt_desktop.services.demo import DemoSpec, create_demo

    passphrase = _passphrase("LPT_PASSPHRASE", "Passphrase for the new demo caseload: ", confirm=True)

    def progress(done: int, total: int) -> None:
        if not args.quiet:
            print(f"\r{done:,} of {total:,} cases", end="", file=sys.stderr, flush=True)

    db = create_demo(args.db, passphrase, DemoSpec(args.cases, args.contacts_per_case, args.seed),
                     progress=progress)
    db.close()
    if not args.quiet:
        print(f"\nDemo caseload written to {args.db}", file=sys.stderr)
    return 0


def _cmd_caseload(args: argparse.Namespace) -> int:
    from lpt_desktop.domain.dates import format_date
    from lpt_desktop.services.caseload import caseload_json, load_caseload
    from lpt_desktop.services.unlock import unlock

    db = unlock(args.db, _passphrase("LPT_PASSPHRASE", "Passphrase: "))
    try:
        rows = load_caseload(db)
    finally:
        db.close()
    if args.json:
        json.dump(caseload_json(rows), sys.stdout, indent=1)
        print()
    else:
        for r in rows:
            flags = ",".join(r.flags)
            print(f"{r.crn}  {r.name:<28} {r.order_type:<4} {r.tier:<3} {r.rosh_label:<10} {flags:<16} "
                  f"{format_date(r.next_due)} {r.next_due_what}")
    return 0


def _cmd_passphrase(args: argparse.Namespace) -> int:
    from lpt_desktop.services.unlock import change_passphrase

    old = _passphrase("LPT_PASSPHRASE", "Current passphrase: ")
    new = _passphrase("LPT_NEW_PASSPHRASE", "New passphrase: ", confirm=True)
    change_passphrase(args.db, old, new)
    print("Passphrase changed.", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lpt", description="LPT Desktop command line")
    parser.add_argument("--version", action="version", version=f"lpt {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="write a synthetic demo caseload to a new encrypted file")
    demo.add_argument("--db", type=Path, required=True)
    demo.add_argument("--cases", type=int, default=60)
    demo.add_argument("--contacts-per-case", type=int, default=20)
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--quiet", action="store_true")
    demo.set_defaults(func=_cmd_demo)

    caseload = sub.add_parser("caseload", help="list the caseload")
    caseload.add_argument("--db", type=Path, default=default_db_path())
    caseload.add_argument("--json", action="store_true")
    caseload.set_defaults(func=_cmd_caseload)

    pp = sub.add_parser("passphrase", help="change the passphrase (the database is not re-encrypted)")
    pp.add_argument("--db", type=Path, default=default_db_path())
    pp.set_defaults(func=_cmd_passphrase)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging()
    try:
        return args.func(args)
    except (StoreError, ValidationError, ValueError) as exc:
        print(f"lpt: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and friends
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("lpt: interrupted; nothing half-saved (each batch is one transaction)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
