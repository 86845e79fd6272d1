"""The `lpt` command: scripting, support staff and tests (no Qt).

The passphrase comes from LPT_PASSPHRASE or a prompt; a new one from LPT_NEW_PASSPHRASE or a prompt.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from lpt_desktop import __version__
from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.logs import log_exception, setup_logging
from lpt_desktop.paths import default_db_path
from lpt_desktop.store.errors import StoreError

if TYPE_CHECKING:
    from lpt_desktop.store.database import Database


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


@contextmanager
def _opened(path: Path) -> Iterator[Database]:
    """The caseload at `path`, unlocked for one command and locked again however the command ends."""
    from lpt_desktop.services.unlock import unlock

    db = unlock(path, _passphrase("LPT_PASSPHRASE", "Passphrase: "))
    try:
        yield db
    finally:
        db.close()


def _print_json(data: object) -> None:
    json.dump(data, sys.stdout, indent=1)
    print()


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

    with _opened(args.db) as db:
        rows = load_caseload(db)
    if args.json:
        _print_json(caseload_json(rows))
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


def _contact_json(v) -> dict:  # noqa: ANN001 - a services.contacts.ContactView
    return {
        "id": v.id, "at": v.starts_at.isoformat(timespec="minutes"), "type": v.type_code, "type_label": v.type_label,
        "outcome": v.outcome or None, "outcome_label": v.outcome_label or None,
        "absence_reason": v.absence_reason or None, "evidence": v.evidence or None, "location": v.location or None,
        "notes": v.notes, "risk_areas": list(v.risk_areas), "needs": list(v.needs), "restricted": v.restricted,
        "amends": v.amends_id, "amended_by": v.amended_by_id, "author": v.author,
        "enforcement": [{"action": e.action, "label": e.label, "decided_on": e.decided_on.isoformat(),
                         "reason": e.reason or None} for e in v.enforcement],
        "open": [{"what": i.what, "due": i.due.isoformat()} for i in v.open_items],
    }


def _cmd_contacts_add(args: argparse.Namespace) -> int:
    from datetime import datetime

    from lpt_desktop.domain.contacts import ContactInput
    from lpt_desktop.services.cases import person_id_for_crn
    from lpt_desktop.services.contacts import list_contacts, record_contact

    try:
        at = datetime.fromisoformat(args.at)
        if at.tzinfo is not None:  # the record keeps local wall-clock time, as the window does
            at = at.astimezone().replace(tzinfo=None)
    except ValueError:
        raise ValueError(f"--at: '{args.at}' is not a date and time: use ISO form, e.g. 2026-11-23T10:30") from None
    with _opened(args.db) as db:
        pid = person_id_for_crn(db, args.crn)
        cid = record_contact(db, pid, ContactInput(
            type_code=args.type.upper(), starts_at=at, outcome=(args.outcome or "").upper(),
            absence_reason=(args.absence_reason or "").upper(), location=args.location or "",
            notes=args.notes or "", enforcement_action=(args.enforcement or "").upper(),
            enforcement_reason=args.enforcement_reason or ""))
        view = next(v for v in list_contacts(db, pid) if v.id == cid)
    if args.json:
        _print_json(_contact_json(view))
    else:
        print(f"Recorded {view.type_label.lower()} on {view.starts_at:%d/%m/%Y %H:%M} for {args.crn.upper()}"
              f"{': ' + view.outcome_label.lower() if view.outcome_label else ''}")
    return 0


def _cmd_contacts_list(args: argparse.Namespace) -> int:
    from lpt_desktop.services.cases import person_id_for_crn
    from lpt_desktop.services.contacts import list_contacts

    with _opened(args.db) as db:
        views = list_contacts(db, person_id_for_crn(db, args.crn), include_history=args.history)
    if args.json:
        _print_json([_contact_json(v) for v in views])
    else:
        for v in views:
            print(f"{v.starts_at:%d/%m/%Y %H:%M}  {v.type_label:<28} {v.outcome_label:<28} {v.notes[:60]}")
    return 0


def _cmd_enforcement_due(args: argparse.Namespace) -> int:
    from lpt_desktop.domain.dates import format_date
    from lpt_desktop.services.contacts import enforcement_due

    with _opened(args.db) as db:
        items = enforcement_due(db)
    if args.json:
        _print_json([{"crn": i.crn, "name": i.name, "contact_id": i.contact_id, "failure_on": i.failure_on.isoformat(),
                    "outcome": i.outcome_label, "what": i.what, "due": i.due.isoformat(), "overdue": i.overdue}
                   for i in items])
    else:
        for i in items:
            flag = "OVERDUE " if i.overdue else ""
            print(f"{flag}{format_date(i.due)}  {i.crn}  {i.name:<26} {i.what} (failure {format_date(i.failure_on)})")
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

    contacts = sub.add_parser("contacts", help="record and list contacts")
    csub = contacts.add_subparsers(dest="contacts_command", required=True)
    add = csub.add_parser("add", help="record one contact")
    add.add_argument("--db", type=Path, default=default_db_path())
    add.add_argument("--crn", required=True)
    add.add_argument("--type", required=True, help="contact type code, e.g. COAP")
    add.add_argument("--outcome", help="outcome code, e.g. ATTC")
    add.add_argument("--absence-reason", help="reason code for an acceptable absence, e.g. AAME")
    add.add_argument("--at", required=True, help="date and time, ISO form: 2026-11-23T10:30")
    add.add_argument("--location")
    add.add_argument("--notes")
    add.add_argument("--enforcement", help="enforcement action code for a failure, e.g. EA02")
    add.add_argument("--enforcement-reason")
    add.add_argument("--json", action="store_true")
    add.set_defaults(func=_cmd_contacts_add)
    lst = csub.add_parser("list", help="a case's contact log, newest first")
    lst.add_argument("--db", type=Path, default=default_db_path())
    lst.add_argument("--crn", required=True)
    lst.add_argument("--history", action="store_true", help="include amended versions")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=_cmd_contacts_list)

    enforcement = sub.add_parser("enforcement", help="enforcement decisions")
    esub = enforcement.add_subparsers(dest="enforcement_command", required=True)
    due = esub.add_parser("due", help="open enforcement decisions and deadlines across the caseload")
    due.add_argument("--db", type=Path, default=default_db_path())
    due.add_argument("--json", action="store_true")
    due.set_defaults(func=_cmd_enforcement_due)

    pp = sub.add_parser("passphrase", help="change the passphrase (the database is not re-encrypted)")
    pp.add_argument("--db", type=Path, default=default_db_path())
    pp.set_defaults(func=_cmd_passphrase)

    # Feature commands live beside their feature: standards (workdays, obligations, due), court reports.
    from lpt_desktop import cli_court, cli_standards

    for feature in (cli_standards, cli_court):
        feature.add_commands(sub)
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
    except OSError as exc:  # a folder given as --db, a full disk, no permission
        print(f"lpt: {exc.strerror or exc.__class__.__name__}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    except Exception as exc:  # never a traceback for the officer; the type goes to the log for support
        log_exception(logging.getLogger(__name__), f"lpt {args.command} failed", exc)
        print(f"lpt: that did not work ({exc.__class__.__name__}); nothing was half-saved", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("lpt: interrupted; nothing half-saved (each batch is one transaction)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
