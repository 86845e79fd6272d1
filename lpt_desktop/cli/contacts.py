"""The contact commands of `lpt`: `lpt contacts add`, `lpt contacts list` and `lpt enforcement due` (no Qt)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lpt_desktop.cli.common import opened, print_json
from lpt_desktop.paths import default_db_path

if TYPE_CHECKING:
    from lpt_desktop.services.contacts import ContactView


def _contact_json(v: ContactView) -> dict[str, Any]:
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


def _need_codes() -> list[str]:
    from lpt_desktop.domain.contacts import contact_codes

    return list(contact_codes().needs)


def _cmd_contacts_add(args: argparse.Namespace) -> int:
    from datetime import datetime

    from lpt_desktop.domain.contacts import ContactInput
    from lpt_desktop.services.cases import person_id_for_crn
    from lpt_desktop.services.contacts import list_contacts, record_contact, warnings_for

    try:
        at = datetime.fromisoformat(args.at)
        if at.tzinfo is not None:  # the record keeps local wall-clock time, as the window does
            at = at.astimezone().replace(tzinfo=None)
    except ValueError:
        raise ValueError(f"--at: '{args.at}' is not a date and time: use ISO form, e.g. 2026-11-23T10:30") from None
    with opened(args.db) as db:
        pid = person_id_for_crn(db, args.crn)
        data = ContactInput(
            type_code=args.type.upper(), starts_at=at, outcome=(args.outcome or "").upper(),
            absence_reason=(args.absence_reason or "").upper(), evidence=(args.evidence or "").lower(),
            location=args.location or "", notes=args.notes or "",
            enforcement_action=(args.enforcement or "").upper(), enforcement_reason=args.enforcement_reason or "",
            absence_judgement=(args.judgement or "").lower(),
            needs=tuple(dict.fromkeys(n.strip().lower() for n in args.need or ())))
        cid = record_contact(db, pid, data)
        # Warnings are not refusals: the contact is saved, and what may be a slip is said on stderr.
        for w in warnings_for(db, pid, data, amends_id=cid):
            print(f"Warning: {w}", file=sys.stderr)
        view = next(v for v in list_contacts(db, pid) if v.id == cid)
    if args.json:
        print_json(_contact_json(view))
    else:
        print(f"Recorded {view.type_label.lower()} on {view.starts_at:%d/%m/%Y %H:%M} for {args.crn.upper()}"
              f"{': ' + view.outcome_label.lower() if view.outcome_label else ''}")
    return 0


def _cmd_contacts_list(args: argparse.Namespace) -> int:
    from lpt_desktop.services.cases import person_id_for_crn
    from lpt_desktop.services.contacts import list_contacts

    with opened(args.db) as db:
        views = list_contacts(db, person_id_for_crn(db, args.crn), include_history=args.history)
    if args.json:
        print_json([_contact_json(v) for v in views])
    else:
        for v in views:
            print(f"{v.starts_at:%d/%m/%Y %H:%M}  {v.type_label:<28} {v.outcome_label:<28} {v.notes[:60]}")
    return 0


def _cmd_enforcement_due(args: argparse.Namespace) -> int:
    from lpt_desktop.domain.dates import format_date
    from lpt_desktop.services.contacts import enforcement_due

    with opened(args.db) as db:
        items = enforcement_due(db)
    if args.json:
        print_json([{"crn": i.crn, "name": i.name, "contact_id": i.contact_id, "failure_on": i.failure_on.isoformat(),
                    "outcome": i.outcome_label, "what": i.what, "due": i.due.isoformat(), "overdue": i.overdue}
                   for i in items])
    else:
        for i in items:
            flag = "OVERDUE " if i.overdue else ""
            print(f"{flag}{format_date(i.due)}  {i.crn}  {i.name:<26} {i.what} (failure {format_date(i.failure_on)})")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register this feature's subcommands on the `lpt` parser."""
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
    add.add_argument("--evidence", help="evidence for an acceptable absence: awaited, received or not_needed")
    add.add_argument("--judgement", choices=("acceptable", "unacceptable"),
                     help="a failure to attend (AFTA) judged acceptable or unacceptable; needed before --enforcement")
    add.add_argument("--enforcement", help="enforcement action code for a failure, e.g. EA02")
    add.add_argument("--enforcement-reason", help="why this decision (needed with --enforcement)")
    add.add_argument("--need", action="append", metavar="CODE",
                     help="a need worked on (repeat for more): the needs assessment's section codes, "
                          + ", ".join(_need_codes()))
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
